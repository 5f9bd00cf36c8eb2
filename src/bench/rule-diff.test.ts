// rules:diff's comparison: every moved message named with what it gained and lost, a summary
// per group, and nothing said of messages that did not move.
import { expect, test } from "bun:test";
import { diffLines, groupOf } from "./rule-diff";

const head = "rules/ sources sha256 x; 4 messages";
const base = [
  head,
  "corpus/spam-1/0001.txt\tprobable_spam\t4.5\tA,B",
  "corpus/easy-ham-1/0002.txt\tnot_detected\t0.1\t",
  "fixtures/messages/bulk-classic/pharmacy.eml\tspam\t5.7\tA,RX",
  "fixtures/messages/gtube.eml\tspam\t1000\tGTUBE",
];

test("a moved message is listed with its verdicts, scores and the hits gained and lost; the rest is silent", () => {
  const now = [head, "corpus/spam-1/0001.txt\tspam\t6\tA,C", base[2], "fixtures/messages/bulk-classic/pharmacy.eml\tspam\t6.2\tA,RX,Z", base[4]];
  expect(diffLines(base, now)).toEqual([
    "corpus/spam-1/0001.txt\tprobable_spam 4.5 -> spam 6\t+C -B",
    "fixtures/messages/bulk-classic/pharmacy.eml\tspam 5.7 -> spam 6.2\t+Z",
    "fixtures/bulk-classic: 1 moved, 0 changed verdict",
    "spam-1: 1 moved, 1 changed verdict",
  ]);
});

test("nothing moved is said so; a new fixture and a removed one are named", () => {
  expect(diffLines(base, base)).toEqual(["no message moved"]);
  const now = [...base.filter((l) => !l.includes("gtube")), "fixtures/messages/fraud/new.eml\tspam\t7\tX"];
  expect(diffLines(base, now)).toEqual(["fixtures/messages/fraud/new.eml\tnew: spam 7", "fixtures/messages/gtube.eml\tgone", "no message moved"]);
});

test("groups are the corpus group or the fixtures' directory", () => {
  expect([groupOf("corpus/easy-ham-1/x.txt"), groupOf("fixtures/messages/wanted-bulk/a.eml"), groupOf("fixtures/messages/gtube.eml")]).toEqual(["easy-ham-1", "fixtures/wanted-bulk", "fixtures"]);
});
