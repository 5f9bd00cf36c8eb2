// Bun macro (imported `with { type: "macro" }` by builtin.ts): runs at BUILD time, compiles
// the repository's rules/*.cf and returns the CompiledDb, which Bun inlines into the bundle
// as a JSON literal. So the binary carries its default rules and works from any cwd, and a
// rule that does not compile fails `bun build.ts` (and `bun test`) with file:line: reason.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { compileDirOrThrow, formatDiagnostic } from "./compile";
import type { CompiledDb } from "./types";

export const BUILTIN_RULES_DIR = join(import.meta.dir, "../../rules");
/** The version the built-in database reports (kas status, kas rules info). */
export const BUILTIN_VERSION = "builtin";

/** `dir` is for tests; the macro call in builtin.ts passes nothing. */
export function compileBuiltin(dir = BUILTIN_RULES_DIR): CompiledDb {
  return compileDirOrThrow(dir, { version: BUILTIN_VERSION, createdAt: sourceDate(dir) }, (errors) => {
    const msg = `built-in rules in ${dir} do not compile:\n${errors.map(formatDiagnostic).join("\n")}`;
    // Bun reports a throwing macro only as "cannot coerce Exception": say why on stderr first.
    console.error(msg);
    return new Error(msg);
  }).db;
}

/**
 * The rule sources themselves (as "rules/NAME.cf"), for `kas rules check` without DIR: the
 * binary can lint the rules it uses even when it runs far from a source tree (92 KB).
 */
export function builtinSources(dir = BUILTIN_RULES_DIR): { path: string; text: string }[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".cf"))
    .sort()
    .map((f) => ({ path: `rules/${f}`, text: readFileSync(join(dir, f), "utf8") }));
}

/**
 * createdAt of the built-in database: SOURCE_DATE_EPOCH when the build sets it (the
 * reproducible-builds.org convention, e.g. the last commit's time), else the newest source
 * file's mtime; never the clock, so rebuilding unchanged sources embeds the same bytes. (The
 * digest leaves createdAt out, so it is the same either way: see db.ts computeDigest.)
 */
export function sourceDate(dir: string, env: Record<string, string | undefined> = process.env): string {
  const epoch = env.SOURCE_DATE_EPOCH;
  if (epoch && /^\d+$/.test(epoch)) return new Date(Number(epoch) * 1000).toISOString();
  let newest = 0;
  try {
    for (const name of readdirSync(dir)) if (name.endsWith(".cf")) newest = Math.max(newest, statSync(join(dir, name)).mtimeMs);
  } catch {} // a missing dir is reported by the compile itself, with its path
  return new Date(Math.floor(newest / 1000) * 1000).toISOString();
}
