// Commercial mail people asked for (fixtures/messages/wanted-bulk: a shop newsletter, an
// order confirmation, a bank notice, a conference call for papers, ...) must not be spam on
// the shipped rules alone. The training split of the SpamAssassin corpus has no ham of this
// kind, so nothing else guards the rules against taking "commercial HTML" for spam.
import { expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { defaults } from "../config/load";
import { parseMessageSync } from "../message/parse";
import { compileDir } from "./compile";
import { loadRuleDb } from "./match";

const DIR = join(import.meta.dir, "../../fixtures/messages/wanted-bulk");
const db = loadRuleDb(compileDir(join(import.meta.dir, "../../rules")).db!);
const cfg = defaults();
const files = readdirSync(DIR).filter((f) => f.endsWith(".eml")).sort();

test("the wanted-bulk fixtures are all there", () => {
  expect(files.length).toBe(98);
});

/** Score of each fixture on the shipped rules alone. */
const scores = files.map((f) => {
  const r = db.match(parseMessageSync(readFileSync(join(DIR, f)), cfg.scan), { checkSymbols: [], deadline: performance.now() + 5000 });
  return { file: f, score: Math.round(r.hits.reduce((a, h) => a + h.score, 0) * 10) / 10, hits: r.hits.map((h) => `${h.name}=${h.score}`) };
});

// At most 2 of the 98. With the hand scores alone (every file but rules/95_fitted_scores.cf) 2
// of the first 68 are spam: a magazine's renewal with "money-back guarantee" (5.2) and a grand
// opening sent as base64 HTML (5.8), hitting rules that are fair evidence on their own; before the score groups
// (rules/85_groups.cf) 14 of the first 48 were. With the fitted scores shipped, none is. These
// fixtures are part of `bun run fit`'s training data (as ham), so with the fitted scores this
// test is in sample: it shows the fit kept them clear, not how unseen wanted mail fares (the
// fit's header gives the held-out figures of its cross-validation).
// The 30 of batch d came after the last fit, so they are out of sample: with the shipped
// scores none is spam, 5 are above the probable-spam threshold (3.1-4.0).
test("no more than 2 of the wanted-bulk fixtures are spam on rules alone", () => {
  const spam = scores.filter((s) => s.score >= cfg.policy.spam_score);
  // The list is in the failure message: it names the rules that went too far.
  expect(spam.length <= 2 ? [] : spam).toEqual([]);
});

test("the typical wanted-bulk fixture stays clear of the probable-spam threshold", () => {
  const sorted = scores.map((s) => s.score).sort((a, b) => a - b);
  expect(sorted[sorted.length >> 1]).toBeLessThan(cfg.policy.probable_spam_score);
});
