// The shape of CompiledDb.rules: what the compiler writes and the matcher reads. Plain JSON
// only. Bump DB_FORMAT on any incompatible change: loaders refuse formats they do not know.
// Format 2 added score groups (`groups`); a database without groups is still written as
// format 1, so a kas that predates groups keeps reading it, and refuses one whose caps it
// would silently ignore.
import type { MetaAst } from "./meta";

export const DB_FORMAT = 2;
/** Formats this kas reads. */
export const DB_FORMATS_READ: readonly number[] = [1, 2];

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
  /**
   * The pattern in RE2 syntax: the matcher runs this on the linear-time engine instead of
   * `re` (set for patterns that repeat without bound). A kas that predates it runs `re`.
   */
  re2?: string;
  /** body/rawbody/full: the pattern uses \A, \z or \Z, so it sees the whole text, not segments. */
  whole?: boolean;
  /**
   * Every alternative of the pattern starts with \A, so a match starts at the text's first
   * character: the matcher tries there only (a sticky regex) instead of at every position,
   * where each attempt fails at once but the engine still walks the text. A kas that predates
   * it tries everywhere, with the same result.
   */
  anchored?: boolean;
  /** Prefilter: every match contains one of these (lower-cased ASCII); tested on the lower-cased target. */
  lits?: string[];
  /**
   * A stronger prefilter, when it says more than `lits`: for one of these conjunctions, each
   * any-of set has a member in the lower-cased target. A kas that predates it uses `lits`.
   */
  pre?: string[][][];
  /**
   * body / rawbody / full / uri, not `whole`: the prefilter as `pre`, but for the literal
   * scanner's reading of the text, where every whitespace run is one space (literal-scan.ts),
   * so a literal may span \s{1,3} ("next of kin"). Used instead of lits / pre on scanned
   * targets; a kas that predates it uses them (each holds whenever the regex can match).
   */
  wpre?: string[][][];
  /**
   * body / rawbody / full / uri, not `whole`: every match holds a character of one of these
   * scripts (scripts.ts SCRIPTS: "cyrillic", "cjk", "hangul"), which the literal scan notes; the regex
   * runs only on a text that holds one, besides its literal prefilter. A kas that predates it
   * runs the regex regardless (same result); a script it does not know means "always run".
   */
  scripts?: string[];
  expr?: MetaAst;
}

export interface CheckSymbol {
  name: string;
  score: number;
  describe?: string;
}

/** `group NAME RULE...` + `group_max NAME N`: the positive scores of the members that hit add up to at most `max`. */
export interface ScoreGroup {
  name: string;
  max: number;
  members: string[];
}

export interface RulesPayload {
  /** Content rules first, then metas in dependency order. */
  rules: CompiledRule[];
  /** Names with a score/describe line that are not rules: symbols of code-backed checks. */
  symbols: CheckSymbol[];
  /** Score groups with a cap (format 2); absent when there are none. */
  groups?: ScoreGroup[];
}
