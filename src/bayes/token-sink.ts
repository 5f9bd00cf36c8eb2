// Where the tokenizer puts tokens. A token is prefix + infix + a range of some text, passed
// apart: the scan path (IdSink) hashes the pieces in place and never builds the token
// string; the string path (StringSink: `tokenize`, tests, debugging) builds it. Both keep
// the first `max` distinct tokens, so both see the same token set.
import { IdSet } from "./id-set";
import { tokenIdOfName, tokenIdOfRange } from "./token-id";
import { FOLD } from "./words";

export interface TokenSink {
  /** The token prefix + word. */
  add(prefix: string, word: string): void;
  /** The token prefix + infix + src.slice(start, end), lower-cased when `fold` (see words.ts FOLD). */
  addRange(prefix: string, infix: string, src: string, start: number, end: number, fold?: boolean): void;
  /** The token prefix + src[a, b) + (when c < d) "." + src[c, d), ASCII letters lower-cased: an HTML tag or tag.attribute name. */
  addName(prefix: string, src: string, a: number, b: number, c: number, d: number): void;
  readonly full: boolean;
}

/** Token strings. */
export class StringSink implements TokenSink {
  readonly set = new Set<string>();
  constructor(private readonly max: number) {}
  add(prefix: string, word: string): void {
    if (this.set.size < this.max) this.set.add(prefix + word);
  }
  addRange(prefix: string, infix: string, src: string, start: number, end: number, fold = false): void {
    // (src passed foldable(): its slice lower-cases code unit by code unit, as FOLD does)
    if (this.set.size < this.max) this.set.add(prefix + infix + (fold ? src.slice(start, end).toLowerCase() : src.slice(start, end)));
  }
  addName(prefix: string, src: string, a: number, b: number, c: number, d: number): void {
    // The names are ASCII by construction (html-tags.ts), so toLowerCase is the ASCII fold.
    if (this.set.size < this.max) this.set.add(prefix + src.slice(a, b).toLowerCase() + (c < d ? `.${src.slice(c, d).toLowerCase()}` : ""));
  }
  get full(): boolean {
    return this.set.size >= this.max;
  }
}

/** Token ids (token-id.ts), into a reused typed-array set (id-set.ts). */
export class IdSink implements TokenSink {
  readonly set: IdSet;
  constructor(max: number) {
    this.set = new IdSet(max);
  }
  add(prefix: string, word: string): void {
    if (!this.set.full) this.set.add(tokenIdOfRange(prefix, "", word, 0, word.length));
  }
  addRange(prefix: string, infix: string, src: string, start: number, end: number, fold = false): void {
    if (!this.set.full) this.set.add(tokenIdOfRange(prefix, infix, src, start, end, fold ? FOLD : undefined));
  }
  addName(prefix: string, src: string, a: number, b: number, c: number, d: number): void {
    if (!this.set.full) this.set.add(tokenIdOfName(prefix, src, a, b, c, d));
  }
  get full(): boolean {
    return this.set.full;
  }
}
