// Token ids: a 52-bit hash of the token text. Stored as SQLite INTEGER PRIMARY KEY (the rowid
// itself, so a token row costs ~20 bytes) and kept below 2^53 so JavaScript numbers hold it
// exactly (no BigInt on the hot path). With a million tokens the expected number of colliding
// pairs is n²/2^53 ≈ 1e-4, far below what would move a probability (SpamAssassin uses 40-bit
// ids for the same reason); within one message (~200 tokens) a collision is ~1e-12 likely, so
// the ids of a message's distinct tokens are taken as distinct without a second set.
//
// The hash is cyrb53 (bryc, public domain): two 32-bit multiply-xor lanes over the UTF-16
// code units, mixed at the end. Written in JS because it runs ~200 times per scan and a
// call into Bun.hash per token cost 3x more than the whole loop here.

const HI_MASK = 0xfffff; // 20 bits
const TWO_32 = 4294967296;

export function tokenId(token: string): number {
  return tokenIdOf("", token);
}

/** tokenId(prefix + word) without building that string (the tokenizer's scan path). */
export function tokenIdOf(prefix: string, word: string): number {
  let h1 = 0x6b617331;
  let h2 = 0x62617965;
  for (let i = 0; i < prefix.length; i++) {
    const ch = prefix.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  for (let i = 0; i < word.length; i++) {
    const ch = word.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (h2 & HI_MASK) * TWO_32 + (h1 >>> 0);
}
