// HTTP/1.1 message framing for a server (RFC 9112), written once: the request head and the
// chunked transfer coding. Bun's HTTP server closes a connection when a pipelined request
// arrives while an earlier reply is still being computed, and when the client half-closes
// after a complete request (both allowed by RFC 9112 §9.3 / §9.6), so the native door frames
// HTTP itself (server/http1.ts). Strict where laxness lets two parsers disagree about where a
// request ends (request smuggling, RFC 9112 §11.2): Content-Length and Transfer-Encoding
// together, differing Content-Lengths, a coding other than chunked, obs-fold, whitespace
// before the colon, and control characters in a field are refused, never guessed.
// Pure: bytes in, values out; no sockets.

export type BodyFraming = { kind: "none" } | { kind: "length"; length: number } | { kind: "chunked" };

export interface RequestHead {
  method: string;
  /** The request-target as sent (origin-form "/path?q", absolute-form, or "*"). */
  target: string;
  version: "1.0" | "1.1";
  /** Field names as sent, values with surrounding whitespace removed, in order. */
  headers: [string, string][];
  body: BodyFraming;
  /** May the connection carry another request after this one (RFC 9112 §9.3)? */
  keepAlive: boolean;
  /** `Expect: 100-continue`: the client waits for "100 Continue" before sending the body. */
  expectContinue: boolean;
}

export type HeadOutcome =
  | { ok: true; head: RequestHead; size: number }
  | { ok: false; need: true }
  | { ok: false; need: false; status: 400 | 431 | 501 | 505; reason: string };

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const REQUEST_LINE = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+) ([^\s]+) HTTP\/(\d)\.(\d)$/;
const BAD_VALUE = /[\x00-\x08\x0a-\x1f\x7f]/;
// Header fields of one head. Recipients come one field each (Rspamd's protocol: "there may be
// several Rcpt headers"; kas's X-KAS-Rcpt likewise), and a message may have up to 10 000 of
// them, so the count allows that and a hundred more; the 64 KiB head cap bounds the work anyway.
// (It was 100: a message to more than ~95 recipients got 431 and no verdict, found by fuzzing.)
export const MAX_FIELDS = 10_100;

const bad = (reason: string, status: 400 | 431 | 501 | 505 = 400): HeadOutcome => ({ ok: false, need: false, status, reason });

/** Where the head ends (after its empty line), or -1. Lines may end in CRLF or a bare LF (RFC 9112 §2.2). */
function headEnd(buf: Uint8Array, limit: number): number {
  for (let i = buf.indexOf(0x0a); i >= 0 && i < limit; i = buf.indexOf(0x0a, i + 1)) {
    if (buf[i + 1] === 0x0a) return i + 2;
    if (buf[i + 1] === 0x0d && buf[i + 2] === 0x0a) return i + 3;
  }
  return -1;
}

/**
 * The request head at the start of `buf`, once it is complete. `size` is the number of bytes
 * it took (the body, if any, starts there). Empty lines before the request line are skipped
 * (RFC 9112 §2.2). A head longer than `maxHead` is refused (431).
 */
export function parseHead(buf: Uint8Array, maxHead: number): HeadOutcome {
  let start = 0;
  while (start < buf.length && (buf[start] === 0x0d || buf[start] === 0x0a) && start < 8) start++;
  if (start === buf.length) return { ok: false, need: true };
  const end = headEnd(buf.subarray(start), maxHead + 1);
  if (end < 0) {
    if (buf.length - start > maxHead) return bad(`request head over ${maxHead} bytes`, 431);
    // A whole first line that is no request line (a TLS hello on a plain port, a line of
    // another protocol) is refused now, not after data_timeout of waiting for the head's end.
    const lf = buf.indexOf(0x0a, start);
    if (lf >= 0 && lf - start <= 8192) {
      const first = Buffer.from(buf.buffer, buf.byteOffset + start, lf - start).toString("latin1").replace(/\r$/, "");
      if (!REQUEST_LINE.test(first)) return bad("malformed request line");
    } else if (buf[start] === 0x16 || buf[start] < 0x09) return bad("not HTTP (a TLS hello or binary bytes on a plain port?)");
    return { ok: false, need: true };
  }
  const text = Buffer.from(buf.buffer, buf.byteOffset + start, end).toString("latin1");
  const lines = text.split("\n").map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l));
  lines.length -= 2; // the empty line and what follows its LF
  const m = REQUEST_LINE.exec(lines[0]);
  if (!m) return bad("malformed request line");
  if (m[3] !== "1") return bad(`HTTP/${m[3]}.${m[4]} is not supported; this server speaks HTTP/1.1`, 505);
  const version = m[4] === "0" ? "1.0" : "1.1";
  const headers: [string, string][] = [];
  // The fields framing depends on, collected in the same pass (a name is lower-cased once: the
  // head of every request is parsed by the master, ~7 % of its CPU when each was looked up by
  // a filter over all fields).
  const hosts: string[] = [];
  const te: string[] = [];
  const cl: string[] = [];
  const conn: string[] = [];
  let expectContinue = false;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    if (line[0] === " " || line[0] === "\t") return bad("obsolete line folding in the header");
    const colon = line.indexOf(":");
    const name = line.slice(0, colon);
    if (colon <= 0 || !TOKEN.test(name)) return bad("malformed header field");
    const value = trimOws(line, colon + 1);
    if (BAD_VALUE.test(value)) return bad(`control character in header field ${name}`);
    if (headers.length >= MAX_FIELDS) return bad(`more than ${MAX_FIELDS} header fields`, 431);
    headers.push([name, value]);
    switch (name.length < 18 ? name.toLowerCase() : "") {
      case "host":
        hosts.push(value);
        break;
      case "transfer-encoding":
        te.push(value);
        break;
      case "content-length":
        for (const x of value.split(",")) cl.push(x.trim());
        break;
      case "connection":
        for (const x of value.split(",")) conn.push(x.trim().toLowerCase());
        break;
      case "expect":
        if (value.toLowerCase() === "100-continue") expectContinue = true;
    }
  }
  if (hosts.length > 1 || (version === "1.1" && hosts.length === 0)) return bad(hosts.length ? "more than one Host field" : "HTTP/1.1 request without Host (RFC 9112 §3.2)");
  let body: BodyFraming = { kind: "none" };
  if (te.length) {
    if (cl.length) return bad("both Transfer-Encoding and Content-Length");
    if (version === "1.0") return bad("Transfer-Encoding in an HTTP/1.0 request");
    const codings = te.flatMap((v) => v.split(",").map((x) => x.trim().toLowerCase()));
    if (codings.length !== 1 || codings[0] !== "chunked") return bad(`transfer coding ${JSON.stringify(te.join(", "))} is not supported (only chunked)`, 501);
    body = { kind: "chunked" };
  } else if (cl.length) {
    if (!cl.every((v) => /^\d{1,15}$/.test(v)) || cl.some((v) => v !== cl[0])) return bad("malformed Content-Length");
    const length = Number(cl[0]);
    if (length > 0) body = { kind: "length", length };
  }
  const keepAlive = version === "1.1" ? !conn.includes("close") : conn.includes("keep-alive") && !conn.includes("close");
  expectContinue &&= version === "1.1";
  return { ok: true, head: { method: m[1], target: m[2], version, headers, body, keepAlive, expectContinue }, size: start + end };
}

/** `line` from `from`, without the spaces and tabs around it (optional whitespace, RFC 9110 §5.6.3). */
function trimOws(line: string, from: number): string {
  let a = from;
  let z = line.length;
  while (a < z && (line.charCodeAt(a) === 32 || line.charCodeAt(a) === 9)) a++;
  while (z > a && (line.charCodeAt(z - 1) === 32 || line.charCodeAt(z - 1) === 9)) z--;
  return line.slice(a, z);
}

/**
 * The chunked transfer coding (RFC 9112 §7.1), decoded incrementally: push() takes what
 * arrived and returns the data bytes in it and how many input bytes it used (the rest belongs
 * to the next request once `done`). Chunk extensions are ignored, trailer fields dropped.
 */
export class ChunkedDecoder {
  private state: "size" | "data" | "data-end" | "trailer" | "done" = "size";
  private line = "";
  private left = 0;
  private trailerBytes = 0;
  done = false;

  push(buf: Uint8Array): { data: Uint8Array[]; used: number } | { error: string } {
    const data: Uint8Array[] = [];
    let i = 0;
    while (i < buf.length && this.state !== "done") {
      if (this.state === "data") {
        const n = Math.min(this.left, buf.length - i);
        data.push(buf.subarray(i, i + n));
        i += n;
        this.left -= n;
        if (this.left === 0) this.state = "data-end";
        continue;
      }
      // size, data-end and trailer are lines.
      const nl = buf.indexOf(0x0a, i);
      const piece = Buffer.from(buf.buffer, buf.byteOffset + i, (nl < 0 ? buf.length : nl) - i).toString("latin1");
      this.line += piece;
      if (this.line.length > 4096) return { error: "chunk line over 4096 bytes" };
      if (nl < 0) {
        i = buf.length;
        break;
      }
      i = nl + 1;
      const line = this.line.endsWith("\r") ? this.line.slice(0, -1) : this.line;
      this.line = "";
      if (this.state === "data-end") {
        if (line !== "") return { error: "chunk data not followed by CRLF" };
        this.state = "size";
      } else if (this.state === "size") {
        const m = /^([0-9A-Fa-f]{1,12})[ \t]*(;.*)?$/.exec(line);
        if (!m) return { error: "malformed chunk size" };
        this.left = parseInt(m[1], 16);
        this.state = this.left === 0 ? "trailer" : "data";
      } else {
        this.trailerBytes += line.length + 2;
        if (this.trailerBytes > 8192) return { error: "trailer section over 8192 bytes" };
        if (line === "") {
          this.state = "done";
          this.done = true;
        }
      }
    }
    return { data, used: i };
  }
}

const REASONS: Record<number, string> = {
  100: "Continue", 200: "OK", 204: "No Content", 400: "Bad Request", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed",
  408: "Request Timeout", 413: "Content Too Large", 431: "Request Header Fields Too Large", 500: "Internal Server Error",
  501: "Not Implemented", 503: "Service Unavailable", 505: "HTTP Version Not Supported",
};

/** A response head: status line, the given fields (minus framing ones), Content-Length, and Connection when needed. */
export function responseHead(status: number, fields: Iterable<[string, string]>, length: number, close: boolean, version: "1.0" | "1.1"): string {
  let out = `HTTP/1.1 ${status} ${REASONS[status] ?? "Status"}\r\n`;
  for (const [k, v] of fields) {
    const n = k.toLowerCase();
    if (n === "content-length" || n === "connection" || n === "transfer-encoding" || n === "keep-alive") continue;
    out += `${k}: ${v.replace(/[\r\n]+/g, " ")}\r\n`;
  }
  out += `Content-Length: ${length}\r\n`;
  if (close) out += "Connection: close\r\n";
  else if (version === "1.0") out += "Connection: keep-alive\r\n";
  return out + "\r\n";
}
