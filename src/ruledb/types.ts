// The contract between the rule compiler (rules/ → compiled database), the filtering
// processes that load it, and the updater that installs it.
import type { Hit } from "../model";
import type { ParsedMessage } from "../message/types";
import type { ScoreGroup } from "./format";

/** A lint or compile finding, always with its place. */
export interface Diagnostic {
  file: string;
  line: number;
  severity: "error" | "warning";
  message: string;
}

/** The serialisable compiled database (what `kas update-db` installs and the binary embeds). */
export interface CompiledDb {
  /** Format version of this structure; loaders refuse other formats. */
  format: number;
  /** Rule-set version (from the update manifest; "builtin" for the rules in the binary). */
  version: string;
  createdAt: string;
  /** sha256 hex of the canonical JSON of everything but `digest`. */
  digest: string;
  /** Compiled rules; the shape is the compiler's business. */
  rules: unknown;
}

/** The symbol of a scan whose rule matching the time budget cut short (weighted in rules/60_checks.cf). */
export const SCAN_TRUNCATED = "KAS_SCAN_TRUNCATED";

export interface MatchOptions {
  /** Symbols raised by code-backed checks (SPF_FAIL, BAYES_99, ...): scored and usable in metas. */
  checkSymbols: readonly string[];
  /** performance.now() value after which matching stops (the per-message time budget). */
  deadline: number;
}

export interface MatchOutcome {
  /** Every rule that hit (content rules, metas and check symbols that have a score), with scores and descriptions. */
  hits: Hit[];
  /** True when the deadline cut matching short (the hits then include SCAN_TRUNCATED). */
  timedOut: boolean;
}

/** A loaded database, ready to match. */
export interface RuleDb {
  readonly version: string;
  readonly digest: string;
  readonly ruleCount: number;
  /** Score groups with their caps (`group` / `group_max`), by name. */
  readonly groups: readonly ScoreGroup[];
  match(msg: ParsedMessage, opts: MatchOptions): MatchOutcome;
}
