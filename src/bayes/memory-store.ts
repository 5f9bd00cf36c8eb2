// A token store in memory: for unit tests and for cross-validation runs (bench/eval.ts),
// where a fresh store per fold must cost nothing. Same semantics as the SQLite store.
import type { TokenCounts } from "./classify";
import type { LearnItem, LearnOutcome, Lookup, StoreStats, TokenStore } from "./store";

export class MemoryTokenStore implements TokenStore {
  readonly location = "(memory)";
  private readonly tokens = new Map<number, TokenCounts & { atime: number }>();
  private readonly learned = new Map<string, "spam" | "ham">();
  private nspam = 0;
  private nham = 0;

  async lookup(ids: readonly number[]): Promise<Lookup> {
    const counts = new Map<number, TokenCounts>();
    for (const id of ids) {
      const t = this.tokens.get(id);
      if (t) counts.set(id, { spam: t.spam, ham: t.ham });
    }
    return { totals: { nspam: this.nspam, nham: this.nham }, counts };
  }

  async learn(items: readonly LearnItem[], now = Math.floor(Date.now() / 1000)): Promise<LearnOutcome[]> {
    return items.map((it) => {
      const prev = this.learned.get(it.digest);
      if (it.op === "forget") {
        if (!prev) return "unknown";
        this.add(it.tokens, prev, -1, now);
        this.learned.delete(it.digest);
        return "forgotten";
      }
      if (prev === it.op) return "already";
      if (prev) this.add(it.tokens, prev, -1, now);
      this.add(it.tokens, it.op, +1, now);
      this.learned.set(it.digest, it.op);
      return prev ? "relearned" : "learned";
    });
  }

  private add(ids: readonly number[], cls: "spam" | "ham", sign: number, now: number): void {
    for (const id of ids) {
      let t = this.tokens.get(id);
      if (!t) this.tokens.set(id, (t = { spam: 0, ham: 0, atime: now }));
      t[cls] = Math.max(0, t[cls] + sign);
      if (sign > 0) t.atime = now;
      if (t.spam === 0 && t.ham === 0) this.tokens.delete(id);
    }
    if (cls === "spam") this.nspam = Math.max(0, this.nspam + sign);
    else this.nham = Math.max(0, this.nham + sign);
  }

  async expire(maxTokens: number): Promise<number> {
    if (this.tokens.size <= maxTokens) return 0;
    const drop = this.tokens.size - Math.floor(maxTokens * 0.9);
    const oldest = [...this.tokens].sort((a, b) => a[1].atime - b[1].atime).slice(0, drop);
    for (const [id] of oldest) this.tokens.delete(id);
    return drop;
  }

  async stats(): Promise<StoreStats> {
    return { nspam: this.nspam, nham: this.nham, tokens: this.tokens.size, bytes: 0, location: this.location };
  }

  close(): void {}
}
