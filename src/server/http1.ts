// The native door's HTTP/1.1 server on raw sockets (Bun.listen), framing by protocol/http1.ts,
// each request handed to the same fetch handler Bun.serve would call. Why not Bun.serve:
// it closes the connection when a pipelined request arrives while an earlier reply is still
// being computed (a scan takes milliseconds to seconds), and when the client half-closes
// after a complete request; such clients got no reply at all though the scan ran. Here:
// - requests on one connection are answered in order; bytes of the next ones wait (the
//   socket is paused once more than a head's worth is buffered);
// - a peer that shuts down its sending side still gets every reply, then the connection ends;
// - a request head must arrive whole within the head timeout ([server] data_timeout) from
//   its first byte, however it is dribbled, and an idle connection is closed after the idle
//   timeout (the same); while a request is being answered no timer runs (body gaps and the
//   whole request are timed by the handler: data_timeout, request_timeout);
// - the body reaches the handler as a stream with backpressure (the socket is paused while
//   the handler does not read); `Expect: 100-continue` is answered when the handler first
//   reads the body, so a request refused from its head alone never sends its body;
// - a reply whose request body was not read to its end closes the connection;
// - req.signal aborts when the connection closes before the reply (as with Bun.serve).
import { ChunkedDecoder, parseHead, responseHead, type RequestHead } from "../protocol/http1";
import type { HeaderSource } from "../protocol/kas/request";
import { errorReply } from "../protocol/kas/reply";
import type { JsonReply, ScanInput } from "./handler";
import { flushBacklog, writeOrQueue } from "./socket-write";
import { Deadline } from "./deadline";

export type Http1Fetch = (req: Request, server: { requestIP(req: Request): { address: string } | null }) => Response | Promise<Response>;

/**
 * Requests served without a Request or a Response object (handler.ts makeDirect: the scan
 * endpoint). `takes` sees the request line only; a request it takes gets its fields, its body
 * (already here whole, or as the same stream `fetch` would read) and the abort signal, and
 * its reply is written as it is.
 */
export interface Http1Direct {
  takes(method: string, target: string): boolean;
  serve(input: ScanInput, client: string): Promise<JsonReply>;
}

export interface Http1Options {
  /** Seconds a request head may take from its first byte, and an idle connection may stay. */
  timeoutS(): number;
  maxHead?: number;
  log?: (msg: string) => void;
  direct?: Http1Direct;
}

interface Feed {
  ctrl: ReadableStreamDefaultController<Uint8Array>;
  left: number; // "length" framing: bytes still to come
  chunked?: ChunkedDecoder;
  done: boolean;
  cancelled: boolean;
  continueDue: boolean;
}

interface Conn {
  buf: Uint8Array;
  busy: boolean;
  version?: "1.0" | "1.1";
  /** Aborts the request being answered when the client goes away (req.signal, as Bun.serve gives it). */
  abort?: AbortController;
  feed?: Feed;
  peerEnded: boolean;
  closed: boolean;
  endAfterFlush: boolean;
  backlog: Uint8Array[];
  peer: string;
  /** data_timeout: the head's time from its first byte, and the idle time between requests (deadline.ts). */
  deadline: Deadline;
}

const enc = new TextEncoder();
const EMPTY = new Uint8Array(0);
// Lower case, as a Response gives its fields: the bytes are those the Request path writes.
const JSON_TYPE: [string, string][] = [["content-type", "application/json"]];
const MAX_HEAD = 64 * 1024;

/** The fields of a request head as Headers.get gives them: any case, repeated ones joined by ", ". */
function fieldsOf(headers: [string, string][]): HeaderSource {
  const m = new Map<string, string>();
  for (const [k, v] of headers) {
    const n = k.toLowerCase();
    const had = m.get(n);
    m.set(n, had === undefined ? v : `${had}, ${v}`);
  }
  return { get: (name) => m.get(name.toLowerCase()) ?? null };
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (!a.length) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

export function http1SocketHandler(fetch: Http1Fetch, opts: Http1Options): Bun.SocketHandler<Conn> {
  const maxHead = opts.maxHead ?? MAX_HEAD;
  const timeout = () => opts.timeoutS();

  const write = (s: Bun.Socket<Conn>, bytes: Uint8Array) => {
    const c = s.data;
    if (c.closed || !bytes.length) return;
    writeOrQueue(s, c.backlog, bytes);
  };
  const finish = (s: Bun.Socket<Conn>) => {
    const c = s.data;
    if (c.backlog.length) c.endAfterFlush = true;
    else {
      c.closed = true;
      s.end();
    }
  };
  const refuse = (s: Bun.Socket<Conn>, status: number, code: Parameters<typeof errorReply>[0], message: string) => {
    const e = errorReply(code, message);
    const body = enc.encode(JSON.stringify(e.body) + "\n");
    write(s, concat(enc.encode(responseHead(status, [["Content-Type", "application/json"]], body.length, true, "1.1")), body));
    s.data.buf = EMPTY;
    finish(s);
  };

  /** data_timeout passed (deadline.ts): a head not whole is refused, an idle connection ends. */
  const expired = (s: Bun.Socket<Conn>) => {
    const c = s.data;
    if (c.busy || c.closed) return;
    opts.log?.(`connection from ${c.peer} closed: ${c.buf.length ? "request head" : "nothing"} received for data_timeout ${timeout()}s`);
    if (c.buf.length) refuse(s, 408, "timeout", `request head not received whole within data_timeout ${timeout()}s`);
    else {
      c.closed = true;
      s.end();
    }
  };

  /** Moves buffered bytes into the current body, then starts the next request if the connection is free. */
  const pump = (s: Bun.Socket<Conn>) => {
    const c = s.data;
    while (!c.closed) {
      const f = c.feed;
      if (f && !f.done) {
        if (!c.buf.length) break;
        let data: Uint8Array[];
        let used: number;
        if (f.chunked) {
          const r = f.chunked.push(c.buf);
          if ("error" in r) {
            if (!f.cancelled) f.ctrl.error(new Error(r.error));
            f.done = true;
            c.buf = EMPTY;
            c.peerEnded = true; // framing is lost: nothing more can be read from this connection
            break;
          }
          ({ data, used } = r);
          f.done = f.chunked.done;
        } else {
          used = Math.min(f.left, c.buf.length);
          data = [c.buf.subarray(0, used)];
          f.left -= used;
          f.done = f.left === 0;
        }
        c.buf = c.buf.subarray(used);
        if (!f.cancelled) {
          for (const d of data) if (d.length) f.ctrl.enqueue(d); // views of a fresh copy: buf is never written in place
          if (f.done) f.ctrl.close();
          else if ((f.ctrl.desiredSize ?? 1) <= 0) s.pause();
        }
        if (!f.done) break;
        continue;
      }
      if (c.busy) {
        if (c.buf.length > maxHead) s.pause();
        break;
      }
      if (!c.buf.length) {
        if (c.peerEnded) finish(s);
        break;
      }
      const r = parseHead(c.buf, maxHead);
      if (!r.ok && r.need) {
        if (c.peerEnded) finish(s);
        break; // the rest of the head has data_timeout from its first byte (c.deadline, expired)
      }
      if (!r.ok) {
        refuse(s, r.status, r.status === 431 ? "too_large" : "bad_request", r.reason);
        break;
      }
      c.buf = c.buf.subarray(r.size);
      start(s, r.head);
    }
  };

  /** The body of `head` as a stream fed by pump() (c.feed), or undefined when nothing reads one. */
  const openBody = (s: Bun.Socket<Conn>, head: RequestHead): ReadableStream<Uint8Array> | undefined => {
    const c = s.data;
    let body: ReadableStream<Uint8Array> | undefined;
    if (head.body.kind !== "none" && head.method !== "GET" && head.method !== "HEAD") {
      const feed: Feed = { ctrl: undefined as never, left: head.body.kind === "length" ? head.body.length : 0, chunked: head.body.kind === "chunked" ? new ChunkedDecoder() : undefined, done: false, cancelled: false, continueDue: head.expectContinue };
      body = new ReadableStream<Uint8Array>(
        {
          start: (ctrl) => void (feed.ctrl = ctrl),
          pull: () => {
            if (feed.continueDue) {
              feed.continueDue = false;
              write(s, enc.encode("HTTP/1.1 100 Continue\r\n\r\n"));
            }
            if (!c.closed) s.resume();
          },
          cancel: () => {
            feed.cancelled = true;
            if (!c.closed) s.resume(); // what still arrives is read and dropped
          },
        },
        { highWaterMark: 0 },
      );
      c.feed = feed;
    } else if (head.body.kind !== "none") {
      // A GET/HEAD with a body: nothing reads it; framing is kept by reading and dropping it.
      c.feed = { ctrl: undefined as never, left: head.body.kind === "length" ? head.body.length : 0, chunked: head.body.kind === "chunked" ? new ChunkedDecoder() : undefined, done: false, cancelled: true, continueDue: false };
    } else c.feed = undefined;
    return body;
  };

  /**
   * A request `direct` takes: a body already here whole is handed over as a view of the bytes
   * read, not a copy. It shares its buffer with the head (and maybe the next requests): buf is
   * never written in place, and ipc.ts sendableBytes copies it before it travels only when what
   * shares the buffer is large.
   */
  const startDirect = (s: Bun.Socket<Conn>, head: RequestHead, direct: Http1Direct): Promise<JsonReply> => {
    const c = s.data;
    let now: Uint8Array | undefined;
    let body: ReadableStream<Uint8Array> | null = null;
    if (head.body.kind === "none") {
      now = EMPTY;
      c.feed = undefined;
    } else if (head.body.kind === "length" && c.buf.length >= head.body.length) {
      now = c.buf.subarray(0, head.body.length);
      c.buf = c.buf.subarray(head.body.length);
      c.feed = undefined;
    } else body = openBody(s, head) ?? null;
    const signal = (c.abort = new AbortController()).signal;
    return direct.serve({ headers: fieldsOf(head.headers), body, signal, bodyNow: now && (() => now) }, c.peer);
  };

  const start = (s: Bun.Socket<Conn>, head: RequestHead) => {
    const c = s.data;
    c.busy = true;
    c.version = head.version;
    c.deadline.stop(); // the body's gaps are the handler's to time (framing.ts readLimited); then the client waits for us
    if (opts.direct?.takes(head.method, head.target)) return void answer(s, head, startDirect(s, head, opts.direct));
    const body = openBody(s, head);
    const hostField = head.headers.find(([k]) => k.toLowerCase() === "host")?.[1] || "localhost";
    const url = /^https?:\/\//i.test(head.target) ? head.target : `http://${/^[\w.\-:[\]]+$/.test(hostField) ? hostField : "localhost"}${head.target.startsWith("/") ? head.target : "/"}`;
    let req: Request;
    try {
      c.abort = new AbortController();
      req = new Request(url, { method: head.method, headers: head.headers, body, duplex: "half", signal: c.abort.signal } as RequestInit);
    } catch (e) {
      c.busy = false;
      refuse(s, 400, "bad_request", `unusable request: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    const peer = c.peer;
    void (async () => {
      let res: Response;
      try {
        res = await fetch(req, { requestIP: () => (peer === "unix" ? null : { address: peer }) });
      } catch (e) {
        const r = errorReply("internal", `server error: ${e instanceof Error ? e.message : String(e)}`);
        res = new Response(JSON.stringify(r.body) + "\n", { status: r.status, headers: { "content-type": "application/json", connection: "close" } });
      }
      const bytes = new Uint8Array(await res.arrayBuffer().catch(() => new ArrayBuffer(0)));
      if (c.closed) return;
      const close = res.headers.get("connection")?.toLowerCase() === "close";
      // HEAD: the length a GET would get (RFC 9110 §9.3.2), no body. Head and body in one
      // write: each socket write is a system call, and on loopback the sender's call also does
      // the receiving side's TCP work; two writes per reply were a third of the master's CPU
      // profile at 16 in flight. Copying a reply of a few KB costs far less.
      const headBytes = enc.encode(responseHead(res.status, res.headers, bytes.length, mustClose(c, head, close), head.version));
      written(s, head, head.method === "HEAD" ? headBytes : concat(headBytes, bytes), close);
    })();
  };

  const mustClose = (c: Conn, head: RequestHead, asked: boolean) => !head.keepAlive || (c.feed !== undefined && !c.feed.done) || asked;

  /** The direct path's reply: head and JSON text encoded in one go, one write. */
  const answer = async (s: Bun.Socket<Conn>, head: RequestHead, reply: Promise<JsonReply>) => {
    const c = s.data;
    let r: JsonReply;
    try {
      r = await reply;
    } catch (e) {
      const x = errorReply("internal", `server error: ${e instanceof Error ? e.message : String(e)}`);
      r = { status: x.status, text: JSON.stringify(x.body) + "\n", close: true };
    }
    if (c.closed) return;
    const text = responseHead(r.status, JSON_TYPE, Buffer.byteLength(r.text), mustClose(c, head, r.close), head.version) + r.text;
    written(s, head, enc.encode(text), r.close);
  };

  /** Writes a reply; then the connection ends or serves the next request. */
  const written = (s: Bun.Socket<Conn>, head: RequestHead, bytes: Uint8Array, asked: boolean) => {
    const c = s.data;
    const close = mustClose(c, head, asked);
    write(s, bytes);
    c.busy = false;
    c.feed = undefined;
    c.abort = undefined;
    if (close) return finish(s);
    c.deadline.start(timeout());
    s.resume();
    pump(s);
  };

  return {
    open(s) {
      s.data = { buf: EMPTY, busy: false, peerEnded: false, closed: false, endAfterFlush: false, backlog: [], peer: s.remoteAddress || "unix", deadline: new Deadline(() => expired(s)) };
      s.data.deadline.start(timeout());
    },
    data(s, chunk) {
      const c = s.data;
      if (c.closed) return;
      // The first byte of a request head: the head has data_timeout from here to arrive whole.
      if (!c.busy && !c.buf.length) c.deadline.start(timeout());
      // Each read comes as a Buffer of its own (a fresh ArrayBuffer that nothing writes
      // afterwards; http1.test.ts holds Bun to it), so bytes that start a buffer are kept as a
      // view of it: a copy here was one of the three a message's bytes took in the master.
      c.buf = c.buf.length ? concat(c.buf, chunk) : new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      pump(s);
    },
    end(s) {
      // The peer shut down its sending side: what it sent is answered, then the connection ends.
      // A FIN alone does not say whether the client still reads (a half-close) or is gone (a
      // client that gave up and exited sends the same FIN): an interim "100 Continue", which an
      // HTTP/1.1 client must accept before the final reply (RFC 9110 §15.2), makes a gone
      // peer's system answer with a reset, and the close aborts req.signal.
      const c = s.data;
      c.peerEnded = true;
      if (c.busy && c.version === "1.1" && (!c.feed || c.feed.done)) write(s, enc.encode("HTTP/1.1 100 Continue\r\n\r\n"));
      if (c.feed && !c.feed.done) {
        if (!c.feed.cancelled) c.feed.ctrl.error(new Error("connection closed by the client mid-body"));
        c.feed.done = true;
      }
      if (!c.busy) pump(s);
    },
    drain(s) {
      const c = s.data;
      if (!flushBacklog(s, c.backlog)) return;
      if (c.endAfterFlush) {
        c.closed = true;
        s.end();
      }
    },
    close(s) {
      const c = s.data;
      c.closed = true;
      c.deadline.stop();
      // Gone before its reply: a request still waiting for a filtering process is dropped
      // (dispatch/pool watch req.signal). A half-close is not this: that client still waits.
      c.abort?.abort();
      if (c.feed && !c.feed.done && !c.feed.cancelled) {
        c.feed.done = true;
        c.feed.ctrl.error(new Error("connection closed by the client"));
      }
    },
    error(s, err) {
      opts.log?.(`connection from ${s.data?.peer ?? "?"}: ${err.message}`);
    },
  };
}
