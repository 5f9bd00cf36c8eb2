// HTTP/1.0 and 1.1 requests (RFC 9112) as Rspamd's clients send them, read incrementally from
// a byte stream. Bun's HTTP server cannot serve this door: it drops the body of a GET request,
// and Rspamd's own proxy (rspamd_proxy, 3.4) sends every scan as `GET /checkv2` with the
// message as body; and what Bun's parser refuses it answers itself with an empty 400, which no
// Rspamd client can read. So the door reads HTTP itself, only what these clients use:
//   request-line = method SP request-target SP "HTTP/1." ("0" / "1") CRLF   ; bare LF accepted
//   request-target: origin-form ("/checkv2?x=y") or absolute-form ("http://h/checkv2")
//   body: Content-Length (one value, digits), or Transfer-Encoding: chunked (RFC 9112 §7.1;
//         extensions and trailer fields skipped), else none
//   keep-alive: HTTP/1.1 unless "Connection: close"; HTTP/1.0 only with "Connection: keep-alive"
// Bounded: the head by MAX_HEAD bytes and MAX_FIELDS fields, a body by the caller's maximum.
// Pure: no sockets.

export const MAX_HEAD = 64 * 1024;
export const MAX_FIELDS = 200;

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

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

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

/** Index just past the blank line ending the head (CRLFCRLF or LFLF), or -1. */
function headEnd(b: Uint8Array): number {
  for (let i = b.indexOf(0x0a); i >= 0 && i < b.length; i = b.indexOf(0x0a, i + 1)) {
    if (b[i + 1] === 0x0a) return i + 2;
    if (b[i + 1] === 0x0d && b[i + 2] === 0x0a) return i + 3;
  }
  return -1;
}

function parseHead(text: string): HttpHead | HttpError {
  const lines = text.split(/\r?\n/);
  // RFC 9112 §2.2: a server SHOULD ignore at least one empty line before the request-line.
  while (lines.length && lines[0] === "") lines.shift();
  const m = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+) (\S+) HTTP\/1\.([01])$/.exec(lines[0] ?? "");
  if (!m) return new HttpError(400, `malformed request line ${JSON.stringify((lines[0] ?? "").slice(0, 80))}: expected METHOD /path HTTP/1.1`);
  const [, method, target, minor] = m;
  const fields = new Map<string, string>();
  let n = 0;
  for (const line of lines.slice(1)) {
    if (line === "") continue;
    if (line[0] === " " || line[0] === "\t") return new HttpError(400, "obsolete line folding in a header field (RFC 9112 §5.2)");
    const colon = line.indexOf(":");
    const name = colon > 0 ? line.slice(0, colon) : "";
    if (!TOKEN.test(name)) return new HttpError(400, `malformed header line ${JSON.stringify(line.slice(0, 80))}`);
    if (++n > MAX_FIELDS) return new HttpError(431, `more than ${MAX_FIELDS} header fields`);
    const key = name.toLowerCase();
    const value = line.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, "");
    fields.set(key, fields.has(key) ? `${fields.get(key)}, ${value}` : value);
  }
  let path: string;
  let search = "";
  const abs = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*(.*)$/i.exec(target);
  const rest = abs ? abs[1] || "/" : target;
  if (!rest.startsWith("/")) return new HttpError(400, `request target ${JSON.stringify(target.slice(0, 80))} is not a path`);
  const q = rest.indexOf("?");
  path = q < 0 ? rest : rest.slice(0, q);
  if (q >= 0) search = rest.slice(q + 1);
  path = path.replace(/#.*$/s, "");
  let query: URLSearchParams;
  try {
    query = new URLSearchParams(search);
  } catch {
    query = new URLSearchParams();
  }
  const te = fields.get("transfer-encoding");
  const cl = fields.get("content-length");
  let body: number | "chunked" = 0;
  if (te !== undefined) {
    // RFC 9112 §6.3: chunked must be the final coding; a Content-Length beside it is ignored.
    if (te.toLowerCase().split(",").map((s) => s.trim()).filter(Boolean).join(",") !== "chunked") return new HttpError(501, `Transfer-Encoding ${JSON.stringify(te.slice(0, 40))} is not supported (only chunked)`);
    body = "chunked";
  } else if (cl !== undefined) {
    if (!/^\d{1,15}$/.test(cl)) return new HttpError(400, `malformed Content-Length ${JSON.stringify(cl.slice(0, 40))}`);
    body = Number(cl);
  }
  const conn = (fields.get("connection") ?? "").toLowerCase();
  const version = minor === "1" ? "1.1" : "1.0";
  const keepAlive = version === "1.1" ? !/(^|,)\s*close\s*(,|$)/.test(conn) : /(^|,)\s*keep-alive\s*(,|$)/.test(conn);
  return { method, path, query, version, headers: { get: (name) => fields.get(name.toLowerCase()) ?? null }, body, keepAlive };
}

type ChunkState = { at: "size" } | { at: "data"; left: number } | { at: "crlf" } | { at: "trailer" };

/**
 * One connection's request stream. Call push() with what arrives, then head() until it gives
 * a request head, then body() until it gives the body; the next request starts after it.
 */
export class HttpRequestReader {
  private readonly bytes = new Bytes();
  private chunk: ChunkState = { at: "size" };
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
    const view = this.bytes.view();
    const end = headEnd(view.subarray(0, MAX_HEAD + 4));
    if (end < 0) return view.length > MAX_HEAD ? new HttpError(431, `request head larger than ${MAX_HEAD} bytes`) : undefined;
    const text = Buffer.from(view.buffer, view.byteOffset, end).toString("latin1");
    this.bytes.skip(end);
    this.chunk = { at: "size" };
    this.parts = [];
    this.got = 0;
    return parseHead(text);
  }

  /** The body of `head` once it is all here (at most `max` bytes); undefined while incomplete. */
  body(head: HttpHead, max: number): Uint8Array | HttpError | undefined {
    if (head.body !== "chunked") {
      if (head.body > max) return new HttpError(413, `message of ${head.body} bytes exceeds the limit of ${max}`);
      return this.bytes.length >= head.body ? this.bytes.take(head.body) : undefined;
    }
    for (;;) {
      const view = this.bytes.view();
      if (this.chunk.at === "data") {
        if (!view.length) return undefined;
        const n = Math.min(view.length, this.chunk.left);
        this.parts.push(this.bytes.take(n));
        this.chunk = this.chunk.left === n ? { at: "crlf" } : { at: "data", left: this.chunk.left - n };
        continue;
      }
      const nl = view.subarray(0, 4096).indexOf(0x0a);
      if (nl < 0) return view.length >= 4096 ? new HttpError(400, "chunk line longer than 4096 bytes") : undefined;
      const line = Buffer.from(view.buffer, view.byteOffset, nl).toString("latin1").replace(/\r$/, "");
      this.bytes.skip(nl + 1);
      if (this.chunk.at === "crlf") {
        if (line !== "") return new HttpError(400, "chunk data not followed by CRLF");
        this.chunk = { at: "size" };
      } else if (this.chunk.at === "trailer") {
        if (line === "") {
          const out = Buffer.concat(this.parts);
          this.parts = [];
          return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
        }
      } else {
        const m = /^([0-9a-fA-F]{1,15})(?:[ \t]*;.*)?$/.exec(line);
        if (!m) return new HttpError(400, `malformed chunk size ${JSON.stringify(line.slice(0, 40))}`);
        const size = parseInt(m[1], 16);
        this.got += size;
        if (this.got > max) return new HttpError(413, `message exceeds the limit of ${max} bytes`);
        this.chunk = size === 0 ? { at: "trailer" } : { at: "data", left: size };
      }
    }
  }

  /** Bytes of the current chunked body received so far (for the edge gate's reservation). */
  get chunkedSoFar(): number {
    return this.got;
  }
}
