// The spamd door of `kas serve` (DESIGN §1): SpamAssassin's spamc/spamd protocol, so spamc,
// Exim's `spam =` condition, amavis, MailScanner and procmail recipes use kas by changing an
// address. One request per connection (protocol/spamd reads and writes it); scans go through
// the same dispatch() as every other door, TELL through the pool's learn job (learn.ts).
//
// spamd has no envelope: the client IP, HELO and MAIL FROM come from the trace fields under
// [spamd] trusted_relays (protocol/spamd/received.ts); `User:` is taken as the recipient
// (group policy) when it is an address, else no recipient is known.
//
// Who: [spamd] allow (default loopback) for everything, learn_allow (default nobody) also for
// TELL; others get EX_NOPERM and a log line. How much: the master's edge gate (limits.ts) gives
// each connection a slot and reserves a request's bytes before they are read (the declared
// Content-length at once, a body without one as it grows, an inflated body before it is
// scanned); over a cap → EX_TEMPFAIL (busy) or EX_DATAERR (larger than max_request_size). No verdict (pool busy, every filtering process
// failing, shutting down) → EX_TEMPFAIL: the client applies its own fallback (spamc without
// -x passes the message unchanged, Exim defers unless /defer_ok), as with SpamAssassin.
import type { KasConfig } from "../config/schema";
import type { ErrorCode } from "../protocol/kas/reply";
import type { LearnOp } from "../protocol/kas/learn";
import { EX, type SpamdCode } from "../protocol/spamd/codes";
import { envelopeFromTrace } from "../protocol/spamd/received";
import { encodeError, encodePong, encodeTell, encodeVerdict } from "../protocol/spamd/reply";
import { SpamdRequestReader, type ReadResult, type SpamdRequest } from "../protocol/spamd/request";
import { allowList, perConfig } from "./allow";
import { dispatch, newRequestId, type DispatchDeps } from "./dispatch";
import type { Learned } from "./job";
import { isRefusal, type EdgeGate, type Refusal, type Slot } from "./limits";
import type { DoorLog } from "./milter";
import { Deadline } from "./deadline";
import { flushBacklog, writeOrQueue } from "./socket-write";

export interface SpamdDoorDeps extends DispatchDeps {
  config(): KasConfig;
  log: DoorLog;
  /** Pool.learn: a filtering process learns the message (TELL). */
  learn(op: LearnOp, raw: Uint8Array): Promise<Learned>;
  /** Wraps each request's work so SIGTERM can wait for it (the master's in-flight count). */
  track<T>(work: () => Promise<T>): Promise<T>;
  /** The master's edge gate (connections and bytes per client and in total). */
  gate?: EdgeGate;
}

interface Conn {
  reader: SpamdRequestReader;
  peer: string;
  /** Not in [spamd] allow: the request is read (body discarded) and answered EX_NOPERM. */
  denied: boolean;
  slot?: Slot;
  /** Bytes reserved on the slot so far. */
  reserved: number;
  backlog: Uint8Array[];
  busy: boolean;
  /** The reply is written: close once the backlog is out. */
  ending: boolean;
  closed: boolean;
  /** Aborted when the connection closes during a scan: a request still queued is then dropped. */
  abort?: AbortController;
  /** data_timeout: the whole request, then the reply's delivery (deadline.ts). */
  deadline: Deadline;
}

/** Native error codes as spamd codes: only a malformed message is the client's fault. */
export function spamdCodeOf(code: ErrorCode): SpamdCode {
  if (code === "too_large" || code === "bad_request") return EX.DATAERR;
  return EX.TEMPFAIL;
}

/** The recipient a User: header names: an address selects the group policy; a plain user name says nothing. */
export const rcptOfUser = (user: string | undefined): string[] => (user && /^[^\s@<>]+@[^\s@<>]+$/.test(user) ? [user] : []);

/** TELL's headers as a learn operation, or the error reply. */
export function tellOp(r: SpamdRequest): { op: LearnOp } | { code: SpamdCode; text: string } {
  const set = r.set.includes("local");
  const remove = r.remove.includes("local");
  if (set && remove) return { code: EX.PROTOCOL, text: "TELL with both Set: local and Remove: local" };
  if (set) return r.messageClass ? { op: r.messageClass } : { code: EX.PROTOCOL, text: "TELL Set: local needs Message-class: spam or ham" };
  if (remove) return { op: "forget" };
  return { code: EX.UNAVAILABLE, text: "kas keeps no remote database: TELL with Set: local (learn) or Remove: local (forget)" };
}

/** [spamd]'s lists, parsed once per config (a reload brings a new one). */
const spamdAccess = perConfig((s: KasConfig["spamd"]) => ({ allow: allowList(s.allow), learn: allowList(s.learn_allow), trusted: allowList(s.trusted_relays).ranges }));

export function spamdSocketHandler(d: SpamdDoorDeps): Bun.SocketHandler<Conn> {
  const access = () => spamdAccess(d.config().spamd);

  const flush = (s: Bun.Socket<Conn>) => {
    const c = s.data;
    if (flushBacklog(s, c.backlog) && c.ending) s.end();
  };
  /** Writes the one reply of this connection and closes it. */
  const reply = (s: Bun.Socket<Conn>, bytes?: Uint8Array) => {
    const c = s.data;
    if (c.closed || c.ending) return;
    c.ending = true;
    c.deadline.start(d.config().server.data_timeout);
    if (bytes) c.backlog.push(bytes);
    flush(s);
  };
  /** data_timeout passed (deadline.ts): the request is refused, or a reply nobody reads is dropped. */
  const expired = (s: Bun.Socket<Conn>) => {
    const c = s.data;
    if (c.busy || c.closed) return;
    if (c.ending) return void s.terminate(); // the reply waits for a client that reads nothing
    refuse(s, EX.TIMEOUT, `no complete request within [server] data_timeout ${d.config().server.data_timeout}s`);
  };
  const refuse = (s: Bun.Socket<Conn>, code: SpamdCode, text: string) => {
    d.log.warn("door=spamd peer=%s refused: %s", s.data.peer, text);
    reply(s, encodeError(code, text));
  };

  const scan = async (r: SpamdRequest, peer: string, signal: AbortSignal): Promise<Uint8Array> => {
    const cfg = d.config();
    const env = envelopeFromTrace(r.body, access().trusted);
    const envelope = { ...(env.ip ? { ip: env.ip } : {}), ...(env.helo ? { helo: env.helo } : {}), ...(env.from !== undefined ? { from: env.from } : {}), rcpt: rcptOfUser(r.user) };
    const out = await dispatch(d, { id: newRequestId(), envelope, raw: r.body }, "spamd", signal);
    if (out.ok) return encodeVerdict(r.command, r.version, out.reply, r.body, out.reply.policy === "-" ? cfg.policy.spam_score : out.reply.threshold);
    d.log.warn("door=spamd peer=%s no verdict (%s: %s)", peer, out.code, out.message);
    return encodeError(spamdCodeOf(out.code), `no verdict: ${out.message}`);
  };

  const tell = async (r: SpamdRequest, peer: string): Promise<Uint8Array> => {
    const t = tellOp(r);
    if (!("op" in t)) return encodeError(t.code, t.text);
    const out = await d.learn(t.op, r.body);
    if (!out.ok) {
      d.log.warn("door=spamd peer=%s TELL %s failed (%s: %s)", peer, t.op, out.code, out.message);
      return encodeError(spamdCodeOf(out.code), `learning failed: ${out.message}`);
    }
    d.log.info("door=spamd peer=%s TELL %s: %s (spam %d, ham %d)", peer, t.op, out.reply.outcome, out.reply.spam, out.reply.ham);
    const o = out.reply.outcome;
    return encodeTell({ set: o === "learned" || o === "relearned", removed: o === "forgotten" });
  };

  /** Reserves up to `bytes` for this connection's request; false (and the refusal sent) when the gate says no. */
  const reserve = (s: Bun.Socket<Conn>, bytes: number): boolean => {
    const c = s.data;
    if (!c.slot || bytes <= c.reserved) return true;
    const no: Refusal | undefined = c.slot.reserve(bytes - c.reserved);
    if (no) {
      refuse(s, no.code === "too_large" ? EX.DATAERR : EX.TEMPFAIL, no.message);
      return false;
    }
    c.reserved = bytes;
    return true;
  };

  const handle = (s: Bun.Socket<Conn>, res: ReadResult) => {
    const c = s.data;
    if (res.kind === "more") {
      if (!c.denied) reserve(s, Math.max(c.reader.declaredLength ?? 0, c.reader.heldBytes));
      return;
    }
    // A refused client learns only that, whatever it sent.
    if (c.denied) return refuse(s, EX.NOPERM, `${c.peer} may not use the spamd door: add it to [spamd] allow`);
    if (res.kind === "error") return refuse(s, res.error.code, res.error.text);
    const r = res.request;
    if (r.command === "SKIP") return reply(s);
    if (r.command === "PING") return reply(s, encodePong());
    if (r.command === "TELL" && !access().learn.allows(c.peer === "unix" ? undefined : c.peer)) {
      return refuse(s, EX.NOPERM, `TELL is not allowed from ${c.peer}: add it to [spamd] learn_allow`);
    }
    if (!reserve(s, r.body.byteLength)) return; // an inflated body is counted before it is scanned
    c.busy = true;
    c.deadline.stop(); // the client waits for us; that is not idleness
    const abort = (c.abort = new AbortController());
    void d
      .track(() => (r.command === "TELL" ? tell(r, c.peer) : scan(r, c.peer, abort.signal)))
      .catch((err) => encodeError(EX.SOFTWARE, `internal: ${err instanceof Error ? err.message : String(err)}`))
      .then((bytes) => {
        c.busy = false;
        reply(s, bytes);
      });
  };

  return {
    open(s) {
      const cfg = d.config();
      const peer = s.remoteAddress || "unix";
      // A refused client still has its request read (not kept): spamc reports the refusal
      // (exit 77 with -x) only if it could finish writing; closing early gives it a reset.
      const denied = !access().allow.allows(peer === "unix" ? undefined : peer);
      s.data = { reader: new SpamdRequestReader({ maxBody: cfg.server.max_request_size, discard: denied }), peer, denied, reserved: 0, backlog: [], busy: false, ending: false, closed: false, deadline: new Deadline(() => expired(s)) };
      const slot = d.gate?.enter(peer);
      if (isRefusal(slot)) return refuse(s, EX.TEMPFAIL, `busy: ${slot.message}`);
      s.data.slot = slot;
      s.data.deadline.start(cfg.server.data_timeout);
    },
    data(s, chunk) {
      if (s.data.ending || s.data.busy) return;
      handle(s, s.data.reader.push(chunk));
    },
    end(s) {
      // The client shut down its side (spamc, Exim after the body): a body without Content-length ends here.
      if (s.data.ending || s.data.busy) return;
      handle(s, s.data.reader.end());
    },
    drain(s) {
      flush(s);
    },
    close(s) {
      s.data.closed = true;
      s.data.deadline.stop();
      // Gone before its reply (spamc's half-close after the body is the end handler, not
      // this): a scan still waiting for a filtering process is dropped, not scanned for nobody.
      s.data.abort?.abort();
      s.data.slot?.leave();
    },
    error(s, err) {
      d.log.warn("door=spamd peer=%s: %s", s.data?.peer ?? "?", err.message);
    },
  };
}
