// A filtering process's in-memory copy of the token table, kept current from the SQLite
// store's change feed. Why: a scan looks up ~200 token ids; as one SQLite query that costs
// ~0.5 ms, as many as parsing and all rules together, while a lookup in sorted typed arrays
// costs ~20 µs. The price is memory: 16 bytes per token (16 MiB at the default
// max_tokens = 1 000 000) in every filtering process.
//
// Freshness: before each lookup, PRAGMA data_version (microseconds) says whether anyone
// committed; if so, only the rows changed since the last batch seen are read (an index on
// seq) into an overlay map, merged into the arrays when it grows. Expiry deletes rows, which
// a change feed cannot show, so it makes the next refresh reload everything. Learning
// stays in the store: this class only reads.
import type { TokenCounts } from "./classify";
import type { SqliteTokenStore } from "./sqlite-store";
import type { LearnItem, LearnOutcome, Lookup, StoreStats, StoreTotals, TokenStore } from "./store";

/** The overlay is merged into the arrays when it holds more than this, or 1/8 of the arrays. */
const MERGE_AT = 50_000;
/** Ids are 52-bit hashes, so evenly spread: their top 16 bits pick a bucket (a 256 KiB index), and a lookup binary-searches only its bucket. */
const BUCKET_SHIFT = 2 ** 36;
const BUCKETS = 65_536;

export class SnapshotTokenStore implements TokenStore {
  readonly location: string;
  private ids = new Float64Array(0);
  private spam = new Uint32Array(0);
  private ham = new Uint32Array(0);
  /** index[b] = first position of bucket b in ids; index[BUCKETS] = ids.length. */
  private index = new Uint32Array(BUCKETS + 1);
  private overlay = new Map<number, TokenCounts>();
  private totals: StoreTotals = { nspam: 0, nham: 0 };
  private seq = -1;
  private version = NaN;

  constructor(
    private readonly store: SqliteTokenStore,
    private readonly mergeAt = MERGE_AT,
  ) {
    this.location = store.location;
  }

  /** Brings the copy up to date when another connection committed since the last look. */
  refresh(): void {
    const v = this.store.dataVersion();
    if (v === this.version && this.seq >= 0) return;
    this.version = v;
    // (a box, not a `let`: an assignment inside the callback is invisible to TS narrowing)
    const pass: { loaded?: Loader } = {};
    const c = this.store.changesSince(this.seq, (full) => {
      if (full) return (pass.loaded = new Loader(this.ids.length)).add;
      return (id, s, h) => {
        if (id === 0) this.totals = { nspam: s, nham: h };
        else this.overlay.set(id, { spam: s, ham: h });
      };
    });
    const loaded = pass.loaded;
    if (loaded) {
      this.overlay.clear();
      this.totals = loaded.totals;
      this.ids = loaded.ids;
      this.spam = loaded.spam;
      this.ham = loaded.ham;
      this.shrink(loaded.n);
    } else if (this.overlay.size > Math.max(this.mergeAt, this.ids.length >> 3)) this.merge();
    this.seq = c.seq;
  }

  /** Trim the arrays to k entries and rebuild the bucket index. */
  private shrink(k: number): void {
    this.ids = this.ids.slice(0, k);
    this.spam = this.spam.slice(0, k);
    this.ham = this.ham.slice(0, k);
    const index = new Uint32Array(BUCKETS + 1);
    let pos = 0;
    for (let b = 0; b < BUCKETS; b++) {
      index[b] = pos;
      const end = (b + 1) * BUCKET_SHIFT;
      while (pos < k && this.ids[pos] < end) pos++;
    }
    index[BUCKETS] = k;
    this.index = index;
  }

  /** Overlay + arrays → new sorted arrays (a merge walk; rows at 0/0 drop out). */
  private merge(): void {
    const extra = [...this.overlay.keys()].sort((a, b) => a - b);
    const n = this.ids.length + extra.length;
    const ids = new Float64Array(n);
    const spam = new Uint32Array(n);
    const ham = new Uint32Array(n);
    let i = 0;
    let j = 0;
    let k = 0;
    const put = (id: number, s: number, h: number) => {
      if (s === 0 && h === 0) return;
      ids[k] = id;
      spam[k] = s;
      ham[k++] = h;
    };
    while (i < this.ids.length || j < extra.length) {
      const a = i < this.ids.length ? this.ids[i] : Infinity;
      const b = j < extra.length ? extra[j] : Infinity;
      if (b <= a) {
        const o = this.overlay.get(b)!;
        put(b, o.spam, o.ham);
        j++;
        if (a === b) i++;
      } else {
        put(a, this.spam[i], this.ham[i]);
        i++;
      }
    }
    this.ids = ids;
    this.spam = spam;
    this.ham = ham;
    this.shrink(k);
    this.overlay.clear();
  }

  private find(id: number): TokenCounts | undefined {
    const o = this.overlay.size ? this.overlay.get(id) : undefined;
    if (o) return o.spam > 0 || o.ham > 0 ? o : undefined;
    const k = this.position(id);
    return k < 0 ? undefined : { spam: this.spam[k], ham: this.ham[k] };
  }

  /** Where `id` is in the arrays, or -1. */
  private position(id: number): number {
    // Ids at or above 2^52 (not made by tokenId, but valid rows) sort into the last bucket.
    const b = Math.min(Math.floor(id / BUCKET_SHIFT), BUCKETS - 1);
    let lo = this.index[b];
    let hi = this.index[b + 1] - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const v = this.ids[mid];
      if (v === id) return mid;
      if (v < id) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  async lookup(ids: readonly number[]): Promise<Lookup> {
    this.refresh();
    const counts = new Map<number, TokenCounts>();
    for (const id of ids) {
      const c = this.find(id);
      if (c) counts.set(id, c);
    }
    return { totals: { ...this.totals }, counts };
  }

  countsInto(ids: readonly number[], spam: Uint32Array, ham: Uint32Array): StoreTotals {
    this.refresh();
    const overlay = this.overlay.size > 0;
    for (let i = 0; i < ids.length; i++) {
      // An overlay entry wins, also at 0/0 (the token was forgotten or expired since the arrays were built).
      const o = overlay ? this.overlay.get(ids[i]) : undefined;
      const k = o ? -1 : this.position(ids[i]);
      spam[i] = o ? o.spam : k < 0 ? 0 : this.spam[k];
      ham[i] = o ? o.ham : k < 0 ? 0 : this.ham[k];
    }
    return { ...this.totals };
  }

  // Commits on this connection do not change its data_version: look again next time.
  learn(items: readonly LearnItem[], now?: number): Promise<LearnOutcome[]> {
    this.version = NaN;
    return this.store.learn(items, now);
  }

  expire(maxTokens: number): Promise<number> {
    this.version = NaN;
    return this.store.expire(maxTokens);
  }

  stats(): Promise<StoreStats> {
    return this.store.stats();
  }

  close(): void {
    this.store.close();
  }
}

/** A full pass read straight into growing typed arrays: the table is never held as row objects. */
class Loader {
  n = 0;
  totals: StoreTotals = { nspam: 0, nham: 0 };
  ids: Float64Array;
  spam: Uint32Array;
  ham: Uint32Array;

  constructor(sizeHint: number) {
    const cap = Math.max(1024, sizeHint);
    this.ids = new Float64Array(cap);
    this.spam = new Uint32Array(cap);
    this.ham = new Uint32Array(cap);
  }

  readonly add = (id: number, s: number, h: number): void => {
    if (id === 0) return void (this.totals = { nspam: s, nham: h });
    if (s === 0 && h === 0) return;
    if (this.n === this.ids.length) {
      const cap = this.n * 2;
      const ids = new Float64Array(cap);
      const spam = new Uint32Array(cap);
      const ham = new Uint32Array(cap);
      ids.set(this.ids);
      spam.set(this.spam);
      ham.set(this.ham);
      this.ids = ids;
      this.spam = spam;
      this.ham = ham;
    }
    this.ids[this.n] = id;
    this.spam[this.n] = s;
    this.ham[this.n++] = h;
  };
}
