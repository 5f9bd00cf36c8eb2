// `kas filter` in client mode: message on stdin → server → message with the server's edits
// on stdout, and an exit code the MTA understands (sysexits). What happens when no verdict
// can be had follows [client] on_error; every such decision is logged on stderr, and a
// message passed unscanned carries a header that says why. On every path that passes the
// message on, scanned or not, the sender's copies of our own fields (X-KAS-*, X-Spam-*) are
// removed first: a forged `X-Spam-Flag: NO` must not survive on a message over size_limit.
import type { Envelope, HeaderEdit } from "../model";
import { shownScore, verdictFields } from "../model";
import { EXIT } from "../errors";
import { NO_VERDICT_REPLY, unscannedEdits, withStatusEdit, type ScanReply } from "../protocol/kas/reply";
import { OWN_FIELD_PREFIXES, type ApplyOptions } from "../message/edit";
import { reportOfReply, reportWithoutVerdict, type FilterReport } from "./filter-report";
import { scanViaServer, type ClientSettings, type Send } from "./scan";

export interface FilterLog {
  info(msg: string, ...a: unknown[]): void;
  warn(msg: string, ...a: unknown[]): void;
  error(msg: string, ...a: unknown[]): void;
}

export interface FilterOutcome {
  exitCode: number;
  /** Bytes for stdout (empty for reject / tempfail: the MTA must not deliver). */
  output: Uint8Array;
  /** One line for stderr that the MTA shows in its bounce / log (reply text on reject / tempfail). */
  message?: string;
  status: string;
  /** The verdict as `kas filter --json` prints it (instead of `output`). */
  report: FilterReport;
}

export type ApplyEdits = (raw: Uint8Array, edits: HeaderEdit[], opts?: ApplyOptions) => Uint8Array;
/** Every output of the pipe client goes through this: the edits, with forged own fields gone. */
const OWN: ApplyOptions = { stripPrefixes: OWN_FIELD_PREFIXES };

/**
 * Set when the message goes back to the MTA after its queue (`kas filter … -- sendmail …`):
 * the MTA has already said 250 to the client, so a reject can only become a bounce to the
 * envelope sender, who is forged for most spam (backscatter). A policy reject is therefore
 * delivered tagged (the verdict's headers plus the subject prefix given here), and
 * on_error = reject defers (exit 75) instead of bouncing; tempfail stays tempfail.
 */
export interface AfterQueue {
  /** The subject prefix for a rejected message of this status under the named policy. */
  subjectPrefix(status: string, policy: string): string;
}

export async function filterViaServer(
  raw: Uint8Array,
  envelope: Envelope,
  c: ClientSettings,
  deps: { applyEdits: ApplyEdits; log: FilterLog; send?: Send; id?: string; afterQueue?: AfterQueue },
): Promise<FilterOutcome> {
  const { applyEdits, log } = deps;
  const t0 = performance.now();
  const id = deps.id ?? "";
  if (raw.byteLength > c.size_limit) {
    const why = `size ${raw.byteLength} > size_limit ${c.size_limit}`;
    log.info("message passed unscanned: %s", why);
    return { exitCode: EXIT.OK, output: applyEdits(raw, unscannedEdits(why), OWN), status: "unscanned", report: reportWithoutVerdict(id, "unscanned", "accept", why, 0) };
  }
  const r = await scanViaServer(raw, envelope, c, { id: deps.id, send: deps.send, onFailover: (server, why) => log.warn("server %s failed (%s)", server, why) });
  if (r.ok) {
    const v = r.reply;
    const line = `${v.id} ${verdictFields({ status: v.status, score: v.score, threshold: v.threshold, probableThreshold: v.probable_threshold, action: v.policy_action ?? v.action })} server=${r.server}`;
    if (v.action === "reject") log.info(deps.afterQueue ? "%s: reject after the queue: delivered tagged" : "%s: rejected", line);
    if (v.action === "tempfail") log.info("%s: deferred", line);
    const o = verdictOutcome(raw, v, applyEdits, performance.now() - t0, deps.afterQueue);
    return { ...o, report: { ...o.report, server: r.server } };
  }
  return noVerdict(raw, r.errors.join("; "), c.on_error, applyEdits, log, { id, elapsedMs: performance.now() - t0, afterQueue: deps.afterQueue !== undefined });
}

/**
 * What becomes of a message with a verdict, from a server or a local scan alike: reject →
 * nothing on stdout, the SMTP reply text, exit 69; tempfail → the same with exit 75; anything
 * else → the message with its edits, exit 0. After the queue a reject is delivered tagged
 * (see AfterQueue).
 */
export function verdictOutcome(raw: Uint8Array, v: ScanReply, applyEdits: ApplyEdits, elapsedMs: number, afterQueue?: AfterQueue): FilterOutcome {
  const shown = shownScore(v.score, v.threshold, v.probable_threshold).score;
  if (v.action === "reject" && afterQueue) {
    const edits: HeaderEdit[] = [...withStatusEdit(v.edits, v.status), { op: "prefix_subject", prefix: afterQueue.subjectPrefix(v.status, v.policy) }];
    return { exitCode: EXIT.OK, output: applyEdits(raw, edits, OWN), status: v.status, report: reportOfReply(v, shown, elapsedMs) };
  }
  if (v.action === "reject" || v.action === "tempfail") {
    const reply = v.reply ?? (v.action === "reject" ? { code: 550, text: "5.7.1 Message rejected as spam" } : { code: 451, text: "4.7.1 Message deferred, try again later" });
    const report = reportOfReply({ ...v, reply }, shown, elapsedMs);
    return { exitCode: v.action === "reject" ? EXIT.UNAVAILABLE : EXIT.TEMPFAIL, output: new Uint8Array(0), message: reply.text, status: v.status, report };
  }
  // The scanner adds X-KAS-Status; enforced here too, so no scanned message leaves without it.
  return { exitCode: EXIT.OK, output: applyEdits(raw, withStatusEdit(v.edits, v.status), OWN), status: v.status, report: reportOfReply(v, shown, elapsedMs) };
}

/**
 * What becomes of a message that got no verdict (server unreachable, timeout, bad reply, a
 * failed local scan), by [client] on_error; the decision is logged, never silent. After the
 * queue, on_error = reject defers instead: a bounce would go to a possibly forged sender, and
 * passing the message unscanned is what on_error = reject was chosen to prevent.
 */
export function noVerdict(raw: Uint8Array, why: string, onError: ClientSettings["on_error"], applyEdits: ApplyEdits, log: FilterLog, m: { id: string; elapsedMs: number; afterQueue?: boolean }): FilterOutcome {
  if (onError === "reject" && m.afterQueue) {
    log.error("no verdict (%s): on_error=reject after the queue, message deferred (a bounce would go to a possibly forged sender)", why);
    const reply = NO_VERDICT_REPLY.tempfail(why);
    return { exitCode: EXIT.TEMPFAIL, output: new Uint8Array(0), message: reply.text, status: "error", report: reportWithoutVerdict(m.id, "error", "tempfail", why, m.elapsedMs, reply) };
  }
  switch (onError) {
    case "accept":
      log.warn("no verdict (%s): on_error=accept, message passed unscanned", why);
      return { exitCode: EXIT.OK, output: applyEdits(raw, unscannedEdits(`error: ${why}`), OWN), status: "unscanned", report: reportWithoutVerdict(m.id, "unscanned", "accept", why, m.elapsedMs) };
    case "reject": {
      log.error("no verdict (%s): on_error=reject, message rejected", why);
      const reply = NO_VERDICT_REPLY.reject(why);
      return { exitCode: EXIT.UNAVAILABLE, output: new Uint8Array(0), message: reply.text, status: "error", report: reportWithoutVerdict(m.id, "error", "reject", why, m.elapsedMs, reply) };
    }
    default: {
      log.error("no verdict (%s): on_error=tempfail, message deferred", why);
      const reply = NO_VERDICT_REPLY.tempfail(why);
      return { exitCode: EXIT.TEMPFAIL, output: new Uint8Array(0), message: reply.text, status: "error", report: reportWithoutVerdict(m.id, "error", "tempfail", why, m.elapsedMs, reply) };
    }
  }
}
