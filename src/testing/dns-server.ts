// Test-only: a tiny authoritative DNS server on loopback (UDP + TCP, RFC 1035 §4.2) answering
// from a zone map (testing/zone-resolver.ts format; "TIMEOUT" entries are never answered).
// Used in-process by unit tests and as a separate process by e2e tests:
//   bun src/testing/dns-server.ts ZONES.json [--udp-max N]   → prints "PORT\n" when ready
//   bun src/testing/dns-server.ts --blackhole               → a UDP port that never answers
import { createSocket, type Socket } from "node:dgram";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import type { QType } from "../dns/types";
import { ipv6Bytes } from "../dns/ip";
import { decodeMessage, encodeName, RCODE, TYPE_CODE, u16, u32, WireError, type WireRR } from "../dns/wire";
import { createZoneResolver, type ZoneMap } from "./zone-resolver";

export interface DnsServerOptions {
  zones: ZoneMap;
  ttl?: number;
  negTtl?: number;
  /** UDP replies longer than this go out truncated (TC) so clients retry over TCP. */
  udpMax?: number;
  /** Never answer anything (the timeout case). */
  blackhole?: boolean;
}

export interface DnsServer {
  port: number;
  /** Queries received, by transport. */
  counts: { udp: number; tcp: number };
  stop(): Promise<void>;
}

const QTYPES = new Map<number, QType>([[1, "A"], [28, "AAAA"], [16, "TXT"], [15, "MX"], [12, "PTR"]]);

export async function startDnsServer(opts: DnsServerOptions, port = 0): Promise<DnsServer> {
  const zone = createZoneResolver(opts.zones, { ttl: opts.ttl, negTtl: opts.negTtl ?? 60 });
  const counts = { udp: 0, tcp: 0 };

  async function answer(packet: Uint8Array): Promise<Uint8Array | undefined> {
    if (opts.blackhole) return undefined;
    let q;
    try {
      q = decodeMessage(packet);
    } catch {
      return undefined;
    }
    const question = q.questions[0];
    if (!question) return undefined;
    const head = { id: q.id, name: question.name, type: question.type };
    const soa: WireRR[] = [{ name: question.name, record: { type: "SOA", ttl: opts.negTtl ?? 60, mname: "ns.test", minimum: opts.negTtl ?? 60 } }];
    const qtype = QTYPES.get(question.type);
    if (!qtype) return encodeReply(head, RCODE.NOERROR, [], soa);
    const a = await zone.query(question.name, qtype);
    switch (a.status) {
      case "ok":
        return encodeReply(head, RCODE.NOERROR, a.records.map((record) => ({ name: question.name, record })));
      case "nxdomain":
        return encodeReply(head, RCODE.NXDOMAIN, [], soa);
      case "nodata":
        return encodeReply(head, RCODE.NOERROR, [], soa);
      case "timeout":
        return undefined;
      default:
        return encodeReply(head, RCODE.SERVFAIL, []);
    }
  }

  const onUdp = (udp: Socket) => async (msg: Buffer, rinfo: { port: number; address: string }) => {
    counts.udp++;
    let reply = await answer(msg);
    if (!reply) return;
    if (reply.length > (opts.udpMax ?? 1232)) {
      const q = decodeMessage(msg);
      reply = encodeReply({ id: q.id, name: q.questions[0].name, type: q.questions[0].type }, RCODE.NOERROR, [], [], true);
    }
    udp.send(reply, rinfo.port, rinfo.address);
  };

  // TCP on the same port number: two-byte length prefix per message (RFC 1035 §4.2.2).
  const onTcp = (sock: import("node:net").Socket) => {
    let buf = Buffer.alloc(0);
    sock.on("error", () => sock.destroy());
    sock.on("data", async (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        const len = buf.readUInt16BE(0);
        const msg = buf.subarray(2, 2 + len);
        buf = buf.subarray(2 + len);
        counts.tcp++;
        const reply = await answer(msg);
        if (reply) sock.write(Buffer.concat([Buffer.from([reply.length >> 8, reply.length & 0xff]), reply]));
      }
    });
  };

  // UDP picks a free port; the same TCP port may be taken by someone else, then try another.
  let udp: Socket | undefined, tcp: Server | undefined, udpPort = 0;
  for (let attempt = 0; !tcp; attempt++) {
    const u = createSocket("udp4");
    u.on("message", onUdp(u));
    await new Promise<void>((r) => u.bind(port, "127.0.0.1", () => r()));
    udpPort = u.address().port;
    const t = createServer(onTcp);
    const ok = await new Promise<boolean>((r) => t.once("error", () => r(false)).listen(udpPort, "127.0.0.1", () => r(true)));
    if (ok) [udp, tcp] = [u, t];
    else {
      u.close();
      if (port !== 0 || attempt > 20) throw new Error(`dns-server: TCP port ${udpPort} is taken`);
    }
  }

  return {
    port: udpPort,
    counts,
    stop: () => new Promise<void>((r) => { udp!.close(); tcp!.close(() => r()); }),
  };
}

if (import.meta.main) {
  const args = process.argv.slice(2);
  const blackhole = args.includes("--blackhole");
  const udpMaxAt = args.indexOf("--udp-max");
  const file = args.find((a, i) => !a.startsWith("--") && (udpMaxAt < 0 || i !== udpMaxAt + 1));
  const zones: ZoneMap = file ? JSON.parse(readFileSync(file, "utf8")) : {};
  const s = await startDnsServer({ zones, blackhole, udpMax: udpMaxAt >= 0 ? Number(args[udpMaxAt + 1]) : undefined });
  process.stdout.write(`${s.port}\n`);
  process.on("SIGTERM", () => s.stop().then(() => process.exit(0)));
}

/** Encodes a reply: answers then authority, no compression (the resolver only decodes: this lives with the test server). */
export function encodeReply(q: { id: number; name: string; type: number }, rcode: number, answers: WireRR[], authority: WireRR[] = [], truncated = false): Uint8Array {
  const flags = 0x8000 | 0x0400 /* AA */ | 0x0100 /* RD echoed */ | 0x0080 /* RA */ | (truncated ? 0x0200 : 0) | rcode;
  const out = [...u16(q.id), ...u16(flags), ...u16(1), ...u16(answers.length), ...u16(authority.length), ...u16(0), ...encodeName(q.name), ...u16(q.type), ...u16(1)];
  for (const rr of [...answers, ...authority]) out.push(...encodeRR(rr));
  return Uint8Array.from(out);
}

function encodeRR({ name, record }: WireRR): number[] {
  let type: number, rd: number[];
  switch (record.type) {
    case "A":
      [type, rd] = [1, record.address.split(".").map(Number)];
      break;
    case "AAAA":
      [type, rd] = [28, [...ipv6Bytes(record.address)]];
      break;
    case "TXT":
      // A character-string holds at most 255 octets (RFC 1035 §3.3): longer text is split.
      [type, rd] = [16, record.strings.flatMap((s) => {
        const b = [...Buffer.from(s, "latin1")];
        const out: number[] = [];
        for (let i = 0; i === 0 || i < b.length; i += 255) out.push(Math.min(255, b.length - i), ...b.slice(i, i + 255));
        return out;
      })];
      break;
    case "MX":
      [type, rd] = [15, [...u16(record.preference), ...encodeName(record.exchange)]];
      break;
    case "PTR":
      [type, rd] = [12, encodeName(record.name)];
      break;
    case "CNAME":
      [type, rd] = [5, encodeName(record.target)];
      break;
    case "SOA":
      [type, rd] = [6, [...encodeName(record.mname), ...encodeName("hostmaster." + record.mname), ...u32(1), ...u32(3600), ...u32(600), ...u32(86400), ...u32(record.minimum)]];
      break;
    default:
      throw new WireError(`cannot encode record type ${record.type}`);
  }
  return [...encodeName(name), ...u16(type), ...u16(1), ...u32(record.ttl), ...u16(rd.length), ...rd];
}
