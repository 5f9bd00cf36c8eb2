// Status + policy → what the client does: disposition (accept / reject / tempfail with an
// SMTP reply) and header edits. Our own fields are `set` (replacing any copies already in
// the message, so a sender cannot forge a clean verdict and a second pass does not stack).
import type { Policy } from "./policy";
import { STATUS_HEADER, type Disposition, type HeaderEdit, type Hit, type PolicyAction, type Status } from "../model";
import { shownScore } from "../model";

export const HEADER = { status: STATUS_HEADER, score: "X-KAS-Score", hits: "X-KAS-Hits", policy: "X-KAS-Policy", flag: "X-Spam-Flag" } as const;

export interface ActionOutcome {
  disposition: Disposition;
  /** The policy action taken: "prefix" is an accept with a subject prefix (logs name it). */
  policyAction: PolicyAction;
  reply?: { code: number; text: string };
  edits: HeaderEdit[];
}

export function actionFor(status: Status, p: Policy): PolicyAction {
  switch (status) {
    case "spam":
      return p.spam_action;
    case "probable_spam":
      return p.probable_spam_action;
    case "blacklisted":
      return p.blacklisted_action;
    case "formal":
      return p.formal_action;
    default:
      return "accept";
  }
}

export function actions(status: Status, score: number, hits: readonly Hit[], p: Policy, extra: readonly HeaderEdit[] = []): ActionOutcome {
  const shown = shownScore(score, p.spam_score, p.probable_spam_score);
  const edits: HeaderEdit[] = [
    { op: "set", name: HEADER.status, value: status },
    { op: "set", name: HEADER.score, value: `${shown.score} / ${shown.threshold}` },
  ];
  let listed = "";
  for (const h of hits) if (h.score !== 0 || !h.name.startsWith("__")) listed += listed ? `, ${hitText(h)}` : hitText(h);
  edits.push(listed ? { op: "set", name: HEADER.hits, value: listed } : { op: "remove", name: HEADER.hits });
  edits.push(p.name !== "default" ? { op: "set", name: HEADER.policy, value: p.name } : { op: "remove", name: HEADER.policy });
  const spammy = status === "spam" || status === "blacklisted";
  edits.push(spammy ? { op: "set", name: HEADER.flag, value: "YES" } : { op: "remove", name: HEADER.flag });
  edits.push(...extra);
  const action = actionFor(status, p);
  if (action === "prefix") {
    edits.push({ op: "prefix_subject", prefix: status === "probable_spam" ? p.probable_spam_subject_prefix : p.spam_subject_prefix });
  }
  if (action === "reject") return { disposition: "reject", policyAction: action, reply: { code: 550, text: p.reject_text }, edits };
  if (action === "tempfail") return { disposition: "tempfail", policyAction: action, reply: { code: 451, text: p.tempfail_text }, edits };
  return { disposition: "accept", policyAction: action, edits };
}

const round = (n: number) => Math.round(n * 100) / 100;

// "NAME=score" of a hit (never empty: it holds the "="), remembered by name while the score is
// the same: a rule's score is fixed by its database, so the same texts come back message after
// message, and writing a fractional score as text was most of this function's cost (2-5 us a
// message). Names are rule and check symbols, never message text; bounded all the same.
const hitTexts = new Map<string, { score: number; text: string }>();
function hitText(h: Hit): string {
  const seen = hitTexts.get(h.name);
  if (seen && seen.score === h.score) return seen.text;
  if (hitTexts.size >= 4096) hitTexts.clear();
  const text = `${h.name}=${round(h.score)}`;
  hitTexts.set(h.name, { score: h.score, text });
  return text;
}
