// The kas native protocol, version 1: the scan request. HTTP/1.1 (RFC 9112) carries it so
// it is debuggable with curl and keeps connections alive; the envelope travels in headers,
// the raw message is the body, byte for byte.
//
// Grammar (ABNF, RFC 5234; HTTP framing per RFC 9112):
//   scan-request = "POST /v1/scan HTTP/1.1" CRLF *( header CRLF ) CRLF message
//   header       =/ "X-KAS-Id:" SP token              ; optional, 1*128 of ALPHA DIGIT "._-"; server assigns one if absent
//                =/ "X-KAS-IP:" SP ip-address          ; optional, IPv4 dotted quad or IPv6 text
//                =/ "X-KAS-Helo:" SP value             ; optional
//                =/ "X-KAS-From:" SP value             ; optional; "" or "<>" = null reverse-path (bounce)
//                =/ "X-KAS-Rcpt:" SP value *( "," value ) ; repeatable; order kept
//                =/ "X-KAS-Queue-Id:" SP value         ; optional, the MTA's queue id (for logs)
//   value        = *( VCHAR-except-"%"-and-"," / SP / pct-encoded )
//   pct-encoded  = "%" 2HEXDIG                         ; UTF-8 bytes; MUST encode "%", ",", CTLs and non-ASCII
//   message      = *OCTET                              ; RFC 5322 message as received (Content-Length or chunked)
// Pure decode/encode: no sockets, no engine.
import { isIP } from "../../dns/ip";
import type { Envelope, ScanRequest } from "../../model";

export const SCAN_PATH = "/v1/scan";
export const PING_PATH = "/v1/ping";
export const STATUS_PATH = "/v1/status";

export const H = {
  id: "X-KAS-Id",
  ip: "X-KAS-IP",
  helo: "X-KAS-Helo",
  from: "X-KAS-From",
  rcpt: "X-KAS-Rcpt",
  queueId: "X-KAS-Queue-Id",
} as const;

const ID_RE = /^[A-Za-z0-9._-]{1,128}$/;
/** Longest envelope field we accept: an SMTP path is at most 256 octets (RFC 5321 §4.5.3.1.3), pct-encoding triples it. */
const MAX_FIELD = 1024;
/** RFC 5321 §4.5.3.1.8 requires servers to accept 100 recipients; allow far more, but not unbounded. */
export const MAX_RCPTS = 10_000;

export interface HeaderSource {
  get(name: string): string | null;
}

export type Decoded<T> = { ok: true; value: T } | { ok: false; reason: string };

/** Percent-encodes what may not appear raw in a header value of this protocol. */
export function encodeValue(s: string): string {
  let out = "";
  for (const b of new TextEncoder().encode(s)) {
    out += b < 0x20 || b > 0x7e || b === 0x25 || b === 0x2c ? "%" + b.toString(16).toUpperCase().padStart(2, "0") : String.fromCharCode(b);
  }
  return out;
}

export function decodeValue(s: string): string | undefined {
  if (!s.includes("%")) return s;
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    if (s[i] === "%") {
      const hex = s.slice(i + 1, i + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) return undefined;
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else bytes.push(s.charCodeAt(i) & 0xff);
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(new Uint8Array(bytes));
  } catch {
    return undefined;
  }
}

/** Header → envelope. `fallbackId` is used when the client sent no X-KAS-Id. */
export function decodeScanHeaders(h: HeaderSource, fallbackId: string): Decoded<{ id: string; envelope: Envelope }> {
  const field = (name: string): Decoded<string | undefined> => {
    const v = h.get(name);
    if (v === null) return { ok: true, value: undefined };
    if (v.length > MAX_FIELD * MAX_RCPTS) return { ok: false, reason: `${name} is too long` };
    const d = decodeValue(v.trim());
    return d === undefined ? { ok: false, reason: `${name}: bad percent-encoding (UTF-8 bytes as %XX)` } : { ok: true, value: d };
  };
  const rawId = h.get(H.id);
  if (rawId !== null && !ID_RE.test(rawId.trim())) return { ok: false, reason: `${H.id} must be 1-128 characters of A-Z a-z 0-9 . _ -` };
  const id = rawId?.trim() || fallbackId;
  const envelope: Envelope = { rcpt: [] };
  const ip = h.get(H.ip)?.trim();
  if (ip) {
    if (!isIP(ip)) return { ok: false, reason: `${H.ip} must be an IPv4 or IPv6 address, got ${JSON.stringify(ip.slice(0, 64))}` };
    envelope.ip = ip;
  }
  for (const [key, name] of [["helo", H.helo], ["from", H.from], ["queueId", H.queueId]] as const) {
    const f = field(name);
    if (!f.ok) return f;
    if (f.value === undefined) continue;
    if (f.value.length > MAX_FIELD) return { ok: false, reason: `${name} is longer than ${MAX_FIELD} characters` };
    envelope[key] = key === "from" && f.value === "<>" ? "" : f.value;
  }
  // Repeated fields arrive joined with ", " (RFC 9110 §5.3), which is why "," is encoded inside values.
  const rcptRaw = h.get(H.rcpt);
  if (rcptRaw !== null) {
    for (const part of rcptRaw.split(",")) {
      const p = part.trim();
      if (!p) continue;
      const d = decodeValue(p);
      if (d === undefined) return { ok: false, reason: `${H.rcpt}: bad percent-encoding (UTF-8 bytes as %XX)` };
      if (d.length > MAX_FIELD) return { ok: false, reason: `${H.rcpt} entry is longer than ${MAX_FIELD} characters` };
      envelope.rcpt.push(d);
      if (envelope.rcpt.length > MAX_RCPTS) return { ok: false, reason: `more than ${MAX_RCPTS} recipients` };
    }
  }
  return { ok: true, value: { id, envelope } };
}

/** Envelope → request headers (the client side). An id the server would refuse is left out (the server assigns one). */
export function encodeScanHeaders(req: Omit<ScanRequest, "raw">): Record<string, string> {
  const out: Record<string, string> = {};
  if (req.id && ID_RE.test(req.id)) out[H.id] = req.id;
  const e = req.envelope;
  if (e.ip) out[H.ip] = e.ip;
  if (e.helo !== undefined) out[H.helo] = encodeValue(e.helo);
  if (e.from !== undefined) out[H.from] = e.from === "" ? "<>" : encodeValue(e.from);
  if (e.rcpt.length) out[H.rcpt] = e.rcpt.map(encodeValue).join(",");
  if (e.queueId !== undefined) out[H.queueId] = encodeValue(e.queueId);
  return out;
}
