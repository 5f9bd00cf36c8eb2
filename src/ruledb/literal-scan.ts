// One pass over a long target (body, rawbody, full) finds every prefilter literal of every
// rule on that target: an Aho-Corasick automaton over ASCII, compiled to a dense transition
// table. Measured on JavaScriptCore: a regex alternation of N words costs about N times one
// word per character, so testing each rule's regex on every message was the main cost of a
// scan; with this pass, a rule's regex runs only when one of its literals is present.
// Literals are lower-case ASCII; the text is scanned lower-cased; a non-ASCII character
// resets the automaton (no literal contains one). scanFolding() reads the text as it is and
// lower-cases while it walks, giving what scan(text.toLowerCase()) gives without building the
// lower-cased copy of every long target (that copy and the scan were ~8 % of a scan's CPU).

const ALPHABET = 128;

export class LiteralScanner {
  private readonly next: Int32Array;
  /** Literal ids ending at each state (including those reached through failure links). */
  private readonly out: (number[] | undefined)[];
  readonly size: number;

  constructor(literals: readonly string[]) {
    this.size = literals.length;
    // Trie first, with goto = -1 for "no edge".
    const edges: number[][] = [new Array(ALPHABET).fill(-1)];
    const out: (number[] | undefined)[] = [undefined];
    literals.forEach((lit, id) => {
      let s = 0;
      for (let i = 0; i < lit.length; i++) {
        const c = lit.charCodeAt(i);
        if (c >= ALPHABET) throw new Error(`prefilter literal ${JSON.stringify(lit)} is not ASCII`);
        if (edges[s][c] < 0) {
          edges[s][c] = edges.length;
          edges.push(new Array(ALPHABET).fill(-1));
          out.push(undefined);
        }
        s = edges[s][c];
      }
      (out[s] ??= []).push(id);
    });
    // Breadth-first: failure links, then fill missing edges so the scan never follows links.
    const fail = new Int32Array(edges.length);
    const queue: number[] = [];
    for (let c = 0; c < ALPHABET; c++) {
      const t = edges[0][c];
      if (t < 0) edges[0][c] = 0;
      else queue.push(t);
    }
    for (let q = 0; q < queue.length; q++) {
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
    this.next = new Int32Array(edges.length * ALPHABET);
    edges.forEach((row, s) => this.next.set(row, s * ALPHABET));
    this.out = out;
  }

  /** found[id] = 1 for every literal present in `lower` (an already lower-cased text). */
  scan(lower: string): Uint8Array {
    const found = new Uint8Array(this.size);
    const next = this.next;
    const out = this.out;
    let s = 0;
    for (let i = 0; i < lower.length; i++) {
      const c = lower.charCodeAt(i);
      if (c >= ALPHABET) {
        s = 0;
        continue;
      }
      s = next[s * ALPHABET + c];
      const o = out[s];
      if (o !== undefined) for (let k = 0; k < o.length; k++) found[o[k]] = 1;
    }
    return found;
  }

  /**
   * The same as scan(text.toLowerCase()). Of the non-ASCII characters only two lower-case to
   * something holding ASCII (checked over every code point): U+0130 to "i" + U+0307 (so an
   * "i" and then a reset) and U+212A KELVIN SIGN to "k"; every other one, and each half of a
   * surrogate pair, lower-cases to non-ASCII and resets, as in scan().
   */
  scanFolding(text: string): Uint8Array {
    const found = new Uint8Array(this.size);
    const next = this.next;
    const out = this.out;
    let s = 0;
    for (let i = 0; i < text.length; i++) {
      let c = text.charCodeAt(i);
      let reset = false;
      if (c >= ALPHABET) {
        if (c === 0x212a) c = 0x6b;
        else if (c === 0x130) {
          c = 0x69;
          reset = true;
        } else {
          s = 0;
          continue;
        }
      } else if (c >= 0x41 && c <= 0x5a) c |= 0x20;
      s = next[s * ALPHABET + c];
      const o = out[s];
      if (o !== undefined) for (let k = 0; k < o.length; k++) found[o[k]] = 1;
      if (reset) s = 0;
    }
    return found;
  }
}
