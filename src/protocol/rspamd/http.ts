// HTTP/1.0 and 1.1 requests (RFC 9112) as Rspamd's clients send them, read incrementally from
// a byte stream, with the one framing of protocol/http1.ts (request head, chunked coding;
// strict where parsers could disagree). Bun's HTTP server cannot serve this door, and neither
// can server/http1.ts, which hands requests on as fetch Requests: a Request cannot carry the
// body of a GET, and Rspamd's own proxy (rspamd_proxy, 3.4) sends every scan as `GET /checkv2`
// with the message as body. So this reader gives the door a head and then the body's bytes,
// whatever the method. Bounded: the head by MAX_HEAD bytes (and http1.ts's field count), a body
// by the caller's maximum. Pure: no sockets.
import { ChunkedDecoder, parseHead } from "../http1";

export const MAX_HEAD = 64 * 1024;

export class HttpError {
  constructor(
    readonly status: number,
    readonly message: string,
  ) {}
}

export interface HttpHead {
  method: string;
  /** The path without its query string, as sent ("/" when the target had none). */
  path: string;
  query: URLSearchParams;
  version: "1.0" | "1.1";
  /** Field values by lower-cased name; repeated fields joined with ", " (RFC 9110 §5.3). */
  headers: { get(name: string): string | null };
  /** Declared body length, or "chunked". */
  body: number | "chunked";
  keepAlive: boolean;
}

/** A growable byte buffer with a read position (amortised appends, no quadratic copies). */
class Bytes {
  private buf = new Uint8Array(4096);
  private start = 0;
  private end = 0;
  get length(): number {
    return this.end - this.start;
  }
  push(chunk: Uint8Array): void {
    if (this.end + chunk.byteLength > this.buf.byteLength) {
      const live = this.end - this.start;
      const need = live + chunk.byteLength;
      // Grow by half again: appends stay amortised O(1) without doubling a large body's memory.
      const next = need > this.buf.byteLength ? new Uint8Array(Math.max(4096, Math.ceil(need * 1.5))) : this.buf;
      next.set(this.buf.subarray(this.start, this.end), 0); // same buffer: set() copies as if through a temporary
      this.buf = next;
      this.start = 0;
      this.end = live;
    }
    this.buf.set(chunk, this.end);
    this.end += chunk.byteLength;
  }
  view(): Uint8Array {
    return this.buf.subarray(this.start, this.end);
  }
  take(n: number): Uint8Array {
    const out = this.buf.slice(this.start, this.start + n);
    this.start += n;
    if (this.start === this.end) this.start = this.end = 0;
    return out;
  }
  skip(n: number): void {
    this.start += n;
    if (this.start === this.end) this.start = this.end = 0;
  }
}

/** Path and query of a request-target: origin-form ("/p?q") or absolute-form ("http://h/p?q"). */
function splitTarget(target: string): { path: string; query: URLSearchParams } | undefined {
  const abs = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*(.*)$/i.exec(target);
  const rest = abs ? abs[1] || "/" : target;
  if (!rest.startsWith("/")) return undefined;
  const q = rest.indexOf("?");
  const path = (q < 0 ? rest : rest.slice(0, q)).replace(/#.*$/s, "");
  let query = new URLSearchParams();
  try {
    if (q >= 0) query = new URLSearchParams(rest.slice(q + 1).replace(/#.*$/s, ""));
  } catch {}
  return { path, query };
}

/**
 * One connection's request stream. Call push() with what arrives, then head() until it gives
 * a request head, then body() until it gives the body; the next request starts after it.
 */
export class HttpRequestReader {
  private readonly bytes = new Bytes();
  private chunks?: ChunkedDecoder;
  private parts: Uint8Array[] = [];
  private got = 0;

  push(data: Uint8Array): void {
    this.bytes.push(data);
  }

  /** Bytes waiting to be read. */
  get buffered(): number {
    return this.bytes.length;
  }

  /** The next request head; undefined while incomplete. */
  head(): HttpHead | HttpError | undefined {
    const o = parseHead(this.bytes.view(), MAX_HEAD);
    if (!o.ok) return o.need ? undefined : new HttpError(o.status, o.reason);
    this.bytes.skip(o.size);
    this.chunks = undefined;
    this.parts = [];
    this.got = 0;
    const h = o.head;
    const t = splitTarget(h.target);
    if (!t) return new HttpError(400, `request target ${JSON.stringify(h.target.slice(0, 80))} is not a path`);
    const fields = new Map<string, string>();
    for (const [k, v] of h.headers) {
      const key = k.toLowerCase();
      fields.set(key, fields.has(key) ? `${fields.get(key)}, ${v}` : v);
    }
    const body = h.body.kind === "chunked" ? "chunked" : h.body.kind === "length" ? h.body.length : 0;
    return { method: h.method, path: t.path, query: t.query, version: h.version, headers: { get: (name) => fields.get(name.toLowerCase()) ?? null }, body, keepAlive: h.keepAlive };
  }

  /** The body of `head` once it is all here (at most `max` bytes); undefined while incomplete. */
  body(head: HttpHead, max: number): Uint8Array | HttpError | undefined {
    if (head.body !== "chunked") {
      if (head.body > max) return new HttpError(413, `message of ${head.body} bytes exceeds the limit of ${max}`);
      return this.bytes.length >= head.body ? this.bytes.take(head.body) : undefined;
    }
    this.chunks ??= new ChunkedDecoder();
    const r = this.chunks.push(this.bytes.view());
    if ("error" in r) return new HttpError(400, r.error);
    // The decoder's pieces are views of the buffer, which the next push may overwrite: copied.
    for (const d of r.data) {
      this.got += d.byteLength;
      if (this.got > max) return new HttpError(413, `message exceeds the limit of ${max} bytes`);
      this.parts.push(d.slice());
    }
    this.bytes.skip(r.used);
    if (!this.chunks.done) return undefined;
    const out = Buffer.concat(this.parts);
    this.parts = [];
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  }

  /** Bytes of the current chunked body received so far (for the edge gate's reservation). */
  get chunkedSoFar(): number {
    return this.got;
  }
}
