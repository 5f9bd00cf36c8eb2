// The kas native protocol, version 1: replies. Every reply is one JSON object
// (Content-Type: application/json) with "version": 1; HTTP status 200 for a verdict,
// 4xx/5xx for an error object. Clients act on the JSON, the HTTP status is for curl and
// proxies.
//
// Grammar (JSON, RFC 8259; "?" = optional member):
//   scan-reply  = { "version": 1, "id": string, "status": status, "score": number,
//                   "threshold": number, "probable_threshold"?: number, "policy": string,
//                   "action": "accept"|"reject"|"tempfail", "policy_action"?: policy-action,
//                   "reply"?: { "code": 3DIGIT-number, "text": string },
//                   "hits": [ { "name": string, "score": number, "description"?: string } ],
//                   "edits": [ edit ], "notes": [ string ], "timings"?: object, "generation"?: number }
//   policy-action = "accept" | "prefix" | "reject" | "tempfail"   ; the [policy] action taken ("prefix" → action "accept")
//   status      = "spam" | "probable_spam" | "blacklisted" | "trusted" | "formal" | "not_detected"
//               | "unlicensed" | "unscanned"
//   edit        = { "op": "add"|"set", "name": field-name, "value": string }
//               | { "op": "remove", "name": field-name } | { "op": "prefix_subject", "prefix": string }
//   error-reply = { "version": 1, "error": { "code": error-code, "message": string, "temporary": boolean } }
//   error-code  = "bad_request" | "not_found" | "method_not_allowed" | "too_large" | "timeout"
//               | "busy" | "unavailable" | "shutting_down" | "internal" | "forbidden"
//   ("forbidden", 403, came later: the client's address is not in the door's allow list, or a
//   learn request lacks its permission; older clients report it as a malformed error object,
//   which they treat as a failed request all the same.)
// The client applies "edits" in order (an "add" of a trace field such as Received-SPF goes at
// the top of the header, RFC 7208 §9.1; other fields at its end) and follows "action":
// reject → 5xx with reply.text, tempfail → 4xx with reply.text. "probable_threshold" and "policy_action" came later: a
// client must accept replies without them (older servers), a server may always send them. Pure decode/encode: no sockets, no engine.
import { STATUSES, STATUS_HEADER, type Disposition, type HeaderEdit, type Hit, type PassStatus, type PolicyAction, type ScanResult, type ScanTimings, type Status } from "../../model";
import type { Decoded } from "./request";

export const PROTOCOL_VERSION = 1;

export interface ScanReply {
  version: 1;
  id: string;
  status: Status | PassStatus;
  score: number;
  threshold: number;
  /** probable_spam_score of the policy applied (absent from older servers). */
  probable_threshold?: number;
  policy: string;
  action: Disposition;
  /** The [policy] action taken: "prefix" is delivered (action "accept") with a subject prefix. Absent from older servers. */
  policy_action?: PolicyAction;
  reply?: { code: number; text: string };
  hits: Hit[];
  edits: HeaderEdit[];
  notes: string[];
  timings?: ScanTimings;
  /** Pool generation of the filtering process that scanned (changes on every reload). */
  generation?: number;
}

export const ERROR_CODES = {
  bad_request: 400,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  timeout: 408,
  too_large: 413,
  internal: 500,
  busy: 503,
  unavailable: 503,
  shutting_down: 503,
} as const;
export type ErrorCode = keyof typeof ERROR_CODES;

export interface ErrorReply {
  version: 1;
  error: { code: ErrorCode; message: string; temporary: boolean };
}

const TEMPORARY: ReadonlySet<ErrorCode> = new Set(["timeout", "busy", "unavailable", "shutting_down", "internal"]);

export function scanReplyOf(r: ScanResult, generation?: number): ScanReply {
  return {
    version: 1,
    id: r.id,
    status: r.status,
    score: r.score,
    threshold: r.threshold,
    ...(r.probableThreshold !== undefined ? { probable_threshold: r.probableThreshold } : {}),
    policy: r.policy,
    action: r.disposition,
    ...(r.policyAction ? { policy_action: r.policyAction } : {}),
    ...(r.reply ? { reply: r.reply } : {}),
    hits: r.hits,
    edits: r.edits,
    notes: r.notes,
    timings: r.timings,
    ...(generation !== undefined ? { generation } : {}),
  };
}

export function errorReply(code: ErrorCode, message: string): { status: number; body: ErrorReply } {
  return { status: ERROR_CODES[code], body: { version: 1, error: { code, message, temporary: TEMPORARY.has(code) } } };
}

const PASS: readonly string[] = ["unlicensed", "unscanned"];
const POLICY_ACTIONS: readonly PolicyAction[] = ["accept", "prefix", "reject", "tempfail"];
const FIELD_NAME = /^[!-9;-~]{1,76}$/; // RFC 5322 §3.6.8 ftext; 76 keeps "name: " inside 78 columns
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const isNum = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
const isStr = (v: unknown): v is string => typeof v === "string";
/** Header values and reply texts must not smuggle line breaks into the message or the SMTP reply. */
const isLine = (v: unknown): v is string => isStr(v) && !/[\r\n\0]/.test(v);

function edit(v: unknown): HeaderEdit | undefined {
  if (!isObj(v)) return undefined;
  switch (v.op) {
    case "add":
    case "set":
      return isStr(v.name) && FIELD_NAME.test(v.name) && isStr(v.value) && !/[\r\n\0]/.test(v.value.replace(/\r?\n(?=[ \t])/g, ""))
        ? { op: v.op, name: v.name, value: v.value }
        : undefined;
    case "remove":
      return isStr(v.name) && FIELD_NAME.test(v.name) ? { op: "remove", name: v.name } : undefined;
    case "prefix_subject":
      return isLine(v.prefix) ? { op: "prefix_subject", prefix: v.prefix } : undefined;
  }
  return undefined;
}

/** Parses and validates a reply body: a verdict, an error object, or a reason it is malformed. */
export function decodeReply(text: string): Decoded<ScanReply | ErrorReply> {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return { ok: false, reason: "reply is not JSON" };
  }
  if (!isObj(v)) return { ok: false, reason: "reply is not a JSON object" };
  if (v.version !== PROTOCOL_VERSION) return { ok: false, reason: `unsupported protocol version ${JSON.stringify(v.version)} (this client speaks ${PROTOCOL_VERSION})` };
  if (isObj(v.error)) {
    const e = v.error;
    if (!isStr(e.code) || !(e.code in ERROR_CODES) || !isStr(e.message)) return { ok: false, reason: "malformed error object" };
    return { ok: true, value: { version: 1, error: { code: e.code as ErrorCode, message: e.message, temporary: e.temporary === true } } };
  }
  if (!isStr(v.id) || !isStr(v.status) || !([...STATUSES, ...PASS] as string[]).includes(v.status)) return { ok: false, reason: "reply lacks a valid id/status" };
  if (!isNum(v.score) || !isNum(v.threshold) || !isStr(v.policy)) return { ok: false, reason: "reply lacks score/threshold/policy" };
  if (v.action !== "accept" && v.action !== "reject" && v.action !== "tempfail") return { ok: false, reason: `bad action ${JSON.stringify(v.action)}` };
  if (v.probable_threshold !== undefined && !isNum(v.probable_threshold)) return { ok: false, reason: "probable_threshold is not a number" };
  if (v.policy_action !== undefined && !POLICY_ACTIONS.includes(v.policy_action as PolicyAction)) return { ok: false, reason: `bad policy_action ${JSON.stringify(v.policy_action)}` };
  let reply: ScanReply["reply"];
  if (v.reply !== undefined) {
    if (!isObj(v.reply) || !isNum(v.reply.code) || v.reply.code < 200 || v.reply.code > 599 || !isLine(v.reply.text)) return { ok: false, reason: "malformed reply.code/reply.text" };
    reply = { code: v.reply.code, text: v.reply.text };
  }
  if (!Array.isArray(v.hits) || !Array.isArray(v.edits) || !Array.isArray(v.notes)) return { ok: false, reason: "reply lacks hits/edits/notes arrays" };
  const hits: Hit[] = [];
  for (const h of v.hits) {
    if (!isObj(h) || !isStr(h.name) || !isNum(h.score)) return { ok: false, reason: "malformed hit" };
    hits.push({ name: h.name, score: h.score, ...(isStr(h.description) ? { description: h.description } : {}) });
  }
  const edits: HeaderEdit[] = [];
  for (const e of v.edits) {
    const d = edit(e);
    if (!d) return { ok: false, reason: `malformed edit ${JSON.stringify(e).slice(0, 120)}` };
    edits.push(d);
  }
  return {
    ok: true,
    value: {
      version: 1,
      id: v.id,
      status: v.status as ScanReply["status"],
      score: v.score,
      threshold: v.threshold,
      ...(isNum(v.probable_threshold) ? { probable_threshold: v.probable_threshold } : {}),
      policy: v.policy,
      action: v.action,
      ...(v.policy_action !== undefined ? { policy_action: v.policy_action as PolicyAction } : {}),
      ...(reply ? { reply } : {}),
      hits,
      edits,
      notes: v.notes.filter(isStr),
      ...(isObj(v.timings) ? { timings: v.timings as unknown as ScanTimings } : {}),
      ...(isNum(v.generation) ? { generation: v.generation } : {}),
    },
  };
}

export { STATUS_HEADER };

/** `edits` plus `set X-KAS-Status: <status>` unless they already set or add that field. */
export function withStatusEdit(edits: HeaderEdit[], status: string): HeaderEdit[] {
  const has = edits.some((e) => (e.op === "add" || e.op === "set") && e.name.toLowerCase() === STATUS_HEADER.toLowerCase());
  return has ? edits : [...edits, { op: "set", name: STATUS_HEADER, value: status }];
}

export const isErrorReply = (r: ScanReply | ErrorReply): r is ErrorReply => "error" in r;

/**
 * Header fields of a message that passes without a verdict (over size_limit, on_error =
 * accept), for every door: the status says so and a second field says why. `set` replaces any
 * copy the sender forged.
 */
export function unscannedEdits(reason: string): HeaderEdit[] {
  return [
    { op: "set", name: STATUS_HEADER, value: "unscanned" },
    { op: "set", name: "X-KAS-Unscanned", value: reason.replace(/[\r\n]+/g, " ").slice(0, 900) },
  ];
}

/** The SMTP replies of on_error = tempfail / reject when no verdict could be had (every door). */
export const NO_VERDICT_REPLY = {
  tempfail: (why: string) => ({ code: 451, text: `4.3.0 Spam filter unavailable, try again later: ${why}` }),
  reject: (why: string) => ({ code: 554, text: `5.3.0 Spam filter unavailable: ${why}` }),
} as const;
