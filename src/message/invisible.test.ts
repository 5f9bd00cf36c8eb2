import { expect, test } from "bun:test";
import { mayBeInvisible, stripInvisible } from "./invisible";

const UNICODE_DI = /\p{Default_Ignorable_Code_Point}/u;

test("the hand-written set is exactly Unicode's Default_Ignorable_Code_Point, every code point", () => {
  const wrong: string[] = [];
  for (let c = 0; c <= 0x10ffff; c++) {
    if (c >= 0xd800 && c <= 0xdfff) continue; // lone surrogates are not characters
    const ch = String.fromCodePoint(c);
    const dropped = stripInvisible(`a${ch}b`) === "ab";
    if (dropped !== UNICODE_DI.test(ch)) wrong.push(c.toString(16));
    // The char-code pre-test never says no to a character stripInvisible drops.
    if (dropped && !mayBeInvisible(ch.charCodeAt(0))) wrong.push(`pre-test ${c.toString(16)}`);
    if (wrong.length > 20) break;
  }
  expect(wrong).toEqual([]);
});

test("words written with invisible characters read as the word; visible text is untouched", () => {
  expect(stripInvisible("V\u200bi\u00ada\u2060g\ufeffr\u{e0041}a")).toBe("Viagra");
  expect(stripInvisible("Pay\u200cPal\u202e \u3164x\ufe0f")).toBe("PayPal x");
  const plain = "Grüße, 東京, emoji 😀, a\u00a0b, tab\tend";
  expect(stripInvisible(plain)).toBe(plain);
  expect(mayBeInvisible("a".charCodeAt(0))).toBe(false);
  expect(mayBeInvisible("😀".charCodeAt(0))).toBe(false);
});
