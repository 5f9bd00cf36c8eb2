// Benchmark of `kas serve` (the compiled binary) next to Rspamd, in ONE run: the same load
// generator (the peers kit's scan-client.js, PEERS_DIR: messages preloaded, keep-alive HTTP), the same
// corpus (the evaluation split, 3 046 messages), 2 scanning processes each, at c=4 and c=16,
// rounds alternating which peer goes first (this machine is shared: compare medians of one
// run, never figures of different runs). Per cell: messages/s, server CPU ms per message
// (every process of the peer, from /proc), peak RSS, and latency p50/p99 from a second pass
// of this script's own keep-alive client (scan-client.js does not time requests).
// Then kas's per-message CPU breakdown: master vs filtering processes (/proc utime+stime),
// and inside the filtering processes the engine's own timers (parse, checks, rules) summed
// by the pool; the rest of a filtering process's CPU is IPC decode/encode, reply building,
// logging, GC, and process start-up after recycling. Then `kas filter` start-up.
//   bun run bench:serve [--rounds 3] [--conc 4,16] [--bayes] [--no-rspamd] [--kas-server "max_messages = 300"]
//                       [--soak N [--soak-server "max_messages = 10000000"]] [--startup-runs 20] [--warmup 7]
// Another binary than dist/kas: KAS_BIN=/path/to/kas bun src/bench/serve.ts ... (bench:serve builds dist/kas first).
import { readdirSync, readFileSync, statSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { BENCH_CORPUS, ensureEmlCorpus, PEERS_DIR, peersDir, redisInstalled, RSPAMD_PIDFILES, RSPAMD_URL, rspamdInstalled, rspamdStart, rspamdStop, rspamdTrain, scanClient } from "./peers";
import { purgeDelayOf } from "../server/allocator";
import { mainThreadMs, memKiB, treeCpu, treeFaults } from "./proc-stat";
import { KAS, startKas, type KasServer } from "./serve-kas";
import { soak, startupTimes } from "./serve-extra";

const { values: o } = parseArgs({
  options: {
    rounds: { type: "string", default: "3" },
    conc: { type: "string", default: "4,16" },
    bayes: { type: "boolean", default: false },
    "no-rspamd": { type: "boolean", default: false },
    "kas-server": { type: "string", default: "" },
    soak: { type: "string", default: "0" },
    "soak-server": { type: "string", default: "" },
    "startup-runs": { type: "string", default: "20" },
    warmup: { type: "string", default: "7" },
  },
  strict: true,
});
const ROUNDS = Number(o.rounds);
// The rounds need the peers kit's load generator (also for kas alone): say so before anything starts.
if (ROUNDS > 0) peersDir();
const CONCS = o.conc!.split(",").map(Number);
const FILTERS = 2;

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};
const med = (xs: number[]) => pct(xs, 50);

const dirs = ensureEmlCorpus();
const emls = (d: string): string[] => readdirSync(d).flatMap((e) => (statSync(join(d, e)).isDirectory() ? emls(join(d, e)) : e.endsWith(".eml") ? [join(d, e)] : [])).sort();
const testFiles = emls(dirs.test);
const bodies = testFiles.map((f) => new Uint8Array(readFileSync(f)));
const withRspamd = !o["no-rspamd"] && rspamdInstalled();
const modes: ("rules" | "bayes")[] = o.bayes ? ["rules", "bayes"] : ["rules"];
console.log(`kas serve vs Rspamd: ${testFiles.length} messages (evaluation split), ${FILTERS} scanning processes each, ${ROUNDS} rounds per cell (peers alternate), ${navigator.hardwareConcurrency} CPUs, ${new Date().toISOString()}, kas binary ${KAS}`);
if (!withRspamd) console.log(`(Rspamd not measured: ${o["no-rspamd"] ? "--no-rspamd" : `rspamd or the peers kit missing (apt-get install rspamd redis-server; PEERS_DIR=${PEERS_DIR ?? "unset"})`})`);
if (o.bayes && !redisInstalled()) throw new Error("--bayes needs redis-server for Rspamd's Bayes (apt-get install redis-server)");

/** Our own keep-alive client, for latency only: `conc` requests in flight over the corpus. */
async function latency(url: string, conc: number, headers: Record<string, string>): Promise<number[]> {
  const lat: number[] = [];
  let next = 0;
  await Promise.all(Array.from({ length: conc }, async () => {
    while (next < bodies.length) {
      const b = bodies[next++];
      const s = performance.now();
      const r = await fetch(url, { method: "POST", body: b, headers });
      await r.arrayBuffer();
      if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
      lat.push(performance.now() - s);
    }
  }));
  return lat;
}

// load: the 1-minute load average after each round (this machine is shared: a figure means little without it).
// client: the load generator's CPU ms per message (it runs on the same CPUs as the server).
type Row = { rate: number[]; cpu: number[]; client: number[]; rssSum: number[]; rssOne: number[]; lat: number[]; load: number[] };
const newRow = (): Row => ({ rate: [], cpu: [], client: [], rssSum: [], rssOne: [], lat: [], load: [] });
const KEYS = ["scanMs", "scanCpuMs", "parseMs", "checksMs", "rulesMs", "roundTripMs", "loadMs", "recycled", "spawned"] as const;
/** workersMain: the filtering processes' main threads (NaN when one was recycled during the run: its threads are gone). */
type Breakdown = { msgs: number; master: number; workers: number; workersMain: number; masterFaults: number; workerFaults: number } & Record<(typeof KEYS)[number], number>;

/** The summed main-thread CPU ms of these processes, undefined when one is gone. */
function mainsMs(pids: number[]): number | undefined {
  let sum = 0;
  for (const p of pids) {
    const t = mainThreadMs(p);
    if (t === undefined) return undefined;
    sum += t;
  }
  return sum;
}

async function runKas(kas: KasServer, conc: number, row: Row, bd: Breakdown[]) {
  const c0 = treeCpu(kas.pid);
  const f0 = treeFaults(kas.pid);
  const s0 = await kas.status();
  const pids = s0.pool.workers.map((w) => w.pid);
  const m0 = mainsMs(pids);
  const st = await scanClient("kas", dirs.test, conc, join(kas.dir, "out.tsv"), { pidfiles: kas.pidFile, port: kas.port });
  const c1 = treeCpu(kas.pid);
  const f1 = treeFaults(kas.pid);
  const m1 = mainsMs(pids);
  const s1 = await kas.status();
  if (st.errors) throw new Error(`kas: ${st.errors} errors in the scan client's run`);
  const msgs = s1.messages.total - s0.messages.total;
  const d = (k: string) => (s1.counters[k] ?? 0) - (s0.counters[k] ?? 0);
  const sameProcs = s1.pool.workers.map((w) => w.pid).join() === pids.join() && m0 !== undefined && m1 !== undefined;
  const workersMain = sameProcs ? (m1 - m0) / msgs : NaN;
  bd.push({ msgs, master: (c1.root - c0.root) / msgs, workers: (c1.children - c0.children) / msgs, workersMain, masterFaults: (f1.root - f0.root) / msgs, workerFaults: (f1.children - f0.children) / msgs, ...(Object.fromEntries(KEYS.map((k) => [k, d(k)])) as Record<(typeof KEYS)[number], number>) });
  row.rate.push(st.msgs_per_s);
  row.load.push(loadavg()[0]);
  row.cpu.push((st.peer_cpu_s * 1000) / st.messages);
  row.client.push((st.client_cpu_s * 1000) / st.messages);
  row.rssSum.push(st.peer_peak_rss_sum_mb);
  row.rssOne.push(st.peer_peak_rss_one_proc_mb);
  row.lat.push(...(await latency(`http://127.0.0.1:${kas.port}/v1/scan`, conc, { "X-KAS-Rcpt": "user@example.com" })));
}

async function runRspamd(dir: string, conc: number, row: Row) {
  const st = await scanClient("rspamd", dirs.test, conc, join(dir, "rspamd-out.tsv"), { pidfiles: RSPAMD_PIDFILES });
  if (st.errors) throw new Error(`rspamd: ${st.errors} errors in the scan client's run`);
  row.rate.push(st.msgs_per_s);
  row.load.push(loadavg()[0]);
  row.cpu.push((st.peer_cpu_s * 1000) / st.messages);
  row.client.push((st.client_cpu_s * 1000) / st.messages);
  row.rssSum.push(st.peer_peak_rss_sum_mb);
  row.rssOne.push(st.peer_peak_rss_one_proc_mb);
  row.lat.push(...(await latency(RSPAMD_URL, conc, {})));
}

const fmt = (name: string, conc: number, r: Row) =>
  `${name.padEnd(28)} ${String(conc).padStart(4)} ${med(r.rate).toFixed(0).padStart(7)} ${`(${Math.min(...r.rate).toFixed(0)}-${Math.max(...r.rate).toFixed(0)})`.padStart(11)} ${med(r.cpu).toFixed(2).padStart(8)} ${pct(r.lat, 50).toFixed(1).padStart(7)} ${pct(r.lat, 99).toFixed(1).padStart(7)} ${Math.max(...r.rssSum).toFixed(0).padStart(9)} ${Math.max(...r.rssOne).toFixed(0).padStart(8)} ${`${Math.min(...r.load).toFixed(1)}-${Math.max(...r.load).toFixed(1)}`.padStart(9)}`;

// --rounds 0: only the soak and/or the start-up times (no side-by-side table of empty rows).
if (ROUNDS <= 0) console.log("(--rounds 0: no side-by-side rounds)");
for (const mode of ROUNDS > 0 ? modes : []) {
  const kasExtra = mode === "bayes" ? "" : "[bayes]\nenabled = false\n";
  const kas = await startKas(`start_filters = ${FILTERS}\nmax_filters = ${FILTERS}\n${o["kas-server"]}\n`, kasExtra, mode === "bayes" ? learnKas : undefined);
  const rows = new Map<string, Row>();
  const bd: Breakdown[] = [];
  try {
    if (withRspamd) {
      rspamdStart(FILTERS, mode);
      if (mode === "bayes") await trainRspamd();
    }
    await warmUp(kas);
    for (const conc of CONCS) {
      const k = newRow(), r = newRow();
      for (let round = 0; round < ROUNDS; round++) {
        const kasFirst = round % 2 === 0;
        if (kasFirst) await runKas(kas, conc, k, bd);
        if (withRspamd) await runRspamd(kas.dir, conc, r);
        if (!kasFirst) await runKas(kas, conc, k, bd);
      }
      rows.set(`kas ${conc}`, k);
      if (withRspamd) rows.set(`rspamd ${conc}`, r);
    }
  } catch (e) {
    await kas.stop(); // no kas server left behind when a peer fails to start or train
    throw e;
  } finally {
    if (withRspamd) rspamdStop();
  }
  console.log(`\n${mode === "bayes" ? "rules + Bayes (Rspamd: Redis; kas: its SQLite token database), both trained on the training split" : "rules only"}`);
  console.log(`${"server".padEnd(28)} conc   msg/s (min-max)     CPU ms/msg  p50 ms  p99 ms  RSS sum MB  max 1 MB  load avg`);
  for (const conc of CONCS) {
    console.log(fmt(`kas ${o["kas-server"].replace(/\s+/g, " ").trim() || "defaults"}`, conc, rows.get(`kas ${conc}`)!));
    if (withRspamd) console.log(fmt("Rspamd 3.4", conc, rows.get(`rspamd ${conc}`)!));
    if (withRspamd) {
      const kr = rows.get(`kas ${conc}`)!, rr = rows.get(`rspamd ${conc}`)!;
      const k = kr.rate, r = rr.rate;
      // Also round by round: each kas round ran next to one Rspamd round, so their ratio is
      // taken at one moment of the shared host's load, which drifts between rounds.
      const paired = k.map((x, i) => x / r[i]);
      console.log(`${"  kas / Rspamd msg/s".padEnd(28)} ${String(conc).padStart(4)} ${(med(k) / med(r)).toFixed(2).padStart(7)}x   round by round: median ${med(paired).toFixed(2)}x (${Math.min(...paired).toFixed(2)}-${Math.max(...paired).toFixed(2)})`);
      // The load generator runs on the same CPUs: its share of each message pulls the ratio
      // of msg/s towards 1, below the ratio of the servers' CPU per message, whatever the
      // servers do. Per peer: reading Rspamd's replies (every symbol with its options) costs
      // it more than reading kas's.
      console.log(`${"  load generator CPU ms/msg".padEnd(28)} ${String(conc).padStart(4)}    kas ${med(kr.client).toFixed(2)}, Rspamd ${med(rr.client).toFixed(2)}    (server CPU per message, Rspamd / kas: ${(med(rr.cpu) / med(kr.cpu)).toFixed(2)}x)`);
    }
  }
  const m = (f: (b: Breakdown) => number) => med(bd.map(f)).toFixed(3).padStart(7);
  console.log(`\nkas per-message CPU breakdown (${mode}; medians of ${bd.length} runs of ${bd[0]?.msgs} messages; ms per message)`);
  console.log(`  master process (accept, HTTP parse, dispatch, IPC encode/decode, reply, scan log)  ${m((b) => b.master)}`);
  console.log(`  filtering processes, all CPU                                                     ${m((b) => b.workers)}`);
  // The engine's stage timers are wall time; their shares split the scan's CPU time.
  const part = (b: Breakdown, k: "parseMs" | "checksMs" | "rulesMs") => (b.scanCpuMs / b.msgs) * (b[k] / b.scanMs);
  console.log(`    the scan (engine.scan, CPU)                                                     ${m((b) => b.scanCpuMs / b.msgs)}`);
  console.log(`      parse (MIME walk, decoding)                                                   ${m((b) => part(b, "parseMs"))}`);
  console.log(`      checks (Bayes, SPF...)                                                        ${m((b) => part(b, "checksMs"))}`);
  console.log(`      rules (rule database match + metas)                                           ${m((b) => part(b, "rulesMs"))}`);
  console.log(`      score, verdict, actions                                                       ${m((b) => (b.scanCpuMs / b.msgs) * (1 - (b.parseMs + b.checksMs + b.rulesMs) / b.scanMs))}`);
  console.log(`    outside the scan: IPC decode/encode, reply, logging, GC, load after recycling   ${m((b) => b.workers - b.scanCpuMs / b.msgs)}`);
  // By thread (runs in which no process was recycled): the main thread's share is the server's
  // own work around the scan; the other threads' is the runtime's (JIT compilers, most of it in
  // a process's first ~10 000 messages; GC helpers; the allocator's scavenger). The scan's CPU is
  // the process's (no per-thread reading in Bun is exact for a scan's ~1 ms: threadCpuUsage moves
  // in steps of 0.2-2 ms), so it also holds what the other threads did while it ran: the main
  // thread's figure is a floor, the other threads' is exact.
  const mt = (f: (b: Breakdown) => number) => ((xs) => (xs.length ? `${med(xs).toFixed(3).padStart(7)}  (${xs.length} runs)` : "      -  (a process was recycled in every run)"))(bd.filter((b) => !Number.isNaN(b.workersMain)).map(f));
  console.log(`      main thread (at least): IPC decode/encode, reply, logging, GC pauses          ${mt((b) => b.workersMain - b.scanCpuMs / b.msgs)}`);
  console.log(`      other threads: JIT compilers, GC helpers, allocator scavenger                 ${mt((b) => b.workers - b.workersMain)}`);
  console.log(`  wall: job starts (sent, or result before it read) -> result back, minus the scan   ${m((b) => (b.roundTripMs - b.scanMs) / b.msgs)}`);
  console.log(`  recycled per run ${m((b) => b.recycled)}, process load ms (sum per run) ${m((b) => b.loadMs)}`);
  // Each fault is a page the allocator gave back and a later message touched again; where the
  // host takes back freed pages one costs 10-13 us (README, "Memory kept for reuse").
  const worker = (await kas.status()).pool.workers[0]?.pid;
  console.log(`  minor page faults a message: master ${m((b) => b.masterFaults)}, filtering processes (all) ${m((b) => b.workerFaults)}; their MIMALLOC_PURGE_DELAY: ${(worker && purgeDelayOf(worker)) ?? "unset (purging on)"}`);
  console.log(`  master RSS now ${(memKiB(kas.pid).rss / 1024).toFixed(0)} MB`);
  await kas.stop();
}

/**
 * Unmeasured passes over the corpus for each peer before the rounds (--warmup, default 7:
 * about 10 000 messages per filtering process). A new kas filtering process goes on compiling
 * its hot code (JavaScriptCore's compiler threads) for about its first 9 000 messages; with one
 * pass, the c=4 rounds were measured inside that and the c=16 ones after it, so c=4 looked
 * slower than it serves. Rspamd (LuaJIT) gets the same passes. Each pass's CPU per message is
 * printed, so what start-up costs stays visible; with max_messages = 100000 a process spends
 * under a tenth of its life in it.
 */
async function warmUp(kas: KasServer) {
  const passes = Number(o.warmup);
  if (passes <= 0) return;
  const kasCpu: string[] = [], rspamdCpu: string[] = [];
  for (let i = 0; i < passes; i++) {
    const c0 = treeCpu(kas.pid);
    const st = await scanClient("kas", dirs.test, 16, join(kas.dir, "warm.tsv"), { pidfiles: kas.pidFile, port: kas.port });
    const c1 = treeCpu(kas.pid);
    if (st.errors) throw new Error(`kas: ${st.errors} errors in a warm-up pass`);
    kasCpu.push((((c1.root - c0.root) + (c1.children - c0.children)) / st.messages).toFixed(2));
    if (!withRspamd) continue;
    const r = await scanClient("rspamd", dirs.test, 16, join(kas.dir, "rspamd-warm.tsv"), { pidfiles: RSPAMD_PIDFILES });
    rspamdCpu.push(((r.peer_cpu_s * 1000) / r.messages).toFixed(2));
  }
  console.log(`warm-up, ${passes} passes of ${testFiles.length} messages at c=16, server CPU ms per message by pass: kas ${kasCpu.join(" ")}${withRspamd ? `; Rspamd ${rspamdCpu.join(" ")}` : ""}`);
}

/** train.sh fails when Redis is still loading its dataset right after the start (seen: "LOADING"): a few tries. */
async function trainRspamd() {
  for (let i = 1; ; i++) {
    try {
      return rspamdTrain();
    } catch (e) {
      if (i === 3) throw e;
      console.log(`(${e instanceof Error ? e.message : e}; trying again in 2 s)`);
      await Bun.sleep(2000);
    }
  }
}

/** kas's Bayes learns the training split, like Rspamd's (train.sh). */
async function learnKas(config: string) {
  for (const [cls, group] of [["spam", "spam-1"], ["ham", "easy-ham-1"]] as const) {
    const p = Bun.spawn([KAS, "learn", `--${cls}`, "--config", config, join(BENCH_CORPUS, group)], { stdout: "ignore", stderr: "pipe", env: { ...process.env, KAS_CONFIG: "" } });
    if ((await p.exited) !== 0) throw new Error(`kas learn --${cls} failed: ${(await new Response(p.stderr).text()).trim().slice(-400)}`);
  }
}

if (Number(o.soak) > 0) await soak(Number(o.soak), `start_filters = ${FILTERS}\nmax_filters = ${FILTERS}\n${o["soak-server"]}\n`, bodies);
await startupTimes(Number(o["startup-runs"]), bodies);
