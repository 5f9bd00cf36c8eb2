// Milter replies (filter → MTA), each one packet. Grammar of the data after the reply byte
// (Vierling, "RESPONSE CODES", https://github.com/emersion/go-milter/blob/master/milter-protocol.txt;
// SMFIR_INSHEADER and SMFIR_SKIP: https://github.com/emersion/go-milter/blob/master/milter-protocol-extras.txt):
//   'O' optneg    = uint32 version, uint32 actions, uint32 protocol *( uint32 stage macro-list NUL )
//                   macro-list = names separated by SP (only with SMFIF_SETSYMLIST)
//   'h' addheader = name NUL value NUL                 ; appended after the last field
//   'i' insheader = uint32 index name NUL value NUL    ; index 0 = above the first field
//   'm' chgheader = uint32 index name NUL value NUL    ; index counts fields of this name from 1; empty value deletes
//   'y' replycode = code ( SP / "-" ) text NUL         ; "550 5.7.1 text"; '%' doubled (the MTA formats it printf-style)
//                   multi-line: lines joined by CRLF, "550-5.7.1 first" CRLF "550 5.7.1 last" (libmilter smfi_setmlreply)
//   'a' accept, 'c' continue, 'r' reject, 't' tempfail, 'd' discard, 'p' progress, 's' skip: no data
// Header values: line breaks inside a value are a bare LF followed by white space; the MTA adds
// the CR (libmilter smfi_addheader). Without SMFIP_HDR_LEADSPC the MTA also adds the space
// after the colon; with it, the value is used exactly as sent.
import { REPLY } from "./constants";
import { encodePacket } from "./framing";

const u32 = (n: number) => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n >>> 0);
  return b;
};
/** Strings we send are byte strings (latin1): header values we received go back unchanged. */
const cstr = (s: string): Uint8Array => Buffer.from(s.replace(/\0/g, "") + "\0", "latin1");

export const encodeContinue = () => encodePacket(REPLY.continue);
export const encodeAccept = () => encodePacket(REPLY.accept);
export const encodeReject = () => encodePacket(REPLY.reject);
export const encodeTempfail = () => encodePacket(REPLY.tempfail);
export const encodeDiscard = () => encodePacket(REPLY.discard);
export const encodeProgress = () => encodePacket(REPLY.progress);
export const encodeSkip = () => encodePacket(REPLY.skip);

export interface NegotiationReply {
  version: number;
  actions: number;
  protocol: number;
  /** Macro names wanted per stage (MACRO_STAGE numbers); sent only when non-empty. */
  macros?: ReadonlyArray<readonly [stage: number, names: readonly string[]]>;
}

export function encodeNegotiation(r: NegotiationReply): Uint8Array {
  const parts = [u32(r.version), u32(r.actions), u32(r.protocol)];
  for (const [stage, names] of r.macros ?? []) parts.push(u32(stage), cstr(names.join(" ")));
  return encodePacket(REPLY.optneg, ...parts);
}

/** Header values go out with LF line breaks (the MTA stores its own line ends). */
const lf = (v: string) => v.replace(/\r\n?/g, "\n");

export const encodeAddHeader = (name: string, value: string) => encodePacket(REPLY.addHeader, cstr(name), cstr(lf(value)));
export const encodeInsertHeader = (index: number, name: string, value: string) => encodePacket(REPLY.insHeader, u32(index), cstr(name), cstr(lf(value)));
/** `index` counts the fields named `name` from 1; an empty value deletes that field. */
export const encodeChangeHeader = (index: number, name: string, value: string) => encodePacket(REPLY.chgHeader, u32(index), cstr(name), cstr(lf(value)));

/** RFC 5321 §4.5.3.1.5: a reply line is at most 512 octets with its CRLF. */
const MAX_LINE = 510;
/** libmilter's smfi_setmlreply takes at most 32 lines. */
const MAX_LINES = 32;
const XCODE = /^([245])\.(\d{1,3})\.(\d{1,3})(?: |$)/;

/**
 * SMFIR_REPLYCODE for a reject or tempfail: `code` 4xx/5xx, `text` optionally starting with an
 * RFC 3463 enhanced code ("5.7.1 Message rejected"); lines of `text` become a multi-line reply.
 * Postfix refuses an enhanced code whose class differs from the reply's, so one is corrected
 * to the reply's class, and a missing one becomes x.7.1 (delivery not authorized).
 */
export function encodeReplyCode(code: number, text: string): Uint8Array {
  if (!Number.isInteger(code) || code < 400 || code > 599) throw new RangeError(`milter reply code ${code} is not 4xx or 5xx`);
  const klass = String(code)[0];
  let lines = text.split(/\r\n|\r|\n/);
  let xcode = `${klass}.7.1`;
  const m = XCODE.exec(lines[0]);
  if (m) xcode = `${klass}.${m[2]}.${m[3]}`;
  lines = lines.map((l) => (XCODE.exec(l) ? l.replace(XCODE, "") : l)).slice(0, MAX_LINES);
  const out = lines.map((l, i) => {
    const head = `${code}${i === lines.length - 1 ? " " : "-"}${xcode} `;
    // Replies are ASCII text: control and non-ASCII characters would be refused or mangled.
    // Cut before doubling '%', so the line the client sees is at most MAX_LINE long.
    const clean = l.replace(/[^\x20-\x7e]/g, "?").slice(0, MAX_LINE - head.length);
    return (head + clean).trimEnd().replace(/%/g, "%%");
  });
  return encodePacket(REPLY.replyCode, cstr(out.join("\r\n")));
}
