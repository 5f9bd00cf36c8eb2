// DNS message codec (RFC 1035 §4, EDNS0 RFC 6891, AAAA RFC 3596). Only what a stub resolver
// needs: build one query, decode a reply (header, questions, answer and authority records,
// name compression). Records of types we do not use are kept as { type: number } so a reply
// with them still decodes. Used by client.ts and by the test DNS server (testing/dns-server.ts).
import { ipv6Text } from "./ip";
import type { DnsRecord, QType } from "./types";

export const TYPE_CODE: Record<QType | "CNAME" | "SOA" | "OPT" | "SPF", number> = { A: 1, CNAME: 5, SOA: 6, PTR: 12, MX: 15, TXT: 16, AAAA: 28, OPT: 41, SPF: 99 };
const CODE_TYPE = new Map(Object.entries(TYPE_CODE).map(([k, v]) => [v, k]));

export const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;

/** Largest UDP reply we advertise (EDNS0): the 2020 DNS flag day value that avoids fragmentation. */
export const EDNS_UDP_SIZE = 1232;

export type WireRecord =
  | DnsRecord
  | { type: "CNAME"; ttl: number; target: string }
  | { type: "SOA"; ttl: number; mname: string; minimum: number }
  | { type: number; ttl: number };

export interface WireRR {
  name: string;
  record: WireRecord;
}

export interface WireMessage {
  id: number;
  /** QR bit: true for replies. */
  response: boolean;
  /** TC bit: the UDP reply was cut; ask again over TCP (RFC 7766). */
  truncated: boolean;
  rcode: number;
  questions: { name: string; type: number }[];
  answers: WireRR[];
  authority: WireRR[];
}

export class WireError extends Error {}

/** Encodes a name as labels; throws on a label over 63 octets or a name over 255 (RFC 1035 §2.3.4). */
export function encodeName(name: string): number[] {
  const out: number[] = [];
  const trimmed = name.replace(/\.$/, "");
  if (trimmed !== "") {
    for (const label of trimmed.split(".")) {
      const bytes = [...Buffer.from(label, "latin1")];
      if (bytes.length === 0 || bytes.length > 63) throw new WireError(`bad label in ${JSON.stringify(name)}`);
      out.push(bytes.length, ...bytes);
    }
  }
  out.push(0);
  if (out.length > 255) throw new WireError(`name too long: ${name.length} characters`);
  return out;
}

export const u16 = (n: number) => [(n >> 8) & 0xff, n & 0xff];
export const u32 = (n: number) => [(n >>> 24) & 0xff, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];

/** A recursive query (RD) with an EDNS0 OPT record advertising EDNS_UDP_SIZE. */
export function encodeQuery(id: number, name: string, type: QType | number): Uint8Array {
  const code = typeof type === "number" ? type : TYPE_CODE[type];
  const opt = [0, ...u16(TYPE_CODE.OPT), ...u16(EDNS_UDP_SIZE), 0, 0, 0, 0, ...u16(0)];
  return Uint8Array.from([...u16(id), 0x01, 0x00, ...u16(1), ...u16(0), ...u16(0), ...u16(1), ...encodeName(name), ...u16(code), ...u16(1), ...opt]);
}

class Reader {
  pos = 0;
  constructor(readonly buf: Uint8Array) {}
  need(n: number) {
    if (this.pos + n > this.buf.length) throw new WireError("reply ends early");
  }
  u8() {
    this.need(1);
    return this.buf[this.pos++];
  }
  u16() {
    this.need(2);
    const v = (this.buf[this.pos] << 8) | this.buf[this.pos + 1];
    this.pos += 2;
    return v;
  }
  u32() {
    return this.u16() * 65536 + this.u16();
  }
  bytes(n: number) {
    this.need(n);
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }
  /** A possibly compressed name (RFC 1035 §4.1.4); pointer loops are cut by a hop limit. */
  name(): string {
    const labels: string[] = [];
    let pos = this.pos;
    let jumped = false;
    for (let hops = 0; ; hops++) {
      if (hops > 128) throw new WireError("name compression loop");
      if (pos >= this.buf.length) throw new WireError("reply ends early in a name");
      const len = this.buf[pos];
      if (len === 0) {
        if (!jumped) this.pos = pos + 1;
        break;
      }
      if ((len & 0xc0) === 0xc0) {
        if (pos + 1 >= this.buf.length) throw new WireError("reply ends early in a name");
        if (!jumped) this.pos = pos + 2;
        jumped = true;
        pos = ((len & 0x3f) << 8) | this.buf[pos + 1];
        continue;
      }
      if (len > 63) throw new WireError("bad label length");
      if (pos + 1 + len > this.buf.length) throw new WireError("reply ends early in a label");
      labels.push(Buffer.from(this.buf.subarray(pos + 1, pos + 1 + len)).toString("latin1"));
      pos += 1 + len;
    }
    return labels.join(".");
  }
}

function readRR(r: Reader): WireRR {
  const name = r.name();
  const type = r.u16();
  r.u16(); // class
  const raw = r.u32();
  const ttl = raw > 0x7fffffff ? 0 : raw; // RFC 2181 §8: a TTL with the top bit set means 0
  const rdlen = r.u16();
  r.need(rdlen);
  const end = r.pos + rdlen;
  const rd = r.buf.subarray(r.pos, end);
  let record: WireRecord;
  switch (CODE_TYPE.get(type)) {
    case "A":
      if (rdlen !== 4) throw new WireError("A record of wrong length");
      record = { type: "A", ttl, address: [...rd].join(".") };
      break;
    case "AAAA":
      if (rdlen !== 16) throw new WireError("AAAA record of wrong length");
      record = { type: "AAAA", ttl, address: ipv6Text(rd) };
      break;
    case "TXT": {
      const strings: string[] = [];
      for (let i = 0; i < rd.length; ) {
        const n = rd[i];
        if (i + 1 + n > rd.length) throw new WireError("TXT string runs past its record");
        strings.push(Buffer.from(rd.subarray(i + 1, i + 1 + n)).toString("latin1"));
        i += 1 + n;
      }
      record = { type: "TXT", ttl, strings };
      break;
    }
    case "MX": {
      const preference = r.u16();
      record = { type: "MX", ttl, preference, exchange: r.name() };
      break;
    }
    case "PTR":
      record = { type: "PTR", ttl, name: r.name() };
      break;
    case "CNAME":
      record = { type: "CNAME", ttl, target: r.name() };
      break;
    case "SOA": {
      const mname = r.name();
      r.name(); // rname
      r.bytes(16); // serial refresh retry expire
      record = { type: "SOA", ttl, mname, minimum: r.u32() };
      break;
    }
    default:
      record = { type, ttl };
  }
  r.pos = end;
  return { name, record };
}

export function decodeMessage(buf: Uint8Array): WireMessage {
  const r = new Reader(buf);
  const id = r.u16();
  const flags = r.u16();
  const [qd, an, ns, ar] = [r.u16(), r.u16(), r.u16(), r.u16()];
  const questions = [];
  for (let i = 0; i < qd; i++) {
    const name = r.name();
    const type = r.u16();
    r.u16();
    questions.push({ name, type });
  }
  const answers = [];
  for (let i = 0; i < an; i++) answers.push(readRR(r));
  const authority = [];
  for (let i = 0; i < ns; i++) authority.push(readRR(r));
  void ar; // additional section (OPT, glue): not needed by a stub resolver
  return { id, response: (flags & 0x8000) !== 0, truncated: (flags & 0x0200) !== 0, rcode: flags & 0x0f, questions, answers, authority };
}

