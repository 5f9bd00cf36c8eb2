import { expect, test } from "bun:test";
import { LiteralScanner } from "./literal-scan";

const found = (lits: string[], text: string) => {
  const f = new LiteralScanner(lits).scan(text);
  return lits.filter((_, i) => f[i]);
};

test.each([
  [["he", "she", "his", "hers"], "ushers", ["he", "she", "hers"]],
  [["abc", "bcd", "c"], "xabcdx", ["abc", "bcd", "c"]],
  [["aab"], "aaab", ["aab"]], // needs the failure link after "aa" + "a"
  [["free money", "viagra"], "get free money now", ["free money"]],
  [["ab"], "a\u00e9b ab", ["ab"]], // non-ASCII resets, later match still found
  [["ab"], "a\u00e9b", []],
  [["x"], "", []],
  [["same", "same"], "the same", ["same", "same"]],
])("%j in %j", (lits, text, want) => {
  expect(found(lits, text)).toEqual(want);
});

test("agrees with includes on random text", () => {
  const alphabet = "abc \n";
  const lits = ["ab", "bca", "cc", "a b", "abcab", "\nc"];
  const s = new LiteralScanner(lits);
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff), seed);
  for (let n = 0; n < 300; n++) {
    const text = Array.from({ length: rnd() % 40 }, () => alphabet[rnd() % alphabet.length]).join("");
    const f = s.scan(text);
    expect(lits.map((l, i) => Boolean(f[i]))).toEqual(lits.map((l) => text.includes(l)));
  }
});

test("non-ASCII literals are refused (the compiler only extracts ASCII)", () => {
  expect(() => new LiteralScanner(["caf\u00e9"])).toThrow("not ASCII");
});
