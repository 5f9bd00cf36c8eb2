// The real stub resolver: one query over UDP to one recursive server, retried over TCP when the
// reply is truncated (RFC 1035 §4.2.1, RFC 7766 §5). Each query uses its own socket (random
// source port) and a random id, and the reply must echo the question (RFC 5452 §9.1) before it
// is believed. Outcomes are values: a timeout is { status: "timeout" }, never a throw.
import { createSocket } from "node:dgram";
import { readFileSync } from "node:fs";
import { connect } from "node:net";
import { parseHostPort } from "../protocol/address";
import { isIPv6 } from "./ip";
import type { DnsAnswer, DnsRecord, QType, Resolver } from "./types";
import { decodeMessage, encodeQuery, RCODE, TYPE_CODE, WireError, type WireMessage } from "./wire";

export interface ServerAddress {
  host: string;
  port: number;
}

export interface WireClientOptions {
  server: ServerAddress;
  /** Milliseconds for one query (UDP and any TCP retry together). */
  timeoutMs: number;
}

/** "HOST:PORT", "HOST", "[v6]:PORT" or a bare IPv6 address; port defaults to 53. */
export function parseServerAddress(text: string): ServerAddress | undefined {
  return parseHostPort(text, 53);
}

/** The first `nameserver` line of resolv.conf (glibc reads them in order); 127.0.0.1 when none. */
export function systemNameserver(text?: string): ServerAddress {
  let conf = text;
  if (conf === undefined) {
    try {
      conf = readFileSync("/etc/resolv.conf", "utf8");
    } catch {
      conf = "";
    }
  }
  const m = conf.match(/^\s*nameserver\s+(\S+)/m);
  const host = m ? m[1].replace(/%.*$/, "") : "127.0.0.1"; // drop an IPv6 zone id
  return { host, port: 53 };
}

export function createWireResolver(opts: WireClientOptions): Resolver {
  return { query: (name, type) => wireQuery(opts, name, type) };
}

async function wireQuery(opts: WireClientOptions, name: string, type: QType): Promise<DnsAnswer> {
  const id = (Math.random() * 0x10000) | 0;
  let packet: Uint8Array;
  try {
    packet = encodeQuery(id, name, type);
  } catch (e) {
    return { status: "error", message: (e as Error).message };
  }
  const deadline = performance.now() + opts.timeoutMs;
  try {
    let reply = await udpExchange(opts.server, packet, id, name, type, opts.timeoutMs);
    if (reply === undefined) return { status: "timeout", message: `no reply from ${opts.server.host}:${opts.server.port} in ${opts.timeoutMs} ms` };
    if (reply.truncated) {
      const left = deadline - performance.now();
      reply = left > 0 ? await tcpExchange(opts.server, packet, id, name, type, left) : undefined;
      if (reply === undefined) return { status: "timeout", message: `truncated UDP reply and no TCP reply from ${opts.server.host}:${opts.server.port}` };
    }
    return toAnswer(reply, name, type);
  } catch (e) {
    return { status: "error", message: socketProblem(e as NodeJS.ErrnoException, opts.server) };
  }
}

/** A socket error as an administrator wants to read it: which server, and what that means. */
export function socketProblem(e: NodeJS.ErrnoException, server: ServerAddress): string {
  const where = server.host.includes(":") ? `[${server.host}]:${server.port}` : `${server.host}:${server.port}`;
  switch (e.code) {
    case "ECONNREFUSED":
      return `connection refused by ${where} (no DNS server listening there?)`;
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return `cannot resolve the DNS server's name ${JSON.stringify(server.host)} (${e.code})`;
    case "ENETUNREACH":
    case "EHOSTUNREACH":
      return `${where} is unreachable (${e.code})`;
  }
  return `${where}: ${e.message}`;
}

/** Reduces a decoded reply to the caller's view: records of the asked type, or a negative outcome. */
export function toAnswer(m: WireMessage, name: string, type: QType): DnsAnswer {
  const soa = m.authority.find((rr) => rr.record.type === "SOA")?.record as { ttl: number; minimum: number } | undefined;
  const negTtl = soa ? Math.min(soa.ttl, soa.minimum) : undefined; // RFC 2308 §5
  if (m.rcode === RCODE.NXDOMAIN) return { status: "nxdomain", negTtl };
  if (m.rcode === RCODE.SERVFAIL) return { status: "servfail", message: `SERVFAIL for ${name} ${type}` };
  if (m.rcode !== RCODE.NOERROR) return { status: "error", message: `rcode ${m.rcode} for ${name} ${type}` };
  // The recursive server followed any CNAME chain; keep the records of the asked type.
  const records = m.answers.map((rr) => rr.record).filter((r): r is DnsRecord => r.type === type);
  return records.length ? { status: "ok", records } : { status: "nodata", negTtl };
}

const matches = (m: WireMessage, id: number, name: string, type: QType) =>
  m.response && m.id === id && m.questions.length === 1 && m.questions[0].type === TYPE_CODE[type] &&
  m.questions[0].name.toLowerCase() === name.replace(/\.$/, "").toLowerCase();

function udpExchange(server: ServerAddress, packet: Uint8Array, id: number, name: string, type: QType, timeoutMs: number): Promise<WireMessage | undefined> {
  return new Promise((resolve, reject) => {
    const sock = createSocket(isIPv6(server.host) ? "udp6" : "udp4");
    let finished = false;
    const done = (v: WireMessage | undefined, err?: Error) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      sock.close();
      err ? reject(err) : resolve(v);
    };
    const timer = setTimeout(() => done(undefined), timeoutMs);
    // A connected socket (as glibc's stub resolver uses) hears the ICMP "port unreachable" of
    // a server with nothing listening as ECONNREFUSED at once, instead of waiting the timeout;
    // it also takes replies from that server only.
    sock.on("error", (e) => done(undefined, e));
    sock.on("message", (buf) => {
      let m: WireMessage;
      try {
        m = decodeMessage(buf);
      } catch (e) {
        if (e instanceof WireError) return; // garbage or a spoof attempt: keep waiting for the real reply
        throw e;
      }
      if (matches(m, id, name, type)) done(m);
    });
    sock.connect(server.port, server.host, () => finished || sock.send(packet, (e) => e && done(undefined, e)));
  });
}

function tcpExchange(server: ServerAddress, packet: Uint8Array, id: number, name: string, type: QType, timeoutMs: number): Promise<WireMessage | undefined> {
  return new Promise((resolve, reject) => {
    const sock = connect({ host: server.host, port: server.port });
    let buf = Buffer.alloc(0);
    const done = (v: WireMessage | undefined, err?: Error) => {
      clearTimeout(timer);
      sock.destroy();
      err ? reject(err) : resolve(v);
    };
    const timer = setTimeout(() => done(undefined), timeoutMs);
    sock.on("error", (e) => done(undefined, e));
    sock.on("connect", () => sock.write(Buffer.concat([Buffer.from([packet.length >> 8, packet.length & 0xff]), packet])));
    sock.on("data", (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      if (buf.length < 2) return;
      const len = buf.readUInt16BE(0);
      if (buf.length < 2 + len) return;
      try {
        const m = decodeMessage(buf.subarray(2, 2 + len));
        if (matches(m, id, name, type)) done(m);
        else done(undefined, new Error("TCP reply does not match the query"));
      } catch (e) {
        done(undefined, e as Error);
      }
    });
    sock.on("end", () => done(undefined, new Error("TCP connection closed before a reply")));
  });
}
