// The public API of the rule database (what engine/, update/, server/ and cli/ import).
export { loadActiveDb, readDbFile, type ActiveDb } from "./active";
export { builtinDb } from "./builtin";
export { BUILTIN_VERSION } from "./builtin-macro";
export { checkRulesDir } from "./check";
export { compileDir, compileDirOrThrow, compileSources, formatDiagnostic, rulesError, type CompileOptions, type CompileResult } from "./compile";
export { computeDigest, parseDb, serializeDb, verifyDb } from "./db";
export { DB_FORMAT } from "./format";
export { BODY_CAP, FULL_CAP, HEADER_CAP, MAX_URIS, URI_CAP, loadRuleDb } from "./match";
export type { CompiledDb, Diagnostic, MatchOptions, MatchOutcome, RuleDb } from "./types";
