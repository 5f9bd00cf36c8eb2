import { expect, test } from "bun:test";
import { LiteralScanner, spacedLiteral } from "./literal-scan";
import { intRng } from "../testing/rng";

/** What the scan reads: the lower-cased text with each whitespace run (JavaScript \s) as one space. */
const reading = (text: string) => text.toLowerCase().replace(/\s+/g, " ");

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

test("agrees with includes on the text as it reads it (whitespace runs as one space), on random text", () => {
  const alphabet = "abc \n";
  const lits = ["ab", "bca", "cc", "a b", "abcab", "\nc"];
  const s = new LiteralScanner(lits);
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff), seed);
  for (let n = 0; n < 300; n++) {
    const text = Array.from({ length: rnd() % 40 }, () => alphabet[rnd() % alphabet.length]).join("");
    const f = s.scan(text);
    expect(lits.map((l, i) => Boolean(f[i]))).toEqual(lits.map((l) => reading(text).includes(spacedLiteral(l))));
  }
});

test("non-ASCII literals are refused (the compiler only extracts ASCII)", () => {
  expect(() => new LiteralScanner(["caf\u00e9"])).toThrow("not ASCII");
});

test("scan(text) agrees with scan(text.toLowerCase()) and with includes on its reading, on random mixed-case, non-ASCII and whitespace text", () => {
  // The two non-ASCII characters that lower-case to ASCII (U+0130, U+212A), other non-ASCII
  // letters, a surrogate pair, and upper and lower ASCII.
  // Whitespace: ASCII, the non-ASCII spaces of \s, and characters that look like space but are not \s.
  const alphabet = ["a", "B", "c", "K", "k", "i", "I", " ", "\n", "\t", "\r", "\v", "\f", "\u00a0", "\u2003", "\u2028", "\u3000", "\ufeff", "\u200b", "\x1c", "\u0130", "\u212a", "\u00e9", "\u00c9", "\u03a3", "\u{1F600}", "\u0307"];
  const lits = ["ab", "bca", "cc", "a b", "ki", "ik", "i", "k", "kk", "i\n", "abcab", " ", "a \t b", " k", "b ", "c  c"];
  const s = new LiteralScanner(lits);
  let seed = 11;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff), seed);
  for (let n = 0; n < 3000; n++) {
    const text = Array.from({ length: rnd() % 30 }, () => alphabet[rnd() % alphabet.length]).join("");
    const lower = text.toLowerCase();
    const want = lits.map((l) => reading(text).includes(spacedLiteral(l)));
    expect(Array.from(s.scan(text).subarray(0, lits.length), Boolean)).toEqual(want);
    expect(Array.from(s.scan(lower).subarray(0, lits.length), Boolean)).toEqual(want);
  }
});

test("after the literals, scan() notes the scripts the text holds a character of (scripts.ts)", () => {
  const s = new LiteralScanner(["ab"]);
  const [cyr, cjk] = [s.scriptId("cyrillic"), s.scriptId("cjk")];
  expect([cyr, cjk, s.scriptId("klingon")]).toEqual([1, 2, -1]);
  const scripts = (text: string) => { const f = s.scan(text); return [f[cyr], f[cjk]]; };
  expect(scripts("plain ab text, caf\u00e9, \u03a3")).toEqual([0, 0]);
  expect(scripts("ab Привет")).toEqual([1, 0]);
  expect(scripts("发票 ab")).toEqual([0, 1]);
  expect(scripts("Ё and カ")).toEqual([1, 1]);
  expect(s.scan("Привет ab")[0]).toBe(1);
  expect(s.scan("결제 ab")[s.scriptId("hangul")]).toBe(1);
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

test.each([
  ["Next\n\t of \u00a0KIN", ["next of kin"]],
  ["next  of kin", ["next of kin"]],
  ["nextof kin", []],
  ["act\r\nnow", ["act now", "act\tnow"]], // a literal's own whitespace is read the same way
  ["hurry  ", ["hurry "]],
  ["a\u200bb", []], // ZERO WIDTH SPACE is not \s
])("whitespace: scan %j", (text, want) => {
  const lits = ["next of kin", "act now", "act\tnow", "hurry ", "a b"];
  const f = new LiteralScanner(lits).scan(text);
  expect(lits.filter((_, i) => f[i])).toEqual(want);
});

test("a literal the text holds is found however its whitespace runs are written (what keeps lits / pre valid)", () => {
  let seed = 5;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff), seed);
  const alphabet = ["a", "b", " ", "\n", "\t", "  "];
  for (let n = 0; n < 2000; n++) {
    const text = Array.from({ length: rnd() % 24 }, () => alphabet[rnd() % alphabet.length]).join("");
    const start = rnd() % (text.length + 1);
    const lit = text.slice(start, start + 1 + (rnd() % 6));
    if (!lit) continue;
    expect({ text, lit, found: new LiteralScanner([lit]).scan(text)[0] }).toEqual({ text, lit, found: 1 });
  }
});

test("columns: a character no literal holds leads back to the start; many distinct characters get a wider table", () => {
  expect(found(["ab", "a-b"], "a#b a-b xab")).toEqual(["ab", "a-b"]);
  expect(found(["ab"], "a#b")).toEqual([]);
  // Every printable ASCII character in some literal: more than 64 columns.
  const printable = Array.from({ length: 95 }, (_, i) => String.fromCharCode(0x20 + i)).filter((c) => !/[A-Z]/.test(c));
  const lits = printable.map((c, i) => `${c}${printable[(i * 7) % printable.length]}`);
  const s = new LiteralScanner(lits);
  let seed = 3;
  const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0), seed >>> 8);
  for (let n = 0; n < 300; n++) {
    const text = Array.from({ length: rnd() % 40 }, () => String.fromCharCode(0x20 + (rnd() % 95))).join("");
    const f = s.scan(text);
    expect(lits.map((l, i) => Boolean(f[i]))).toEqual(lits.map((l) => reading(text).includes(spacedLiteral(l))));
  }
});

test("a literal set of more than 65 536 states takes the 32-bit table and scans the same as includes", () => {
  // 10 000 literals of 14 random letters: ~110 000 trie states, past what a 16-bit entry holds.
  const rnd = intRng(11);
  const word = () => Array.from({ length: 14 }, () => "abcdefghijklmnopqrstuvwxyz"[rnd(26)]).join("");
  const lits = Array.from({ length: 10000 }, word);
  const s = new LiteralScanner(lits);
  expect((s as unknown as { next: ArrayLike<number> }).next).toBeInstanceOf(Uint32Array);
  const text = `${lits[9999]} ${lits[0].toUpperCase()} ${lits[4000].slice(0, 13)} x${lits[123]}y ${word()}`;
  const f = s.scan(text);
  const want = reading(text);
  lits.forEach((l, i) => expect([l, f[i]]).toEqual([l, want.includes(l) ? 1 : 0]));
  expect(f[9999] && f[0] && f[123]).toBe(1);
  expect(new LiteralScanner(["ab", "b"]) as unknown as { next: ArrayLike<number> }).toHaveProperty("next", expect.any(Uint16Array));
});
