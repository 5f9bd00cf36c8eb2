// A minimal HTTP/1.1 client (RFC 9112) for the native protocol, over TCP or a Unix socket.
// Written on Bun.connect rather than fetch() because a client module needs two separate
// deadlines: connect_timeout (then fail over to the next server) and data_timeout (no byte
// moved for that long). One request per connection (Connection: close): a pipe client
// sends one message per process, so keep-alive would buy nothing. A `tls:` address speaks
// TLS, the server's certificate checked against [client] tls_ca (or the system's CAs) and
// its name against the address's host.
import { readFileSync } from "node:fs";
import type { Address } from "../protocol/address";

export type ClientErrorKind = "connect" | "timeout" | "protocol" | "closed";

export class ClientError extends Error {
  constructor(
    readonly kind: ClientErrorKind,
    message: string,
  ) {
    super(message);
    this.name = "ClientError";
  }
}

export interface HttpRequest {
  method: "GET" | "POST";
  path: string;
  headers?: Record<string, string>;
  body?: Uint8Array;
}
export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array;
}
export interface Timeouts {
  connectMs: number;
  dataMs: number;
  /** Largest reply accepted (a reply is small JSON; a huge one is a broken or hostile peer). */
  maxReply?: number;
  /** PEM file of the CA for tls: addresses ([client] tls_ca; empty = the system's CAs). */
  tlsCa?: string;
}

/** The timeouts of the [client] settings (seconds) in the form httpRequest takes. */
export const timeoutsOf = (c: { connect_timeout: number; data_timeout: number; tls_ca?: string }): Timeouts => ({ connectMs: c.connect_timeout * 1000, dataMs: c.data_timeout * 1000, tlsCa: c.tls_ca || undefined });

const CRLF2 = Buffer.from("\r\n\r\n");

/** Parses a complete-or-partial response; undefined = need more bytes (or the close). */
export function parseResponse(buf: Buffer, closed: boolean, maxReply: number): HttpResponse | undefined {
  const end = buf.indexOf(CRLF2);
  if (end < 0) {
    if (closed) throw new ClientError(buf.length ? "protocol" : "closed", buf.length ? "the server sent a truncated HTTP header" : "the server closed the connection without a reply");
    if (buf.length > 64 * 1024) throw new ClientError("protocol", "HTTP header longer than 64 KiB");
    return undefined;
  }
  const lines = buf.subarray(0, end).toString("latin1").split("\r\n");
  const m = /^HTTP\/1\.[01] (\d{3})(?: .*)?$/.exec(lines[0]);
  if (!m) throw new ClientError("protocol", `not an HTTP reply: ${JSON.stringify(lines[0].slice(0, 60))}`);
  const headers: Record<string, string> = {};
  for (const l of lines.slice(1)) {
    const i = l.indexOf(":");
    if (i <= 0) throw new ClientError("protocol", `malformed HTTP header line ${JSON.stringify(l.slice(0, 60))}`);
    headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
  }
  const rest = buf.subarray(end + 4);
  const status = Number(m[1]);
  if (headers["transfer-encoding"]?.toLowerCase() === "chunked") {
    const body = dechunk(rest);
    if (body) return { status, headers, body };
    if (closed) throw new ClientError("protocol", "the server closed the connection inside a chunked body");
    if (rest.length > maxReply) throw new ClientError("protocol", `reply larger than ${maxReply} bytes`);
    return undefined;
  }
  if (headers["content-length"] !== undefined) {
    const len = Number(headers["content-length"]);
    if (!Number.isInteger(len) || len < 0) throw new ClientError("protocol", "bad Content-Length in reply");
    if (len > maxReply) throw new ClientError("protocol", `reply larger than ${maxReply} bytes`);
    if (rest.length >= len) return { status, headers, body: new Uint8Array(rest.subarray(0, len)) };
    if (closed) throw new ClientError("protocol", `the server closed the connection after ${rest.length} of ${len} reply bytes`);
    return undefined;
  }
  if (rest.length > maxReply) throw new ClientError("protocol", `reply larger than ${maxReply} bytes`);
  return closed ? { status, headers, body: new Uint8Array(rest) } : undefined;
}

/** Decodes a complete chunked body (RFC 9112 §7.1); undefined while incomplete. */
function dechunk(b: Buffer): Uint8Array | undefined {
  const parts: Buffer[] = [];
  let off = 0;
  for (;;) {
    const eol = b.indexOf("\r\n", off);
    if (eol < 0) return undefined;
    const size = parseInt(b.subarray(off, eol).toString("latin1").split(";")[0], 16);
    if (!Number.isFinite(size) || size < 0) throw new ClientError("protocol", "bad chunk size in reply");
    if (size === 0) return new Uint8Array(Buffer.concat(parts));
    if (b.length < eol + 2 + size + 2) return undefined;
    parts.push(b.subarray(eol + 2, eol + 2 + size));
    off = eol + 2 + size + 2;
  }
}

export async function httpRequest(addr: Address, req: HttpRequest, t: Timeouts): Promise<HttpResponse> {
  const body = req.body ?? new Uint8Array(0);
  const head =
    `${req.method} ${req.path} HTTP/1.1\r\nHost: kas\r\nConnection: close\r\n` +
    (req.method === "POST" ? `Content-Length: ${body.byteLength}\r\nContent-Type: message/rfc822\r\n` : "") +
    Object.entries(req.headers ?? {}).map(([k, v]) => `${k}: ${v}\r\n`).join("") +
    "\r\n";
  const out = Buffer.concat([Buffer.from(head, "latin1"), body]);
  const maxReply = t.maxReply ?? 16 * 1024 * 1024;

  return await new Promise<HttpResponse>((resolve, reject) => {
    let sent = 0;
    let inbuf = Buffer.alloc(0);
    let done = false;
    let sock: { write(b: Uint8Array): number; end(): void; terminate?(): void } | undefined;
    let dataTimer: ReturnType<typeof setTimeout> | undefined;
    const finish = (err?: ClientError, res?: HttpResponse) => {
      if (done) return;
      done = true;
      clearTimeout(connectTimer);
      clearTimeout(dataTimer);
      try {
        sock?.end();
      } catch {}
      if (err) reject(err);
      else resolve(res!);
    };
    const armData = () => {
      clearTimeout(dataTimer);
      dataTimer = setTimeout(() => finish(new ClientError("timeout", `no data from the server for data_timeout ${t.dataMs / 1000}s`)), t.dataMs);
    };
    const connectTimer = setTimeout(() => finish(new ClientError("connect", `no connection within connect_timeout ${t.connectMs / 1000}s`)), t.connectMs);
    const pushOut = () => {
      if (!sock || sent >= out.length) return;
      sent += Math.max(0, sock.write(out.subarray(sent)));
      armData();
    };
    const feed = (closed: boolean) => {
      try {
        const r = parseResponse(inbuf, closed, maxReply);
        if (r) finish(undefined, r);
      } catch (e) {
        finish(e as ClientError);
      }
    };
    const handlers = {
      open(s: typeof sock & object) {
        // Connected after connect_timeout gave up on it (we failed over already): do not send.
        if (done) return void s.end();
        clearTimeout(connectTimer);
        sock = s;
        pushOut();
      },
      drain() {
        pushOut();
      },
      // tls: addresses: a certificate that does not verify (unknown CA, other name, expired)
      // is named, not reported as a mere close.
      handshake(_s: unknown, ok: boolean, err: Error | null) {
        if (!ok) finish(new ClientError("connect", `TLS: the server's certificate is not trusted: ${err?.message ?? "verification failed"} (set [client] tls_ca to the CA that signed it)`));
      },
      data(_s: unknown, d: Uint8Array) {
        armData();
        inbuf = Buffer.concat([inbuf, d]);
        feed(false);
      },
      end() {
        feed(true);
      },
      close() {
        feed(true);
      },
      error(_s: unknown, e: Error) {
        finish(new ClientError(sock ? "closed" : "connect", e.message));
      },
      connectError(_s: unknown, e: Error) {
        finish(new ClientError("connect", e.message));
      },
    };
    let target: Record<string, unknown> = addr.kind === "unix" ? { unix: addr.path } : { hostname: addr.host, port: addr.port };
    if (addr.kind === "tcp" && addr.tls) {
      let ca: string | undefined;
      try {
        ca = t.tlsCa ? readFileSync(t.tlsCa, "utf8") : undefined;
      } catch (e) {
        return finish(new ClientError("connect", `[client] tls_ca ${t.tlsCa}: ${(e as Error).message}`));
      }
      // Bun checks the chain and the host name; a failure ends in error()/connectError().
      target = { ...target, tls: { ...(ca ? { ca } : {}), serverName: addr.host, rejectUnauthorized: true } };
    }
    Bun.connect({ ...target, socket: handlers } as Parameters<typeof Bun.connect>[0]).catch((e: Error) => finish(new ClientError("connect", e.message)));
  });
}
