// Characters a reader never sees: Unicode's Default_Ignorable_Code_Point set
// (DerivedCoreProperties.txt: soft hyphen, zero-width space and joiners, direction marks and
// controls, word joiner and invisible operators, variation selectors, Hangul fillers, the
// byte order mark, tag characters). A renderer draws nothing for them, so "V<U+200B>iagra"
// reads "Viagra" on screen; spam writes them inside words so that a filter's patterns and
// token lists no longer find the word. The text the rules and Bayes read (body, the subject
// line in it, HTML text, display names) drops them; rawbody keeps them as written.
//
// Written out rather than as \p{Default_Ignorable_Code_Point}: a pattern without the `u` flag
// runs on UTF-16 code units, faster on every text part (the astral ranges are written as
// surrogate pairs). invisible.test.ts holds the set equal to the runtime's Unicode property.
const SET =
  "\\u00ad\\u034f\\u061c\\u115f\\u1160\\u17b4\\u17b5\\u180b-\\u180f\\u200b-\\u200f\\u202a-\\u202e\\u2060-\\u206f" +
  "\\u3164\\ufe00-\\ufe0f\\ufeff\\uffa0\\ufff0-\\ufff8";
// U+1BCA0–1BCA3 (shorthand format controls), U+1D173–1D17A (musical format controls), U+E0000–E0FFF (tags).
const ASTRAL = "\\ud82f[\\udca0-\\udca3]|\\ud834[\\udd73-\\udd7a]|[\\udb40-\\udb43][\\udc00-\\udfff]";
const INVISIBLE = new RegExp(`[${SET}]|${ASTRAL}`, "g");
const HAS_INVISIBLE = new RegExp(`[${SET}]|${ASTRAL}`);

/** `s` without the characters a reader does not see (itself when it has none: the common case costs one scan). */
export const stripInvisible = (s: string): string => (HAS_INVISIBLE.test(s) ? s.replace(INVISIBLE, "") : s);

/**
 * Whether UTF-16 code unit `c` may begin an invisible character (for loops that read char
 * codes: a yes sends the text to stripInvisible). Below U+00AD nothing is invisible, so
 * ordinary text costs one comparison a character.
 */
export function mayBeInvisible(c: number): boolean {
  if (c < 0xad) return false;
  return (
    c === 0xad || c === 0x34f || c === 0x61c || c === 0x115f || c === 0x1160 || c === 0x17b4 || c === 0x17b5 ||
    (c >= 0x180b && c <= 0x180f) || (c >= 0x200b && c <= 0x200f) || (c >= 0x202a && c <= 0x202e) || (c >= 0x2060 && c <= 0x206f) ||
    c === 0x3164 || (c >= 0xfe00 && c <= 0xfe0f) || c === 0xfeff || c === 0xffa0 || (c >= 0xfff0 && c <= 0xfff8) ||
    c === 0xd82f || c === 0xd834 || (c >= 0xdb40 && c <= 0xdb43)
  );
}
