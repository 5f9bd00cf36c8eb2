// The distinct token ids of one message, in first-seen order, bounded. Why not a Set<number>:
// ids are 52-bit, so the Set hashes boxed doubles, and its add was the single largest cost
// of tokenizing (~230 adds a message). This is an open-addressing table in a Float64Array,
// allocated once and reused: after each message only the slots it used are cleared.
// The order is kept because the classifier sums logarithms in it, and a different order
// could move the last bit of a probability.

const EMPTY = -1; // ids are non-negative

export class IdSet {
  private readonly slots: Float64Array;
  private readonly mask: number;
  /** Ids in first-seen order; used[i] is the slot of order[i]. */
  private readonly order: Float64Array;
  private readonly used: Uint32Array;
  size = 0;

  constructor(readonly max: number) {
    // At most 3/4 full even at `max`, while a usual message (~230 ids) fills a few percent:
    // 4096 slots at max = 3000, 32 KiB, small enough to stay in the CPU's first-level cache.
    let cap = 1024;
    while (cap < max * 1.33) cap *= 2;
    this.slots = new Float64Array(cap).fill(EMPTY);
    this.mask = cap - 1;
    this.order = new Float64Array(max);
    this.used = new Uint32Array(max);
  }

  get full(): boolean {
    return this.size >= this.max;
  }

  /** Adds `id` unless present or full. */
  add(id: number): void {
    if (this.size >= this.max) return;
    // The low 32 bits of an id are a hash lane of their own (token-id.ts): already uniform.
    let i = (id >>> 0) & this.mask;
    for (;;) {
      const v = this.slots[i];
      if (v === id) return;
      if (v === EMPTY) break;
      i = (i + 1) & this.mask;
    }
    this.slots[i] = id;
    this.order[this.size] = id;
    this.used[this.size++] = i;
  }

  /** The ids, in first-seen order; empties the set for the next message. */
  take(): number[] {
    const out = new Array<number>(this.size);
    for (let k = 0; k < this.size; k++) {
      out[k] = this.order[k];
      this.slots[this.used[k]] = EMPTY;
    }
    this.size = 0;
    return out;
  }
}
