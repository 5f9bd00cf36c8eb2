// `bun run bench:direct [--rounds 3] [--warmup 4]` (PEERS_DIR set, as for bench:serve): the
// upper bound of the design DESIGN.md §1 leaves open, filtering processes that accept their
// own connections, measured against `kas serve` on its defaults (the master
// relays each request to a filtering process over IPC). Rules only, the evaluation split, the
// peers kit's load generator, 4 and 16 requests in flight, rounds alternating which side goes
// first, each side warmed up with --warmup passes at 16 in flight (a new process compiles its
// hot code for its first ~9 000 messages).
// The direct side is an experiment, not kas: N processes, each a Bun.serve with reusePort on
// one port, scanning in-process with the scanner of cv-scan.ts (rules and the always-on
// checks, as a filtering process on a Bayes-less config), answering in the native JSON shape.
// It leaves out what the master does besides relaying (license bookkeeping, scan log, edge
// gate, statistics) and what the pool promises (a crashed process's request retried on
// another): read its figure as the most the relay costs, not as what kas would do.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { benchArgs, intArg } from "./bench-args";
import { benchConfig, scannerFor } from "./cv-scan";
import { ensureEmlCorpus, scanClient, type ClientStats } from "./peers";
import { freePort, startKas } from "./serve-kas";

const FILTERS = 2;

if (process.argv[2] === "--child") {
  // One direct process: `--child PORT`.
  const dir = mkdtempSync(join(tmpdir(), "kas-direct-"));
  const scanner = await scannerFor(benchConfig(dir), false);
  let n = 0;
  Bun.serve({
    port: Number(process.argv[3]),
    hostname: "127.0.0.1",
    reusePort: true,
    async fetch(req) {
      const raw = new Uint8Array(await req.arrayBuffer());
      const r = await scanner.scan({ id: `d${++n}`, envelope: { rcpt: [] }, raw });
      return Response.json({ status: r.status, score: r.score, hits: r.hits.map((h) => ({ name: h.name, score: h.score })) });
    },
  });
  process.on("SIGTERM", () => {
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  });
} else await compare();

async function compare(): Promise<void> {
  const CMD = "bench:direct";
  const args = benchArgs(CMD, {
    rounds: { type: "string", default: "3", help: "rounds per side" },
    warmup: { type: "string", default: "4", help: "unmeasured passes over the corpus at 16 in flight before each side's rounds" },
    help: { type: "boolean", default: false, help: "this text" },
  });
  const rounds = intArg(CMD, "rounds", args.rounds, 1);
  const warmup = intArg(CMD, "warmup", args.warmup, 0);
  const { test } = ensureEmlCorpus();
  const work = mkdtempSync(join(tmpdir(), "kas-direct-ab-"));
  const out = join(work, "out.tsv");
  const res: Record<string, ClientStats[]> = {};
  const add = (k: string, s: ClientStats) => {
    if (s.errors) throw new Error(`${k}: ${s.errors} requests failed`);
    (res[k] ??= []).push(s);
  };
  const measure = async (side: string, pidfiles: string, port: number) => {
    for (let w = 0; w < warmup; w++) await scanClient("kas", test, 16, out, { pidfiles, port });
    for (const c of [4, 16]) add(`${side} c=${c}`, await scanClient("kas", test, c, out, { pidfiles, port }));
  };
  const relay = async () => {
    const k = await startKas(`start_filters = ${FILTERS}\nmax_filters = ${FILTERS}\n`, "[bayes]\nenabled = false\n");
    try {
      await measure("relay ", k.pidFile, k.port);
    } finally {
      await k.stop();
    }
  };
  const direct = async () => {
    const port = freePort();
    const kids = Array.from({ length: FILTERS }, () => Bun.spawn([process.execPath, import.meta.path, "--child", String(port)], { stdout: "ignore", stderr: "inherit" }));
    // The load generator samples the process tree of each pid file's process (colon-separated).
    const pidfile = kids.map((k, i) => {
      const f = join(work, `direct-${i}.pid`);
      writeFileSync(f, `${k.pid}\n`);
      return f;
    }).join(":");
    try {
      for (let i = 0; ; i++) {
        try {
          if ((await fetch(`http://127.0.0.1:${port}/`, { method: "POST", body: "Subject: x\r\n\r\nx\r\n" })).ok) break;
        } catch {}
        if (i > 200) throw new Error("the direct processes did not start");
        await Bun.sleep(50);
      }
      await Bun.sleep(500); // the second process binds too
      await measure("direct", pidfile, port);
    } finally {
      for (const k of kids) k.kill("SIGTERM");
      await Promise.all(kids.map((k) => k.exited));
    }
  };
  try {
    for (let r = 0; r < rounds; r++) {
      if (r % 2) await direct(), await relay();
      else await relay(), await direct();
      console.error(`round ${r + 1} of ${rounds} done`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  console.log(`relay (kas serve, defaults, ${FILTERS} filtering processes) against direct accept (${FILTERS} processes, experiment), rules only, ${rounds} rounds, ${new Date().toISOString()}`);
  for (const [k, v] of Object.entries(res).sort()) {
    const mps = v.map((s) => s.msgs_per_s);
    const cpu = v.map((s) => (1000 * s.peer_cpu_s) / s.messages);
    console.log(`${k}  msg/s median ${med(mps).toFixed(0)} (${mps.map((x) => x.toFixed(0)).join(", ")})  CPU ms/msg median ${med(cpu).toFixed(2)}`);
  }
}
