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
import type { CompiledDb, Diagnostic, RuleDb } from "./types";

export interface ActiveDb {
  db: RuleDb;
  /** e.g. "installed 2026112201 (/var/lib/kas/rules/versions/2026112201)", "built-in", "rules_dir /path". */
  source: string;
  /** Warnings from compiling rules_dir (empty otherwise), for the caller to log. */
  warnings: Diagnostic[];
}

/** Which rules the loader picks (the order above), without compiling or reading them. */
export type ActiveSource = { kind: "rules_dir"; dir: string } | { kind: "installed"; path: string; dir: string } | { kind: "built-in" };

export function activeSource(config: Pick<KasConfig, "data_dir" | "scan">): ActiveSource {
  if (config.scan.rules_dir) return { kind: "rules_dir", dir: config.scan.rules_dir };
  const path = installedDbPath(config);
  if (!existsSync(path)) return { kind: "built-in" };
  let dir = dirname(path);
  try {
    dir = realpathSync(dir);
  } catch {}
  return { kind: "installed", path, dir };
}

export function loadActiveDb(config: Pick<KasConfig, "data_dir" | "scan">): ActiveDb {
  const src = activeSource(config);
  if (src.kind === "rules_dir") {
    const { db, warnings } = compileDirOrThrow(src.dir, { version: "rules_dir" });
    return { db: loadRuleDb(db), source: `rules_dir ${src.dir}`, warnings };
  }
  if (src.kind === "installed") {
    const compiled = readDbFile(src.path);
    return { db: loadRuleDb(compiled), source: `installed ${compiled.version} (${src.dir})`, warnings: [] };
  }
  return { db: loadRuleDb(builtinDb()), source: "built-in", warnings: [] };
}

/**
 * A compiled database file read and checked (JSON, format, digest: db.ts parseDb), without
 * building its regexes; DataError when it cannot be read or is corrupt. What a filtering
 * process, the Control Center's rule list and update-db's check of the installed version read.
 */
export function readDbFile(path: string, where = `rule database ${path}`): CompiledDb {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new DataError(`cannot read ${where}: ${(e as NodeJS.ErrnoException).code ?? e}`, "check its permissions, or reinstall with `kas update-db`");
  }
  return parseDb(bytes, where);
}
