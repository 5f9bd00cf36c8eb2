// Token ids: a 52-bit hash of the token text. Stored as SQLite INTEGER PRIMARY KEY (the rowid
// itself, so a token row costs ~20 bytes) and kept below 2^53 so JavaScript numbers hold it
// exactly (no BigInt on the hot path). With a million tokens the expected number of colliding
// pairs is n²/2^53 ≈ 1e-4, far below what would move a probability (SpamAssassin uses 40-bit
// ids for the same reason); within one message (~200 tokens) a collision is ~1e-12 likely, so
// the ids of a message's distinct tokens are taken as distinct without a second set.
//
// The hash is cyrb53 (bryc, public domain): two 32-bit multiply-xor lanes over the UTF-16
// code units, mixed at the end. Written in JS because it runs ~200 times per scan and a
// call into Bun.hash per token cost 3x more than the whole loop here. The code units are
// fed in order from up to three pieces, so a token split as prefix + infix + a range of a
// longer text hashes exactly as the concatenated string would, without building it.

const HI_MASK = 0xfffff; // 20 bits
const TWO_32 = 4294967296;
const SEED1 = 0x6b617331;
const SEED2 = 0x62617965;
const M1 = 2654435761;
const M2 = 1597334677;

export function tokenId(token: string): number {
  return tokenIdOfRange("", "", token, 0, token.length);
}

/**
 * tokenId(prefix + infix + src.slice(start, end)) without building that string (the
 * tokenizer's scan path); with `fold`, each code unit c of the slice counts as fold[c] (the
 * slice lower-cased, words.ts FOLD).
 */
export function tokenIdOfRange(prefix: string, infix: string, src: string, start: number, end: number, fold?: Uint16Array): number {
  h1 = SEED1;
  h2 = SEED2;
  feedString(prefix);
  feedString(infix);
  feedRange(src, start, end, fold);
  return finish(h1, h2);
}

/** tokenId(prefix + lower(src[a, b)) + (c < d ? "." + lower(src[c, d)) : "")), lower = ASCII A-Z → a-z: HTML tag and attribute names. */
export function tokenIdOfName(prefix: string, src: string, a: number, b: number, c: number, d: number): number {
  h1 = SEED1;
  h2 = SEED2;
  feedString(prefix);
  feedRange(src, a, b, ASCII_LOWER);
  if (c < d) {
    feedString(".");
    feedRange(src, c, d, ASCII_LOWER);
  }
  return finish(h1, h2);
}

// The running state of the hash while a token is fed in pieces: module variables, not an
// object, so no allocation per token (the functions above are synchronous: never interleaved).
let h1 = 0;
let h2 = 0;
function feedString(s: string): void {
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, M1);
    h2 = Math.imul(h2 ^ ch, M2);
  }
}
/** src[start, end), each code unit c mapped through `fold` when given. */
function feedRange(src: string, start: number, end: number, fold: Uint16Array | undefined): void {
  // Two loops, not a test per code unit: this is the innermost loop of the tokenizer.
  if (fold) {
    for (let i = start; i < end; i++) {
      const ch = fold[src.charCodeAt(i)];
      h1 = Math.imul(h1 ^ ch, M1);
      h2 = Math.imul(h2 ^ ch, M2);
    }
  } else {
    for (let i = start; i < end; i++) {
      const ch = src.charCodeAt(i);
      h1 = Math.imul(h1 ^ ch, M1);
      h2 = Math.imul(h2 ^ ch, M2);
    }
  }
}

/** ASCII A-Z → a-z, every other code unit itself (HTML tag and attribute names). */
const ASCII_LOWER = (() => {
  const t = new Uint16Array(65536);
  for (let c = 0; c < 65536; c++) t[c] = c >= 65 && c <= 90 ? c + 32 : c;
  return t;
})();

function finish(h1: number, h2: number): number {
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (h2 & HI_MASK) * TWO_32 + (h1 >>> 0);
}
