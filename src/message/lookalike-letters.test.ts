import { expect, test } from "bun:test";
import { defaults } from "../config/load";
import { foldMixedScriptWords, LATIN_LOOKALIKES } from "./lookalike-letters";
import { parseMessageSync } from "./parse";

test("a word of Latin letters and Cyrillic or Greek look-alikes reads as the Latin word; Russian, Greek and look-alikes alone stay as written", () => {
  expect(foldMixedScriptWords("Your p\u0430ssword, V\u0435rify your \u0430ccount, Mi\u0441rosoft, \u0420ayPal, Acc\u03bfunt, \u041dELLO")).toBe("Your password, Verify your account, Microsoft, PayPal, Account, HELLO");
  expect(foldMixedScriptWords("V\u00e9rifi\u0435z votre compte")).toBe("Vérifiez votre compte"); // accented Latin letters are Latin
  for (const honest of ["\u041f\u0440\u0438\u0432\u0435\u0442, \u043a\u0430\u043a \u0434\u0435\u043b\u0430?", "\u039a\u03b1\u03bb\u03b7\u03bc\u03ad\u03c1\u03b1", "\u041a\u0443\u043f\u0438\u0442\u0435 iPhone \u0441\u0435\u0433\u043e\u0434\u043d\u044f", "iPhone-\u0430 SMS-\u043a\u0438", "\u0441\u043e\u0440", "\u041c\u043e\u0441\u043a\u0432a", "the \u03b1-helix and \u03b2 sheets", "plain ASCII"])
    expect(foldMixedScriptWords(honest)).toBe(honest);
});

test("the body the rules read has mixed-script words folded, in plain text and in HTML; rawbody keeps them as written", () => {
  const msg = (type: string, body: string) => parseMessageSync(new TextEncoder().encode(`From: a@example.net\r\nTo: u@example.com\r\nSubject: Upd\u0430te\r\nContent-Type: ${type}; charset=utf-8\r\n\r\n${body}\r\n`), defaults().scan);
  const plain = msg("text/plain", "Your p\u0430ssword expires today.");
  expect(plain.body).toContain("Your password expires today.");
  expect(plain.rawbody).toContain("p\u0430ssword");
  const html = msg("text/html", "<p>V\u0435rify your <b>\u0430ccount</b></p>");
  expect(html.body).toContain("Verify your account");
  expect(html.rawbody).toContain("V\u0435rify");
});

test("the quick tests only skip text that has nothing to fold: random mixes of Latin, look-alike and other Cyrillic letters fold as word by word", () => {
  const alphabet = ["a", "b", "é", "Z", "а", "е", "о", "р", "Р", "ж", "д", "ы", "ο", "λ", " ", ".", "1", "\n"];
  const reference = (s: string) =>
    s.replace(/\p{L}+/gu, (w) => (/[\u0370-\u052f]/.test(w) && /\p{Script=Latin}/u.test(w) && [...w].every((c) => /\p{Script=Latin}/u.test(c) || c in LATIN_LOOKALIKES) ? [...w].map((c) => LATIN_LOOKALIKES[c] ?? c).join("") : w));
  let seed = 7;
  const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648) % n);
  for (let i = 0; i < 3000; i++) {
    const s = Array.from({ length: 1 + rnd(24) }, () => alphabet[rnd(alphabet.length)]).join("");
    expect({ s, got: foldMixedScriptWords(s) }).toEqual({ s, got: reference(s) });
  }
});
