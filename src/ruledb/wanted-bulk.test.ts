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
  expect(files.length).toBe(8);
});

for (const f of files) {
  test(`${f} stays below the spam threshold on rules alone`, () => {
    const r = db.match(parseMessageSync(readFileSync(join(DIR, f)), cfg.scan), { checkSymbols: [], deadline: performance.now() + 5000 });
    const score = r.hits.reduce((a, h) => a + h.score, 0);
    // The hit list is in the failure message: it names the rule that went too far.
    expect({ file: f, score: Math.round(score * 10) / 10, below: score < cfg.policy.spam_score, hits: r.hits.map((h) => h.name) }).toMatchObject({ below: true });
  });
}
