// The one protocol-neutral path a scan request takes through the master (DESIGN §1, §3):
//   license/admission decision (beforeDispatch) → pool → merge the decision's header fields
//   into the verdict's edits (with the single X-KAS-Status edit) → one scan log line.
// Every front door (native HTTP, milter, later spamd and Rspamd) decodes its protocol into a
// ScanRequest, calls dispatch(), and encodes the outcome back; none of them talks to the pool
// or writes a scan line itself. The verdict travels as the native reply object (ScanReply):
// it is the plain-data form of a ScanResult plus the merged edits, which every codec maps.
import type { KasConfig } from "../config/schema";
import { reconcileRecipients } from "../engine/recipients";
import { verdictFields, type HeaderEdit, type PassStatus, type ScanRequest, type Status } from "../model";
import { scanReplyOf, withStatusEdit, type ErrorCode, type ScanReply } from "../protocol/kas/reply";
import { SCAN_TRUNCATED } from "../ruledb/types";
import type { ScanRecord } from "../control/record";
import type { Dispatched } from "./pool";
import { hitNames, hitsAside, shareHits } from "./raw-hits";

/**
 * Looks at a request (its recipients, client IP...) before it is queued, e.g. licensing:
 * recipients beyond the licensed addresses. undefined = scan normally; "pass" = the message
 * is not scanned and leaves with `status` and the given header fields; "scan" = scan it and
 * add these header fields to the verdict's edits (e.g. which recipients were unlicensed).
 */
export type BeforeDispatch = (req: ScanRequest) => Promise<DispatchDecision | undefined> | DispatchDecision | undefined;
export type DispatchDecision =
  | { action: "pass"; status: PassStatus; headers: HeaderField[]; reason: string }
  | { action: "scan"; headers: HeaderField[]; reason?: string };
export interface HeaderField {
  name: string;
  value: string;
}

export interface DispatchDeps {
  /** `signal`: aborts when the client has gone away (a request still waiting is then dropped, not scanned). */
  submit(req: ScanRequest, signal?: AbortSignal): Promise<Dispatched>;
  beforeDispatch?: BeforeDispatch;
  /** The [policy] table in force: a refusal stands only if every recipient's policy refuses (engine/recipients.ts). */
  policy?(): KasConfig["policy"];
  /** The same request as data for the Control Center (statistics, history, metrics); it only queues, the reply is not held up. */
  scanned?(r: ScanRecord): void;
  /**
   * One line per request (the [scan] log), with the status it ended in ("failed" for errors);
   * `truncated`: the time budget cut the scan's rule matching short (KAS_SCAN_TRUNCATED).
   */
  onScanned(line: string, status: string, truncated?: boolean): void;
  /** [scan] max_message_size in force: the pool is sent no more of a message than that. */
  forwardLimit?(): number;
}

export type DispatchOutcome = { ok: true; reply: ScanReply } | { ok: false; code: ErrorCode; message: string };

let seq = 0;
/** A server-unique request id: time, master pid, sequence (base 36). */
export const newRequestId = () => `${Date.now().toString(36)}.${process.pid.toString(36)}.${(seq++).toString(36)}`;

/**
 * The request as the pool gets it: a message over `limit` bytes travels as its first `limit`
 * bytes plus its real size. The engine parses no more than that anyway (message/parse.ts), so
 * copying the rest to a filtering process only cost the master memory and IPC time (issue 16:
 * a 60 MB scan was 60 MB of structured clone for 20 MB of parsing).
 */
export function forwardable(request: ScanRequest, limit: number | undefined): ScanRequest {
  if (limit === undefined || request.raw.byteLength <= limit) return request;
  return { ...request, raw: request.raw.subarray(0, limit), size: request.size ?? request.raw.byteLength };
}

/** `door` names the front door in the log line when it is not the native protocol (e.g. "milter"). */
export async function dispatch(d: DispatchDeps, request: ScanRequest, door?: string, signal?: AbortSignal): Promise<DispatchOutcome> {
  const t0 = performance.now();
  const env = request.envelope;
  const who = `id=${request.id}${door ? ` door=${door}` : ""}${env.queueId ? ` qid=${env.queueId}` : ""} from=<${env.from ?? ""}> rcpt=${env.rcpt.length} size=${request.raw.byteLength}`;

  const decision = d.beforeDispatch ? await d.beforeDispatch(request) : undefined;
  if (decision?.action === "pass") {
    const reply: ScanReply = {
      version: 1, id: request.id, status: decision.status, score: 0, threshold: 0, policy: "-", action: "accept", hits: [],
      edits: withStatusEdit(decision.headers.map((h) => ({ op: "set" as const, ...h })), decision.status), notes: [decision.reason],
    };
    d.onScanned(`${who} status=${decision.status} (not scanned: ${decision.reason})`, decision.status);
    d.scanned?.(recordOf(request, decision.status, "-", 0, [], performance.now() - t0));
    return { ok: true, reply };
  }

  const r = await d.submit(forwardable(request, d.forwardLimit?.()), signal);
  const ms = Math.round(performance.now() - t0);
  if (!r.ok) {
    d.onScanned(`${who} failed=${r.code} ${r.message} ms=${ms}`, "failed");
    d.scanned?.({ ...recordOf(request, "failed", "-", 0, [], ms), error: r.code });
    return { ok: false, code: r.code, message: r.message };
  }
  // The hits stay as they came over IPC until something reads them (raw-hits.ts).
  const reply = scanReplyOf(hitsAside(r.result), r.generation);
  shareHits(r.result, reply);
  const extra: HeaderEdit[] = (decision?.headers ?? []).map((h) => ({ op: "set", ...h }));
  reply.edits = withStatusEdit([...reply.edits, ...extra], reply.status);
  if (decision?.reason) reply.notes = [...reply.notes, decision.reason];
  if (d.policy && reply.action !== "accept") {
    const rec = reconcileRecipients(d.policy(), env, { status: reply.status as Status, score: reply.score, action: reply.policy_action ?? reply.action });
    if (rec.change) {
      reply.action = rec.action;
      reply.policy_action = rec.action;
      if (rec.reply) reply.reply = rec.reply;
      else delete reply.reply;
      reply.notes = [...reply.notes, rec.note];
    }
  }
  const fields = verdictFields({ status: reply.status, score: reply.score, threshold: reply.threshold, probableThreshold: reply.probable_threshold, action: reply.policy_action ?? reply.action });
  const names = hitNames(r.result);
  const truncated = names.includes(SCAN_TRUNCATED);
  d.onScanned(`${who} ${fields} ms=${ms} pid=${r.workerPid}${truncated ? ` truncated=${SCAN_TRUNCATED}` : ""}`, reply.status, truncated);
  d.scanned?.(recordOf(request, reply.status, reply.policy, reply.score, names, ms));
  return { ok: true, reply };
}

function recordOf(req: ScanRequest, status: string, policy: string, score: number, symbols: string[], ms: number): ScanRecord {
  const e = req.envelope;
  return { t: Date.now(), id: req.id, queueId: e.queueId, ip: e.ip, from: e.from, rcpt: e.rcpt, status, policy, score, symbols, ms: Math.round(ms) };
}
