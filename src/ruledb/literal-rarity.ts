// How likely a message text is to contain a literal: the prefilter (regex-prefilter.ts) keeps
// a rule's RAREST required literals, because a regex runs on every text holding one of them
// and a common one ("the", " you", "mail") lets it run on nearly every message. The estimate
// is built in, from general English and mail-format knowledge, never from the corpus kas is
// evaluated on (DESIGN.md §7): a character bigram model of English text, raised to a floor
// for literals found inside words every mail holds. Only the ranking of literals matters; the
// figures are rough.

/**
 * English letter frequencies, % of letters (Norvig, "English Letter Frequency Counts: Mayzner
 * Revisited", 2013, from the Google Books n-grams).
 */
const LETTER: Record<string, number> = {
  e: 12.49, t: 9.28, a: 8.04, o: 7.64, i: 7.57, n: 7.23, s: 6.51, r: 6.28, h: 5.05, l: 4.07, d: 3.82, c: 3.34, u: 2.73,
  m: 2.51, f: 2.4, p: 2.14, g: 1.87, w: 1.68, y: 1.66, b: 1.48, v: 1.05, k: 0.54, x: 0.23, j: 0.16, q: 0.12, z: 0.09,
};
/** The 50 most frequent letter bigrams, % of bigrams (same source); the rest count as LETTER[b] * OTHER. */
const BIGRAM: Record<string, number> = {
  th: 3.56, he: 3.07, in: 2.43, er: 2.05, an: 1.99, re: 1.85, on: 1.76, at: 1.49, en: 1.45, nd: 1.35, ti: 1.34, es: 1.34,
  or: 1.28, te: 1.2, of: 1.17, ed: 1.17, is: 1.13, it: 1.12, al: 1.09, ar: 1.07, st: 1.05, to: 1.04, nt: 1.04, ng: 0.95,
  se: 0.93, ha: 0.93, as: 0.87, ou: 0.87, io: 0.83, le: 0.83, ve: 0.83, co: 0.79, me: 0.79, de: 0.76, hi: 0.76, ri: 0.73,
  ro: 0.73, ic: 0.7, ne: 0.69, ea: 0.69, ra: 0.69, ce: 0.65, li: 0.62, ch: 0.6, ll: 0.58, be: 0.58, ma: 0.57, si: 0.55,
  om: 0.55, ur: 0.54,
};
/** A bigram outside the top 50 is rarer than its second letter alone suggests. */
const OTHER = 0.5;
/** Share of a text's characters: letters, and then a space, a line end, a digit, other printable ASCII. */
const SHARE = { letter: 0.78, " ": 0.15, "\n": 0.02, digit: 0.004, other: 0.002 };
/** A space after a letter: English words average about 4.7 letters. */
const WORD_END = 0.18;
/** Characters of a typical long target segment (a message body). */
const TEXT_CHARS = 3000;

/**
 * Words nearly every message holds, in its English text or (full, rawbody) its headers and
 * HTML: a literal inside one of them is present about as often as the word, whatever the
 * bigram model says ("kin" is in "making", "mail" in "e-mail"). Spaces mark word edges, so
 * " you" counts as common and " youth" does not.
 */
const COMMON = [
  // the most frequent English words
  " the ", " of ", " and ", " to ", " in ", " is ", " it ", " you ", " your ", " that ", " this ", " for ", " with ",
  " are ", " be ", " on ", " as ", " have ", " not ", " or ", " we ", " will ", " can ", " from ", " at ", " by ",
  " all ", " if ", " an ", " but ", " our ", " more ", " any ", " they ", " one ", " there ", " what ", " out ",
  " about ", " get ", " would ", " just ", " here ", " now ", " new ", " time ", " like ", " only ", " know ",
  " make ", " other ", " some ", " list ", " information ", " please ", " receive ", " people ", " than ",
  " which ", " their ", " been ", " has ", " was ", " were ", " who ", " when ", " how ", " free ",
  // frequent word endings and starts
  "ing ", "tion ", "ment ", "ness ", "able ", "ally ", "ther", "ould ", "ight ", "ever", " con", " pro", " com", " re",
  // mail vocabulary, headers and HTML (full, rawbody and uri targets see them)
  " mail ", " email ", " e-mail ", " message ", " address ", " click ", " send ", " reply ", " subject",
  "received:", "content-type:", "text/plain", "text/html", "charset=", "boundary", "mime-version:", "message-id:",
  "date:", "from:", "to:", "subject:", "return-path:", "http://", "https://", "www.", ".com", ".net", ".org",
  "<html>", "<body", "<font ", "<br>", "<p>", "<td", "<tr>", "<table", "&nbsp;", "href=", "<a ", "<img ", " src=",
];
/** Presence of a literal inside a COMMON word: high, and the same for all (order among them does not matter). */
const COMMON_PRESENCE = 0.9;

/** Probability of character b right after a (a is undefined at a literal's start). */
function step(a: string | undefined, b: string): number {
  const lb = LETTER[b];
  if (lb === undefined) {
    if (b === " ") return a !== undefined && LETTER[a] !== undefined ? WORD_END : SHARE[" "];
    if (b === "\n") return SHARE["\n"];
    return /[0-9]/.test(b) ? SHARE.digit : SHARE.other;
  }
  if (a === undefined || LETTER[a] === undefined) return (lb / 100) * SHARE.letter;
  const bi = BIGRAM[a + b];
  return bi !== undefined ? bi / LETTER[a] : (lb / 100) * OTHER;
}

const cache = new Map<string, number>();

/** Estimated probability (0..1) that a message text contains `lit` (lower-cased ASCII). */
export function presence(lit: string): number {
  let r = cache.get(lit);
  if (r !== undefined) return r;
  if (COMMON.some((w) => w.includes(lit))) r = COMMON_PRESENCE;
  else {
    let p = 1;
    for (let i = 0; i < lit.length; i++) p *= step(i ? lit[i - 1] : undefined, lit[i]);
    // Occurrences are rare events spread over the text: present = at least one (Poisson);
    // kept below the COMMON words, which are known to be everywhere.
    r = Math.min(COMMON_PRESENCE * 0.99, 1 - Math.exp(-p * TEXT_CHARS));
  }
  cache.set(lit, r);
  return r;
}

/**
 * Probability that a text contains at least one member of an any-of set: the sum (capped at
 * 1), an upper bound, so that a set and the same literals split over alternatives
 * (regex-prefilter.ts sums those) are estimated alike.
 */
export function setPresence(set: readonly string[]): number {
  let sum = 0;
  for (const l of set) sum += presence(l);
  return Math.min(1, sum);
}
