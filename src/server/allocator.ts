// `[server] keep_freed_memory`: whether filtering processes keep the memory their allocator
// frees for reuse, or hand it back to the kernel soon after (mimalloc's default). Bun
// allocates through mimalloc, which reads its options from the environment once, when a
// process starts, so the master starts its filtering processes with MIMALLOC_PURGE_DELAY=-1
// (never purge).
//
// Why: each message allocates and frees memory in a filtering process; with purging on, freed
// pages go back to the kernel and a later message faults them in again (2026-12-03: 4–6 minor
// faults a message in each process). Where the kernel runs in a virtual machine whose host
// takes back the pages the guest frees (free page reporting, ballooning), each such fault costs
// ~10–13 µs instead of well under 1 µs (README, "Memory kept for reuse"). The cost is that a
// process stays at its high-water mark, ~40 MB above its usual size, until max_rss or
// max_messages replaces it. So `auto` (the default) measures what a fresh page costs at start
// and keeps the memory only where faults are that dear.
//
// The master always gives memory back: it holds whatever clients send (up to
// max_bytes_in_flight), and a burst of large or hostile requests must not pin that memory for
// the life of the server (hostile.e2e.test.ts), while nothing replaces the master as max_rss
// replaces a filtering process.

import { readFileSync } from "node:fs";

/** mimalloc's option (v2/v3): milliseconds before freed memory is returned; -1 = never. */
export const PURGE_ENV = "MIMALLOC_PURGE_DELAY";
/** µs a first touch of a fresh page must cost for `auto` to keep freed memory. Bare metal and
 *  ordinary virtual machines: 0.1–0.5; the 2026-12-03 machine with free page reporting: 10–13. */
export const AUTO_FAULT_US = 2;
/** Size of the start-up probe: 1 024 pages, ~13 ms where faults are dear, under 1 ms elsewhere. */
const PROBE_BYTES = 4 << 20;

export type KeepMode = "auto" | "on" | "off";
type Env = Record<string, string | undefined>;

/** PURGE_ENV in a running process's environment (Linux /proc), or undefined: what a process runs with, for the e2e test and bench:serve. */
export function purgeDelayOf(pid: number): string | undefined {
  try {
    const v = readFileSync(`/proc/${pid}/environ`, "latin1").split("\0").find((e) => e.startsWith(`${PURGE_ENV}=`));
    return v?.slice(PURGE_ENV.length + 1);
  } catch {
    return undefined; // gone, or not Linux
  }
}

/** µs the first write to each page of freshly allocated memory costs (a page fault each). */
export function freshPageCostUs(bytes = PROBE_BYTES): number {
  const t = performance.now();
  const a = new Uint8Array(bytes);
  for (let i = 0; i < bytes; i += 4096) a[i] = 1;
  return ((performance.now() - t) * 1000) / (bytes / 4096);
}

export interface FilterMemory {
  /** The filtering processes' environment: the master's, plus MIMALLOC_PURGE_DELAY=-1 when kept. */
  env: Record<string, string>;
  /** The line the master logs at start. */
  note: string;
}

/** Decided once by `kas serve` at start (a SIGHUP does not change it: processes already running could not follow). */
export function filterMemory(mode: KeepMode, env: Env = process.env, probe: () => number = freshPageCostUs): FilterMemory {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  if (out[PURGE_ENV] !== undefined) return { env: out, note: `${PURGE_ENV}=${out[PURGE_ENV]} from the environment for every process; keep_freed_memory = "${mode}" not applied` };
  if (mode === "off") return { env: out, note: `filtering processes return freed memory to the kernel (keep_freed_memory = "off")` };
  let why = `keep_freed_memory = "on"`;
  if (mode === "auto") {
    const us = probe();
    if (!(us >= AUTO_FAULT_US)) return { env: out, note: `filtering processes return freed memory to the kernel: a fresh page costs ${us.toFixed(2)} µs here (keep_freed_memory = "auto" keeps it from ${AUTO_FAULT_US} µs)` };
    why = `a fresh page costs ${us.toFixed(1)} µs here (keep_freed_memory = "auto" keeps it from ${AUTO_FAULT_US} µs)`;
  }
  out[PURGE_ENV] = "-1";
  return { env: out, note: `filtering processes keep freed memory for reuse (${PURGE_ENV}=-1): ${why}` };
}
