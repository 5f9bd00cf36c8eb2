// The default rule database, compiled from rules/ when kas is built (see builtin-macro.ts)
// and embedded in the binary.
import { compileBuiltin } from "./builtin-macro" with { type: "macro" };
import { verifyDb } from "./db";
import type { CompiledDb } from "./types";

const EMBEDDED = compileBuiltin() as unknown as CompiledDb;
let verified: CompiledDb | undefined;

/** The built-in database (digest checked once per process). */
export function builtinDb(): CompiledDb {
  return (verified ??= verifyDb(EMBEDDED, "built-in rule database"));
}
