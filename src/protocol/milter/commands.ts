// Milter commands (MTA → filter), decoded from one frame into a discriminated union.
// Grammar of the data after the command byte (Vierling, "COMMAND CODES",
// https://github.com/emersion/go-milter/blob/master/milter-protocol.txt; version 6 additions:
// https://github.com/emersion/go-milter/blob/master/milter-protocol-extras.txt; strings are
// NUL-terminated, integers big-endian):
//   'O' optneg  = uint32 version, uint32 actions, uint32 protocol   ; extra bytes ignored
//   'D' macro   = cmdcode *( name NUL value NUL )                    ; cmdcode: the command they precede
//   'C' connect = hostname NUL family [ uint16 port address NUL ]    ; family 'U' has no port/address
//                 family = '4' / '6' / 'L' (unix socket, port 0) / 'U' (unknown)
//   'H' helo    = name NUL
//   'M' mail    = 1*( arg NUL )   ; arg 1 is "<sender>" ("<>" = null sender), then ESMTP args
//   'R' rcpt    = 1*( arg NUL )   ; arg 1 is "<recipient>"
//   'L' header  = name NUL value NUL ; value keeps its leading space only with SMFIP_HDR_LEADSPC
//   'B' body    = *OCTET          ; no NUL, at most 65535 bytes
//   'E' eob     = *OCTET          ; libmilter treats data here as a last body chunk; Postfix sends none
//   'U' unknown = command NUL     ; the SMTP command line the MTA did not recognise
//   'T' data, 'N' eoh, 'A' abort, 'Q' quit, 'K' quit-new-connection: no data
// Header fields are decoded as latin1 so they re-encode to the exact bytes received; envelope
// strings as UTF-8 (SMTPUTF8). No sockets, no engine: the server feeds frames in.
import { isIP } from "../../dns/ip";
import { CMD, FAMILY } from "./constants";
import { MilterProtocolError } from "./error";
import type { Frame } from "./framing";

export type ConnectFamily = "inet" | "inet6" | "unix" | "unknown";

export type MilterCommand =
  | { kind: "optneg"; version: number; actions: number; protocol: number }
  | { kind: "macro"; /** The command letter the macros belong to ('C', 'H', 'M', ...). */ stage: string; macros: [name: string, value: string][] }
  | { kind: "connect"; hostname: string; family: ConnectFamily; port?: number; /** IP text (validated for inet/inet6) or socket path. */ address?: string }
  | { kind: "helo"; name: string }
  | { kind: "mail"; args: string[] }
  | { kind: "rcpt"; args: string[] }
  | { kind: "data" }
  | { kind: "header"; name: string; value: string }
  | { kind: "eoh" }
  | { kind: "body"; chunk: Uint8Array }
  | { kind: "eob"; chunk: Uint8Array }
  | { kind: "abort" }
  | { kind: "quit" }
  | { kind: "quitNc" }
  | { kind: "unknown"; command: string };

const utf8 = new TextDecoder("utf-8");
const latin1 = new TextDecoder("latin1");
const bad = (what: string) => new MilterProtocolError("malformed", what);

/** NUL-terminated strings filling `data` exactly (a trailing string without its NUL is malformed). */
function cstrings(data: Uint8Array, dec: TextDecoder, what: string): string[] | MilterProtocolError {
  const out: string[] = [];
  let i = 0;
  while (i < data.byteLength) {
    const nul = data.indexOf(0, i);
    if (nul < 0) return bad(`${what}: string without its terminating NUL`);
    out.push(dec.decode(data.subarray(i, nul)));
    i = nul + 1;
  }
  return out;
}

function cstring(data: Uint8Array, from: number, dec: TextDecoder, what: string): { text: string; next: number } | MilterProtocolError {
  const nul = data.indexOf(0, from);
  if (nul < 0) return bad(`${what}: string without its terminating NUL`);
  return { text: dec.decode(data.subarray(from, nul)), next: nul + 1 };
}

/** `{i}` and `i` are the same macro; sendmail writes long names in braces, some MTAs brace short ones too. */
export const macroName = (n: string) => (n.length === 3 && n[0] === "{" && n[2] === "}" ? n[1] : n);

function connect(data: Uint8Array): MilterCommand | MilterProtocolError {
  const host = cstring(data, 0, utf8, "SMFIC_CONNECT hostname");
  if (host instanceof MilterProtocolError) return host;
  if (host.next >= data.byteLength) return bad("SMFIC_CONNECT without a protocol family");
  const fam = data[host.next];
  if (fam === FAMILY.unknown) return { kind: "connect", hostname: host.text, family: "unknown" };
  const family: ConnectFamily | undefined = fam === FAMILY.inet ? "inet" : fam === FAMILY.inet6 ? "inet6" : fam === FAMILY.unix ? "unix" : undefined;
  if (!family) return bad(`SMFIC_CONNECT with unknown protocol family 0x${fam.toString(16)}`);
  if (host.next + 3 > data.byteLength) return bad("SMFIC_CONNECT without port and address");
  const port = (data[host.next + 1] << 8) | data[host.next + 2];
  const addr = cstring(data, host.next + 3, utf8, "SMFIC_CONNECT address");
  if (addr instanceof MilterProtocolError) return addr;
  let address = addr.text;
  if (family !== "unix") {
    // sendmail writes IPv6 clients as "IPv6:2001:db8::1" (its RFC 5321 address-literal form).
    if (/^ipv6:/i.test(address)) address = address.slice(5);
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
    if (mapped) address = mapped[1]; // an IPv4 client on a dual-stack socket is an IPv4 client
    if (!isIP(address)) return bad(`SMFIC_CONNECT address ${JSON.stringify(address.slice(0, 64))} is not an IP address`);
  }
  return { kind: "connect", hostname: host.text, family, port, address };
}

/** Decodes one frame; a protocol error for an unknown command or data that does not parse. */
export function decodeCommand(frame: Frame): MilterCommand | MilterProtocolError {
  const d = frame.data;
  switch (frame.code) {
    case CMD.optneg: {
      if (d.byteLength < 12) return bad(`SMFIC_OPTNEG with ${d.byteLength} data bytes, expected 12`);
      const v = new DataView(d.buffer, d.byteOffset, 12);
      return { kind: "optneg", version: v.getUint32(0), actions: v.getUint32(4), protocol: v.getUint32(8) };
    }
    case CMD.macro: {
      if (d.byteLength === 0) return bad("SMFIC_MACRO without its command code");
      const list = cstrings(d.subarray(1), utf8, "SMFIC_MACRO");
      if (list instanceof MilterProtocolError) return list;
      if (list.length % 2) return bad("SMFIC_MACRO with a name but no value");
      const macros: [string, string][] = [];
      for (let i = 0; i < list.length; i += 2) macros.push([macroName(list[i]), list[i + 1]]);
      return { kind: "macro", stage: String.fromCharCode(d[0]), macros };
    }
    case CMD.connect:
      return connect(d);
    case CMD.helo: {
      const s = cstring(d, 0, utf8, "SMFIC_HELO");
      return s instanceof MilterProtocolError ? s : { kind: "helo", name: s.text };
    }
    case CMD.mail:
    case CMD.rcpt: {
      const kind = frame.code === CMD.mail ? "mail" : "rcpt";
      const args = cstrings(d, utf8, `SMFIC_${kind.toUpperCase()}`);
      if (args instanceof MilterProtocolError) return args;
      if (!args.length) return bad(`SMFIC_${kind.toUpperCase()} without an address`);
      return { kind, args };
    }
    case CMD.header: {
      const name = cstring(d, 0, latin1, "SMFIC_HEADER name");
      if (name instanceof MilterProtocolError) return name;
      const value = cstring(d, name.next, latin1, "SMFIC_HEADER value");
      if (value instanceof MilterProtocolError) return value;
      if (!name.text) return bad("SMFIC_HEADER with an empty field name");
      return { kind: "header", name: name.text, value: value.text };
    }
    case CMD.body:
      return { kind: "body", chunk: d };
    case CMD.bodyEob:
      return { kind: "eob", chunk: d };
    case CMD.unknown: {
      const s = cstring(d, 0, utf8, "SMFIC_UNKNOWN");
      return s instanceof MilterProtocolError ? s : { kind: "unknown", command: s.text };
    }
    case CMD.data:
      return { kind: "data" };
    case CMD.eoh:
      return { kind: "eoh" };
    case CMD.abort:
      return { kind: "abort" };
    case CMD.quit:
      return { kind: "quit" };
    case CMD.quitNc:
      return { kind: "quitNc" };
    default:
      return new MilterProtocolError("unknown_command", `unknown milter command 0x${frame.code.toString(16).padStart(2, "0")}`);
  }
}
