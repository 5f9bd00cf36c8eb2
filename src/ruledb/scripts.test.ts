// The script gates: which scripts a pattern requires, and that each script is closed under
// the case folding of a non-unicode /i regex, so a gate never hides a match.
import { expect, test } from "bun:test";
import { Parser } from "./regex-parse";
import { requiredScripts, SCRIPT_SAMPLE, scriptOf, SCRIPTS } from "./scripts";

const req = (pattern: string, flags = "i") => requiredScripts(new Parser(pattern, false).alts(true), flags);

test("a pattern whose every alternative passes a Cyrillic or Chinese character requires that script", () => {
  expect(req("обналичива|обнал")).toEqual(["cyrillic"]);
  expect(req("[вВ]аш\\s{1,3}аккаунт")).toEqual(["cyrillic"]);
  expect(req("(?:e-?mail|адрес)[^.]{0,40}?(?:взят|найден)")).toEqual(["cyrillic"]);
  expect(req("代开(?:各类)?发票|刷单")).toEqual(["cjk"]);
  expect(req("アカウント|[пП]одтвердите")).toEqual(["cyrillic", "cjk"]);
  expect(req("(?:тел|звоните)?\\s*\\d{3}")).toBeUndefined(); // the Cyrillic part is optional
  expect(req("whats\\s?app|вайбер")).toBeUndefined(); // one alternative is ASCII
  expect(req("[:：]")).toBeUndefined(); // the class holds ASCII
  expect(req("[^а-я]{3}")).toBeUndefined(); // negated
  expect(req("caf\\x{e9}|\\x{3a3}")).toBeUndefined(); // Latin-1 is no gated script
  expect(req("\\x{3a3}|ο\\s{1,3}αγοραστής")).toEqual(["greek"]);
  expect(req("για\\s{1,3}να|receive")).toBeUndefined();
  expect(req("\\x{4e00}-\\x{4e01}")).toEqual(["cjk"]);
  expect(req("수신\\s?거부|본인이\\s{0,2}아닌")).toEqual(["hangul"]);
});

test("every script is closed under /i case folding over the whole BMP", () => {
  // ES Canonicalize (non-unicode): the upper case when it is one code unit, unless that would
  // map a non-ASCII character to ASCII. Characters with the same canonical form match each
  // other under /i, so they must all be in one script or in none.
  const canon = (c: number) => {
    const u = String.fromCharCode(c).toUpperCase();
    return u.length === 1 && !(c >= 128 && u.charCodeAt(0) < 128) ? u.charCodeAt(0) : c;
  };
  const byCanon = new Map<number, number>();
  const bad: string[] = [];
  for (let c = 0; c <= 0xffff; c++) {
    const k = canon(c);
    const sc = scriptOf(c);
    const seen = byCanon.get(k);
    if (seen === undefined) byCanon.set(k, sc);
    else if (seen !== sc) bad.push(c.toString(16));
    // And each character against its canonical form itself.
    if (scriptOf(k) !== sc) bad.push(`${c.toString(16)}→${k.toString(16)}`);
  }
  expect(bad).toEqual([]);
  expect(SCRIPTS.map((_, k) => k)).toEqual([0, 1, 2, 3]);
  // Each script's sample letter (what fuzz-time.ts writes into a gated rule's input) is of it.
  expect(SCRIPTS.map((sc) => scriptOf(SCRIPT_SAMPLE[sc].charCodeAt(0)))).toEqual([0, 1, 2, 3]);
  expect([scriptOf(0x1c80), scriptOf("в".charCodeAt(0)), scriptOf("発".charCodeAt(0)), scriptOf("：".charCodeAt(0)), scriptOf(0xe9)]).toEqual([0, 0, 1, 1, -1]);
  // Greek takes the micro sign (/μ/i matches it) and polytonic Greek; "é" stays ungated Latin.
  expect([scriptOf("α".charCodeAt(0)), scriptOf(0xb5), scriptOf(0x1f00), scriptOf(0x345), scriptOf(0x300)]).toEqual([3, 3, 3, 3, -1]);
});
