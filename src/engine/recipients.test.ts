import { expect, test } from "bun:test";
import { parseConfig } from "../config/load";
import { reconcileRecipients, recipientPolicies } from "./recipients";

const cfg = parseConfig(
  `[policy]
spam_action = "reject"
[[policy.group]]
name = "tagonly"
recipients = ["@tag.example"]
spam_action = "prefix"
[[policy.group]]
name = "strict"
recipients = ["@strict.example"]
spam_score = 2
probable_spam_score = 2
spam_action = "reject"
[[policy.group]]
name = "defer"
recipients = ["@defer.example"]
spam_action = "tempfail"
`,
  "t.toml",
).policy;
const env = (...rcpt: string[]) => ({ from: "s@x.example", rcpt });

test("each recipient's own policy, once per policy", () => {
  expect(recipientPolicies(cfg, ["a@tag.example", "b@tag.example", "c@other.example"]).map((p) => p.name)).toEqual(["tagonly", "default"]);
});

test.each([
  // [recipients, status, score, action the scan took, expected]
  [["a@other.example"], "spam", 9, "reject", { change: false }],
  [["a@other.example", "b@strict.example"], "spam", 9, "reject", { change: false }],
  [["a@other.example", "b@tag.example"], "spam", 9, "reject", { change: true, action: "accept" }],
  // 3 is spam for "strict" (spam_score 2) only; the default policy sees not_detected → accept
  [["b@strict.example", "a@other.example"], "spam", 3, "reject", { change: true, action: "accept" }],
  [["a@other.example", "d@defer.example"], "spam", 9, "reject", { change: true, action: "tempfail" }],
  [["d@defer.example", "a@other.example"], "spam", 9, "tempfail", { change: false }],
  [["a@other.example", "b@tag.example"], "spam", 9, "accept", { change: false }],
] as const)("%j, %s %d, scan said %s", (rcpt, status, score, action, expected) => {
  const r = reconcileRecipients(cfg, env(...rcpt), { status, score, action });
  expect(r).toMatchObject(expected);
  if (r.change) expect(r.note).toStartWith("recipients' policies disagree (");
});
