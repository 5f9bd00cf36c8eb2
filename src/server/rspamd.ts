// The Rspamd door of `kas serve` (DESIGN §1): Rspamd's HTTP protocol (protocol/rspamd) for
// the MTAs and tools that already speak it (Haraka's rspamd plugin, rspamc, Rspamd's proxy
// in milter mode pointed at kas). Each scan is decoded into a ScanRequest, goes through the
// same dispatch() as every other door, and its verdict is encoded as Rspamd's JSON reply.
// HTTP is read by protocol/rspamd/http.ts over a raw socket, not Bun.serve: Rspamd's proxy
// scans with `GET /checkv2` and a body, which Bun's server drops (http.ts says more).
//
// Who may talk to it ([rspamd]): `allow` (default loopback) for everything, `learn_allow` and
// the optional `password` (Rspamd's controller Password header) for /learnspam and
// /learnham, which a filtering process learns through the pool like `kas learn --connect`.
// Refusals are 403 with Rspamd's error object and a log line. How much: the master's edge
// gate (limits.ts) gives each request a slot and reserves its body before reading it (a
// declared length at once, a chunked body as it grows); [server] data_timeout bounds every
// silence, request_timeout a whole request. Every failure is an error object: the MTA's own
// failure policy decides (Haraka's defer.error, the proxy's default action), as with a real
// Rspamd that is down.
import type { KasConfig } from "../config/schema";
import { ERROR_CODES } from "../protocol/kas/reply";
import type { LearnOp } from "../protocol/kas/learn";
import { HttpError, HttpRequestReader, MAX_HEAD, type HttpHead } from "../protocol/rspamd/http";
import { encodeLearn, encodeV1, encodeV2, errorBody } from "../protocol/rspamd/reply";
import { decodeRspamdHeaders, passwordOf, routeOf, type RspamdHead } from "../protocol/rspamd/request";
import { allowList, perConfig } from "./allow";
import { dispatch, newRequestId, type DispatchDeps } from "./dispatch";
import type { Learned } from "./job";
import { isRefusal, type EdgeGate, type Slot } from "./limits";
import type { DoorLog } from "./milter";
import { sameSecret } from "./secret";
import { Deadline } from "./deadline";
import { flushBacklog, writeOrQueue } from "./socket-write";

export interface RspamdDoorDeps extends DispatchDeps {
  config(): KasConfig;
  /** Pool.learn: a filtering process learns the message into the server's token database. */
  learn(op: LearnOp, raw: Uint8Array): Promise<Learned>;
  log: DoorLog;
  /** Wraps each request's work so SIGTERM can wait for it (the master's in-flight count). */
  track<T>(work: () => Promise<T>): Promise<T>;
  /** The master's one edge gate: connections and bytes in flight per client and in total (limits.ts). */
  gate?: EdgeGate;
}

interface Reply {
  status: number;
  type: string;
  body: string;
}

/** What a request head asks for, once it passed the checks that need no body. */
type Plan = { kind: "scan"; shape: "v2" | "v1"; head: RspamdHead } | { kind: "learn"; op: LearnOp };

interface Conn {
  reader: HttpRequestReader;
  peer: string | undefined;
  head?: HttpHead;
  plan?: Plan;
  slot?: Slot;
  reserved: number;
  started: number;
  t0: number;
  busy: boolean;
  /** The last reply is written: close once the backlog is out. */
  ending: boolean;
  closed: boolean;
  backlog: Uint8Array[];
  /** Aborted when the connection closes during a scan: a request still queued is then dropped. */
  abort?: AbortController;
  /** data_timeout: each silence of the client, and the delivery of the last reply (deadline.ts). */
  deadline: Deadline;
}

const REASONS: Record<number, string> = { 200: "OK", 400: "Bad Request", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed", 408: "Request Timeout", 413: "Content Too Large", 415: "Unsupported Media Type", 431: "Request Header Fields Too Large", 500: "Internal Server Error", 501: "Not Implemented", 503: "Service Unavailable" };

const json = (status: number, body: unknown): Reply => ({ status, type: "application/json", body: JSON.stringify(body) });
const error = (status: number, message: string): Reply => json(status, errorBody(message));

function encodeResponse(r: Reply, close: boolean, headOnly: boolean): Uint8Array {
  const body = Buffer.from(r.body, "utf8");
  const head = `HTTP/1.1 ${r.status} ${REASONS[r.status] ?? "Error"}\r\nServer: kas\r\nContent-Type: ${r.type}\r\nContent-Length: ${body.byteLength}\r\nConnection: ${close ? "close" : "keep-alive"}\r\n\r\n`;
  return new Uint8Array(headOnly ? Buffer.from(head, "latin1") : Buffer.concat([Buffer.from(head, "latin1"), body]));
}

/** [rspamd]'s lists, parsed once per config (a reload brings a new one). */
const rspamdAccess = perConfig((s: KasConfig["rspamd"]) => ({ allow: allowList(s.allow), learn: allowList(s.learn_allow) }));

export function rspamdSocketHandler(d: RspamdDoorDeps): Bun.SocketHandler<Conn> {
  const idle = () => d.config().server.data_timeout;

  const write = (s: Bun.Socket<Conn>, bytes: Uint8Array) => {
    const c = s.data;
    if (c.closed) return;
    writeOrQueue(s, c.backlog, bytes);
    if (!c.backlog.length && c.ending) s.end();
  };

  /** Answers the current request; `close` when the connection cannot carry another one. */
  const respond = (s: Bun.Socket<Conn>, r: Reply, close: boolean) => {
    const c = s.data;
    const keep = !close && !!c.head?.keepAlive;
    const headOnly = c.head?.method === "HEAD";
    c.slot?.leave();
    c.slot = undefined;
    c.head = undefined;
    c.plan = undefined;
    c.reserved = 0;
    if (!keep) c.ending = true;
    write(s, encodeResponse(r, !keep, headOnly));
    c.deadline.start(idle()); // kept alive: the next request's silence; else the reply's delivery
  };

  /** data_timeout of silence passed (deadline.ts). */
  const expired = (s: Bun.Socket<Conn>) => {
    const c = s.data;
    if (c.busy || c.closed) return;
    if (c.ending) return void s.terminate(); // the reply waits for a client that reads nothing
    // Between requests (keep-alive) silence just ends the connection; inside one it is an error.
    if (!c.head && !c.reader.buffered) return void s.end();
    respond(s, error(408, `no data for [server] data_timeout ${d.config().server.data_timeout}s`), true);
  };

  /** Everything that can be decided from the head: a reply, or the plan to read the body for. */
  const decide = (h: HttpHead, peer: string | undefined): Reply | Plan => {
    const cfg = d.config();
    const access = rspamdAccess(cfg.rspamd);
    const who = peer ?? "unix socket";
    if (!access.allow.allows(peer)) {
      d.log.warn("door=rspamd refused %s %s from %s: not in [rspamd] allow", h.method, h.path.slice(0, 100), who);
      return error(403, `client ${who} is not in [rspamd] allow`);
    }
    // Rspamd's proxy scans with GET and a body: for scans, the method does not matter.
    const route = routeOf(h.method === "GET" && h.body !== 0 ? "POST" : h.method, h.path);
    if (route.kind === "refused") return error(route.status, route.message);
    if (route.kind === "ping") return { status: 200, type: "text/plain", body: "pong\r\n" };
    // Rspamd clients may compress with zstd; kas reads plain messages only.
    const enc = h.headers.get("compression") ?? h.headers.get("content-encoding");
    if (enc && enc.trim().toLowerCase() !== "identity") return error(415, `compressed requests (${enc.slice(0, 20)}) are not supported: send the message uncompressed (no rspamc -z)`);
    if (route.kind === "learn") {
      if (!access.learn.allows(peer)) {
        d.log.warn("door=rspamd refused learn %s from %s: not in [rspamd] learn_allow", route.op, who);
        return error(403, `client ${who} may not learn: not in [rspamd] learn_allow`);
      }
      const expected = cfg.rspamd.password;
      if (expected && !sameSecret(passwordOf(h.headers, h.query) ?? "", expected)) {
        d.log.warn("door=rspamd refused learn %s from %s: wrong or missing Password", route.op, who);
        return error(403, "learning needs the [rspamd] password (Password header; rspamc -P)");
      }
      return { kind: "learn", op: route.op };
    }
    const head = decodeRspamdHeaders(h.headers);
    if (!head.ok) return error(400, head.reason);
    return { kind: "scan", shape: route.shape, head: head.value };
  };

  const work = async (plan: Plan, raw: Uint8Array, peer: string | undefined, t0: number, signal: AbortSignal): Promise<Reply> => {
    if (plan.kind === "learn") {
      const r = await d.learn(plan.op, raw);
      if (!r.ok) return error(ERROR_CODES[r.code], `${r.code}: ${r.message}`);
      d.log.info("door=rspamd learn %s from %s: %s (spam %d, ham %d)", plan.op, peer ?? "unix socket", r.reply.outcome, r.reply.spam, r.reply.ham);
      return json(200, encodeLearn(r.reply));
    }
    const out = await dispatch(d, { id: newRequestId(), envelope: plan.head.envelope, raw }, "rspamd", signal);
    if (!out.ok) return error(ERROR_CODES[out.code], `${out.code}: ${out.message}`);
    const seconds = (performance.now() - t0) / 1000;
    return json(200, plan.shape === "v2" ? encodeV2(out.reply, raw, seconds) : encodeV1(out.reply, raw, seconds));
  };

  /** Reads as far as the buffered bytes go: heads, bodies, and starts the work of a whole request. */
  const pump = (s: Bun.Socket<Conn>) => {
    const c = s.data;
    const cfg = d.config().server;
    while (!c.busy && !c.ending && !c.closed) {
      if (!c.head) {
        if (!c.reader.buffered) return;
        const h = c.reader.head();
        if (h === undefined) return;
        if (h instanceof HttpError) return respond(s, error(h.status, h.message), true);
        c.head = h;
        c.started = Date.now();
        c.t0 = performance.now();
        const plan = decide(h, c.peer);
        // A refusal leaves the body unread: the connection cannot carry another request.
        if (!("kind" in plan)) return respond(s, plan, h.body !== 0);
        c.plan = plan;
        const slot = d.gate?.enter(c.peer ?? "unix");
        if (isRefusal(slot)) return respond(s, error(ERROR_CODES[slot.code], slot.message), true);
        c.slot = slot;
        if (typeof h.body === "number" && h.body > cfg.max_request_size) return respond(s, error(413, `message of ${h.body} bytes exceeds [server] max_request_size ${cfg.max_request_size}`), true);
        const refused = slot && typeof h.body === "number" && h.body > 0 ? slot.reserve(h.body) : undefined;
        if (refused) return respond(s, error(ERROR_CODES[refused.code], refused.message), true);
        if (typeof h.body === "number") c.reserved = h.body;
      }
      if (Date.now() > c.started + cfg.request_timeout * 1000) return respond(s, error(408, `request not received whole within [server] request_timeout ${cfg.request_timeout}s`), true);
      const body = c.reader.body(c.head, cfg.max_request_size);
      if (c.head.body === "chunked" && c.slot && c.reader.chunkedSoFar > c.reserved) {
        const refused = c.slot.reserve(c.reader.chunkedSoFar - c.reserved);
        if (refused) return respond(s, error(ERROR_CODES[refused.code], refused.message), true);
        c.reserved = c.reader.chunkedSoFar;
      }
      if (body === undefined) return;
      if (body instanceof HttpError) return respond(s, error(body.status, body.message), true);
      const plan = c.plan!;
      c.busy = true;
      c.deadline.stop(); // the client waits for us; that is not idleness
      const abort = (c.abort = new AbortController());
      void d
        .track(() => work(plan, body, c.peer, c.t0, abort.signal))
        .catch((e) => error(500, `server error: ${e instanceof Error ? e.message : String(e)}`))
        .then((r) => {
          c.busy = false;
          if (c.closed) {
            c.slot?.leave();
            return;
          }
          respond(s, r, false);
          pump(s);
        });
      return;
    }
  };

  return {
    open(s) {
      s.data = { reader: new HttpRequestReader(), peer: s.remoteAddress || undefined, reserved: 0, started: 0, t0: 0, busy: false, ending: false, closed: false, backlog: [], deadline: new Deadline(() => expired(s)) };
      s.data.deadline.start(idle());
    },
    data(s, chunk) {
      const c = s.data;
      if (c.ending || c.closed) return;
      c.reader.push(chunk);
      // Bytes pile up unread while a scan runs (a client pipelining without waiting): one more
      // request's worth is fine, beyond that the connection is cut, so none holds more.
      const cap = d.config().server.max_request_size + MAX_HEAD;
      if (c.reader.buffered > cap + (c.busy ? 0 : c.reserved)) {
        d.log.warn("door=rspamd connection from %s cut: %d bytes sent ahead of the answers (more than max_request_size + %d)", c.peer ?? "unix socket", c.reader.buffered, MAX_HEAD);
        c.closed = true;
        if (!c.busy) c.slot?.leave();
        return void s.terminate();
      }
      if (!c.busy) c.deadline.touch();
      pump(s);
    },
    drain(s) {
      const c = s.data;
      if (flushBacklog(s, c.backlog) && c.ending) s.end();
    },
    close(s) {
      const c = s.data;
      c.closed = true;
      c.deadline.stop();
      // Gone before its reply (a half-close is the end handler, not this): a scan still
      // waiting for a filtering process is dropped rather than scanned for nobody.
      c.abort?.abort();
      if (!c.busy) c.slot?.leave();
    },
    error(s, err) {
      d.log.warn("rspamd connection from %s: %s", s.data?.peer ?? "unix socket", err.message);
    },
  };
}
