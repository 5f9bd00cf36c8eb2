// Test-only: an in-process stand-in for `kas _worker` behind the pool's Spawner interface.
// Each fake answers `init` with ready (or failed + exit 1), scans after `scanMs` and answers
// with a result whose score is its generation and whose policy names its pid, obeys
// `shutdown`, learns (`learn` → learn_result, recorded in `learned`), and can be killed.
// Like the real one it runs its jobs one at a time in arrival order (the pool may send one
// ahead) and drops a job that has not started when told `cancel`. Never imported by production code.
import type { ScanRequest, ScanResult } from "../model";
import type { MasterToWorker, WorkerToMaster } from "../server/ipc";
import type { Spawner } from "../server/pool";

export interface FakeWorker {
  pid: number;
  alive: boolean;
  /** jobId being scanned, if any. */
  scanning?: number;
  /** jobIds received while another ran, in order. */
  queued: number[];
  /** Request ids (scans) and learn ids it started, in order. */
  started: string[];
  exitAfter: boolean;
  /** Ends the process: "exit0" = clean exit, otherwise killed by that signal. */
  die(signal?: string): void;
}

export interface FakeOptions {
  scanMs?: number;
  /** Milliseconds one request (by id) takes instead of scanMs. */
  scanMsOf?: (id: string) => number | undefined;
  /** Milliseconds to load; a function is asked at each start. */
  loadMs?: number | (() => number);
  failLoad?: () => boolean;
  version?: () => string;
  /** Resident memory the fake reports after each scan, KiB. */
  rssKiB?: () => number;
}

export function fakeResult(r: ScanRequest, generation: number, pid: number): ScanResult {
  return { id: r.id, status: "not_detected", score: generation, threshold: 5, policy: `pid${pid}`, hits: [], disposition: "accept", edits: [], timings: { parseMs: 0, checksMs: 0, rulesMs: 0, totalMs: 0 }, notes: [] };
}

export function fakeWorkers(opts: FakeOptions = {}) {
  const all: FakeWorker[] = [];
  /** Messages learned (POST /v1/learn jobs), by which fake. */
  const learned: { pid: number; op: string; bytes: number }[] = [];
  let pid = 1000;
  const spawn: Spawner = (events) => {
    let generation = 0;
    const jobs = new Map<number, () => void>();
    const f: FakeWorker = {
      pid: pid++,
      alive: true,
      queued: [],
      started: [],
      exitAfter: false,
      die(signal = "SIGKILL") {
        if (!f.alive) return;
        f.alive = false;
        setTimeout(() => events.exit(signal === "exit0" ? 0 : null, signal === "exit0" ? null : signal), 1);
      },
    };
    const emit = (m: WorkerToMaster) => f.alive && events.message(m);
    /** Runs `jobId` now or after the jobs before it; `answer` after scanMs, then the next one starts. */
    const run = (jobId: number, label: string, answer: () => void) => {
      jobs.set(jobId, () => {
        f.scanning = jobId;
        f.started.push(label);
        setTimeout(() => {
          if (!f.alive || f.scanning !== jobId) return;
          answer(); // the pool may send the next job from inside this call: still busy, it is queued
          f.scanning = undefined;
          const next = f.queued.shift();
          if (next !== undefined) jobs.get(next)!();
          else if (f.exitAfter) f.die("exit0");
        }, opts.scanMsOf?.(label) ?? opts.scanMs ?? 5);
      });
      if (f.scanning === undefined) jobs.get(jobId)!();
      else f.queued.push(jobId);
    };
    all.push(f);
    return {
      pid: f.pid,
      kill: (s) => f.die(s),
      send(m: MasterToWorker) {
        if (!f.alive) throw new Error("channel closed");
        if (m.type === "init") {
          generation = m.generation;
          setTimeout(() => {
            if (opts.failLoad?.()) {
              emit({ type: "failed", error: "database broken" });
              setTimeout(() => f.alive && ((f.alive = false), events.exit(1, null)), 1);
            } else emit({ type: "ready", rules: { version: opts.version?.() ?? "v1", digest: "d", source: "test" }, loadMs: 1 });
          }, typeof opts.loadMs === "function" ? opts.loadMs() : (opts.loadMs ?? 2));
        } else if (m.type === "scan") {
          run(m.jobId, m.request.id, () => emit({ type: "result", jobId: m.jobId, result: fakeResult(m.request, generation, f.pid), rssKiB: opts.rssKiB?.() }));
        } else if (m.type === "learn") {
          run(m.jobId, `learn-${m.jobId}`, () => {
            learned.push({ pid: f.pid, op: m.op, bytes: m.raw.byteLength });
            emit({ type: "learn_result", jobId: m.jobId, reply: { version: 1, outcome: "learned", spam: learned.filter((l) => l.op === "spam").length, ham: learned.filter((l) => l.op === "ham").length } });
          });
        } else if (m.type === "cancel") {
          const i = f.queued.indexOf(m.jobId);
          if (i >= 0) {
            f.queued.splice(i, 1);
            emit({ type: "cancelled", jobId: m.jobId });
          }
        } else if (m.type === "shutdown") {
          if (f.scanning !== undefined) f.exitAfter = true;
          else f.die("exit0");
        }
      },
    };
  };
  return { spawn, all, learned, live: () => all.filter((f) => f.alive) };
}

/** Polls `cond` every 5 ms; throws after `ms`. */
export async function until(cond: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("condition not reached in time");
    await Bun.sleep(5);
  }
}
