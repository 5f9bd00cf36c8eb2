// Tokens for the HTML tags used in a message's raw body: "T:" + tag name and "T:" + tag name
// + "." + attribute name for each attribute given a value (spam templates differ from
// person-written mail there). What is a tag and an attribute is defined by these regexes,
//   tag:       /<([a-z][a-z0-9]{0,10})\b([^>]{0,500})>/gi   (name, then what is up to ">")
//   attribute: /([a-z-]{1,20})\s*=/gi                        (within what is up to ">")
// and the code below is a scan that finds exactly their matches. Why not the regexes: with a
// match array, two strings and a lower-cased copy per tag and attribute, they were a quarter
// of the tokenizer's time on HTML mail; the scan reports names as ranges of the body, which
// the id path hashes in place.
import type { TokenSink } from "./token-sink";

const MAX_TAGS = 400;
const MAX_NAME = 11; // [a-z][a-z0-9]{0,10}
const MAX_ATTR = 20;
const MAX_INSIDE = 500;

const isLetter = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
const isDigit = (c: number) => c >= 48 && c <= 57;
/** JavaScript's \s. */
const isSpace = (c: number) =>
  c === 32 || (c >= 9 && c <= 13) || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;

/** Adds the tag tokens of text.slice(0, limit) to `out`. */
export function htmlTagTokens(text: string, limit: number, out: TokenSink): void {
  const end = Math.min(text.length, limit);
  let tags = 0;
  for (let i = text.indexOf("<"); i >= 0 && i < end && tags < MAX_TAGS; i = text.indexOf("<", i + 1)) {
    const a = i + 1;
    if (a >= end || !isLetter(text.charCodeAt(a))) continue;
    let b = a + 1;
    while (b < end && (isLetter(text.charCodeAt(b)) || isDigit(text.charCodeAt(b)))) b++;
    // Longer names, and names glued to "_" (a word character: no \b), do not match at all.
    if (b - a > MAX_NAME || (b < end && text.charCodeAt(b) === 95)) continue;
    const gt = text.indexOf(">", b);
    if (gt < 0 || gt >= end || gt - b > MAX_INSIDE) continue;
    tags++;
    out.addName("T:", text, a, b, 0, 0);
    attributes(text, a, b, gt, out);
    i = gt; // the next tag starts after this one's ">"
  }
}

/** The attribute tokens of a tag named text[a, b) whose inside is text[b, gt). */
function attributes(text: string, a: number, b: number, gt: number, out: TokenSink): void {
  let p = b;
  while (p < gt) {
    const c = text.charCodeAt(p);
    if (!isLetter(c) && c !== 45) {
      p++;
      continue;
    }
    let q = p + 1;
    while (q < gt && (isLetter(text.charCodeAt(q)) || text.charCodeAt(q) === 45)) q++;
    let e = q;
    while (e < gt && isSpace(text.charCodeAt(e))) e++;
    if (e < gt && text.charCodeAt(e) === 61) {
      // A run longer than 20 matches with its last 20 characters (the leftmost start that fits).
      out.addName("T:", text, a, b, Math.max(p, q - MAX_ATTR), q);
      p = e + 1;
    } else p = q;
  }
}
