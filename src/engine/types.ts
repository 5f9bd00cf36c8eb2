// The engine's vocabulary: requests, hits, statuses, edits and results. Shared by the
// engine, the codecs (protocol/) and the client modules, so it imports nothing heavy.

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
