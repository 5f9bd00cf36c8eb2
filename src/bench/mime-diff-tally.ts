// Counting disagreements per kind across workers: a tally per input set, mergeable, keeping
// the first samples of each kind by input order so a run's report does not depend on which
// worker finished first.
import type { Item, ItemResult } from "./mime-diff-items";

export interface DiffJob {
  seed: number;
  count: number;
  worker: number;
  workers: number;
  includeCorpus: boolean;
  corpusPaths: string[];
  /** Samples kept per kind. */
  samples: number;
}

export interface Sample {
  order: number;
  id: string;
  detail: string;
  recipe: string[];
}

export interface Tally {
  compared: number;
  disagree: number;
  kinds: Record<string, { count: number; samples: Sample[] }>;
  kasMs: number;
  mpMs: number;
  /** Slowest single mailparser reading, ms. */
  mpMaxMs: number;
}

export const emptyTally = (): Tally => ({ compared: 0, disagree: 0, kinds: {}, kasMs: 0, mpMs: 0, mpMaxMs: 0 });

export function record(t: Tally, item: Item, order: number, r: ItemResult, samples: number): void {
  t.compared++;
  t.kasMs += r.kasMs;
  t.mpMs += r.mpMs;
  t.mpMaxMs = Math.max(t.mpMaxMs, r.mpMs);
  if (r.verdict.same) return;
  t.disagree++;
  const k = (t.kinds[r.verdict.kind] ??= { count: 0, samples: [] });
  k.count++;
  if (k.samples.length < samples) k.samples.push({ order, id: item.id, detail: r.verdict.detail.slice(0, 400), recipe: item.recipe });
}

export function merge(into: Tally, from: Tally, samples: number): void {
  into.compared += from.compared;
  into.disagree += from.disagree;
  into.kasMs += from.kasMs;
  into.mpMs += from.mpMs;
  into.mpMaxMs = Math.max(into.mpMaxMs, from.mpMaxMs);
  for (const [kind, v] of Object.entries(from.kinds)) {
    const k = (into.kinds[kind] ??= { count: 0, samples: [] });
    k.count += v.count;
    k.samples = [...k.samples, ...v.samples].sort((a, b) => a.order - b.order).slice(0, samples);
  }
}
