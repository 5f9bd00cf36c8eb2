// Benchmark of `kas serve` (the compiled binary): drives SpamAssassin corpus messages through
// the native protocol at concurrency 1, 4 and 16, over TCP and over a Unix socket, and prints
// messages/second, median and p99 latency, and the peak RSS (VmHWM) of the master and of the
// filtering processes. Then times `kas filter` start-up (client mode vs --local), 20 runs each.
//   bun run bench:serve [--count N] [--max-filters N] [--rounds R]
// With --rounds R each (transport, concurrency) cell runs R times and prints the median
// messages/second (latency percentiles over all rounds): the figures of a shared machine vary.
// Clients keep connections alive (fetch), so the figures are the server's, not TCP set-up.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { groupFiles } from "./corpus";

const REPO = resolve(import.meta.dir, "../..");
const KAS = process.env.KAS_BIN || join(REPO, "dist/kas");
const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const COUNT = arg("count", 1000);
const MAX_FILTERS = arg("max-filters", 4);
const ROUNDS = arg("rounds", 1);

function corpus(n: number): Uint8Array[] {
  const groups = ["spam-2", "easy-ham-2", "hard-ham-1", "spam-1", "easy-ham-1"];
  const lists = groups.map(groupFiles);
  const out: Uint8Array[] = [];
  for (let i = 0; out.length < n; i++) for (const l of lists) if (i < l.length && out.length < n) out.push(new Uint8Array(readFileSync(l[i])));
  return out;
}

const vmHwmKiB = (pid: number): number => {
  try {
    return Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
  } catch {
    return 0;
  }
};
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

const dir = mkdtempSync(join(tmpdir(), "kas-bench-"));
const port = (() => {
  const l = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const p = l.port;
  l.stop(true);
  return p;
})();
const sock = join(dir, "kas.sock");
const cfg = join(dir, "kas.toml");
// Licensed by the project's TEST issuer: without a license the server passes mail unscanned,
// which would measure nothing. SPF off: this machine has no DNS to ask.
const FIX = join(import.meta.dir, "../../fixtures/license");
const license = `[license]\nkey_file = ${JSON.stringify(join(FIX, "test-server-2099.key"))}\ntrusted_issuers = [${JSON.stringify(join(FIX, "test-issuer.pub"))}]\n[spf]\nenabled = false\n`;
writeFileSync(cfg, `data_dir = ${JSON.stringify(join(dir, "data"))}\n${license}[log]\nlevel = "warn"\n[server]\nlisten = ["tcp:127.0.0.1:${port}", "unix:${sock}"]\nstart_filters = 2\nmin_spare_filters = 1\nmax_filters = ${MAX_FILTERS}\n`);
const server = Bun.spawn([KAS, "serve", "--config", cfg], { stdout: "ignore", stderr: "inherit", env: { ...process.env, KAS_CONFIG: "" } });

const base = `http://127.0.0.1:${port}`;
for (let i = 0; ; i++) {
  try {
    if ((await fetch(`${base}/v1/ping`)).ok) break;
  } catch {}
  if (i > 300 || server.exitCode !== null) throw new Error("kas serve did not start (is dist/kas built? `bun run bench:serve` builds it)");
  await Bun.sleep(50);
}

const peakWorker = new Map<number, number>();
let sampling = true;
const sampler = (async () => {
  while (sampling) {
    try {
      const st = (await (await fetch(`${base}/v1/status`)).json()) as { pool: { workers: { pid: number }[] } };
      for (const w of st.pool.workers) peakWorker.set(w.pid, Math.max(peakWorker.get(w.pid) ?? 0, vmHwmKiB(w.pid)));
    } catch {}
    await Bun.sleep(200);
  }
})();

const msgs = corpus(COUNT);
const mib = msgs.reduce((a, m) => a + m.byteLength, 0) / 1048576;
console.log(`kas serve benchmark: ${msgs.length} corpus messages (${mib.toFixed(1)} MiB), max_filters ${MAX_FILTERS}, ${ROUNDS} round(s) per cell, ${navigator.hardwareConcurrency} CPUs, binary ${KAS}`);
console.log("transport  conc   msg/s   median ms   p99 ms   errors");

async function run(transport: "tcp" | "unix", conc: number) {
  const lat: number[] = [];
  const rates: number[] = [];
  let errors = 0;
  for (let round = 0; round < ROUNDS; round++) {
    let next = 0;
    const t0 = performance.now();
    const client = async () => {
      while (next < msgs.length) {
        const m = msgs[next++];
        const s = performance.now();
        const r = await fetch(transport === "tcp" ? `${base}/v1/scan` : "http://kas/v1/scan", { method: "POST", body: m, headers: { "X-KAS-Rcpt": "user@example.com" }, ...(transport === "unix" ? { unix: sock } : {}) });
        const j = (await r.json()) as { status?: string };
        if (!r.ok || !j.status || j.status === "unlicensed") errors++; // a pass-through is not a scan
        lat.push(performance.now() - s);
      }
    };
    await Promise.all(Array.from({ length: conc }, client));
    rates.push(msgs.length / ((performance.now() - t0) / 1000));
  }
  console.log(`${transport.padEnd(9)} ${String(conc).padStart(5)} ${pct(rates, 50).toFixed(0).padStart(7)} ${pct(lat, 50).toFixed(1).padStart(11)} ${pct(lat, 99).toFixed(1).padStart(8)} ${String(errors).padStart(8)}`);
}

for (const transport of ["tcp", "unix"] as const) for (const conc of [1, 4, 16]) await run(transport, conc);
sampling = false;
await sampler;
const workers = [...peakWorker.values()].filter((v) => v > 0).sort((a, b) => a - b);
console.log(`peak RSS (VmHWM): master ${(vmHwmKiB(server.pid) / 1024).toFixed(0)} MiB; filtering processes (${workers.length} seen) median ${(pct(workers, 50) / 1024).toFixed(0)} MiB, max ${(workers[workers.length - 1] / 1024).toFixed(0)} MiB`);

// `kas filter` start-up: a full pipe-client round trip per run vs an in-process --local scan.
const one = msgs.find((m) => m.byteLength < 8000) ?? msgs[0];
async function timeRuns(args: string[], n = 20) {
  const t: number[] = [];
  for (let i = 0; i < n; i++) {
    const s = performance.now();
    const p = Bun.spawn([KAS, ...args], { stdin: one, stdout: "ignore", stderr: "pipe", env: { ...process.env, KAS_CONFIG: "" } });
    const code = await p.exited;
    t.push(performance.now() - s);
    // A timing of a command that failed (e.g. a usage error) would be meaningless.
    if (code !== 0) throw new Error(`kas ${args.join(" ")} exited ${code}: ${(await new Response(p.stderr).text()).trim()}`);
  }
  return pct(t, 50);
}
const clientCfg = join(dir, "client.toml");
writeFileSync(clientCfg, `data_dir = ${JSON.stringify(join(dir, "data"))}\n${license}[client]\nconnect_to = ["unix:${sock}"]\n`);
console.log(`kas --version: median ${(await timeRuns(["--version"])).toFixed(1)} ms (20 runs)`);
console.log(`kas filter (client mode, unix socket): median ${(await timeRuns(["filter", "--config", clientCfg])).toFixed(1)} ms (20 runs)`);
console.log(`kas filter --local: median ${(await timeRuns(["filter", "--local", "--config", clientCfg])).toFixed(1)} ms (20 runs)`);

server.kill("SIGTERM");
await server.exited;
