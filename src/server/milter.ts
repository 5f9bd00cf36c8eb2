// The milter door of `kas serve` (DESIGN §1): Postfix (smtpd_milters) and Sendmail
// (INPUT_MAIL_FILTER) connect once per SMTP session; the protocol runs in the master
// (protocol/milter: framing, session, actions), and only the finished message travels to a
// filtering process, through the same dispatch() as every other door. The verdict becomes
// milter replies at end of message: header changes first, then accept / 550 / 451.
//
// Failures follow [client] on_error, as for every client module: no verdict (pool busy, every
// filtering process failing, shutting down) → tempfail 451 | reject 554 | accept with
// X-KAS-Status: unscanned and why. A message over [client] size_limit is passed unscanned the
// same way. A peer that breaks the protocol (over-long frame, unknown or out-of-order command,
// flooding while it waits) or stays silent longer than [milter] idle_timeout loses its
// connection with a log line; the MTA then applies its milter_default_action. So does a
// connection over the edge gate's caps (limits.ts: max_connections, per client); a finished
// message whose bytes would pass max_bytes_in_flight / max_bytes_per_client gets no verdict.
// A client outside [milter] allow is disconnected at accept, before a byte is read (the milter
// protocol has no refusal the MTA would show; its milter_default_action applies).
import type { KasConfig } from "../config/schema";
import { FORGED_FIELD_PREFIXES, type MilterOutcome } from "../protocol/milter/actions";
import { MilterConnection, type MilterEvent } from "../protocol/milter/connection";
import type { MilterMessage } from "../protocol/milter/session";
import { NO_VERDICT_REPLY, unscannedEdits, type ScanReply } from "../protocol/kas/reply";
import { allowCheck } from "./allow";
import { dispatch, newRequestId, type DispatchDeps } from "./dispatch";
import { isRefusal, type EdgeGate, type Slot } from "./limits";
import { Deadline } from "./deadline";
import { flushBacklog, writeOrQueue } from "./socket-write";

export interface DoorLog {
  info(msg: string, ...a: unknown[]): void;
  warn(msg: string, ...a: unknown[]): void;
}

export interface MilterDoorDeps extends DispatchDeps {
  config(): KasConfig;
  log: DoorLog;
  /** Wraps each scan so SIGTERM can wait for it (the master's in-flight count). */
  track<T>(work: () => Promise<T>): Promise<T>;
  /** The master's edge gate (connections and bytes per client and in total). */
  gate?: EdgeGate;
}

interface Conn {
  milter: MilterConnection;
  peer: string;
  /** Bytes the socket did not take yet (written on drain, in order). */
  backlog: Uint8Array[];
  scanning: boolean;
  closed: boolean;
  slot?: Slot;
  /** Aborted when the connection closes during a scan: a request still queued is then dropped. */
  abort?: AbortController;
  /** idle_timeout: silence of the MTA, counted again from each packet (deadline.ts). */
  deadline: Deadline;
}

/** While a scan runs longer than this, SMFIR_PROGRESS keeps the MTA's timer from running out. */
const PROGRESS_EVERY_MS = 20_000;

/** The outcome of a message that gets no verdict, by [client] on_error. */
export function noVerdictOutcome(onError: KasConfig["client"]["on_error"], why: string): MilterOutcome {
  if (onError === "accept") return { disposition: "accept", edits: unscannedEdits(`error: ${why}`), stripPrefixes: FORGED_FIELD_PREFIXES };
  return { disposition: onError === "reject" ? "reject" : "tempfail", reply: NO_VERDICT_REPLY[onError === "reject" ? "reject" : "tempfail"](why), edits: [] };
}

/** A verdict as milter replies: its action, SMTP reply and header edits; forged kas/spam fields go. */
export function verdictOutcome(v: ScanReply): MilterOutcome {
  if (v.action === "reject") return { disposition: "reject", reply: v.reply ?? { code: 550, text: "5.7.1 Message rejected as spam" }, edits: [] };
  if (v.action === "tempfail") return { disposition: "tempfail", reply: v.reply ?? { code: 451, text: "4.7.1 Message deferred, try again later" }, edits: [] };
  return { disposition: "accept", edits: v.edits, stripPrefixes: FORGED_FIELD_PREFIXES };
}

const peerOf = (s: Bun.Socket<Conn>) => (s.remoteAddress ? `${s.remoteAddress}` : "unix");

export function milterSocketHandler(d: MilterDoorDeps): Bun.SocketHandler<Conn> {
  const idle = () => d.config().milter.idle_timeout;
  const check = allowCheck();
  const allowed = (peer: string) => check(peer === "unix" ? undefined : peer, d.config().milter.allow);

  const write = (s: Bun.Socket<Conn>, bytes: Uint8Array) => {
    const c = s.data;
    if (c.closed) return;
    writeOrQueue(s, c.backlog, bytes);
  };

  const scanOne = async (m: MilterMessage, slot: Slot | undefined, signal: AbortSignal): Promise<MilterOutcome> => {
    const cfg = d.config();
    if (!m.raw) {
      const why = m.overLimit ?? `message larger than size_limit ${cfg.client.size_limit}`;
      d.log.info("door=milter qid=%s passed unscanned: %s", m.envelope.queueId ?? "-", why);
      return { disposition: "accept", edits: unscannedEdits(why), stripPrefixes: FORGED_FIELD_PREFIXES };
    }
    const refused = slot?.reserve(m.raw.byteLength);
    const out = refused ? { ok: false as const, ...refused } : await dispatch(d, { id: newRequestId(), envelope: m.envelope, raw: m.raw }, "milter", signal);
    slot?.releaseBytes();
    if (out.ok) return verdictOutcome(out.reply);
    const why = `${out.code}: ${out.message}`;
    d.log.warn("door=milter qid=%s no verdict (%s): on_error=%s", m.envelope.queueId ?? "-", why, cfg.client.on_error);
    return noVerdictOutcome(cfg.client.on_error, why);
  };

  /** idle_timeout of silence passed (deadline.ts). */
  const expired = (s: Bun.Socket<Conn>) => {
    if (s.data.scanning || s.data.closed) return;
    d.log.warn("milter connection from %s closed: silent for idle_timeout %ss", s.data.peer, idle());
    s.end();
  };

  const handle = (s: Bun.Socket<Conn>, events: MilterEvent[]) => {
    for (const e of events) {
      if (e.kind === "write") write(s, e.bytes);
      else if (e.kind === "close") s.end();
      else if (e.kind === "error") {
        d.log.warn("milter connection from %s closed: %s (%s)", s.data.peer, e.error.message, e.error.kind);
        s.end();
      } else {
        const c = s.data;
        c.scanning = true;
        c.deadline.stop(); // the MTA is silent while it waits for us; that is not idleness
        const progress = setInterval(() => {
          const p = c.milter.progress();
          if (p) write(s, p);
        }, PROGRESS_EVERY_MS);
        const abort = (c.abort = new AbortController());
        void d
          .track(() => scanOne(e.message, c.slot, abort.signal))
          .catch((err) => noVerdictOutcome(d.config().client.on_error, `internal: ${err instanceof Error ? err.message : String(err)}`))
          .then((outcome) => {
            clearInterval(progress);
            c.scanning = false;
            if (c.closed) return; // the MTA gave up (its timeout); it decides about the message
            c.deadline.start(idle());
            const done = c.milter.finish(outcome);
            if (done.encoded.skipped.length) d.log.warn("door=milter qid=%s the MTA does not allow: %s", e.message.envelope.queueId ?? "-", done.encoded.skipped.join(", "));
            handle(s, done.events);
          });
      }
    }
  };

  return {
    open(s) {
      s.data = { milter: new MilterConnection({ sizeLimit: d.config().client.size_limit }), peer: peerOf(s), backlog: [], scanning: false, closed: false, deadline: new Deadline(() => expired(s)) };
      if (!allowed(s.data.peer)) {
        d.log.warn("door=milter refused connection from %s: not in [milter] allow", s.data.peer);
        s.data.closed = true;
        s.end();
        return;
      }
      const slot = d.gate?.enter(s.data.peer);
      if (isRefusal(slot)) {
        d.log.warn("milter connection from %s refused: %s", s.data.peer, slot.message);
        s.data.closed = true;
        s.end();
        return;
      }
      s.data.slot = slot;
      s.data.deadline.start(idle());
    },
    data(s, chunk) {
      if (s.data.closed) return;
      s.data.deadline.touch();
      handle(s, s.data.milter.push(chunk));
    },
    drain(s) {
      flushBacklog(s, s.data.backlog);
    },
    close(s) {
      s.data.closed = true;
      s.data.deadline.stop();
      // The MTA gave up (its own timeout) or went away: a scan still waiting for a filtering
      // process is dropped; the MTA decides about the message itself.
      s.data.abort?.abort();
      s.data.slot?.leave();
    },
    error(s, err) {
      d.log.warn("milter connection from %s: %s", s.data?.peer ?? "?", err.message);
    },
  };
}
