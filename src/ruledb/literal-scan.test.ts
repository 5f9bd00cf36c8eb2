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

test("scan(text) agrees with scan(text.toLowerCase()) and with includes, on random mixed-case and non-ASCII text", () => {
  // The two non-ASCII characters that lower-case to ASCII (U+0130, U+212A), other non-ASCII
  // letters, a surrogate pair, and upper and lower ASCII.
  const alphabet = ["a", "B", "c", "K", "k", "i", "I", " ", "\n", "\u0130", "\u212a", "\u00e9", "\u00c9", "\u03a3", "\u{1F600}", "\u0307"];
  const lits = ["ab", "bca", "cc", "a b", "ki", "ik", "i", "k", "kk", "i\n", "abcab"];
  const s = new LiteralScanner(lits);
  let seed = 11;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff), seed);
  for (let n = 0; n < 3000; n++) {
    const text = Array.from({ length: rnd() % 30 }, () => alphabet[rnd() % alphabet.length]).join("");
    const lower = text.toLowerCase();
    const want = lits.map((l) => lower.includes(l));
    expect(Array.from(s.scan(text), Boolean)).toEqual(want);
    expect(Array.from(s.scan(lower), Boolean)).toEqual(want);
  }
});

test.each([
  ["\u212aey", ["key"]], // KELVIN SIGN lower-cases to ASCII k
  ["\u0130f", []], // U+0130 is "i" + U+0307: "if" is not in the lower-cased text
  ["x\u0130", ["xi"]],
  ["FREE Money", ["free money"]],
])("scan %j", (text, want) => {
  const lits = ["key", "if", "xi", "free money"];
  const f = new LiteralScanner(lits).scan(text);
  expect(lits.filter((_, i) => f[i])).toEqual(want);
});
