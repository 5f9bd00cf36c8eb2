// `kas rules check [DIR]`, `kas rules compile DIR --out FILE [--version V]`, `kas rules info [--json]`.
// check without DIR lints the rules in use, chosen as the filtering processes choose them
// (ruledb/active.ts): [scan] rules_dir, else the installed version's sources (kept beside its
// database), else the built-in sources embedded in the binary; it says which it checked.
import { writeFileSync } from "node:fs";
import { basename } from "node:path";
import pkg from "../../package.json";
import { loadConfig } from "../config/load";
import { EXIT, StateError, UsageError } from "../errors";
import { configureLog, logger } from "../log/index";
import { activeSource, loadActiveDb } from "../ruledb/active";
import { checkRuleSources, checkRulesDir } from "../ruledb/check";
import { compileDirOrThrow, formatDiagnostic } from "../ruledb/compile";
import { serializeDb } from "../ruledb/db";
import type { Diagnostic } from "../ruledb/types";
import { CONFIG_ARG, kasCommand } from "./command";

// Created per call, after configureLog: a logger copies the level when it is made.
const log = () => logger("rules");

const check = kasCommand({
  name: "check",
  description: "Lint a directory of rule sources (*.cf), or without DIR the rules in use: every problem as file:line: reason",
  exitCodes: { 0: "the rules compile (warnings may be printed)", 65: "lint errors (file:line: reason on stderr)", 66: "DIR does not exist", 78: "invalid config" },
  args: {
    dir: { type: "positional", required: false, description: "rules directory (default: the rules in use: [scan] rules_dir, else the installed version, else the built-in rules)", valueHint: "DIR" },
    ...CONFIG_ARG,
  },
  async run({ args }) {
    const given = args.dir as string | undefined;
    // With DIR and no --config, the config only sets the log level: a system kas.toml this
    // user cannot read (or that does not validate on a rule author's machine) must not stop
    // a lint of rule sources.
    let config: ReturnType<typeof loadConfig>["config"] | undefined;
    try {
      config = loadConfig(args.config).config;
    } catch (e) {
      if (!given || args.config) throw e;
    }
    if (config) configureLog(config.log);
    const { checked, warnings } = given ? { checked: given, warnings: await checkRulesDir(given) } : await lintInUse(config!);
    for (const w of warnings) log().warn(formatDiagnostic(w));
    console.log(`${checked}: ok${warnings.length ? ` (${warnings.length} warning${warnings.length === 1 ? "" : "s"})` : ""}`);
    process.exitCode = EXIT.OK;
  },
});

/** Lints the rules the filtering processes would load, and names them. */
async function lintInUse(config: ReturnType<typeof loadConfig>["config"]): Promise<{ checked: string; warnings: Diagnostic[] }> {
  const src = activeSource(config);
  if (src.kind === "rules_dir") return { checked: `[scan] rules_dir ${src.dir}`, warnings: await checkRulesDir(src.dir) };
  if (src.kind === "installed") return { checked: `installed version ${basename(src.dir)} (${src.dir})`, warnings: await checkRulesDir(src.dir) };
  const { BUILTIN_SOURCES } = await import("../ruledb/builtin-sources");
  return { checked: `built-in rules (${BUILTIN_SOURCES.length} files compiled into kas ${pkg.version})`, warnings: checkRuleSources(BUILTIN_SOURCES, "this kas binary") };
}

const compile = kasCommand({
  name: "compile",
  description: "Compile a directory of rule sources into a database file (what `kas update-db` installs)",
  exitCodes: { 0: "written", 64: "missing DIR or --out", 65: "lint errors (file:line: reason on stderr)", 73: "cannot write FILE" },
  args: {
    dir: { type: "positional", required: true, description: "rules directory", valueHint: "DIR" },
    out: { type: "string", description: "database file to write", valueHint: "FILE" },
    version: { type: "string", description: "rule-set version recorded in the database (default: local)", valueHint: "V" },
  },
  run({ args }) {
    if (!args.out) throw new UsageError("--out FILE is required", "kas rules compile rules/ --out rules.kasdb");
    const dir = args.dir as string;
    const { db, warnings } = compileDirOrThrow(dir, { version: args.version || undefined });
    for (const w of warnings) log().warn(formatDiagnostic(w));
    try {
      writeFileSync(args.out, serializeDb(db));
    } catch (e) {
      throw new StateError(`cannot write ${args.out}: ${(e as NodeJS.ErrnoException).code ?? e}`, "check the directory exists and is writable");
    }
    console.log(`${args.out}: version ${db.version}, ${(db.rules as { rules: unknown[] }).rules.length} rules, digest ${db.digest}`);
  },
});

const info = kasCommand({
  name: "info",
  description: "Show the rule database the filtering processes would use: source, version, digest, rule count, score groups",
  exitCodes: { 0: "printed", 65: "the database (or rules_dir) is corrupt / does not compile", 78: "invalid config" },
  args: {
    ...CONFIG_ARG,
    json: { type: "boolean", description: "print one JSON object (source, version, digest, rules, groups) for scripts" },
  },
  run({ args }) {
    const { config } = loadConfig(args.config);
    const { db, source } = loadActiveDb(config);
    if (args.json) {
      const groups = db.groups.map((g) => ({ name: g.name, max: g.max, members: g.members }));
      console.log(JSON.stringify({ source, version: db.version, digest: db.digest, rules: db.ruleCount, groups }));
      return;
    }
    console.log(`source:  ${source}\nversion: ${db.version}\ndigest:  ${db.digest}\nrules:   ${db.ruleCount}`);
    // The caps in effect: a local group_max line changes them, so say which won.
    for (const g of db.groups) console.log(`group:   ${g.name} adds at most ${g.max} (${g.members.length} rules)`);
  },
});

export default kasCommand({
  name: "rules",
  description: "Check, compile and inspect rule databases",
  subCommands: { check, compile, info },
});
