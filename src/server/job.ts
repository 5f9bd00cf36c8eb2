// What the pool hands a filtering process: a job is a scan (POST /v1/scan) or learning one
// message (POST /v1/learn). Both travel the same way (an idle process of the current
// generation, the bounded wait queue, one retry when the process dies, the watchdog), so
// the master never parses or scans a message itself. This file knows the job's IPC message
// and how a worker's answer settles it; pool.ts decides when.
import type { ScanRequest, ScanResult } from "../model";
import type { LearnOp, LearnReply } from "../protocol/kas/learn";
import type { MasterToWorker, WorkerToMaster } from "./ipc";

export type Work = { kind: "scan"; request: ScanRequest } | { kind: "learn"; id: string; op: LearnOp; raw: Uint8Array };

export type Failure = { ok: false; code: "busy" | "unavailable" | "shutting_down" | "internal"; message: string };
export type Dispatched = { ok: true; result: ScanResult; generation: number; workerPid: number } | Failure;
export type Learned = { ok: true; reply: LearnReply; generation: number; workerPid: number } | Failure;
/** The pool's view of an answer, for either kind of work. */
export type Answer = { ok: true; value: ScanResult | LearnReply; generation: number; workerPid: number } | Failure;

export interface Job {
  seq: number;
  work: Work;
  attempts: number;
  timer?: ReturnType<typeof setTimeout>;
  /** Filtering processes that died holding it unstarted (sent ahead): bounds its retries like `attempts`. */
  bounced?: number;
  /** performance.now() when a filtering process last started it. */
  sentAt?: number;
  /** Set once `settle` has run (a job sent ahead whose client went away stays held until its process answers). */
  settled?: boolean;
  settle(d: Answer): void;
}

export type JobReply = Extract<WorkerToMaster, { type: "result" | "scan_error" | "learn_result" | "learn_error" }>;

/** The message id (scans) or learn id, for log lines. */
export const jobLabel = (job: Job) => (job.work.kind === "scan" ? job.work.request.id : job.work.id);

export function jobMessage(job: Job): MasterToWorker {
  const w = job.work;
  return w.kind === "scan" ? { type: "scan", jobId: job.seq, request: w.request } : { type: "learn", jobId: job.seq, op: w.op, raw: w.raw };
}

/** Settles `job` with a filtering process's reply; returns the error to log, if any. */
export function settleWith(job: Job, m: JobReply, from: { generation: number; workerPid: number }): string | undefined {
  switch (m.type) {
    case "result":
      return void job.settle({ ok: true, value: m.result, ...from });
    case "learn_result":
      return void job.settle({ ok: true, value: m.reply, ...from });
    case "scan_error":
      job.settle({ ok: false, code: "internal", message: `scan failed: ${m.error}` });
      return `scan ${jobLabel(job)} failed: ${m.error}`;
    case "learn_error":
      job.settle({ ok: false, code: m.code, message: m.error });
      return m.code === "internal" ? `learning ${jobLabel(job)} failed: ${m.error}` : undefined;
  }
}

export const asDispatched = (a: Answer): Dispatched => (a.ok ? { ok: true, result: a.value as ScanResult, generation: a.generation, workerPid: a.workerPid } : a);
export const asLearned = (a: Answer): Learned => (a.ok ? { ok: true, reply: a.value as LearnReply, generation: a.generation, workerPid: a.workerPid } : a);
