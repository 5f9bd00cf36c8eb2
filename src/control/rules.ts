// The rule list of the Rules page: every rule and check symbol of the database the filtering
// processes load (ruledb/active.ts picks it: rules_dir, else the installed version, else the
// built-in rules) with its score and description. Read on demand and kept while the source
// file is unchanged: the master loads no rules for scanning, and a page view must not
// recompile a rules_dir every time.
import { statSync } from "node:fs";
import type { KasConfig } from "../config/schema";
import { activeSource, readDbFile } from "../ruledb/active";
import { builtinDb } from "../ruledb/builtin";
import { compileDirOrThrow } from "../ruledb/compile";
import type { RulesPayload } from "../ruledb/format";
import type { CompiledDb } from "../ruledb/types";

export interface RuleRow {
  name: string;
  /** body, header, meta… or "check" for a symbol a code-backed check raises. */
  kind: string;
  score: number;
  describe: string;
  src?: string;
}

let cache: { key: string; rows: RuleRow[] } | undefined;

function sourceKey(config: Pick<KasConfig, "data_dir" | "scan">): { key: string; load: () => CompiledDb } {
  const src = activeSource(config);
  const mtime = (p: string) => {
    try {
      return statSync(p).mtimeMs;
    } catch {
      return 0;
    }
  };
  if (src.kind === "rules_dir") return { key: `dir:${src.dir}:${mtime(src.dir)}`, load: () => compileDirOrThrow(src.dir, { version: "rules_dir" }).db };
  if (src.kind === "installed") return { key: `file:${src.path}:${mtime(src.path)}`, load: () => readDbFile(src.path) };
  return { key: "built-in", load: builtinDb };
}

export function ruleList(config: Pick<KasConfig, "data_dir" | "scan">): RuleRow[] {
  const { key, load } = sourceKey(config);
  if (cache?.key === key) return cache.rows;
  const payload = load().rules as RulesPayload;
  const rows: RuleRow[] = [
    ...payload.rules.map((r) => ({ name: r.name, kind: r.kind, score: r.score, describe: r.describe ?? "", src: r.src })),
    ...payload.symbols.map((s) => ({ name: s.name, kind: "check", score: s.score, describe: s.describe ?? "" })),
  ].sort((a, b) => a.name.localeCompare(b.name));
  cache = { key, rows };
  return rows;
}
