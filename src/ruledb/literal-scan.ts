// One pass over a long target (body, rawbody, full) finds every prefilter literal of every
// rule on that target: an Aho-Corasick automaton over ASCII, compiled to a dense transition
// table. Measured on JavaScriptCore: a regex alternation of N words costs about N times one
// word per character, so testing each rule's regex on every message was the main cost of a
// scan; with this pass, a rule's regex runs only when one of its literals is present.
// Literals are lower-case ASCII; the text is scanned lower-cased; a non-ASCII character
// resets the automaton (no literal contains one).

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
}
