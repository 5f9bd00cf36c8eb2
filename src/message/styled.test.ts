import { expect, test } from "bun:test";
import { displayName } from "../ruledb/targets";
import { parseMessageSync } from "./parse";
import { asRead, foldStyled, mayBeStyled } from "./styled";

const LIMITS = { max_message_size: 20 * 1024 * 1024, max_mime_parts: 1000, max_mime_depth: 32 };
const parse = (s: string) => parseMessageSync(new TextEncoder().encode(s), LIMITS);

test("every styled letter and digit folds to the ASCII letter or digit it draws", () => {
  // Mathematical Alphanumeric Symbols: 13 alphabets of 52 letters (bold … monospace) from U+1D400, digits from U+1D7CE.
  const latin = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  let folded = 0;
  for (let alphabet = 0; alphabet < 13; alphabet++) {
    for (let k = 0; k < 52; k++) {
      const c = String.fromCodePoint(0x1d400 + alphabet * 52 + k);
      // The alphabets' holes (ℎ, ℬ, ℭ … are in Letterlike Symbols) are unassigned: kept as written.
      if (/\p{Cn}/u.test(c)) expect(foldStyled(c)).toBe(c);
      else {
        expect(foldStyled(c)).toBe(latin[k]);
        folded++;
      }
    }
  }
  expect(folded).toBeGreaterThan(13 * 52 - 30);
  let digits = "";
  for (let cp = 0x1d7ce; cp <= 0x1d7ff; cp++) digits += String.fromCodePoint(cp);
  expect(foldStyled(digits)).toBe("0123456789".repeat(5));
  expect(foldStyled("\u24B6\u24CF\u24D0\u24E9")).toBe("AZaz"); // circled
  expect(foldStyled("\u{1F130}\u{1F149}\u{1F150}\u{1F169}\u{1F170}\u{1F189}")).toBe("AZAZAZ"); // squared, negative circled, negative squared
});

test("fullwidth forms read as the ASCII they draw (NFKC), in English and in Japanese or Chinese text alike", () => {
  for (let cp = 0xff01; cp <= 0xff5e; cp++) expect(foldStyled(String.fromCharCode(cp))).toBe(String.fromCharCode(cp).normalize("NFKC"));
  expect(foldStyled("\uFF26\uFF32\uFF25\uFF25 \uFF36\uFF29\uFF21\uFF27\uFF32\uFF21")).toBe("FREE VIAGRA");
  expect(foldStyled("ご利用金額：３９，８００円")).toBe("ご利用金額:39,800円");
  // Halfwidth katakana and the ideographic space are not fullwidth Latin: as written.
  expect(foldStyled("ｶﾀｶﾅ\u3000漢字")).toBe("ｶﾀｶﾅ\u3000漢字");
});

test("text without styled letters is itself; emoji and other scripts are not folded", () => {
  for (const s of ["plain text", "\u{1F389}\u{1F468}\u200d\u{1F4BB}", "\u041f\u0440\u0438\u0432\u0435\u0442", "\u65e5\u672c\u8a9e", "x\u00b2 \ufb01"]) {
    expect(foldStyled(s)).toBe(s);
  }
});

test("mayBeStyled is true for the first code unit of every styled letter", () => {
  for (const s of ["\u{1D400}", "\u{1D7FF}", "\u24B6", "\u24E9", "\u{1F130}", "\u{1F189}", "\uFF01", "\uFF21", "\uFF5E"]) expect(mayBeStyled(s.charCodeAt(0))).toBe(true);
  for (const c of [0x41, 0xad, 0x200b, 0x24b5, 0x24ea, 0xff00, 0xff5f, 0xd83d]) expect(mayBeStyled(c)).toBe(false);
});

test("the body reads styled letters as letters, in plain text, HTML (characters or references) and the subject line; rawbody keeps them", () => {
  const bold = "\u{1D5EC}\u{1D5FC}\u{1D602}\u{1D5FF} \u{1D5EE}\u{1D5F0}\u{1D5F0}\u{1D5FC}\u{1D602}\u{1D5FB}\u{1D601}"; // "Your account" in sans-serif bold
  const plain = parse(`From: a@example.net\r\nSubject: ${bold} is locked\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${bold} will be closed\r\n`);
  expect(plain.body).toContain("Your account is locked");
  expect(plain.body).toContain("Your account will be closed");
  expect(plain.rawbody).toContain(bold);
  const html = parse(`From: a@example.net\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>${bold}</p><p>&#x1D405;&#x1D411;&#x1D404;&#x1D404; gift</p>\r\n`);
  expect(html.body).toContain("Your account");
  expect(html.body).toContain("FREE gift");
  const wide = parse(`From: a@example.net\r\nSubject: \uFF26\uFF32\uFF25\uFF25 offer\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\uFF23\uFF4C\uFF49\uFF43\uFF4B here\r\n`);
  expect(wide.body).toContain("FREE offer");
  expect(wide.body).toContain("Click here");
  expect(wide.rawbody).toContain("\uFF23\uFF4C\uFF49\uFF43\uFF4B");
});

test("a display name in styled letters reads as the name (the brand check sees PayPal); asRead also drops invisible characters", () => {
  expect(displayName('"\u{1D40F}\u{1D41A}\u{1D432}\u{1D40F}\u{1D41A}\u{1D425}" <x@example.net>')).toBe("PayPal");
  expect(asRead("\u{1D40F}a\u200by")).toBe("Pay");
});
