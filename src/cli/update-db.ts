// `kas update-db`: install the newest signed rule database from [update] sources (from cron),
// `--rollback` to the previous one; `keygen` and `publish` are the publisher's side.
// Quiet on success off a terminal (cron mails only failures and stale warnings); progress and
// a summary on a terminal; --verbose says every step. The pipeline is update/pipeline.ts.
import { readFileSync } from "node:fs";
import pkg from "../../package.json";
import { KasError, UsageError } from "../errors";
import { CONFIG_ARG, kasCommand } from "./command";
import { UPDATE_EXIT_DOCS } from "../update/exit";

const keygen = kasCommand({
  name: "keygen",
  description: "Create an update-signing key pair: NAME.key (private, mode 0600) and NAME.pub (for [update] trusted_keys)",
  exitCodes: { 0: "written", 64: "missing --out", 73: "NAME.key or NAME.pub exists (never overwritten) or cannot be written" },
  args: { out: { type: "string", description: "file name stem: writes NAME.key and NAME.pub", valueHint: "NAME" } },
  async run({ args }) {
    if (!args.out) throw new UsageError("--out NAME is required", "kas update-db keygen --out /etc/kas/updates");
    const { writeKeyPair } = await import("../license/keys");
    const kp = writeKeyPair(args.out, "update");
    console.log(`${kp.privatePath}: private key (keep secret)\n${kp.publicPath}: ${kp.publicKey.text}`);
  },
});

const publish = kasCommand({
  name: "publish",
  description: "Compile and lint a rules directory, then add it as a new signed version to a mirror directory (serve it with any static web server)",
  exitCodes: { 0: "published", 64: "missing or bad flag, --version not newer than the mirror's", 65: "the rules do not compile (file:line: reason on stderr)", 73: "cannot write the mirror" },
  args: {
    key: { type: "string", description: "private key from `kas update-db keygen`", valueHint: "NAME.key" },
    rules: { type: "string", description: "directory of *.cf rule files", valueHint: "DIR" },
    out: { type: "string", description: "mirror directory (created; older versions are kept)", valueHint: "DIR" },
    version: { type: "string", description: "version number (default: newest + 1, at least today as YYYYMMDD01)", valueHint: "N" },
  },
  async run({ args }) {
    if (!args.key || !args.rules || !args.out) throw new UsageError("--key, --rules and --out are required", "kas update-db publish --key updates.key --rules rules/ --out /srv/www/kas-updates");
    const { parsePrivateKey } = await import("../license/keys");
    const { publish } = await import("../update/publish");
    const { formatDiagnostic } = await import("../ruledb/index");
    let text: string;
    try {
      text = readFileSync(args.key, "utf8");
    } catch (e) {
      throw new UsageError(`cannot read --key ${args.key}: ${(e as NodeJS.ErrnoException).code ?? e}`, "create one with `kas update-db keygen --out NAME`");
    }
    const key = parsePrivateKey(text);
    if (typeof key === "string") throw new UsageError(`--key ${args.key}: ${key}`, "give the NAME.key file written by `kas update-db keygen`");
    let version: number | undefined;
    if (args.version !== undefined) {
      version = Number(args.version);
      if (!/^\d+$/.test(args.version) || !Number.isSafeInteger(version) || version < 1) throw new UsageError(`--version ${args.version} is not a positive integer`, "versions are integers such as 2026112801");
    }
    const r = publish({ rulesDir: args.rules, outDir: args.out, key: key, version, now: new Date(), kasVersion: pkg.version });
    // formatDiagnostic already says "warning:" after file:line.
    for (const w of r.warnings) process.stderr.write(`kas: ${formatDiagnostic(w)}\n`);
    console.log(`${r.dir}: version ${r.version}, ${r.files} files, ${r.bytes} bytes, signed by ${key.publicKey.text}`);
  },
});

const subCommands = { keygen, publish };

const updateArgs = {
  ...CONFIG_ARG,
  verbose: { type: "boolean", description: "say every step (mirrors tried, files downloaded or reused, reload)" },
  rollback: { type: "boolean", description: "switch back to the previous installed version, from the oldest one to the built-in rules (and hold the newer versions back)" },
  source: { type: "string", description: "use this mirror instead of [update] sources", valueHint: "URL|DIR" },
} as const;

const cmd = kasCommand({
  name: "update-db",
  description: "Install the newest signed rule database from [update] sources and reload the running server (run from cron)",
  exitCodes: UPDATE_EXIT_DOCS,
  args: updateArgs,
  subCommands,
  async run({ args }) {
    const { loadConfig } = await import("../config/load");
    const { configureLog, logger } = await import("../log/index");
    const { updateDb, rollbackDb } = await import("../update/pipeline");
    const { rulesFreshness, staleWarningDue } = await import("../update/freshness");
    const { makeDeps } = await import("../update/deps");
    const { config, source } = loadConfig(args.config as string | undefined);
    const tty = Boolean(process.stderr.isTTY);
    configureLog({ level: args.verbose ? "debug" : tty ? "info" : "warn", format: config.log.format });
    const log = logger("update");
    const deps = await makeDeps(config, source, log, tty && !args.verbose);
    const { recordRun } = await import("../update/last-run");
    let r;
    try {
      r = args.rollback ? await rollbackDb(config, deps) : await updateDb(config, deps, { sources: args.source ? [args.source as string] : undefined });
    } catch (e) {
      // The server's monitoring counts failed runs in a row (update/last-run.ts).
      if (!args.rollback && e instanceof KasError) recordRun(config, e.exitCode, e.message);
      throw e;
    }
    if (!args.rollback) recordRun(config, r.code, r.message);
    if (tty || args.verbose) console.log(r.message);
    const now = new Date();
    const f = rulesFreshness(config, now);
    if (f.stale && f.warning && (tty || args.verbose || staleWarningDue(config, now))) log.warn(f.warning);
    process.exitCode = r.code;
  },
});

export default cmd;
