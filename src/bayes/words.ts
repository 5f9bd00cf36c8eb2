// The word scanner of the tokenizer. A word is what this regex matches in the lower-cased text,
//   /[\p{L}\p{N}$€£¥][\p{L}\p{M}\p{N}$€£¥%'’.\-_@]*/u
// with trailing . ' ’ - _ @ removed; words under 3 code units are dropped, words over 15
// become "sk:" + their first 7 (mostly base64, hashes and glued-together junk that never
// repeats: SpamAssassin's Bayes keeps the same trace of them). Scripts written without
// spaces (Han, Kana, Thai, Lao, Khmer, Myanmar) are split into overlapping character
// bigrams: without a dictionary, bigrams are the standard unit for CJK retrieval.
//
// Why a hand-written scanner and not that regex: this is the tokenizer's hot path (~250
// words a message, plus every header field), and a regex exec per word, each returning a
// match array and a string, cost more than everything else in the Bayes check. The scanner
// classifies each code unit through a table (ASCII filled up front, the rest of the BMP
// filled on first sight from the very regex classes above, so both agree by construction)
// and reports each word as a range of the text: the id path hashes the range and never
// builds a string (token-id.ts). Lower-casing, too, is per code unit through a table (FOLD)
// when the text allows it (foldable): toLowerCase of every body and header value was a
// third of the tokenizer's time.

/**
 * A word: src.slice(start, end), preceded by "sk:" when `sk` (a long word's first 7 code
 * units). When `fold`, src is the text as given and the word is that slice lower-cased
 * (FOLD maps each of its code units); else src is already lower-cased. Return false to stop.
 */
export type WordFn = (src: string, start: number, end: number, sk: boolean, fold: boolean) => boolean;

const START = 1; // may begin a word
const CONT = 2; // may continue a word
const KNOWN = 4; // table entry filled
const WIDE = 8; // (returned by kindAt only) the code point is a surrogate pair
/** Lower-casing this code unit needs the whole string's toLowerCase: U+0130 becomes two code units, U+03A3 depends on its neighbours, surrogates go by pairs. */
const SLOW = 16;
const NO_SPACE = 32; // in the ranges of MAYBE_NO_SPACE

const START_CLASS = /^[\p{L}\p{N}$€£¥]$/u;
const CONT_CLASS = /^[\p{L}\p{M}\p{N}$€£¥%'’.\-_@]$/u;
const NO_SPACE_SCRIPTS = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]+/gu;
const NO_SPACE_RUN = /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;
/** A cheap pre-test: only text with code units in these ranges can hold a no-space script run (Thai … CJK, and the surrogates of CJK extensions). */
const MAYBE_NO_SPACE = /[\u0e00-\u0fff\u1000-\u109f\u1780-\u17ff\u2e80-\u9fff\uf900-\ufaff\uff66-\uff9f\ud840-\ud8bf]/;

const kindOf = (ch: string) => KNOWN | (START_CLASS.test(ch) ? START : 0) | (CONT_CLASS.test(ch) ? CONT : 0);
/**
 * Per BMP code unit c, 0 until first seen (filled lazily: most text uses a few hundred):
 * BMP[c] = the kind of c's lower case (START, CONT) plus SLOW and NO_SPACE; FOLD[c] = c's
 * lower case. toLowerCase is idempotent, so on lower-cased text BMP is the kind of c itself.
 */
const BMP = new Uint8Array(65536);
export const FOLD = new Uint16Array(65536);
for (let c = 0; c < 128; c++) learn(c);
/** Kinds of code points beyond the BMP (rare: emoji, historic scripts, CJK extensions). */
const ASTRAL = new Map<number, number>();
const ASTRAL_MAX = 8192;

function learn(c: number): number {
  const lower = String.fromCharCode(c).toLowerCase();
  const slow = lower.length !== 1 || c === 0x3a3 || (c >= 0xd800 && c <= 0xdfff);
  FOLD[c] = slow ? c : lower.charCodeAt(0);
  return (BMP[c] = kindOf(slow ? String.fromCharCode(c) : lower) | (slow ? SLOW : 0) | (MAYBE_NO_SPACE.test(lower) ? NO_SPACE : 0));
}

/**
 * Whether `text` can be lower-cased one code unit at a time through FOLD (no code unit with
 * any of the `flags`), which is several times cheaper than toLowerCase and copies nothing.
 * Fills BMP and FOLD for every code unit of the text.
 */
export function foldable(text: string, flags = SLOW): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 128) continue;
    const k = BMP[c] || learn(c);
    if (k & flags) return false;
  }
  return true;
}

/** The kind of the code point at src[i], with WIDE when it takes two code units. */
function kindAt(src: string, i: number): number {
  const c = src.charCodeAt(i);
  if (c >= 0xd800 && c <= 0xdbff && i + 1 < src.length) {
    const d = src.charCodeAt(i + 1);
    if (d >= 0xdc00 && d <= 0xdfff) {
      const cp = ((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000;
      let k = ASTRAL.get(cp);
      if (k === undefined) {
        // Bounded: spam can carry any of the ~1 M astral code points; a full cache starts over.
        if (ASTRAL.size >= ASTRAL_MAX) ASTRAL.clear();
        ASTRAL.set(cp, (k = kindOf(String.fromCodePoint(cp))));
      }
      return k | WIDE;
    }
  }
  // A lone surrogate is a code point of its own that no class contains, as in a /u regex.
  return BMP[c] || learn(c);
}

/** End of the code point starting at src[i] (Array.from's split: a lone surrogate is one). */
function nextAt(src: string, i: number): number {
  const c = src.charCodeAt(i);
  if (c >= 0xd800 && c <= 0xdbff && i + 1 < src.length) {
    const d = src.charCodeAt(i + 1);
    if (d >= 0xdc00 && d <= 0xdfff) return i + 2;
  }
  return i + 1;
}

/** . ' ’ - _ @ at the end of a word are punctuation, not part of it. */
const isTrailing = (c: number) => c === 46 || c === 39 || c === 0x2019 || c === 45 || c === 95 || c === 64;

/** Calls `fn` with each word of `text` (see the top of this file) until it returns false. */
export function scanWords(text: string, fn: WordFn): void {
  if (foldable(text, SLOW | NO_SPACE)) return scanFolded(text, fn);
  const lower = text.toLowerCase();
  // Only text with such a script needs the split (a regex replace).
  const noSpace = MAYBE_NO_SPACE.test(lower);
  const src = noSpace ? lower.replace(NO_SPACE_SCRIPTS, (run) => ` ${run} `) : lower;
  const n = src.length;
  let i = 0;
  while (i < n) {
    let k = kindAt(src, i);
    i += k & WIDE ? 2 : 1;
    if ((k & START) === 0) continue;
    const start = i - (k & WIDE ? 2 : 1);
    while (i < n && ((k = kindAt(src, i)) & CONT) !== 0) i += k & WIDE ? 2 : 1;
    if (noSpace && NO_SPACE_RUN.test(src.slice(start, start + 2))) {
      // A word starting in such a run (spaced apart above, so it is the run): its overlapping bigrams.
      let a = start;
      let b = nextAt(src, a);
      if (b >= i && !fn(src, start, i, false, false)) return;
      while (b < i) {
        const c = nextAt(src, b);
        if (!fn(src, a, c, false, false)) return;
        a = b;
        b = c;
      }
      continue;
    }
    if (!word(src, start, i, false, fn)) return;
  }
}

/** scanWords on text that foldable() passed: the usual case, no lower-cased copy, one code unit at a time. */
function scanFolded(text: string, fn: WordFn): void {
  const n = text.length;
  let i = 0;
  while (i < n) {
    if ((BMP[text.charCodeAt(i++)] & START) === 0) continue;
    const start = i - 1;
    while (i < n && (BMP[text.charCodeAt(i)] & CONT) !== 0) i++;
    if (!word(text, start, i, true, fn)) return;
  }
}

/** Reports the word src[start, end) without trailing punctuation, if long enough; false = stop. */
function word(src: string, start: number, end: number, fold: boolean, fn: WordFn): boolean {
  // Stops at the first character: it is never trailing punctuation (nor folds to it).
  while (isTrailing(fold ? FOLD[src.charCodeAt(end - 1)] : src.charCodeAt(end - 1))) end--;
  const len = end - start;
  if (len < 3) return true;
  return fn(src, start, len > 15 ? start + 7 : end, len > 15, fold);
}

/** The text of a word reported by scanWords. */
export function wordText(src: string, start: number, end: number, sk: boolean, fold: boolean): string {
  const w = fold ? src.slice(start, end).toLowerCase() : src.slice(start, end);
  return sk ? `sk:${w}` : w;
}

/** Calls `fn` with each word of `text`, as a string, until it returns false. */
export function eachWord(text: string, fn: (w: string) => boolean): void {
  scanWords(text, (src, start, end, sk, fold) => fn(wordText(src, start, end, sk, fold)));
}

/** Words of a text: lower-cased, long ones shortened, no-space scripts as character bigrams; at most `limit`. */
export function words(text: string, limit = Infinity): string[] {
  const out: string[] = [];
  eachWord(text, (w) => out.push(w) < limit);
  return out;
}
