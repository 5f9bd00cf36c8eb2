// Bun macro (imported `with { type: "macro" }` by builtin.ts): runs at BUILD time, compiles
// the repository's rules/*.cf and returns the CompiledDb, which Bun inlines into the bundle
// as a JSON literal. So the binary carries its default rules and works from any cwd, and a
// rule that does not compile fails `bun build.ts` (and `bun test`) with file:line: reason.
import { join } from "node:path";
import { compileDirOrThrow, formatDiagnostic } from "./compile";
import type { CompiledDb } from "./types";

export const BUILTIN_RULES_DIR = join(import.meta.dir, "../../rules");

/** `dir` is for tests; the macro call in builtin.ts passes nothing. */
export function compileBuiltin(dir = BUILTIN_RULES_DIR): CompiledDb {
  return compileDirOrThrow(dir, { version: "builtin" }, (errors) => {
    const msg = `built-in rules in ${dir} do not compile:\n${errors.map(formatDiagnostic).join("\n")}`;
    // Bun reports a throwing macro only as "cannot coerce Exception": say why on stderr first.
    console.error(msg);
    return new Error(msg);
  }).db;
}
