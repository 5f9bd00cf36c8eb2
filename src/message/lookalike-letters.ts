// Cyrillic and Greek letters drawn like Latin ones ("а" U+0430 and "a", "Р" U+0420 and "P"),
// and words that mix them with Latin letters: "pаssword", "Vеrify your Miсrosoft аccount".
// A reader reads the Latin word; a rule or Bayes token written for it does not match. The text
// the rules read (styled.ts asRead) has such words folded to Latin; rawbody keeps them as
// written, where OBFU_MIXED_SCRIPT_WORD (rules/30_body.cf) names them.
//
// Only a word made of Latin letters and look-alikes, at least one of each, is folded: a
// Russian or Greek word (its other letters are no look-alikes) stays as written, and so does
// a word of look-alikes alone ("сор" is Russian).

/** The look-alikes and the Latin letter each is read as (both cases; the phishing check's domain folding uses the lower case). */
export const LATIN_LOOKALIKES: Readonly<Record<string, string>> = {
  // Cyrillic
  "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "ѕ": "s", "і": "i", "ј": "j", "һ": "h", "ԁ": "d", "ԛ": "q", "ԝ": "w",
  "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C", "Т": "T", "Х": "X", "Ѕ": "S", "І": "I", "Ј": "J",
  // Greek
  "ο": "o", "α": "a", "ε": "e", "ι": "i", "κ": "k", "ν": "v", "ρ": "p", "τ": "t", "υ": "u", "χ": "x",
  "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N", "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
};

const LOOKALIKE = new RegExp(`[${Object.keys(LATIN_LOOKALIKES).join("")}]`, "g");
const ONLY_LATIN_AND_LOOKALIKES = new RegExp(`^(?:\\p{Script=Latin}|[${Object.keys(LATIN_LOOKALIKES).join("")}])+$`, "u");
/** The test every text takes: a Greek or Cyrillic character at all (U+0370-U+052F). */
const HAS_GREEK_OR_CYRILLIC = /[\u0370-\u052f]/;
/**
 * The second test, for text that has one: a Latin letter beside a Greek or Cyrillic character.
 * A word of Latin letters and look-alikes, at least one of each, has such a pair somewhere, so
 * text without one has nothing to fold; Russian or Greek text rarely has one, and reading it
 * word by word (below) cost a 27 KB Russian newsletter 0.9 ms in the renderer.
 */
const LATIN_BESIDE_GREEK_OR_CYRILLIC = /\p{Script=Latin}[\u0370-\u052f]|[\u0370-\u052f]\p{Script=Latin}/u;
const HAS_LATIN = /\p{Script=Latin}/u;

/** Whether UTF-16 code unit `c` is Greek or Cyrillic (for loops that read char codes, as mayBeStyled). */
export const mayBeLookalike = (c: number): boolean => c >= 0x370 && c <= 0x52f;

/** `s` with its mixed-script words read as Latin (itself, after one or two tests, when it has none). */
export function foldMixedScriptWords(s: string): string {
  if (!HAS_GREEK_OR_CYRILLIC.test(s) || !LATIN_BESIDE_GREEK_OR_CYRILLIC.test(s)) return s;
  return s.replace(/\p{L}+/gu, (w) => {
    if (!HAS_GREEK_OR_CYRILLIC.test(w) || !HAS_LATIN.test(w) || !ONLY_LATIN_AND_LOOKALIKES.test(w)) return w;
    return w.replace(LOOKALIKE, (c) => LATIN_LOOKALIKES[c]);
  });
}
