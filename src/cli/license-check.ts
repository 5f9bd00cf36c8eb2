// `kas license-check [--key FILE] [--json]`: judge the installed license key (exit codes for
// monitoring, license/report.ts), and the issuer's tools as subcommands, so the command list
// stays as it is: `kas license-check keygen --out NAME`, `kas license-check issue ...`.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { loadConfig } from "../config/load";
import { licenseUsagePath } from "../config/paths";
import { EXIT, KasError, StateError, UsageError } from "../errors";
import { issueLicense } from "../license/issue";
import { parsePrivateKey, writeKeyPair } from "../license/keys";
import { buildReport, renderJson, renderText, type UsageFigures } from "../license/report";
import { LicenseService, type LicenseConfig } from "../license/service";
import { MemoryUsageStore, SqliteUsageStore } from "../license/usage";
import { CONFIG_ARG, kasCommand } from "./command";

const keygen = kasCommand({
  name: "keygen",
  description: "Create a license issuer key pair: NAME.key (private, mode 0600) signs keys, NAME.pub goes into [license] trusted_issuers",
  exitCodes: { 0: "written", 64: "no --out", 73: "NAME.key or NAME.pub exists already, or cannot be written" },
  args: { out: { type: "string", description: "file name without extension", valueHint: "NAME" } },
  run({ args }) {
    if (!args.out) throw new UsageError("--out NAME is required", "kas license-check keygen --out /etc/kas/issuer");
    const kp = writeKeyPair(args.out, "license");
    console.log(`${kp.privatePath}: private issuer key (mode 0600): keep it secret, it signs license keys`);
    console.log(`${kp.publicPath}: public key ${kp.publicKey.text}`);
    console.log(`trust it with: [license] trusted_issuers = [${JSON.stringify(kp.publicPath)}]`);
  },
});

const issue = kasCommand({
  name: "issue",
  description: "Sign a license key file with an issuer's private key",
  exitCodes: { 0: "written", 64: "a flag is missing or wrong (dates, limits, domains)", 65: "--key is not a kas private key", 66: "--key cannot be read", 73: "--out cannot be written" },
  args: {
    key: { type: "string", description: "issuer private key (from keygen)", valueHint: "NAME.key" },
    licensee: { type: "string", description: "who the license is for", valueHint: "TEXT" },
    expires: { type: "string", description: "last valid day (UTC)", valueHint: "YYYY-MM-DD" },
    starts: { type: "string", description: "first valid day (default: today)", valueHint: "YYYY-MM-DD" },
    serial: { type: "string", description: "serial number (default: KAS-<date>-<random>)", valueHint: "TEXT" },
    edition: { type: "string", description: "edition (default: standard)", valueHint: "TEXT" },
    maxAddresses: { type: "string", description: "most protected mail addresses", valueHint: "N" },
    domains: { type: "string", description: "protected domains (and their subdomains), comma-separated", valueHint: "a.example,b.example" },
    out: { type: "string", description: "license key file to write", valueHint: "FILE" },
  },
  run({ args }) {
    const example = "kas license-check issue --key issuer.key --licensee 'Example GmbH' --expires 2027-12-31 --max-addresses 500 --out license.key";
    for (const k of ["key", "licensee", "expires", "out"] as const) if (!args[k]) throw new UsageError(`--${k} is required`, example);
    const maxText = args.maxAddresses as string | undefined;
    if (maxText !== undefined && !/^\d+$/.test(maxText)) throw new UsageError(`--max-addresses ${JSON.stringify(maxText)} is not a whole number`, example);
    let keyText: string;
    try {
      keyText = readFileSync(args.key!, "utf8");
    } catch (e) {
      throw new KasError(`cannot read issuer key ${args.key}: ${(e as NodeJS.ErrnoException).code ?? e}`, EXIT.NOINPUT, "give the NAME.key file written by `kas license-check keygen`");
    }
    const key = parsePrivateKey(keyText);
    if (typeof key === "string") throw new KasError(`${args.key}: ${key}`, EXIT.DATAERR, "give the NAME.key file written by `kas license-check keygen` (not the .pub)");
    const r = issueLicense(
      {
        licensee: args.licensee!,
        expires: args.expires!,
        starts: args.starts,
        serial: args.serial,
        edition: args.edition,
        maxAddresses: maxText === undefined ? undefined : Number(maxText),
        domains: args.domains === undefined ? undefined : args.domains.split(","),
      },
      key,
    );
    if ("problem" in r) throw new UsageError(r.problem, example);
    try {
      writeFileSync(args.out!, r.text, { mode: 0o644 });
    } catch (e) {
      throw new StateError(`cannot write ${args.out}: ${(e as NodeJS.ErrnoException).code ?? e}`, "check the directory exists and is writable");
    }
    const l = r.license;
    console.log(`${args.out}: serial ${l.serial} for ${l.licensee}, valid ${l.starts} .. ${l.expires}, issuer ${l.issuer_key}`);
  },
});

/** Addresses recorded by the server, read-only: the check never creates or changes the store. */
function usageFigures(config: LicenseConfig): UsageFigures {
  const path = licenseUsagePath(config);
  if (!existsSync(path)) return { inUse: 0 };
  try {
    const store = new SqliteUsageStore(path, { readonly: true });
    try {
      return { inUse: store.count() };
    } finally {
      store.close();
    }
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
}

const SUBS = { keygen, issue };
const checkArgs = {
  ...CONFIG_ARG,
  key: { type: "string", description: "license key file to check (default: [license] key_file, with its reserve_key_file)", valueHint: "FILE" },
  json: { type: "boolean", description: "print the result as JSON" },
} as const;

const cmd = kasCommand({
  name: "license-check",
  description: "Check the license key: licensee, serial, expiry, limits, addresses in use, verdict (subcommands issue keys)",
  exitCodes: {
    0: "valid",
    1: "valid, but expiring within 30 days or more than 90% of the address limit in use",
    2: "expired (filtering goes on; rule updates are refused)",
    3: "missing, unreadable, wrong format, bad signature, unknown issuer, or not yet valid",
    64: "usage error",
    78: "invalid configuration (e.g. a bad [license] trusted_issuers entry)",
  },
  args: checkArgs,
  subCommands: SUBS,
  run(ctx) {
    const { config, source } = loadConfig(ctx.args.config as string | undefined);
    const key = ctx.args.key as string | undefined;
    const lc: LicenseConfig = key ? { data_dir: config.data_dir, license: { ...config.license, key_file: key, reserve_key_file: "" } } : config;
    const service = new LicenseService(lc, { configFile: source, usage: new MemoryUsageStore() });
    const report = buildReport(lc.license.key_file, service.state(), usageFigures(lc));
    service.close();
    process.stdout.write(ctx.args.json ? renderJson(report) : renderText(report));
    process.exitCode = report.exitCode;
  },
});

export default cmd;
