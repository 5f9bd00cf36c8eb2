// The shared vocabulary (DESIGN.md §4): requests, hits, statuses, edits and results. The
// bottom layer: the engine, the checks, the codecs (protocol/), message/edit, ruledb and the
// client modules all import it, and it imports nothing (architecture.test.ts holds that).

export interface Envelope {
  /** Client IP address of the SMTP connection (v4 or v6 text). */
  ip?: string;
  helo?: string;
  /** MAIL FROM; "" is the null reverse-path (bounces). */
  from?: string;
  rcpt: string[];
  queueId?: string;
}

export interface ScanRequest {
  id: string;
  envelope: Envelope;
  raw: Uint8Array;
  /**
   * The whole message's size, when `raw` holds only its first scan.max_message_size bytes:
   * the master forwards no more than the engine parses (dispatch.ts forwardable).
   */
  size?: number;
}

export const STATUSES = ["spam", "probable_spam", "blacklisted", "trusted", "formal", "not_detected"] as const;
export type Status = (typeof STATUSES)[number];
/** Statuses a server adds on top of a verdict when it did not scan. */
export type PassStatus = "unlicensed" | "unscanned";

export interface Hit {
  /** Rule symbol, UPPER_SNAKE (public API: appears in headers and logs). */
  name: string;
  score: number;
  description?: string;
}

/** One change the client applies to the message header (message/edit.ts applies them byte-exactly). */
export type HeaderEdit =
  /** Add a field: a trace field (Received-SPF, Authentication-Results, ...: message/edit.ts isTraceField) at the top of the header, any other at the end of the header block. */
  | { op: "add"; name: string; value: string }
  /** Remove every field of this name, then add one (used for X-Spam-* so scans do not stack). */
  | { op: "set"; name: string; value: string }
  /** Remove every field of this name. */
  | { op: "remove"; name: string }
  /** Prefix the Subject value (adds a Subject field when there is none); not repeated when already prefixed. */
  | { op: "prefix_subject"; prefix: string };

/** Every scanned (or deliberately passed) message leaves with this field naming its status. */
export const STATUS_HEADER = "X-KAS-Status";

export type Disposition = "accept" | "reject" | "tempfail";
/** What a policy says to do with a status ([policy] *_action); "prefix" is delivered, so its disposition is accept. */
export type PolicyAction = "accept" | "prefix" | "reject" | "tempfail";

export interface ScanTimings {
  parseMs: number;
  checksMs: number;
  rulesMs: number;
  totalMs: number;
}

export interface ScanResult {
  id: string;
  status: Status;
  score: number;
  /** The spam_score threshold of the policy applied. */
  threshold: number;
  /** The probable_spam_score threshold of the policy applied (the engine always sets it). */
  probableThreshold?: number;
  /** Name of the policy applied: "default" or a group name. */
  policy: string;
  hits: Hit[];
  disposition: Disposition;
  /** The policy action taken (the engine always sets it; "prefix" has disposition accept). */
  policyAction?: PolicyAction;
  /** SMTP reply for reject / tempfail: e.g. { code: 550, text: "5.7.1 Message rejected as spam" }. */
  reply?: { code: number; text: string };
  edits: HeaderEdit[];
  timings: ScanTimings;
  /** Things the admin should know about this scan (limits hit, checks that failed). */
  notes: string[];
}

/**
 * A score as people see it (X-KAS-Score, log lines, kas scan, kas filter): never on the other
 * side of a threshold from the score the verdict was made on. One decimal, rounded toward
 * negative infinity (4.95 under spam_score 5 shows 4.9, not 5.0; -0.15 shows -0.2); more
 * decimals, up to the three scoreOf keeps, when one would still put it below a threshold
 * the score reached (a threshold of 4.95 and a score of 4.96). A threshold itself is shown
 * with `formatScore(t, [t])`.
 */
export function formatScore(score: number, thresholds: readonly number[] = []): string {
  if (!Number.isFinite(score)) return String(score);
  for (let d = 1; d <= 3; d++) {
    const shown = floorTo(score, d);
    if (thresholds.every((t) => shown >= t === score >= t)) return (shown === 0 ? 0 : shown).toFixed(d);
  }
  return String(score);
}

/** A score and the spam threshold it is measured against, both as formatScore shows them (headers, logs). */
export function shownScore(score: number, threshold: number, probableThreshold?: number): { score: string; threshold: string } {
  const limits = probableThreshold === undefined ? [threshold] : [probableThreshold, threshold];
  return { score: formatScore(score, limits), threshold: formatScore(threshold, [threshold]) };
}

/**
 * The verdict part of a scan log line (server, kas filter, kas filter --local): the score as
 * X-KAS-Score shows it, and the [policy] action taken ("prefix", not the accept it travels as).
 */
export function verdictFields(v: { status: string; score: number; threshold: number; probableThreshold?: number; action: string }): string {
  const shown = shownScore(v.score, v.threshold, v.probableThreshold);
  return `status=${v.status} score=${shown.score}/${shown.threshold} action=${v.action}`;
}

function floorTo(n: number, d: number): number {
  const k = 10 ** d;
  const near = Math.round(n * k);
  return near / k > n ? (near - 1) / k : near / k;
}
