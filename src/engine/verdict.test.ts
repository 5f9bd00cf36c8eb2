// The displayed score (formatScore) against the verdict: what people read must never sit on
// the other side of a threshold from the score the status was decided on.
import { expect, test } from "bun:test";
import { parseConfig } from "../config/load";
import { actions } from "./actions";
import type { Policy } from "./policy";
import { formatScore } from "../model";
import { parsed } from "../testing/parsed";
import { verdict } from "./verdict";

test.each([
  // score, thresholds, shown
  [4.95, [3, 5], "4.9"], // probable_spam under spam_score 5: not "5.0"
  [5.0, [3, 5], "5.0"],
  [5.04, [3, 5], "5.0"],
  [2.96, [3, 5], "2.9"], // not_detected under probable_spam_score 3: not "3.0"
  [2.999, [3, 5], "2.9"],
  [3.0, [3, 5], "3.0"],
  [0.15, [], "0.1"],
  [0.1 + 0.2, [], "0.3"],
  [0.3, [], "0.3"],
  [0, [], "0.0"],
  [-0.04, [], "-0.1"], // toward negative infinity, not toward zero
  [-0.15, [], "-0.2"],
  [-1.0, [-1], "-1.0"],
  [-0.95, [-1], "-1.0"],
  [-1.05, [-1], "-1.1"],
  [-0, [], "0.0"],
  [4.96, [3, 4.95], "4.96"], // a threshold with two decimals: one decimal would read below it
  [4.951, [4.95], "4.95"],
  [4.949, [4.95], "4.9"],
  [4.95, [4.95], "4.95"], // a threshold shown as itself
  [5, [5], "5.0"],
  [12.3456, [5], "12.3"],
] as const)("formatScore(%p, %p) = %p", (score, thresholds, shown) => {
  expect(formatScore(score, thresholds)).toBe(shown);
});

test("the header never shows a score at or above the threshold for a status below it", () => {
  const policy: Policy = { ...parseConfig("", "t.toml").policy, name: "default" };
  for (let milli = -2000; milli <= 8000; milli++) {
    const score = milli / 1000;
    const status = verdict(score, policy, undefined, { rcpt: [] });
    const header = actions(status, score, [], policy).edits.find((e) => e.op === "set" && e.name === "X-KAS-Score");
    const shown = Number((header as { value: string }).value.split(" / ")[0]);
    expect([score, shown >= policy.spam_score]).toEqual([score, status === "spam"]);
    expect([score, shown >= policy.probable_spam_score]).toEqual([score, status === "spam" || status === "probable_spam"]);
  }
});

test("formal: Auto-Submitted in any case (not 'no'), a report, a bounce's delivery status", () => {
  const policy: Policy = { ...parseConfig("", "t.toml").policy, name: "default" };
  const msg = (headers: [string, string][], types = ["text/plain"]) => ({ ...parsed({}), headers: headers.map(([name, value]) => ({ name, raw: value, value })), parts: types.map((contentType) => ({ contentType, charset: "", size: 0, depth: 0 })) });
  const status = (m: ReturnType<typeof msg>, from?: string) => verdict(0, policy, m, { rcpt: [], from });
  expect(status(msg([["Subject", "x"], ["AUTO-SUBMITTED", " auto-replied "]]))).toBe("formal");
  expect(status(msg([["auto-submitted", "auto-generated"]]))).toBe("formal");
  expect(status(msg([["Auto-Submitted", "No"]]))).toBe("not_detected");
  expect(status(msg([["Auto-Submitted-X", "auto-replied"], ["X-Auto-Submitted", "auto-replied"]]))).toBe("not_detected");
  expect(status(msg([], ["multipart/report"]))).toBe("formal");
  expect(status(msg([], ["multipart/mixed", "message/delivery-status"]), "")).toBe("formal");
  expect(status(msg([], ["multipart/mixed", "message/delivery-status"]), "a@b.example")).toBe("not_detected");
  expect(verdict(9, policy, msg([["Auto-Submitted", "auto-replied"]]), { rcpt: [] })).toBe("spam");
});

test("X-KAS-Hits: each hit's own score even when a name comes back with another (the texts are remembered by name and score)", () => {
  const policy: Policy = { ...parseConfig("", "t.toml").policy, name: "default" };
  const hitsHeader = (hits: { name: string; score: number }[]) => actions("not_detected", 0, hits.map((h) => ({ ...h, description: "" })), policy).edits.find((e) => e.name === "X-KAS-Hits");
  expect(hitsHeader([{ name: "A_RULE", score: 1.234 }, { name: "__SUB", score: 0 }, { name: "B_RULE", score: 0 }])).toEqual({ op: "set", name: "X-KAS-Hits", value: "A_RULE=1.23, B_RULE=0" });
  expect(hitsHeader([{ name: "A_RULE", score: 2.5 }])).toEqual({ op: "set", name: "X-KAS-Hits", value: "A_RULE=2.5" });
  expect(hitsHeader([{ name: "A_RULE", score: 1.234 }, { name: "__SUB", score: 0.5 }])).toEqual({ op: "set", name: "X-KAS-Hits", value: "A_RULE=1.23, __SUB=0.5" });
  expect(hitsHeader([{ name: "__SUB", score: 0 }])).toEqual({ op: "remove", name: "X-KAS-Hits" });
});
