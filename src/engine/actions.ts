// Status + policy → what the client does: disposition (accept / reject / tempfail with an
// SMTP reply) and header edits. Our own fields are `set` (replacing any copies already in
// the message, so a sender cannot forge a clean verdict and a second pass does not stack).
import type { Policy } from "./policy";
import { STATUS_HEADER, type Disposition, type HeaderEdit, type Hit, type Status } from "./types";

export const HEADER = { status: STATUS_HEADER, score: "X-KAS-Score", hits: "X-KAS-Hits", policy: "X-KAS-Policy", flag: "X-Spam-Flag" } as const;

export interface ActionOutcome {
  disposition: Disposition;
  reply?: { code: number; text: string };
  edits: HeaderEdit[];
}

type Action = Policy["spam_action"];

function actionFor(status: Status, p: Policy): Action {
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
  const edits: HeaderEdit[] = [
    { op: "set", name: HEADER.status, value: status },
    { op: "set", name: HEADER.score, value: `${score.toFixed(1)} / ${p.spam_score.toFixed(1)}` },
  ];
  const listed = hits.filter((h) => h.score !== 0 || !h.name.startsWith("__"));
  edits.push(listed.length ? { op: "set", name: HEADER.hits, value: listed.map((h) => `${h.name}=${round(h.score)}`).join(", ") } : { op: "remove", name: HEADER.hits });
  edits.push(p.name !== "default" ? { op: "set", name: HEADER.policy, value: p.name } : { op: "remove", name: HEADER.policy });
  const spammy = status === "spam" || status === "blacklisted";
  edits.push(spammy ? { op: "set", name: HEADER.flag, value: "YES" } : { op: "remove", name: HEADER.flag });
  edits.push(...extra);
  const action = actionFor(status, p);
  if (action === "prefix") {
    edits.push({ op: "prefix_subject", prefix: status === "probable_spam" ? p.probable_spam_subject_prefix : p.spam_subject_prefix });
  }
  if (action === "reject") return { disposition: "reject", reply: { code: 550, text: p.reject_text }, edits };
  if (action === "tempfail") return { disposition: "tempfail", reply: { code: 451, text: p.tempfail_text }, edits };
  return { disposition: "accept", edits };
}

const round = (n: number) => Math.round(n * 100) / 100;
