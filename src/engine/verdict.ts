// Score → status, by the policy's thresholds. `formal` marks automatic service mail
// (delivery status notifications, read receipts, auto-replies: RFC 3464, RFC 8098, RFC 3834)
// that scored below the spam threshold, so an administrator can route it apart; backscatter
// that scores as spam stays `spam`.
import { isNamed } from "../message/mime";
import type { ParsedMessage } from "../message/types";
import type { Policy } from "./policy";
import type { Envelope, Hit, Status } from "../model";

export function scoreOf(hits: readonly Hit[]): number {
  return Math.round(hits.reduce((a, h) => a + h.score, 0) * 1000) / 1000;
}


/** The largest multiple of 10^-d not above n, compared as doubles (what the verdict compares). */

export function verdict(score: number, p: Policy, msg: ParsedMessage | undefined, env: Envelope): Status {
  if (score >= p.spam_score) return "spam";
  if (score >= p.probable_spam_score && p.probable_spam_score < p.spam_score) return "probable_spam";
  if (msg && isFormal(msg, env)) return "formal";
  return "not_detected";
}

export function isFormal(msg: ParsedMessage, env: Envelope): boolean {
  const top = msg.parts[0]?.contentType ?? "";
  if (top === "multipart/report") return true;
  // Most mail scores below the thresholds and comes here: isNamed spares a lower-cased copy of every field name.
  const auto = msg.headers.find((h) => isNamed(h, "auto-submitted"))?.value.trim().toLowerCase();
  if (auto && auto !== "no") return true;
  return env.from === "" && msg.parts.some((p) => p.contentType === "message/delivery-status");
}
