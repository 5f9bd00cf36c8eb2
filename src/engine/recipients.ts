// One message, several recipients, several policies. The engine scans a message once, under
// the first [[policy.group]] that names one of its recipients (policy.ts). A refusal at SMTP
// time (milter, the native protocol before the queue) refuses the message for every recipient,
// so when the recipients' own policies would act differently the one outcome must hurt nobody
// (issue 14): a reject or tempfail stands only when every recipient's policy rejects or defers
// the message; otherwise it is delivered, tagged with the verdict's header fields, and the
// note says why. Deferring wins over rejecting when the policies mix the two (nothing is lost,
// the MTA retries).
import { actionFor } from "./actions";
import { selectPolicy, type Policy } from "./policy";
import { verdict } from "./verdict";
import type { KasConfig } from "../config/schema";
import type { Envelope, PolicyAction, Status } from "../model";

/** The distinct policies of a recipient list, each recipient's own (first match per recipient). */
export function recipientPolicies(cfg: KasConfig["policy"], rcpt: readonly string[]): Policy[] {
  const seen = new Map<string, Policy>();
  for (const r of rcpt) {
    const p = selectPolicy(cfg, [r]);
    if (!seen.has(p.name)) seen.set(p.name, p);
  }
  return [...seen.values()];
}

/** The status this policy would have given: thresholds are the policy's own; list and formal statuses carry over. */
function statusUnder(p: Policy, status: Status, score: number, env: Envelope): Status {
  return status === "spam" || status === "probable_spam" || status === "not_detected" ? verdict(score, p, undefined, env) : status;
}

export type Reconciled =
  | { change: false }
  | { change: true; action: "accept" | "tempfail"; reply?: { code: number; text: string }; note: string };

/**
 * Given a verdict that refuses the message (`action` reject or tempfail), decides whether the
 * refusal may stand for all recipients. `change: false` when it may (or when every recipient
 * falls under one policy).
 */
export function reconcileRecipients(cfg: KasConfig["policy"], env: Envelope, v: { status: Status; score: number; action: PolicyAction }): Reconciled {
  if (v.action !== "reject" && v.action !== "tempfail") return { change: false };
  const policies = recipientPolicies(cfg, env.rcpt);
  if (policies.length < 2) return { change: false };
  const each = policies.map((p) => ({ p, action: actionFor(statusUnder(p, v.status, v.score, env), p) }));
  const said = each.map((e) => `${e.p.name}: ${e.action}`).join(", ");
  if (each.some((e) => e.action === "accept" || e.action === "prefix")) {
    return { change: true, action: "accept", note: `recipients' policies disagree (${said}): delivered tagged, not refused for all` };
  }
  const deferring = each.find((e) => e.action === "tempfail");
  if (v.action === "reject" && deferring) {
    return { change: true, action: "tempfail", reply: { code: 451, text: deferring.p.tempfail_text }, note: `recipients' policies disagree (${said}): deferred, not rejected for all` };
  }
  return { change: false };
}
