// Every message between the master and its filtering processes: ONE discriminated union,
// in this one file. Carried by Bun's IPC channel (Bun.spawn `ipc`, serialization
// "advanced" = structured clone, so the raw message travels as bytes, not base64).
//
// Life of a filtering process, as the master sees it (pool.ts):
//   starting --ready--> idle --scan|learn--> busy --result--> idle | draining (max_messages reached)
//   busy --scan|learn (sent ahead, at most one)--> busy: the process starts it when it sends the result before
//   idle --(max_idle / reload / stop)--> draining --exit--> dead
//   any --crash / kill--> dead (a held request is retried once on another process)
// The worker's own view (worker.ts): loading → serving → exiting.
import type { KasConfig } from "../config/schema";
import type { ScanRequest, ScanResult } from "../model";
import type { LearnOp, LearnReply } from "../protocol/kas/learn";
import { lazyHits } from "./raw-hits";

/** What a filtering process loaded, reported once it is ready (shown by `kas status`). */
export interface RulesInfo {
  version: string;
  digest: string;
  /** Where the database came from: "builtin", an installed version dir, or scan.rules_dir. */
  source: string;
}

// The SPF question and answer travel in spf_query / spf_answer; their types belong to spf/.
export type { SpfAnswer, SpfQuery } from "../spf/types";
import type { SpfAnswer, SpfQuery } from "../spf/types";
import type { DnsAnswer, QType } from "../dns/types";

export type MasterToWorker =
  /** First message: the frozen config snapshot (workers never read kas.toml) and identity. */
  | { type: "init"; workerId: number; generation: number; config: KasConfig }
  | { type: "scan"; jobId: number; request: ScanRequest }
  /** POST /v1/learn: the filtering process parses `raw` and writes the server's token database (the master never parses). */
  | { type: "learn"; jobId: number; op: LearnOp; raw: Uint8Array }
  /** Answer to a `spf_query`; `error` when the master has no SPF service or it failed. */
  | { type: "spf_answer"; queryId: number; answer?: SpfAnswer; error?: string }
  /** Answer to a `dns_query`: the master's caching resolver's outcome (timeouts are answers, not errors); `error` when the server has no DNS service. */
  | { type: "dns_answer"; queryId: number; answer?: DnsAnswer; error?: string }
  /** The client of a job sent ahead went away: drop it if it has not started (answered `cancelled`). */
  | { type: "cancel"; jobId: number }
  /** Finish the requests it holds (the running one and one sent ahead), then exit 0. */
  | { type: "shutdown"; reason: string };

export type WorkerToMaster =
  | { type: "ready"; rules: RulesInfo; loadMs: number }
  /** Loading failed (bad database, bad config): the master backs off before starting another. */
  | { type: "failed"; error: string }
  /**
   * `cpuMs`: the process's CPU time spent in this scan (for the server's timing counters);
   * `rssKiB`: its resident memory afterwards ([server] max_rss).
   */
  | { type: "result"; jobId: number; result: ScanResult; cpuMs?: number; rssKiB?: number }
  /** The scan threw: a bug or a broken message the engine could not handle; the master answers tempfail. */
  | { type: "scan_error"; jobId: number; error: string }
  | { type: "spf_query"; queryId: number; query: SpfQuery }
  /** One DNS question for any check (DNSBL, DKIM keys, DMARC records): every process shares the master's cache. */
  | { type: "dns_query"; queryId: number; name: string; qtype: QType }
  | { type: "learn_result"; jobId: number; reply: LearnReply }
  /** A job sent ahead was dropped before it started (`cancel`): its one answer. */
  | { type: "cancelled"; jobId: number }
  /** Learning failed: "busy"/"unavailable" = the token database (locked, unwritable); "internal" = anything else. */
  | { type: "learn_error"; jobId: number; code: LearnErrorCode; error: string };

export type LearnErrorCode = "busy" | "unavailable" | "internal";

// On the wire a scan result travels as JSON text. Bun's "advanced" IPC serialization walks
// every object of a message in JavaScript on both sides (it tags and untags Buffers), and a
// result is ~40 objects (hits, edits): measured on this machine, a result sent as an object
// cost the filtering process ~30 µs and the master ~26 µs, as one JSON string ~17 and ~18
// (the master's JSON.parse included). A result JSON cannot carry exactly (a score that is
// not finite or is -0: an `inf` threshold in the config) goes as an object, as before.
// Its hits go as a text of their own, with their names beside it: the master parses them
// only when something reads them (raw-hits.ts; the native door's reply takes the text).

/** What a WorkerToMaster message is on the wire (processChannel.send). */
export function toWire(m: WorkerToMaster): WorkerToMaster | ResultOnWire {
  if (m.type !== "result" || !jsonExact(m.result)) return m;
  const r = m.result;
  const hits = r.hits;
  // Symbol names are rule and check names (no line breaks): they travel as one line each.
  let names = "";
  for (let i = 0; i < hits.length; i++) {
    if (hits[i].name.includes("\n")) return { ...m, result: JSON.stringify(r) };
    names += i ? "\n" + hits[i].name : hits[i].name;
  }
  // The result without its hits, without copying it: JSON leaves out a member set to
  // undefined, and nothing runs between the two assignments (a copy cost the filtering
  // process ~1.5 µs a result).
  r.hits = undefined as unknown as typeof hits;
  let text: string;
  try {
    text = JSON.stringify(r);
  } finally {
    r.hits = hits;
  }
  return { ...m, result: text, hits: JSON.stringify(hits), names };
}
/** A message as it arrives from a filtering process, back in its WorkerToMaster form (spawn.ts). */
export function fromWire(m: unknown): unknown {
  const w = m as ResultOnWire;
  if (!isWorkerMessage(m) || w.type !== "result" || typeof w.result !== "string") return m;
  const { hits, names, ...rest } = w;
  const result = JSON.parse(w.result) as ScanResult;
  return { ...rest, result: typeof hits === "string" && typeof names === "string" ? lazyHits(result, hits, names ? names.split("\n") : []) : result };
}
type ResultOnWire = Omit<Extract<WorkerToMaster, { type: "result" }>, "result"> & { result: string; hits?: string; names?: string };

// A scan job travels the other way as ["scan", JSON of its other fields, the message bytes]:
// measured with two processes and the evaluation split's messages, 2 in flight, the master's
// send cost 10 -> 7.5 µs and the filtering process's receive 13 -> 10.5 µs against the
// object form, whose objects (request, envelope, rcpt) Bun's serialization walks in
// JavaScript on both sides. Structured clone sends a view's whole ArrayBuffer (the view
// arrives as the same view of it): a view of a much larger one (a message cut at
// max_message_size, a Buffer of Node's shared pool, a body read with the next requests) is
// copied first (sendableBytes), else the cut would copy all of it anyway; a body beside its HTTP
// head goes as it is.
type ScanOnWire = ["scan", string, Uint8Array];

/** What a MasterToWorker message is on the wire (spawn.ts send). */
export function masterToWire(m: MasterToWorker): MasterToWorker | ScanOnWire {
  if (m.type === "learn") {
    const raw = sendableBytes(m.raw);
    return raw === m.raw ? m : { ...m, raw };
  }
  if (m.type !== "scan") return m;
  const { raw, ...rest } = m.request;
  return ["scan", JSON.stringify({ jobId: m.jobId, ...rest }), sendableBytes(raw)];
}
/** A message from the master back in its MasterToWorker form (worker.ts processChannel). */
export function masterFromWire(m: unknown): unknown {
  if (!Array.isArray(m) || m[0] !== "scan" || typeof m[1] !== "string" || !(m[2] instanceof Uint8Array)) return m;
  const { jobId, ...request } = JSON.parse(m[1]) as Omit<ScanRequest, "raw"> & { jobId: number };
  return { type: "scan", jobId, request: { ...request, raw: m[2] } };
}
/**
 * Bytes of its buffer beside a view that may travel with it: an HTTP head (a few hundred
 * bytes) beside the message body it arrived with costs less to send than a copy of the body
 * costs to make (allocating it is a fresh page or two, each a page fault on a host where
 * faults are dear, README "Memory kept for reuse").
 */
const SEND_SLACK = 4096;
/** What to send for `b`: `b` itself when the rest of its buffer is small (at most SEND_SLACK bytes, and no more than `b` holds), else a copy of just its bytes. */
export const sendableBytes = (b: Uint8Array): Uint8Array => (b.buffer.byteLength - b.byteLength <= Math.min(SEND_SLACK, b.byteLength) ? b : b.slice());

/** Whether JSON gives back every number of the result as it is (a finite number, not -0). */
const exact = (n: number | undefined) => n === undefined || (Number.isFinite(n) && !Object.is(n, -0));
function jsonExact(r: ScanResult): boolean {
  if (!exact(r.score) || !exact(r.threshold) || !exact(r.probableThreshold) || !exact(r.reply?.code)) return false;
  for (const h of r.hits) if (!exact(h.score)) return false;
  const t = r.timings;
  return exact(t.parseMs) && exact(t.checksMs) && exact(t.rulesMs) && exact(t.totalMs);
}

export type WorkerState = "starting" | "idle" | "busy" | "draining" | "dead";
export const WORKER_STATES: readonly WorkerState[] = ["starting", "idle", "busy", "draining", "dead"];

export const isWorkerMessage = (m: unknown): m is WorkerToMaster =>
  typeof m === "object" && m !== null && typeof (m as { type?: unknown }).type === "string" &&
  ["ready", "failed", "result", "scan_error", "spf_query", "dns_query", "learn_result", "learn_error", "cancelled"].includes((m as { type: string }).type);

export const isMasterMessage = (m: unknown): m is MasterToWorker =>
  typeof m === "object" && m !== null && typeof (m as { type?: unknown }).type === "string" &&
  ["init", "scan", "learn", "cancel", "spf_answer", "dns_answer", "shutdown"].includes((m as { type: string }).type);
