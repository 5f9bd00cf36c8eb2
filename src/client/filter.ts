// `kas filter` in client mode: message on stdin → server → message with the server's edits
// on stdout, and an exit code the MTA understands (sysexits). What happens when no verdict
// can be had follows [client] on_error; every such decision is logged on stderr, and a
// message passed unscanned carries a header that says why.
import type { Envelope, HeaderEdit } from "../engine/types";
import { EXIT } from "../errors";
import { STATUS_HEADER, withStatusEdit } from "../protocol/kas/reply";
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
}

export type ApplyEdits = (raw: Uint8Array, edits: HeaderEdit[]) => Uint8Array;

/** Header fields of a message that passes without a verdict. */
export function unscannedEdits(reason: string): HeaderEdit[] {
  return [
    { op: "set", name: STATUS_HEADER, value: "unscanned" },
    { op: "set", name: "X-KAS-Unscanned", value: reason.replace(/[\r\n]+/g, " ").slice(0, 900) },
  ];
}

export async function filterViaServer(
  raw: Uint8Array,
  envelope: Envelope,
  c: ClientSettings,
  deps: { applyEdits: ApplyEdits; log: FilterLog; send?: Send; id?: string },
): Promise<FilterOutcome> {
  const { applyEdits, log } = deps;
  if (raw.byteLength > c.size_limit) {
    const why = `size ${raw.byteLength} > size_limit ${c.size_limit}`;
    log.info("message passed unscanned: %s", why);
    return { exitCode: EXIT.OK, output: applyEdits(raw, unscannedEdits(why)), status: "unscanned" };
  }
  const r = await scanViaServer(raw, envelope, c, { id: deps.id, send: deps.send, onFailover: (server, why) => log.warn("server %s failed (%s)", server, why) });
  if (r.ok) {
    const v = r.reply;
    const line = `${v.id} status=${v.status} score=${v.score}/${v.threshold} action=${v.action} server=${r.server}`;
    if (v.action === "reject") log.info("%s: rejected", line);
    if (v.action === "tempfail") log.info("%s: deferred", line);
    return verdictOutcome(raw, { action: v.action, replyText: v.reply?.text, edits: v.edits, status: v.status }, applyEdits);
  }
  return noVerdict(raw, r.errors.join("; "), c.on_error, applyEdits, log);
}

/**
 * What becomes of a message with a verdict, from a server or a local scan alike: reject →
 * nothing on stdout, the SMTP reply text, exit 69; tempfail → the same with exit 75; anything
 * else → the message with its edits, exit 0.
 */
export function verdictOutcome(raw: Uint8Array, v: { action: string; replyText?: string; edits: HeaderEdit[]; status: string }, applyEdits: ApplyEdits): FilterOutcome {
  if (v.action === "reject") return { exitCode: EXIT.UNAVAILABLE, output: new Uint8Array(0), message: v.replyText ?? "5.7.1 Message rejected as spam", status: v.status };
  if (v.action === "tempfail") return { exitCode: EXIT.TEMPFAIL, output: new Uint8Array(0), message: v.replyText ?? "4.7.1 Message deferred, try again later", status: v.status };
  // The scanner adds X-KAS-Status; enforced here too, so no scanned message leaves without it.
  return { exitCode: EXIT.OK, output: applyEdits(raw, withStatusEdit(v.edits, v.status)), status: v.status };
}

/**
 * What becomes of a message that got no verdict (server unreachable, timeout, bad reply, a
 * failed local scan), by [client] on_error; the decision is logged, never silent.
 */
export function noVerdict(raw: Uint8Array, why: string, onError: ClientSettings["on_error"], applyEdits: ApplyEdits, log: FilterLog): FilterOutcome {
  switch (onError) {
    case "accept":
      log.warn("no verdict (%s): on_error=accept, message passed unscanned", why);
      return { exitCode: EXIT.OK, output: applyEdits(raw, unscannedEdits(`error: ${why}`)), status: "unscanned" };
    case "reject":
      log.error("no verdict (%s): on_error=reject, message rejected", why);
      return { exitCode: EXIT.UNAVAILABLE, output: new Uint8Array(0), message: `5.3.0 Spam filter unavailable: ${why}`, status: "error" };
    default:
      log.error("no verdict (%s): on_error=tempfail, message deferred", why);
      return { exitCode: EXIT.TEMPFAIL, output: new Uint8Array(0), message: `4.3.0 Spam filter unavailable, try again later: ${why}`, status: "error" };
  }
}
