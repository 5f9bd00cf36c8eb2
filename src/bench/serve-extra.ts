// bench:serve's two side measurements: a soak (many messages through kas serve with the
// RSS of the master and of each filtering process sampled, to see whether memory stays
// flat, which decides max_messages), and `kas filter` start-up (client mode through a
// running server, against `kas --version` and `--local`), medians of repeated runs.
import { writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { memKiB, treeCpu } from "./proc-stat";
import { KAS, startKas } from "./serve-kas";

const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

/** Scans `total` messages at c=16 (cycling the corpus); prints RSS at ten checkpoints. */
export async function soak(total: number, server: string, bodies: Uint8Array[]): Promise<void> {
  const kas = await startKas(server, "[bayes]\nenabled = false\n");
  const url = `http://127.0.0.1:${kas.port}/v1/scan`;
  console.log(`\nsoak: ${total} messages at c=16, [server] ${server.replace(/\s+/g, " ").trim()}`);
  console.log("  messages   msg/s  master RSS MB  filtering RSS MB (each)       CPU ms/msg  recycled");
  let next = 0;
  let done = 0;
  let lastN = 0;
  let lastT = performance.now();
  let lastCpu = treeCpu(kas.pid);
  const every = Math.max(1000, Math.floor(total / 10));
  const report = async () => {
    const st = await kas.status();
    const now = performance.now();
    const cpu = treeCpu(kas.pid);
    const n = done - lastN;
    const rss = st.pool.workers.map((w) => `${(memKiB(w.pid).rss / 1024).toFixed(0)}(${w.messages})`).join(" ");
    console.log(`  ${String(done).padStart(8)} ${(n / ((now - lastT) / 1000)).toFixed(0).padStart(7)} ${(memKiB(kas.pid).rss / 1024).toFixed(0).padStart(14)}  ${rss.padEnd(28)} ${((cpu.root + cpu.children - lastCpu.root - lastCpu.children) / n).toFixed(2).padStart(10)} ${String(st.counters.recycled ?? 0).padStart(9)}`);
    [lastN, lastT, lastCpu] = [done, now, cpu];
  };
  let reporting = Promise.resolve();
  await Promise.all(Array.from({ length: 16 }, async () => {
    while (next < total) {
      const b = bodies[next++ % bodies.length];
      const r = await fetch(url, { method: "POST", body: b });
      await r.arrayBuffer();
      if (!r.ok) throw new Error(`soak: HTTP ${r.status}`);
      if (++done % every === 0) reporting = reporting.then(report);
    }
  }));
  await reporting;
  await kas.stop();
}

/** Wall time of `kas` runs that each start, do their work and exit (median of `n`). */
export async function startupTimes(n: number, bodies: Uint8Array[]): Promise<void> {
  if (n <= 0) return;
  const kas = await startKas("start_filters = 1\n", "[bayes]\nenabled = false\n");
  const one = bodies.find((m) => m.byteLength < 8000) ?? bodies[0];
  const client = join(kas.dir, "client.toml");
  writeFileSync(client, `${kas.base}[client]\nconnect_to = ["unix:${kas.sock}"]\n`);
  // Wall time moves with the machine's load (a start waits for a CPU, and so does the server's
  // reply); the process's own CPU time (user + system) moves much less, so both are shown.
  const time = async (args: string[]) => {
    const t: number[] = [];
    const cpu: number[] = [];
    for (let i = 0; i < n; i++) {
      const s = performance.now();
      const p = Bun.spawn([KAS, ...args], { stdin: one, stdout: "ignore", stderr: "pipe", env: { ...process.env, KAS_CONFIG: "" } });
      const code = await p.exited;
      t.push(performance.now() - s);
      cpu.push(Number(p.resourceUsage()?.cpuTime.total ?? NaN) / 1000);
      // A timing of a command that failed (e.g. a usage error) would be meaningless.
      if (code !== 0) throw new Error(`kas ${args.join(" ")} exited ${code}: ${(await new Response(p.stderr).text()).trim()}`);
    }
    return `median ${med(t).toFixed(1)} ms, min ${Math.min(...t).toFixed(1)} ms, CPU median ${med(cpu).toFixed(1)} ms (${n} runs)`;
  };
  console.log(`\nstart-up (one small message; client mode scans through a running server over its Unix socket; load average ${loadavg().map((x) => x.toFixed(2)).join(" ")})`);
  console.log(`  kas --version                     ${await time(["--version"])}`);
  console.log(`  kas filter (client mode)          ${await time(["filter", "--config", client])}`);
  console.log(`  kas filter --local                ${await time(["filter", "--local", "--config", client])}`);
  await kas.stop();
}
