// Rspamd's HTTP protocol, the request side (https://docs.rspamd.com/developers/protocol): the
// endpoint a request names, and the envelope it carries in extra HTTP headers. The HTTP/1.x
// framing is http.ts's; the body is the message, byte for byte.
//
// Endpoints (method path → what kas does; the door scans a GET with a body as a POST, as
// Rspamd's proxy sends it):
//   POST /checkv2                      scan; reply.ts encodeV2
//   POST /check, POST /symbols         scan; the older reply shape (reply.ts encodeV1)
//   GET|HEAD /ping                     "pong"
//   POST /learnspam, POST /learnham    learn (the controller's endpoints; the door checks the
//                                      learn permission, not this codec)
// Headers honoured (names case-insensitive, values trimmed; UTF-8 bytes are read as UTF-8):
//   IP          client address (IPv4, IPv6, optionally in brackets, optionally with the client's
//               port as Rspamd's proxy sends it); anything else is refused
//   Helo        HELO/EHLO name
//   From        MAIL FROM: "<a@b>", "a@b" or "Name <a@b>"; "" and "<>" are the null sender
//   Rcpt        RCPT TO, repeatable (HTTP joins repeats with ","; commas inside quotes or <>
//               stay part of the address)
//   Deliver-To  the delivery recipient: used as the only recipient when no Rcpt is given
//               (policies are chosen by recipient)
//   Queue-Id    the MTA's queue id, for kas's scan log line
// Headers read and reported but without effect (kas has no counterpart):
//   User (SMTP AUTH name: kas chooses policies by recipient), Hostname (kas does its own
//   lookups), Pass: all or Flags: pass_all (kas always runs every check), Settings-ID (Rspamd
//   settings profiles). Other Flags (body_block, zstd, …) are ignored: the reply never carries
//   a rewritten body and is never compressed.
// Pure decode: no sockets, no engine.
import { isIP } from "../../dns/ip";
import type { Envelope } from "../../model";
import type { Decoded, HeaderSource } from "../kas/request";

export type LearnClass = "spam" | "ham";

export type RspamdRoute =
  | { kind: "scan"; shape: "v2" | "v1" }
  | { kind: "ping" }
  | { kind: "learn"; op: LearnClass }
  | { kind: "refused"; status: 404 | 405; message: string };

const SCAN_PATHS: Record<string, "v2" | "v1"> = { "/checkv2": "v2", "/check": "v1", "/symbols": "v1" };
const LEARN_PATHS: Record<string, LearnClass> = { "/learnspam": "spam", "/learnham": "ham" };
const SERVED = "POST /checkv2, /check, /symbols, /learnspam, /learnham and GET /ping";

/** The endpoint of `method` + `pathname` (the path without its query string). */
export function routeOf(method: string, pathname: string): RspamdRoute {
  const path = pathname.toLowerCase();
  const shown = JSON.stringify(pathname.slice(0, 100));
  if (path === "/ping") return method === "GET" || method === "HEAD" ? { kind: "ping" } : { kind: "refused", status: 405, message: "use GET /ping" };
  const shape = Object.hasOwn(SCAN_PATHS, path) ? SCAN_PATHS[path] : undefined;
  const op = Object.hasOwn(LEARN_PATHS, path) ? LEARN_PATHS[path] : undefined;
  if (shape === undefined && op === undefined) return { kind: "refused", status: 404, message: `no such endpoint ${shown}; kas answers ${SERVED}` };
  // Rspamd also scans a local file named in a GET query (?file=); kas reads only bodies.
  if (method !== "POST") return { kind: "refused", status: 405, message: `use POST ${path} with the message as body` };
  return shape ? { kind: "scan", shape } : { kind: "learn", op: op! };
}

export const H = {
  ip: "IP",
  helo: "Helo",
  from: "From",
  rcpt: "Rcpt",
  deliverTo: "Deliver-To",
  queueId: "Queue-Id",
  user: "User",
  hostname: "Hostname",
  pass: "Pass",
  settingsId: "Settings-ID",
  password: "Password",
} as const;

export interface RspamdHead {
  envelope: Envelope;
  /** Read and checked like the rest, but kas has no counterpart for them: they change nothing. */
  ignored: { user?: string; hostname?: string; passAll: boolean; settingsId?: string };
}

/** An SMTP path is at most 256 octets (RFC 5321 §4.5.3.1.3); a little room for display names. */
const MAX_FIELD = 1024;
/** RFC 5321 §4.5.3.1.8 asks for 100; more is allowed, but not without bound. */
export const MAX_RCPTS = 10_000;

/** Header values are byte strings (one char per byte): UTF-8 bytes (SMTPUTF8) become text again. */
function text(v: string): string {
  if (!/[\x80-\xff]/.test(v)) return v;
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(Buffer.from(v, "latin1"));
  } catch {
    return v;
  }
}

/** "<a@b>", "a@b", "Name <a@b>" → "a@b"; "<>" → "" (the null reverse-path). */
export function bareAddress(v: string): string {
  const t = v.trim();
  const open = t.lastIndexOf("<");
  if (open >= 0) {
    const close = t.indexOf(">", open);
    return t.slice(open + 1, close < 0 ? undefined : close).trim();
  }
  return t;
}

/** Splits a joined header value at commas outside double quotes and angle brackets. */
export function splitList(v: string): string[] {
  const out: string[] = [];
  let cur = "";
  let quoted = false;
  let angle = 0;
  for (let i = 0; i < v.length; i++) {
    const c = v[i];
    if (quoted && c === "\\" && i + 1 < v.length) {
      cur += c + v[++i];
      continue;
    }
    if (c === '"') quoted = !quoted;
    else if (!quoted && c === "<") angle++;
    else if (!quoted && c === ">" && angle > 0) angle--;
    else if (!quoted && angle === 0 && c === ",") {
      out.push(cur);
      cur = "";
      continue;
    }
    cur += c;
  }
  out.push(cur);
  return out.map((s) => s.trim()).filter((s) => s !== "");
}

const controls = /[\x00-\x08\x0a-\x1f\x7f]/;

export function decodeRspamdHeaders(h: HeaderSource): Decoded<RspamdHead> {
  const field = (name: string): Decoded<string | undefined> => {
    const raw = h.get(name);
    if (raw === null) return { ok: true, value: undefined };
    const v = text(raw.trim());
    if (v.length > MAX_FIELD) return { ok: false, reason: `${name} is longer than ${MAX_FIELD} characters` };
    if (controls.test(v)) return { ok: false, reason: `${name} contains control characters` };
    return { ok: true, value: v };
  };
  const envelope: Envelope = { rcpt: [] };
  const ignored: RspamdHead["ignored"] = { passAll: false };

  const ip = field(H.ip);
  if (!ip.ok) return ip;
  if (ip.value) {
    // Rspamd's proxy writes the address with the client's port: "192.0.2.7:25", "[2001:db8::1]:25".
    const bare = ip.value.replace(/^\[(.*)\](?::\d{1,5})?$/, "$1").replace(/^(\d{1,3}(?:\.\d{1,3}){3}):\d{1,5}$/, "$1").replace(/^ipv6:/i, "");
    if (!isIP(bare)) return { ok: false, reason: `${H.ip} must be an IPv4 or IPv6 address, got ${JSON.stringify(ip.value.slice(0, 64))}` };
    envelope.ip = bare;
  }
  for (const [key, name] of [["helo", H.helo], ["queueId", H.queueId]] as const) {
    const f = field(name);
    if (!f.ok) return f;
    if (f.value) envelope[key] = f.value;
  }
  const from = field(H.from);
  if (!from.ok) return from;
  if (from.value !== undefined) envelope.from = bareAddress(from.value);

  const rcptRaw = h.get(H.rcpt);
  if (rcptRaw !== null) {
    if (rcptRaw.length > MAX_FIELD * MAX_RCPTS) return { ok: false, reason: `${H.rcpt} is too long` };
    for (const part of splitList(text(rcptRaw))) {
      if (part.length > MAX_FIELD) return { ok: false, reason: `a ${H.rcpt} is longer than ${MAX_FIELD} characters` };
      if (controls.test(part)) return { ok: false, reason: `${H.rcpt} contains control characters` };
      const a = bareAddress(part);
      if (a) envelope.rcpt.push(a);
      if (envelope.rcpt.length > MAX_RCPTS) return { ok: false, reason: `more than ${MAX_RCPTS} recipients` };
    }
  }
  const deliverTo = field(H.deliverTo);
  if (!deliverTo.ok) return deliverTo;
  if (deliverTo.value && !envelope.rcpt.length) {
    const a = bareAddress(deliverTo.value);
    if (a) envelope.rcpt.push(a);
  }

  for (const [key, name] of [["user", H.user], ["hostname", H.hostname], ["settingsId", H.settingsId]] as const) {
    const f = field(name);
    if (!f.ok) return f;
    if (f.value) ignored[key] = f.value;
  }
  // rspamc -p sends "Flags: pass_all" rather than "Pass: all".
  ignored.passAll = h.get(H.pass)?.trim().toLowerCase() === "all" || /(^|,)\s*pass_all\s*(,|$)/i.test(h.get("Flags") ?? "");
  return { ok: true, value: { envelope, ignored } };
}

/** Rspamd's controller takes its password in a header or, as a fallback, in the query string. */
export function passwordOf(h: HeaderSource, query: URLSearchParams): string | undefined {
  return h.get(H.password) ?? query.get("password") ?? undefined;
}
