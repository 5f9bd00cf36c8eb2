// Process CPU and memory from /proc (Linux), for bench:serve's per-message breakdown: the
// master's own CPU time and its filtering processes' (live ones plus the reaped ones, which
// the kernel adds to the parent's cutime/cstime, so recycled processes are counted too).
import { readdirSync, readFileSync } from "node:fs";

/** Kernel clock ticks per second (USER_HZ): 100 on every Linux this runs on. */
const HZ = 100;

export interface ProcTimes {
  /** utime + stime of the process itself, ms. */
  selfMs: number;
  /** cutime + cstime: its reaped children, ms. */
  reapedMs: number;
  ppid: number;
  /** Minor page faults of the process itself, and of its reaped children. */
  minflt: number;
  reapedMinflt: number;
}

export const procTimes = (pid: number): ProcTimes | undefined => statTimes(`/proc/${pid}/stat`);

/** The times of a stat file (a process's, or one thread's under task/): the same format. */
function statTimes(path: string): ProcTimes | undefined {
  try {
    const s = readFileSync(path, "utf8");
    // Fields after "(comm)": the command name may hold spaces and parentheses.
    const f = s.slice(s.lastIndexOf(")") + 2).split(" ");
    return { ppid: Number(f[1]), minflt: Number(f[7]), reapedMinflt: Number(f[8]), selfMs: ((Number(f[11]) + Number(f[12])) * 1000) / HZ, reapedMs: ((Number(f[13]) + Number(f[14])) * 1000) / HZ };
  } catch {
    return undefined; // gone meanwhile
  }
}

export const childrenOf = (pid: number): number[] =>
  readdirSync("/proc")
    .filter((e) => /^\d+$/.test(e))
    .map(Number)
    .filter((p) => procTimes(p)?.ppid === pid);

/** A figure of a process tree one level deep: the root's own, and its children's (live ones + the reaped ones the kernel added to the root). */
function treeSum(pid: number, own: (t: ProcTimes) => number, reaped: (t: ProcTimes) => number): { root: number; children: number } {
  const t = procTimes(pid);
  if (!t) return { root: 0, children: 0 };
  const live = childrenOf(pid).reduce((a, c) => {
    const ct = procTimes(c);
    return a + (ct ? own(ct) : 0);
  }, 0);
  return { root: own(t), children: reaped(t) + live };
}

/** CPU ms of a process tree one level deep: the root itself, and its children (live + reaped). */
export const treeCpu = (pid: number) => treeSum(pid, (t) => t.selfMs, (t) => t.reapedMs);

/** Minor page faults of a process tree, counted like treeCpu. */
export const treeFaults = (pid: number) => treeSum(pid, (t) => t.minflt, (t) => t.reapedMinflt);

/**
 * CPU ms of a process's main thread alone (/proc/<pid>/task/<pid>/stat). The rest of the
 * process's time is its other threads': in a filtering process JavaScriptCore's JIT compilers
 * (JITWorker), GC helpers (HeapHelper) and the allocator's scavenger (mi-scavenger).
 */
export const mainThreadMs = (pid: number): number | undefined => statTimes(`/proc/${pid}/task/${pid}/stat`)?.selfMs;

/** VmHWM (peak resident set) and VmRSS of a process, KiB; 0 when it is gone. */
export function memKiB(pid: number): { hwm: number; rss: number } {
  try {
    const s = readFileSync(`/proc/${pid}/status`, "utf8");
    return { hwm: Number(/VmHWM:\s+(\d+)/.exec(s)?.[1] ?? 0), rss: Number(/VmRSS:\s+(\d+)/.exec(s)?.[1] ?? 0) };
  } catch {
    return { hwm: 0, rss: 0 };
  }
}
