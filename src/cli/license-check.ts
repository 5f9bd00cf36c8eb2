// `kas license-check [--key FILE] [--json]`: judge the installed license key (exit codes for
// monitoring, license/report.ts), and the issuer's tools as subcommands, so the command list
// stays as it is: `kas license-check keygen --out NAME`, `kas license-check issue ...`.
// `--addresses` lists the protected addresses the server has counted (in the order that
// decides which are licensed), `--forget ADDRESS` removes one (a made-up or departed
// recipient) so the next new address takes its place; the running server follows at once.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { loadConfig } from "../config/load";
import { licenseUsagePath } from "../config/paths";
import { EXIT, KasError, StateError, UsageError } from "../errors";
import { issueLicense } from "../license/issue";
import { parsePrivateKey, writeKeyPair } from "../license/keys";
import { buildReport, renderJson, renderText, type UsageFigures } from "../license/report";
import { LicenseService, type LicenseConfig } from "../license/service";
import { MemoryUsageStore, normaliseAddress, SqliteUsageStore } from "../license/usage";
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
  addresses: { type: "boolean", description: "list the protected addresses counted (number, address, first seen); beyond max_addresses marked" },
  forget: { type: "string", description: "remove ADDRESS from the counted addresses (run as the server's user)", valueHint: "ADDRESS" },
} as const;

/** The usage store for --addresses / --forget: never created here (a missing one is an error with what to do). */
function openUsage(config: LicenseConfig, readonly: boolean): SqliteUsageStore {
  const path = licenseUsagePath(config);
  if (!existsSync(path)) throw new KasError(`no license usage store at ${path}`, EXIT.NOINPUT, "kas serve creates it with the first scanned message; check data_dir / [license] usage_file");
  return new SqliteUsageStore(path, { readonly });
}

function listAddresses(config: LicenseConfig, limit: number | undefined, json: boolean): void {
  const store = openUsage(config, true);
  try {
    const rows = store.list().map((r) => ({ ...r, licensed: limit === undefined || r.n <= limit }));
    if (json) return void process.stdout.write(JSON.stringify({ max_addresses: limit ?? null, addresses: rows }) + "\n");
    for (const r of rows) process.stdout.write(`${String(r.n).padStart(6)}  ${r.first_seen}  ${r.address}${r.licensed ? "" : "  (beyond max_addresses: not licensed)"}\n`);
    process.stdout.write(`${rows.length} address${rows.length === 1 ? "" : "es"} counted${limit === undefined ? "" : `, max_addresses ${limit}`}\n`);
  } finally {
    store.close();
  }
}

function forgetAddress(config: LicenseConfig, address: string): void {
  if (!address.trim()) throw new UsageError("--forget needs an address", "kas license-check --forget user@example.com");
  const norm = normaliseAddress(address);
  const store = openUsage(config, false);
  try {
    if (!store.forget(norm)) throw new UsageError(`${norm} is not among the counted addresses`, "kas license-check --addresses lists them");
    console.log(`${norm}: forgotten; ${store.count()} addresses counted`);
  } finally {
    store.close();
  }
}

const cmd = kasCommand({
  name: "license-check",
  description: "Check the license key: licensee, serial, expiry, limits, addresses in use, verdict (subcommands issue keys)",
  exitCodes: {
    0: "valid",
    1: "valid, but expiring within 30 days or more than 90% of the address limit in use",
    2: "expired (filtering goes on; rule updates are refused)",
    3: "missing, unreadable, wrong format, bad signature, unknown issuer, or not yet valid",
    64: "usage error (also: --forget of an address that is not counted)",
    66: "--addresses / --forget: no usage store yet",
    78: "invalid configuration (e.g. a bad [license] trusted_issuers entry)",
  },
  args: checkArgs,
  subCommands: SUBS,
  run(ctx) {
    const { config, source } = loadConfig(ctx.args.config as string | undefined);
    const key = ctx.args.key as string | undefined;
    const lc: LicenseConfig = key ? { data_dir: config.data_dir, license: { ...config.license, key_file: key, reserve_key_file: "" } } : config;
    const service = new LicenseService(lc, { configFile: source, usage: new MemoryUsageStore() });
    if (ctx.args.forget !== undefined) return void (service.close(), forgetAddress(lc, ctx.args.forget as string));
    if (ctx.args.addresses) {
      const limit = service.state().license?.max_addresses;
      service.close();
      return listAddresses(lc, limit, !!ctx.args.json);
    }
    const report = buildReport(lc.license.key_file, service.state(), usageFigures(lc));
    service.close();
    process.stdout.write(ctx.args.json ? renderJson(report) : renderText(report));
    process.exitCode = report.exitCode;
  },
});

export default cmd;
