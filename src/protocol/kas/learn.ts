// The kas native protocol, version 1: the learn request (`kas learn --connect`). Same HTTP
// framing and error object as the scan request (request.ts, reply.ts); the class travels in
// a header, the raw message is the body, byte for byte. The server learns it into its own
// token database, so every filtering process of that server sees it.
//
// Grammar (ABNF, RFC 5234; HTTP framing per RFC 9112):
//   learn-request = "POST /v1/learn HTTP/1.1" CRLF *( header CRLF ) CRLF message
//   header        =/ "X-KAS-Learn:" SP ( "spam" / "ham" / "forget" )   ; required
//   header        =/ "X-KAS-Learn-Secret:" SP secret  ; required when the server has [server] learn_secret
//   learn-reply   = { "version": 1, "outcome": outcome, "spam": number, "ham": number }
//                 ; spam / ham: messages learned as each class after this request
//   outcome       = "learned" | "relearned" | "already" | "forgotten" | "unknown"
//   (errors: error-reply of reply.ts; "bad_request" when X-KAS-Learn is missing or wrong,
//   "forbidden" (403) when the client is not in [server] learn_allow or the secret is wrong)
// Pure decode/encode: no sockets, no engine.
import type { Decoded } from "./request";

export const LEARN_PATH = "/v1/learn";
export const LEARN_HEADER = "X-KAS-Learn";
export const LEARN_SECRET_HEADER = "X-KAS-Learn-Secret";

export type LearnOp = "spam" | "ham" | "forget";
export const LEARN_OUTCOMES = ["learned", "relearned", "already", "forgotten", "unknown"] as const;
export type LearnOutcomeName = (typeof LEARN_OUTCOMES)[number];

export interface LearnReply {
  version: 1;
  outcome: LearnOutcomeName;
  spam: number;
  ham: number;
}

export function decodeLearnOp(h: { get(name: string): string | null }): Decoded<LearnOp> {
  const v = h.get(LEARN_HEADER)?.trim().toLowerCase();
  if (v === "spam" || v === "ham" || v === "forget") return { ok: true, value: v };
  return { ok: false, reason: `${LEARN_HEADER} must be spam, ham or forget, got ${v === undefined ? "nothing" : JSON.stringify(v.slice(0, 20))}` };
}

export function decodeLearnReply(text: string): Decoded<LearnReply> {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return { ok: false, reason: "reply is not JSON" };
  }
  const o = v as Record<string, unknown>;
  if (typeof v !== "object" || v === null || o.version !== 1) return { ok: false, reason: "reply is not a version 1 object" };
  if (!(LEARN_OUTCOMES as readonly unknown[]).includes(o.outcome) || typeof o.spam !== "number" || typeof o.ham !== "number") return { ok: false, reason: "reply lacks outcome/spam/ham" };
  return { ok: true, value: { version: 1, outcome: o.outcome as LearnOutcomeName, spam: o.spam, ham: o.ham } };
}
