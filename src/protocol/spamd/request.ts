// The spamd protocol (SpamAssassin's spamc ⇄ spamd, protocol 1.0 … 1.5): the request side,
// read incrementally from a byte stream. Texts followed: SpamAssassin's spamd/PROTOCOL and
// what spamc 4.0 and Exim's `spam =` condition actually send (Exim: "REPORT SPAMC/1.2",
// spamc: "<CMD> SPAMC/1.5").
//
// Grammar (ABNF, RFC 5234; one request per connection, the server closes after its reply):
//   request      = request-line *( header EOL ) EOL [ body ]
//   request-line = command SP "SPAMC/" 1*DIGIT "." 1*DIGIT EOL
//   command      = "CHECK" / "SYMBOLS" / "REPORT" / "REPORT_IFSPAM" / "PROCESS" / "HEADERS"
//                / "PING" / "SKIP" / "TELL"
//   header       = name ":" *WSP value     ; names case-insensitive, unknown ones ignored
//     Content-length: 1*DIGIT              ; body bytes as sent (after compression)
//     User: text                           ; kas: a recipient address when it contains "@"
//     Compress: "zlib"                     ; the body is a zlib stream (RFC 1950)
//     Message-class: "spam" / "ham"        ; TELL
//     Set: / Remove: "local" / "remote" / "local, remote"   ; TELL
//   EOL          = CRLF / LF                ; spamc writes CRLF; a bare LF is tolerated
// PING answers after its request line (protocol 1.5 adds an empty line, older clients do not);
// SKIP gets no answer. Without Content-length (protocol < 1.2) the body ends when the client
// shuts its side down (end()).
// Limits: request line and header block bytes, header count, body bytes before and after
// inflating: a hostile client gets a typed error, never more memory than these.
// Pure: no sockets, no engine.
import { inflateSync } from "node:zlib";
import { EX, type SpamdCode } from "./codes";

export const COMMANDS = ["CHECK", "SYMBOLS", "REPORT", "REPORT_IFSPAM", "PROCESS", "HEADERS", "PING", "SKIP", "TELL"] as const;
export type SpamdCommand = (typeof COMMANDS)[number];

export interface SpamdRequest {
  command: SpamdCommand;
  /** Protocol version the client spoke, e.g. 1.5 (Exim: 1.2). */
  version: number;
  user?: string;
  /** TELL: the class named by Message-class. */
  messageClass?: "spam" | "ham";
  /** TELL: databases named in Set / Remove (lower case). */
  set: string[];
  remove: string[];
  /** The message, inflated when the client sent Compress: zlib. */
  body: Uint8Array;
}

export interface SpamdLimits {
  /** Largest message accepted, compressed or not ([server] max_request_size). */
  maxBody: number;
  /** Count the body without keeping it: a refused client's request is read to its end, so it sees the refusal instead of a reset. */
  discard?: boolean;
}

export type SpamdError = { code: SpamdCode; text: string };
export type ReadResult = { kind: "more" } | { kind: "request"; request: SpamdRequest } | { kind: "error"; error: SpamdError };

/** Request line plus header block; spamc sends under 200 bytes. */
export const MAX_HEAD_BYTES = 16 * 1024;
export const MAX_HEADERS = 64;

const LINE = /^([A-Z_]{1,20}) SPAMC\/(\d{1,3})\.(\d{1,3})$/;
const BODYLESS: ReadonlySet<SpamdCommand> = new Set(["PING", "SKIP"]);
const MORE: ReadResult = { kind: "more" };
const fail = (code: SpamdCode, text: string): ReadResult => ({ kind: "error", error: { code, text } });

/** Reads one request; feed it socket chunks with push(), and end() when the client shuts down its side. */
export class SpamdRequestReader {
  /** The request line and header block so far, in one growing buffer (doubling: a client sending a byte at a time costs linear time). */
  private head = new Uint8Array(0);
  private headBytes = 0;
  /** Where the next search for a line end starts: bytes before it were looked at already. */
  private scanFrom = 0;
  private line?: { command: SpamdCommand; version: number; end: number };
  private req?: Omit<SpamdRequest, "body"> & { compress: boolean; length?: number };
  private body: Uint8Array[] = [];
  private bodyBytes = 0;
  private done = false;

  constructor(private limits: SpamdLimits) {}

  /** The body size the client declared (Content-length), once the header block is read: the door reserves it before reading it. */
  get declaredLength(): number | undefined {
    return this.req?.length;
  }

  /** Bytes held for the request so far (header block and body): the memory bound the fuzz test checks. */
  get heldBytes(): number {
    return this.headBytes + this.body.reduce((n, b) => n + b.byteLength, 0);
  }

  push(chunk: Uint8Array): ReadResult {
    if (this.done) return MORE; // bytes after the request (a trailing CRLF) are ignored
    if (!this.req) {
      this.appendHead(chunk);
      const r = this.readHead(this.head.subarray(0, this.headBytes));
      if (r) return r;
      if (!this.req) return this.headBytes > MAX_HEAD_BYTES ? this.finish(fail(EX.PROTOCOL, `request header longer than ${MAX_HEAD_BYTES} bytes`)) : MORE;
      return this.addBody(new Uint8Array(0));
    }
    return this.addBody(chunk);
  }

  /** The client shut down its sending side. */
  end(): ReadResult {
    if (this.done) return MORE;
    if (!this.req) return this.finish(fail(EX.PROTOCOL, this.headBytes ? "connection closed inside the request header" : "connection closed before a request"));
    if (this.req.length !== undefined) return this.finish(fail(EX.PROTOCOL, `connection closed after ${this.bodyBytes} of ${this.req.length} body bytes (Content-length)`));
    return this.complete();
  }

  private finish(r: ReadResult): ReadResult {
    this.done = true;
    this.head = new Uint8Array(0);
    this.headBytes = 0;
    this.body = [];
    return r;
  }

  private appendHead(chunk: Uint8Array): void {
    const need = this.headBytes + chunk.byteLength;
    if (need > this.head.byteLength) {
      const grown = new Uint8Array(Math.max(need, this.head.byteLength * 2, 512));
      grown.set(this.head.subarray(0, this.headBytes));
      this.head = grown;
    }
    this.head.set(chunk, this.headBytes);
    this.headBytes = need;
  }

  /** Parses the head once the request line (PING/SKIP) or the blank line is there. */
  private readHead(all: Uint8Array): ReadResult | undefined {
    if (!this.line) {
      const nl = all.indexOf(0x0a, this.scanFrom);
      if (nl < 0) {
        this.scanFrom = all.byteLength;
        return all.byteLength > 256 ? this.finish(fail(EX.PROTOCOL, "request line longer than 256 bytes")) : undefined;
      }
      const first = latin1(all.subarray(0, nl)).replace(/\r$/, "");
      const m = LINE.exec(first);
      if (!m) return this.finish(fail(EX.PROTOCOL, `bad request line ${JSON.stringify(first.slice(0, 60))}: expected "<COMMAND> SPAMC/1.5"`));
      if (!(COMMANDS as readonly string[]).includes(m[1])) return this.finish(fail(EX.PROTOCOL, `unknown command ${m[1]} (kas answers ${COMMANDS.join(", ")})`));
      const command = m[1] as SpamdCommand;
      const version = Number(`${Number(m[2])}.${m[3]}`);
      if (BODYLESS.has(command)) {
        this.req = { command, version, set: [], remove: [], compress: false };
        this.finish(MORE);
        return { kind: "request", request: { command, version, set: [], remove: [], body: new Uint8Array(0) } };
      }
      this.line = { command, version, end: nl };
      this.scanFrom = nl;
    }
    const { command, version, end: nl } = this.line;
    // The blank line: "\n\n" or "\n\r\n" after the request line.
    let end = -1;
    for (let i = all.indexOf(0x0a, this.scanFrom); i >= 0; i = all.indexOf(0x0a, i + 1)) {
      if (all[i + 1] === 0x0a) end = i + 2;
      else if (all[i + 1] === 0x0d && all[i + 2] === 0x0a) end = i + 3;
      if (end >= 0) break;
    }
    if (end < 0) {
      // A line end split across chunks is looked at again with the next bytes.
      this.scanFrom = Math.max(nl, all.byteLength - 3);
      return undefined;
    }
    if (end > MAX_HEAD_BYTES) return this.finish(fail(EX.PROTOCOL, `request header longer than ${MAX_HEAD_BYTES} bytes`));
    const lines = latin1(all.subarray(nl + 1, end)).split("\n").map((l) => l.replace(/\r$/, "")).filter((l) => l !== "");
    if (lines.length > MAX_HEADERS) return this.finish(fail(EX.PROTOCOL, `more than ${MAX_HEADERS} request headers`));
    const req: NonNullable<typeof this.req> = { command, version, set: [], remove: [], compress: false };
    for (const line of lines) {
      const colon = line.indexOf(":");
      if (colon <= 0) return this.finish(fail(EX.PROTOCOL, `bad header line ${JSON.stringify(line.slice(0, 60))}`));
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      if (name === "content-length") {
        if (!/^\d{1,12}$/.test(value)) return this.finish(fail(EX.PROTOCOL, `bad Content-length ${JSON.stringify(value.slice(0, 30))}`));
        req.length = Number(value);
      } else if (name === "user") req.user = value.slice(0, 320);
      else if (name === "compress") {
        if (value.toLowerCase() !== "zlib") return this.finish(fail(EX.PROTOCOL, `Compress: ${JSON.stringify(value.slice(0, 30))} is not supported (zlib is)`));
        req.compress = true;
      } else if (name === "message-class") {
        const c = value.toLowerCase();
        if (c !== "spam" && c !== "ham") return this.finish(fail(EX.PROTOCOL, `Message-class must be spam or ham, got ${JSON.stringify(value.slice(0, 30))}`));
        req.messageClass = c;
      } else if (name === "set" || name === "remove") {
        const where = value.toLowerCase().split(",").map((s) => s.trim()).filter(Boolean);
        if (!where.every((w) => w === "local" || w === "remote")) return this.finish(fail(EX.PROTOCOL, `${name === "set" ? "Set" : "Remove"}: expects local and/or remote, got ${JSON.stringify(value.slice(0, 30))}`));
        req[name].push(...where);
      }
    }
    if (req.length !== undefined && req.length > this.limits.maxBody) return this.finish(fail(EX.DATAERR, `message of ${req.length} bytes is larger than the server takes (${this.limits.maxBody}, [server] max_request_size)`));
    this.req = req;
    const rest = all.slice(end);
    this.head = new Uint8Array(0);
    this.headBytes = 0;
    if (rest.byteLength) {
      if (!this.limits.discard) this.body.push(rest);
      this.bodyBytes = rest.byteLength;
    }
    return undefined;
  }

  private addBody(chunk: Uint8Array): ReadResult {
    const req = this.req!;
    if (chunk.byteLength) {
      if (!this.limits.discard) this.body.push(chunk);
      this.bodyBytes += chunk.byteLength;
    }
    if (req.length === undefined) {
      return this.bodyBytes > this.limits.maxBody ? this.finish(fail(EX.DATAERR, `message larger than the server takes (${this.limits.maxBody}, [server] max_request_size)`)) : MORE;
    }
    if (this.bodyBytes < req.length) return MORE;
    return this.complete();
  }

  private complete(): ReadResult {
    const req = this.req!;
    let body: Uint8Array = Buffer.concat(this.body);
    if (req.length !== undefined) body = body.subarray(0, req.length);
    if (req.compress && !this.limits.discard) {
      try {
        // Bounded output: a zlib bomb stops at maxBody instead of filling memory.
        body = inflateSync(body, { maxOutputLength: this.limits.maxBody });
      } catch (e) {
        const big = (e as { code?: string }).code === "ERR_BUFFER_TOO_LARGE";
        return this.finish(fail(EX.DATAERR, big ? `inflated message larger than the server takes (${this.limits.maxBody}, [server] max_request_size)` : "Compress: zlib body is not a valid zlib stream"));
      }
    }
    const { compress: _c, length: _l, ...rest } = req;
    this.finish(MORE);
    return { kind: "request", request: { ...rest, body } };
  }
}

const latin1 = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("latin1");
