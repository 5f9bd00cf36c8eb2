// Code-backed checks (SPF, DNSBL, Bayes, ...). A check only names what it saw as symbols;
// the rule database gives each symbol its score. Checks get their I/O injected.
import type { Envelope, HeaderEdit, ScanResult } from "../model";
import type { ParsedMessage } from "../message/types";
import type { FactKey, FactMap } from "./facts";

export type CheckStage = "envelope" | "content";

export interface CheckInput {
  id: string;
  envelope: Envelope;
  /** Present for "content" checks; envelope checks run before parsing. */
  message?: ParsedMessage;
  raw: Uint8Array;
  /** The whole message's size when the master forwarded only its first bytes (ScanRequest.size). */
  size?: number;
  /** performance.now() deadline; a check that cannot finish by then returns what it has. */
  deadline: number;
  /** This scan's facts (engine/context.ts): read those in `needs` (already known when run is called), set those in `provides`. */
  facts: {
    get<K extends FactKey>(key: K): Promise<FactMap[K] | undefined>;
    set<K extends FactKey>(key: K, value: FactMap[K]): void;
  };
}

export interface CheckOutput {
  /** UPPER_SNAKE symbols, e.g. SPF_FAIL, BAYES_99. */
  symbols: string[];
  /** Header edits the check contributes (Received-SPF, Authentication-Results). */
  edits?: HeaderEdit[];
  /** Human-readable notes for logs (e.g. "bayes: database unavailable, skipped"). */
  notes?: string[];
}

export interface Check {
  readonly name: string;
  readonly stage: CheckStage;
  /** Facts this check reads; the engine runs it once they are known or known to be missing. */
  readonly needs?: readonly FactKey[];
  /** Facts this check sets (at most one check per fact). */
  readonly provides?: readonly FactKey[];
  run(input: CheckInput): Promise<CheckOutput> | CheckOutput;
  /**
   * The check answers at once when its inputs arrive past the deadline (no I/O of its own, or
   * I/O that fails at once then, as DMARC's DNS does): the engine runs it late rather than
   * skipping it, so a dependency that overran on a loaded host still gives DMARC's temperror
   * and the Authentication-Results field. It gets BACKSTOP_GRACE_MS (engine/context.ts) to answer.
   */
  readonly runsLate?: boolean;
  /**
   * Called with the final verdict and the scan's facts (the "after" stage of engine/scan.ts),
   * e.g. Bayes auto-learning, which needs the score and the tokens its run() provided. Returns a note for the result, or undefined.
   * Must not throw (a throw becomes a note).
   */
  afterScan?(result: ScanResult, facts: CheckInput["facts"]): Promise<string | undefined> | string | undefined;
}
