// One pass over a long target (body, rawbody, full) finds every prefilter literal of every
// rule on that target: an Aho-Corasick automaton over ASCII, compiled to a dense transition
// table. Measured on JavaScriptCore: a regex alternation of N words costs about N times one
// word per character, so testing each rule's regex on every message was the main cost of a
// scan; with this pass, a rule's regex runs only when one of its literals is present.
// Literals are lower-case ASCII; the text is scanned lower-cased; a non-ASCII character
// resets the automaton (no literal contains one). scan() reads the text as it is and
// lower-cases while it walks, without building the lower-cased copy of every long target
// (that copy and the scan were ~8 % of a scan's CPU).
// Whitespace: the scan reads every run of whitespace characters (JavaScript's \s) as one
// space, and literals are stored the same way, so "next of kin" is found in "next\n of\tkin"
// (regex-prefilter.ts derives such literals from \s{1,3}; format.ts `wpre`). A literal a text
// contains is still found (its whitespace runs fold as the text's do), so `lits` / `pre` stay
// valid. It costs the scan nothing: in the table, whitespace after a state reached by a space
// stays in that state.

import { SCRIPTS, scriptOf } from "./scripts";

/** Characters the table reads (ASCII; others reset the automaton or are special-cased). */
const ALPHABET = 128;
/**
 * Columns of the table: the characters literals hold get one each (A-Z share a-z's, all
 * whitespace the space's), every other character one for "no literal has it"; their number
 * rounded up to a power of two (64 for the shipped rules, at most 128). Fewer columns than
 * ALPHABET: the body table (~8 000 states) is 1 MB with 16-bit entries, and the scan ~3 % faster.
 */
/** The ASCII characters of JavaScript's \s: \t \n \v \f \r and space. */
const ASCII_SPACES = [0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20];
/** A literal as the scan reads text: lower case (as the compiler writes it), whitespace runs as one space. */
export const spacedLiteral = (lit: string): string => lit.replace(/\s+/g, " ");
/** Non-ASCII characters of JavaScript's \s (ES2023 WhiteSpace and LineTerminator, Unicode Zs). */
function isWideSpace(c: number): boolean {
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

export class LiteralScanner {
  /**
   * next[(s << shift) + column[c]] for a state s and character c is the next state. States are
   * numbered breadth-first (the root and the shallow states, where text spends most of its
   * characters, share cache lines), with the states where a literal ends numbered last, so
   * "a literal ends here" is one compare (s >= firstOut), not a second table load. 16-bit when
   * the states fit (every shipped scanner: the body's ~8 000 states make a 1 MB table, not 2):
   * measured in a filtering process, the body scan ran at 17 ns a character with the 2 MB
   * table, which other work pushes out of the cache between messages.
   * A-Z share the columns of a-z (literals are lower case), so the table reads text as
   * lower-cased: no copy of the text is made.
   */
  private readonly next: Uint16Array | Uint32Array;
  /** The column of each ASCII character. */
  private readonly column: Uint8Array;
  /** log2 of the number of columns. */
  private readonly shift: number;
  /** States numbered from here on end a literal. */
  private readonly firstOut: number;
  /** Literal ids ending at each state (including those reached through failure links). */
  private readonly out: (number[] | undefined)[];
  readonly size: number;

  constructor(literals: readonly string[]) {
    this.size = literals.length;
    // Trie first, with goto = -1 for "no edge".
    const edges: number[][] = [new Array(ALPHABET).fill(-1)];
    const out: (number[] | undefined)[] = [undefined];
    /** States whose last character is a space. */
    const afterSpace: boolean[] = [false];
    literals.forEach((raw, id) => {
      const lit = spacedLiteral(raw);
      let s = 0;
      for (let i = 0; i < lit.length; i++) {
        const c = lit.charCodeAt(i);
        if (c >= ALPHABET) throw new Error(`prefilter literal ${JSON.stringify(raw)} is not ASCII`);
        if (edges[s][c] < 0) {
          edges[s][c] = edges.length;
          edges.push(new Array(ALPHABET).fill(-1));
          out.push(undefined);
          afterSpace.push(c === 0x20);
        }
        s = edges[s][c];
      }
      (out[s] ??= []).push(id);
    });
    // Breadth-first: failure links, then fill missing edges so the scan never follows links.
    const fail = new Int32Array(edges.length);
    const queue: number[] = [0];
    for (let c = 0; c < ALPHABET; c++) {
      const t = edges[0][c];
      if (t < 0) edges[0][c] = 0;
      else queue.push(t);
    }
    for (let q = 1; q < queue.length; q++) {
      const s = queue[q];
      const f = fail[s];
      if (out[f]) out[s] = [...(out[s] ?? []), ...out[f]!];
      for (let c = 0; c < ALPHABET; c++) {
        const t = edges[s][c];
        if (t < 0) edges[s][c] = edges[f][c];
        else {
          fail[t] = edges[f][c];
          queue.push(t);
        }
      }
    }
    // New numbers: breadth-first order (the queue), states without output first. The root
    // (number 0) never has output: literals are not empty.
    const number = new Int32Array(edges.length);
    let k = 0;
    for (const s of queue) if (!out[s]) number[s] = k++;
    const firstOut = (this.firstOut = k);
    for (const s of queue) if (out[s]) number[s] = k++;
    // Column 0: characters no literal holds (they lead back to the root).
    const column = new Uint8Array(ALPHABET);
    const columnChar: number[] = [-1];
    const held = new Set<number>([0x20]);
    for (const l of literals) for (const ch of spacedLiteral(l)) held.add(ch.charCodeAt(0));
    for (const c of [...held].sort((a, b) => a - b)) if (c < ALPHABET && !(c >= 0x41 && c <= 0x5a)) column[c] = columnChar.push(c) - 1;
    const shift = (this.shift = Math.max(1, Math.ceil(Math.log2(columnChar.length))));
    const columns = 1 << shift;
    for (let c = 0x41; c <= 0x5a; c++) column[c] = column[c | 0x20];
    for (const c of ASCII_SPACES) column[c] = column[0x20];
    this.column = column;
    const next = (this.next = edges.length <= 0x10000 ? new Uint16Array(edges.length * columns) : new Uint32Array(edges.length * columns));
    edges.forEach((row, s) => {
      const base = number[s] * columns;
      for (let k = 1; k < columnChar.length; k++) next[base + k] = number[row[columnChar[k]]];
      // Every whitespace character reads as a space; after a space, it is skipped (the state
      // reached by a space is the root or one whose last character is that space).
      next[base + column[0x20]] = number[afterSpace[s] ? s : row[0x20]];
    });
    this.out = new Array(edges.length);
    out.forEach((o, s) => (this.out[number[s]] = o));
  }

  /**
   * found[id] = 1 for every literal present in text.toLowerCase() with each whitespace run
   * replaced by one space, without building that copy (the table folds A-Z and whitespace).
   * Of the non-ASCII characters only two lower-case to something holding ASCII (checked over
   * every code point): U+0130 to "i" + U+0307 (so an "i" and then a reset) and U+212A KELVIN
   * SIGN to "k"; the non-ASCII spaces of \s read as a space; every other one, and each half
   * of a surrogate pair, lower-cases to non-ASCII and resets the automaton. After the
   * literals, found[size + k] = 1 when the text holds a character of script SCRIPTS[k]
   * (scripts.ts; see scriptId): the rules' script gates, noted where the scan already looks
   * at each non-ASCII character.
   */
  scan(text: string): Uint8Array {
    const found = new Uint8Array(this.size + SCRIPTS.length);
    const next = this.next;
    const firstOut = this.firstOut;
    const column = this.column;
    const shift = this.shift;
    let s = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c < ALPHABET) {
        s = next[(s << shift) + column[c]];
        if (s >= firstOut) this.record(s, found);
      } else if (c === 0x212a) {
        s = next[(s << shift) + column[0x6b]];
        if (s >= firstOut) this.record(s, found);
      } else if (c === 0x130) {
        s = next[(s << shift) + column[0x69]];
        if (s >= firstOut) this.record(s, found);
        s = 0;
      } else if (isWideSpace(c)) {
        s = next[(s << shift) + column[0x20]];
        if (s >= firstOut) this.record(s, found);
      } else {
        s = 0;
        const k = scriptOf(c);
        if (k >= 0) found[this.size + k] = 1;
      }
    }
    return found;
  }

  /** The index in scan()'s result that is 1 when the text holds a character of `script` (scripts.ts), or -1 for a script this kas does not know. */
  scriptId(script: string): number {
    const k = (SCRIPTS as readonly string[]).indexOf(script);
    return k < 0 ? -1 : this.size + k;
  }

  private record(state: number, found: Uint8Array): void {
    const o = this.out[state]!;
    for (let k = 0; k < o.length; k++) found[o[k]] = 1;
  }
}
