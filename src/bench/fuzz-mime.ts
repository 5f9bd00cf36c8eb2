// `bun run fuzz:mime`: mutated corpus messages (byte flips, splices of two messages, boundary
// and header damage, truncation, deep nesting, long runs of one character; mime-mutate.ts)
// through the engine as `kas filter --local` runs it, `--count` of them (default 10^6),
// deterministic from `--seed`. Reports crashes (exceptions), scans over the time budget,
// scans the engine itself cut short ("time budget … spent"), hangs (no return within
// `--hang-ms`: the worker is replaced and the run goes on), the slowest scan and RSS at
// start / peak / end. Every finding is written to `--out/<kind>/` (.eml + .json) so it can
// become a fixture; `--only <index>` replays one input.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Bayes } from "../bayes/bayes";
import { learnFiles } from "../bayes/learner";
import { openSqliteStore } from "../bayes/sqlite-store";
import { bayesDbPath } from "../config/paths";
import { parseConfig } from "../config/load";
import { parseMessage } from "../message/parse";
import { createEngineScanner } from "../server/scanner";
import { benchArgs, intArg } from "./bench-args";
import { CORPUS_DIR, groupFiles, TRAIN } from "./corpus";
import { corpusPaths } from "./mime-diff-items";
import { fuzzInput } from "./mime-mutate";
import { writeFinding, type FuzzFinding, type FuzzJob, type FuzzStats } from "./fuzz-mime-worker";

const CMD = "fuzz:mime";
const args = benchArgs(CMD, {
  seed: { type: "string", default: "1", help: "seed of the mutations" },
  count: { type: "string", default: "1000000", help: "mutated messages scanned" },
  out: { type: "string", default: ".tmp/fuzz-mime", help: "directory the findings are written to, one folder per kind" },
  "budget-ms": { type: "string", default: "", help: "report scans slower than this (default: scan.time_budget_ms, 5000)" },
  "hang-ms": { type: "string", default: "60000", help: "a scan not returned after this long is a hang: written out, worker replaced" },
  "no-bayes": { type: "boolean", default: false, help: "without the Bayes check (by default a token database is learned from 200+200 training messages)" },
  workers: { type: "string", default: "1", help: "worker threads, one core each (the figures below are per run; 1 = one core)" },
  only: { type: "string", help: "scan only input <index> of the seed and print what happened" },
  help: { type: "boolean", default: false, help: "this text" },
});
const seed = intArg(CMD, "seed", args.seed);
const count = intArg(CMD, "count", args.count);
const hangMs = intArg(CMD, "hang-ms", args["hang-ms"], 100);
const workers = intArg(CMD, "workers", args.workers, 1);
const paths = corpusPaths();
const corpus = paths.map((p) => new Uint8Array(readFileSync(join(CORPUS_DIR, p))));

const dataDir = mkdtempSync(join(tmpdir(), "kas-fuzz-mime-"));
try {
  const configToml = `data_dir = ${JSON.stringify(dataDir)}\n[log]\nlevel = "warn"\n[spf]\nenabled = false\n[bayes]\nenabled = ${!args["no-bayes"]}\nmin_spam = 200\nmin_ham = 200\n`;
  const config = parseConfig(configToml);
  const budgetMs = args["budget-ms"] ? intArg(CMD, "budget-ms", args["budget-ms"], 1) : config.scan.time_budget_ms;
  if (!args["no-bayes"]) {
    // A learned database, so the Bayes tokenizer and classifier see every mutated message too.
    const store = openSqliteStore(bayesDbPath(config));
    const bayes = new Bayes(store, { minSpam: 1, minHam: 1 });
    for (const op of ["spam", "ham"] as const) await learnFiles({ bayes, files: TRAIN[op].flatMap(groupFiles).slice(0, 200), op, parse: (raw) => parseMessage(raw, config.scan) });
    store.close();
  }

  if (args.only !== undefined) {
    const input = fuzzInput(seed, intArg(CMD, "only", args.only), corpus);
    const { scanner, close } = await createEngineScanner(config, {});
    const t = performance.now();
    const r = await scanner.scan({ id: input.id, envelope: { rcpt: [] }, raw: input.raw });
    console.log(`${input.id}: ${input.ops.join(", ")}; ${input.raw.byteLength} bytes; ${(performance.now() - t).toFixed(1)} ms; ${r.status} ${r.score}; notes: ${r.notes.join("; ") || "-"}`);
    close();
    rmSync(dataDir, { recursive: true, force: true });
    process.exit(0);
  }

  const t0 = performance.now();
  const all: FuzzStats[] = [];
  const findings: FuzzFinding[] = [];
  const lanes = Math.min(workers, Math.max(1, count));
  const cells = Array.from({ length: lanes }, () => new Int32Array(new SharedArrayBuffer(8)));
  let hangs = 0;
  const progress = setInterval(() => {
    const total = all.reduce((a, s) => a + s.scans, 0) + cells.reduce((a, c) => a + Atomics.load(c, 1), 0);
    process.stderr.write(`  … ${total} scanned, ${(total / ((performance.now() - t0) / 1000)).toFixed(0)}/s, ${findings.length} findings, RSS ${(process.memoryUsage().rss / 1048576).toFixed(0)} MiB\n`);
  }, 30_000);

  /** One lane scans [from, to) in a worker; a hang ends that worker and the next starts after the input. */
  async function lane(cell: Int32Array, from: number, to: number): Promise<void> {
    while (from < to) {
      Atomics.store(cell, 0, from);
      Atomics.store(cell, 1, 0);
      const w = new Worker(new URL("./fuzz-mime-worker.ts", import.meta.url));
      const job: FuzzJob = { seed, from, to, configToml, corpusPaths: paths, out: args.out, budgetMs, shared: cell.buffer as SharedArrayBuffer };
      from = await new Promise<number>((resolve, reject) => {
        let lastDone = -1;
        let lastChange = performance.now();
        const watch = setInterval(() => {
          const done = Atomics.load(cell, 1);
          const now = performance.now();
          if (done !== lastDone) return void ((lastDone = done), (lastChange = now));
          if (now - lastChange < hangMs) return;
          const index = Atomics.load(cell, 0);
          const input = fuzzInput(seed, index, corpus);
          const f: FuzzFinding = { kind: "hang", id: input.id, ops: input.ops, ms: now - lastChange, size: input.raw.byteLength, detail: `no result after ${hangMs} ms` };
          writeFinding(args.out, f, input.raw);
          findings.push(f);
          hangs++;
          clearInterval(watch);
          w.terminate();
          all.push({ scans: done, totalMs: 0, maxMs: 0, maxId: "", bytes: 0, rssStart: 0, rssPeak: process.memoryUsage().rss, rssEnd: 0, counts: {} });
          Atomics.store(cell, 1, 0);
          resolve(index + 1);
        }, 500);
        w.onmessage = (ev: MessageEvent<{ type: string; finding?: FuzzFinding; stats?: FuzzStats }>) => {
          if (ev.data.type === "finding") return void findings.push(ev.data.finding!);
          clearInterval(watch);
          all.push(ev.data.stats!);
          Atomics.store(cell, 1, 0);
          w.terminate();
          resolve(to);
        };
        w.onerror = (e) => (clearInterval(watch), reject(new Error(`fuzz worker: ${e.message}`)));
        w.postMessage(job);
      });
    }
  }
  // Contiguous index ranges per lane: the inputs are the same whatever the number of workers.
  await Promise.all(cells.map((cell, k) => lane(cell, Math.floor((count * k) / lanes), Math.floor((count * (k + 1)) / lanes))));
  clearInterval(progress);
  const elapsed = (performance.now() - t0) / 1000;
  const scans = all.reduce((a, s) => a + s.scans, 0);
  const scanMs = all.reduce((a, s) => a + s.totalMs, 0);
  const slowest = all.reduce((a, s) => (s.maxMs > a.maxMs ? s : a), all[0]);
  const started = all.filter((s) => s.rssStart > 0);
  const counts: Record<string, number> = { crash: 0, hang: hangs, "over-budget": 0, "budget-spent": 0 };
  for (const s of all) for (const [k, v] of Object.entries(s.counts)) counts[k] = (counts[k] ?? 0) + v;
  const mib = (b: number) => `${(b / 1048576).toFixed(0)} MiB`;
  console.log(`fuzz:mime: ${scans} mutated corpus messages through the engine (kas filter --local's scanner without DNS: SPF, DNS lists, DKIM off${args["no-bayes"] ? ", Bayes off" : ", Bayes on"}), seed ${seed}`);
  console.log(`  input: ${(all.reduce((a, s) => a + s.bytes, 0) / 1048576).toFixed(0)} MiB from ${corpus.length} corpus messages; budget ${budgetMs} ms, hang after ${hangMs} ms`);
  console.log(`  crashes ${counts.crash}, hangs ${counts.hang}, over the budget ${counts["over-budget"]}, cut short by the engine's budget ${counts["budget-spent"]}`);
  console.log(`  slowest scan ${slowest.maxMs.toFixed(0)} ms (${slowest.maxId}); mean ${(scanMs / Math.max(1, scans)).toFixed(2)} ms`);
  // The process's RSS (the workers share it): after the engine is loaded, the highest seen, at the end.
  console.log(`  RSS start ${mib(Math.min(...started.map((s) => s.rssStart)))}, peak ${mib(Math.max(...all.map((s) => s.rssPeak)))}, end ${mib(Math.max(...started.map((s) => s.rssEnd)))}`);
  console.log(`  elapsed ${elapsed.toFixed(0)} s, ${(scans / elapsed).toFixed(0)} scans/s with ${lanes} worker(s) (10^6 would take ${(1e6 / (scans / elapsed) / 60).toFixed(0)} min)`);
  for (const f of findings.slice(0, 20)) console.log(`  ${f.kind} ${f.id} [${f.ops.join(", ")}] ${f.size} bytes, ${f.ms.toFixed(0)} ms: ${f.detail.split("\n")[0].slice(0, 200)}`);
  if (findings.length) console.log(`  findings written to ${args.out}/<kind>/ (replay one: bun run fuzz:mime --seed ${seed} --only <index>)`);
  process.exitCode = counts.crash + counts.hang + counts["over-budget"] > 0 ? 1 : 0;
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
// A terminated worker can leave a handle that keeps the loop alive; the report is out, so end.
process.exit(process.exitCode ?? 0);
