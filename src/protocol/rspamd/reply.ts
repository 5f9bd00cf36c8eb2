// Rspamd's HTTP protocol, the reply side (https://docs.rspamd.com/developers/protocol): a kas
// verdict (the native ScanReply that dispatch() returns) as the JSON object Rspamd-aware MTAs
// act on: Rspamd's proxy in milter mode, Haraka's rspamd plugin, rspamc.
//
//   reply-v2 = { "action": action, "score": number, "required_score": number,
//                "is_skipped": bool, "symbols": { NAME: symbol, ... },
//                "messages": { "smtp_message"?: string }, "message-id": string,
//                "time_real": number, "milter"?: milter, "subject"?: string }
//   reply-v1 = { "default": { "is_spam": bool, "is_skipped": bool, "score": number,
//                "required_score": number, "action": action, NAME: symbol, ... },
//                "messages", "message-id", "time_real", "milter"?, "subject"? as above }
//   symbol   = { "name": string, "score": number, "metric_score": number, "description"?: string }
//   milter   = { "add_headers"?: { NAME: hvalue | [hvalue, ...] }, "remove_headers"?: { NAME: 0 } }
//   hvalue   = { "value": string, "order"?: number }   ; order = insert at that index (0 = top)
//   error    = { "error": string }                     ; with a 4xx/5xx HTTP status
//
// action, from the [policy] action taken (policy_action) and the status:
//   reject                                   → "reject"
//   tempfail                                 → "soft reject"
//   prefix                                   → "rewrite subject" (+ "subject": the new Subject)
//   accept, status spam|probable_spam|blacklisted → "add header"
//   accept, any other status                 → "no action"
// kas never greylists, so "greylist" is never sent. required_score is the applied policy's
// spam_score. is_skipped is true when the message was not scanned (unlicensed, unscanned).
//
// milter carries kas's header edits for the MTA to apply (only with an accepting action: a
// rejected message is not delivered): `set`/`remove` → remove_headers NAME: 0 (every copy),
// `set`/`add` → add_headers; trace fields (Received-SPF, Authentication-Results…) get an
// order so they go on top in edit order, kas's own fields none (appended). X-KAS-* and
// X-Spam-* fields already in the message are removed: a sender cannot forge a verdict.
// Pure encode: no sockets, no engine.
import type { Hit } from "../../model";
import { fieldText, isTraceField, OWN_FIELD_PREFIXES } from "../../message/edit";
import { latin1 } from "../../message/header-text";
import { parseFields, splitEntity, type RawField } from "../../message/mime";
import type { ScanReply } from "../kas/reply";
import type { LearnReply } from "../kas/learn";

export const RSPAMD_ACTIONS = ["no action", "greylist", "add header", "rewrite subject", "soft reject", "reject"] as const;
export type RspamdAction = (typeof RSPAMD_ACTIONS)[number];

/** Fields a sender must not be able to forge: the same prefixes every door removes (message/edit.ts). */
const FORGED_PREFIXES = OWN_FIELD_PREFIXES.map((p) => p.toLowerCase());
const SPAMMY: ReadonlySet<string> = new Set(["spam", "probable_spam", "blacklisted"]);
/** The header fields the reply looks at: enough for any real message, bounded for a hostile one. */
const MAX_FIELDS = 2000;

export function rspamdAction(v: Pick<ScanReply, "status" | "action" | "policy_action">): RspamdAction {
  const a = v.policy_action ?? v.action;
  if (a === "reject") return "reject";
  if (a === "tempfail") return "soft reject";
  if (a === "prefix") return "rewrite subject";
  return SPAMMY.has(v.status) ? "add header" : "no action";
}

interface HeaderValue {
  value: string;
  order?: number;
}
export interface MilterBlock {
  add_headers?: Record<string, HeaderValue | HeaderValue[]>;
  remove_headers?: Record<string, number>;
}
export interface RspamdSymbol {
  name: string;
  score: number;
  metric_score: number;
  description?: string;
}

/** The message's top-level header fields (bounded). */
function headerFields(raw: Uint8Array): RawField[] {
  const { headerEnd } = splitEntity(raw, 0, raw.byteLength);
  return parseFields(latin1(raw.subarray(0, headerEnd)), [], MAX_FIELDS);
}

/** latin1 header text → UTF-8 text where the bytes are UTF-8 (JSON carries text, not bytes). */
function utf8(v: string): string {
  if (!/[\x80-\xff]/.test(v)) return v;
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(Buffer.from(v, "latin1"));
  } catch {
    return v;
  }
}

/** A field value as the MTA should write it: ASCII (RFC 2047 for the rest), folded with LF like Rspamd's own. */
function wireValue(name: string, value: string): string {
  return fieldText(name, value, "\n").slice(name.length + 1, -1).replace(/^ /, "");
}

export function symbolsOf(hits: readonly Hit[]): Record<string, RspamdSymbol> {
  const out: Record<string, RspamdSymbol> = Object.create(null);
  for (const h of hits) {
    const s = Object.hasOwn(out, h.name) ? out[h.name] : undefined;
    // A rule that hit twice is one symbol with the summed score (Rspamd names each symbol once).
    if (s) s.score = s.metric_score = s.score + h.score;
    else out[h.name] = { name: h.name, score: h.score, metric_score: h.score, ...(h.description ? { description: h.description } : {}) };
  }
  return out;
}

export function milterOf(v: ScanReply, fields: readonly RawField[]): MilterBlock | undefined {
  const remove = new Map<string, string>(); // lower → name as written
  const adds: { name: string; value: string }[] = [];
  for (const f of fields) {
    const n = f.name.toLowerCase();
    if (FORGED_PREFIXES.some((p) => n.startsWith(p))) remove.set(n, f.name);
  }
  for (const e of v.edits) {
    if (e.op === "remove" || e.op === "set") {
      const n = e.name.toLowerCase();
      if (!remove.has(n)) remove.set(n, e.name);
      for (let k = adds.length - 1; k >= 0; k--) if (adds[k].name.toLowerCase() === n) adds.splice(k, 1);
      if (e.op === "set") adds.push({ name: e.name, value: e.value });
    } else if (e.op === "add") adds.push({ name: e.name, value: e.value });
  }
  const block: MilterBlock = {};
  if (remove.size) block.remove_headers = Object.fromEntries([...remove.values()].map((n) => [n, 0]));
  if (adds.length) {
    // Keyed by lower-cased name (a Map: a field name is data, even "__proto__"), shown as first written.
    const add = new Map<string, { name: string; list: HeaderValue[] }>();
    let top = 0;
    for (const a of adds) {
      const hv: HeaderValue = { value: wireValue(a.name, a.value), ...(isTraceField(a.name) ? { order: top++ } : {}) };
      const k = a.name.toLowerCase();
      const e = add.get(k) ?? add.set(k, { name: a.name, list: [] }).get(k)!;
      e.list.push(hv);
    }
    block.add_headers = Object.fromEntries([...add.values()].map((e) => [e.name, e.list.length === 1 ? e.list[0] : e.list]));
  }
  return block.add_headers || block.remove_headers ? block : undefined;
}

/** The Subject after the `prefix` action: the prefix once, before the received Subject. */
export function rewrittenSubject(v: ScanReply, fields: readonly RawField[]): string | undefined {
  const edit = v.edits.find((e) => e.op === "prefix_subject");
  if (!edit || edit.op !== "prefix_subject") return undefined;
  const subj = fields.find((f) => f.name.toLowerCase() === "subject");
  const old = subj ? utf8(subj.raw.replace(/\r?\n(?=[ \t])/g, "")).trim() : "";
  if (old.startsWith(edit.prefix)) return old;
  return old ? `${edit.prefix} ${old}` : edit.prefix;
}

/** The Message-ID without its angle brackets; "undef" when there is none (as Rspamd says). */
export function messageIdOf(fields: readonly RawField[]): string {
  const f = fields.find((x) => x.name.toLowerCase() === "message-id");
  const id = f ? utf8(f.raw).trim().replace(/^<|>$/g, "").trim() : "";
  return id || "undef";
}

/**
 * The SMTP text for a reject / tempfail without kas's enhanced status code: Rspamd-aware MTAs
 * put their own code and enhanced code in front of messages.smtp_message.
 */
const smtpMessage = (v: ScanReply) => (v.reply ? v.reply.text.replace(/^[245]\.\d{1,3}\.\d{1,3}\s+/, "") : undefined);

interface Common {
  action: RspamdAction;
  is_skipped: boolean;
  score: number;
  required_score: number;
  symbols: Record<string, RspamdSymbol>;
  rest: Record<string, unknown>;
}

function common(v: ScanReply, raw: Uint8Array, timeRealS: number): Common {
  const fields = headerFields(raw);
  const action = rspamdAction(v);
  const accepting = action !== "reject" && action !== "soft reject";
  const milter = accepting ? milterOf(v, fields) : undefined;
  const subject = action === "rewrite subject" ? rewrittenSubject(v, fields) : undefined;
  const text = accepting ? undefined : smtpMessage(v);
  return {
    action,
    is_skipped: v.status === "unlicensed" || v.status === "unscanned",
    score: round(v.score),
    required_score: round(v.threshold),
    symbols: symbolsOf(v.hits),
    rest: {
      messages: text ? { smtp_message: text } : {},
      "message-id": messageIdOf(fields),
      time_real: Math.round(timeRealS * 1e6) / 1e6,
      ...(milter ? { milter } : {}),
      ...(subject !== undefined ? { subject } : {}),
    },
  };
}

const round = (n: number) => Math.round(n * 1000) / 1000;

/** The /checkv2 reply. `timeRealS`: seconds the door spent on the request. */
export function encodeV2(v: ScanReply, raw: Uint8Array, timeRealS: number): Record<string, unknown> {
  const c = common(v, raw, timeRealS);
  return { action: c.action, score: c.score, required_score: c.required_score, is_skipped: c.is_skipped, symbols: c.symbols, ...c.rest };
}

/** The /check and /symbols reply: the verdict and the symbols inside one metric named "default". */
export function encodeV1(v: ScanReply, raw: Uint8Array, timeRealS: number): Record<string, unknown> {
  const c = common(v, raw, timeRealS);
  const metric: Record<string, unknown> = { is_spam: SPAMMY.has(v.status), is_skipped: c.is_skipped, score: c.score, required_score: c.required_score, action: c.action };
  // Symbol names are UPPER_SNAKE; one that collides with a metric member keeps the member.
  for (const [k, s] of Object.entries(c.symbols)) if (!Object.hasOwn(metric, k)) metric[k] = s;
  return { default: metric, ...c.rest };
}

/** The controller's answer to /learnspam and /learnham, with kas's counts after the request. */
export function encodeLearn(r: LearnReply): Record<string, unknown> {
  return { success: true, outcome: r.outcome, spam: r.spam, ham: r.ham };
}

export const errorBody = (message: string) => ({ error: message });
