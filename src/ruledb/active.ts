// Which rule database a filtering process uses, in order:
//   1. [scan] rules_dir when set: compiled at load (errors → DataError listing file:line);
//   2. the installed database <data_dir>/rules/current/rules.kasdb (written by `kas update-db`);
//      a corrupt or unreadable one throws DataError — the caller decides (the server refuses
//      to start / keeps its previous database on reload; it never silently falls back);
//   3. the built-in database compiled into the binary.
import { existsSync, readFileSync, realpathSync } from "node:fs";
import { dirname } from "node:path";
import { installedDbPath } from "../config/paths";
import type { KasConfig } from "../config/schema";
import { DataError } from "../errors";
import { builtinDb } from "./builtin";
import { compileDirOrThrow } from "./compile";
import { parseDb } from "./db";
import { loadRuleDb } from "./match";
import type { Diagnostic, RuleDb } from "./types";

export interface ActiveDb {
  db: RuleDb;
  /** e.g. "installed 2026112201 (/var/lib/kas/rules/versions/2026112201)", "built-in", "rules_dir /path". */
  source: string;
  /** Warnings from compiling rules_dir (empty otherwise), for the caller to log. */
  warnings: Diagnostic[];
}

export function loadActiveDb(config: Pick<KasConfig, "data_dir" | "scan">): ActiveDb {
  const dir = config.scan.rules_dir;
  if (dir) {
    const { db, warnings } = compileDirOrThrow(dir, { version: "rules_dir" });
    return { db: loadRuleDb(db), source: `rules_dir ${dir}`, warnings };
  }
  const path = installedDbPath(config);
  if (existsSync(path)) {
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(path);
    } catch (e) {
      throw new DataError(`cannot read rule database ${path}: ${(e as NodeJS.ErrnoException).code ?? e}`, "check its permissions, or reinstall with `kas update-db`");
    }
    const compiled = parseDb(bytes, `rule database ${path}`);
    let where = dirname(path);
    try {
      where = realpathSync(where);
    } catch {}
    return { db: loadRuleDb(compiled), source: `installed ${compiled.version} (${where})`, warnings: [] };
  }
  return { db: loadRuleDb(builtinDb()), source: "built-in", warnings: [] };
}
