// The shape of CompiledDb.rules (format 1): what the compiler writes and the matcher reads.
// Plain JSON only. Bump DB_FORMAT on any incompatible change: loaders refuse other formats.
import type { MetaAst } from "./meta";

export const DB_FORMAT = 1;

export type RuleKind = "header" | "exists" | "body" | "rawbody" | "uri" | "full" | "meta";

export interface CompiledRule {
  name: string;
  kind: RuleKind;
  /** "file.cf:line" of the definition (file name only, so digests do not depend on paths). */
  src: string;
  score: number;
  describe?: string;
  tflags?: string[];
  /** `tflags multiple`: count up to this many matches (metas see the count). */
  maxhits?: number;
  /** header/exists: lower-cased header name or pseudo-header (all, tocc, messageid). */
  header?: string;
  /** header: modifiers in order (raw, addr, name, first, last). */
  mods?: string[];
  /** header `!~`: hits when the value does not match. */
  neg?: boolean;
  /** header `[if-unset: X]`: the value used when the header is absent. */
  unset?: string;
  re?: string;
  flags?: string;
  /** Prefilter: every match contains one of these (lower-cased ASCII); tested on the lower-cased target. */
  lits?: string[];
  expr?: MetaAst;
}

export interface CheckSymbol {
  name: string;
  score: number;
  describe?: string;
}

export interface RulesPayload {
  /** Content rules first, then metas in dependency order. */
  rules: CompiledRule[];
  /** Names with a score/describe line that are not rules: symbols of code-backed checks. */
  symbols: CheckSymbol[];
}
