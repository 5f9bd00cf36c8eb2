// The scanning side of `bun run fuzz:mime`: the engine built exactly as `kas filter --local`
// builds it (server/scanner.ts createEngineScanner: rules + the checks of checks/registry.ts),
// given no DNS, so the checks that need it (SPF, DNS lists, DKIM/DMARC) are left out and no
// query leaves the machine; fed mutated corpus messages from `from` to `to`. Before each
// scan it stores the index in shared memory, so the main thread can see a scan that never
// returns, name its input and start a new worker after it.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseConfig } from "../config/load";
import { createEngineScanner } from "../server/scanner";
import { CORPUS_DIR } from "./corpus";
import { fuzzInput } from "./mime-mutate";

declare const self: Worker;

export interface FuzzJob {
  seed: number;
  from: number;
  to: number;
  configToml: string;
  corpusPaths: string[];
  out: string;
  /** A scan slower than this is reported and written out. */
  budgetMs: number;
  /** [0] = index being scanned, [1] = scans done. */
  shared: SharedArrayBuffer;
}

export interface FuzzFinding {
  kind: "crash" | "over-budget" | "budget-spent";
  id: string;
  ops: string[];
  ms: number;
  size: number;
  detail: string;
}

export interface FuzzStats {
  scans: number;
  totalMs: number;
  maxMs: number;
  maxId: string;
  bytes: number;
  rssStart: number;
  rssPeak: number;
  rssEnd: number;
  /** Findings beyond the first 200 of a kind are counted, not kept. */
  counts: Record<string, number>;
}

/** Writes an input that broke something where it can become a fixture: the message and what happened. */
export function writeFinding(out: string, f: FuzzFinding, raw: Uint8Array): void {
  const dir = join(out, f.kind);
  mkdirSync(dir, { recursive: true });
  const base = f.id.replace(/[^A-Za-z0-9_.-]+/g, "_");
  writeFileSync(join(dir, `${base}.eml`), raw);
  writeFileSync(join(dir, `${base}.json`), JSON.stringify(f, null, 2) + "\n");
}

self.onmessage = async (ev: MessageEvent<FuzzJob>) => {
  const job = ev.data;
  const cell = new Int32Array(job.shared);
  const corpus = job.corpusPaths.map((p) => new Uint8Array(readFileSync(join(CORPUS_DIR, p))));
  const config = parseConfig(job.configToml);
  const { scanner, close } = await createEngineScanner(config, {});
  const stats: FuzzStats = { scans: 0, totalMs: 0, maxMs: 0, maxId: "", bytes: 0, rssStart: process.memoryUsage().rss, rssPeak: 0, rssEnd: 0, counts: {} };
  const kept: FuzzFinding[] = [];
  const found = (f: FuzzFinding, raw: Uint8Array) => {
    stats.counts[f.kind] = (stats.counts[f.kind] ?? 0) + 1;
    if (stats.counts[f.kind] > 200) return;
    writeFinding(job.out, f, raw);
    kept.push(f);
    postMessage({ type: "finding", finding: f });
  };
  for (let i = job.from; i < job.to; i++) {
    const input = fuzzInput(job.seed, i, corpus);
    Atomics.store(cell, 0, i);
    const t = performance.now();
    try {
      const r = await scanner.scan({ id: input.id, envelope: { rcpt: [] }, raw: input.raw });
      const ms = performance.now() - t;
      if (ms > job.budgetMs) found({ kind: "over-budget", id: input.id, ops: input.ops, ms, size: input.raw.byteLength, detail: `scan took ${ms.toFixed(0)} ms` }, input.raw);
      else if (r.notes.some((n) => /time budget .* spent/.test(n))) found({ kind: "budget-spent", id: input.id, ops: input.ops, ms, size: input.raw.byteLength, detail: r.notes.join("; ") }, input.raw);
      if (ms > stats.maxMs) [stats.maxMs, stats.maxId] = [ms, input.id];
      stats.totalMs += ms;
    } catch (e) {
      const err = e as Error;
      found({ kind: "crash", id: input.id, ops: input.ops, ms: performance.now() - t, size: input.raw.byteLength, detail: `${err?.name}: ${err?.message}\n${err?.stack ?? ""}` }, input.raw);
    }
    stats.scans++;
    stats.bytes += input.raw.byteLength;
    Atomics.store(cell, 1, stats.scans);
    if (stats.scans % 500 === 0) stats.rssPeak = Math.max(stats.rssPeak, process.memoryUsage().rss);
  }
  close();
  stats.rssEnd = process.memoryUsage().rss;
  stats.rssPeak = Math.max(stats.rssPeak, stats.rssEnd, stats.rssStart);
  postMessage({ type: "done", stats });
};
