// The wire client against a real DNS server on loopback (testing/dns-server.ts, in-process).
import { afterAll, beforeAll, expect, test } from "bun:test";
import { startDnsServer, type DnsServer } from "../testing/dns-server";
import { createWireResolver, parseServerAddress, systemNameserver } from "./client";

let server: DnsServer, hole: DnsServer;
const zones = {
  "example.test": [{ TXT: "v=spf1 -all" }, { A: "192.0.2.1" }, { MX: [10, "mx.example.test"] }, { AAAA: "2001:db8::1" }],
  "big.example.test": Array.from({ length: 20 }, (_, i) => ({ TXT: `record number ${i} `.padEnd(60, "x") })),
  "1.2.0.192.in-addr.arpa": [{ PTR: "host.example.test" }],
  "slow.example.test": ["TIMEOUT"],
};
beforeAll(async () => {
  server = await startDnsServer({ zones, ttl: 123, negTtl: 45 });
  hole = await startDnsServer({ zones: {}, blackhole: true });
});
afterAll(async () => {
  await server.stop();
  await hole.stop();
});
const client = (port: number, timeoutMs = 2000) => createWireResolver({ server: { host: "127.0.0.1", port }, timeoutMs });

test.each([
  ["TXT", { type: "TXT", ttl: 123, strings: ["v=spf1 -all"] }],
  ["A", { type: "A", ttl: 123, address: "192.0.2.1" }],
  ["AAAA", { type: "AAAA", ttl: 123, address: "2001:db8::1" }],
  ["MX", { type: "MX", ttl: 123, preference: 10, exchange: "mx.example.test" }],
] as const)("%s over UDP", async (type, rec) => {
  expect(await client(server.port).query("Example.TEST.", type)).toEqual({ status: "ok", records: [rec] });
});

test("PTR, NXDOMAIN and NODATA carry the SOA negative TTL", async () => {
  const c = client(server.port);
  expect(await c.query("1.2.0.192.in-addr.arpa", "PTR")).toEqual({ status: "ok", records: [{ type: "PTR", ttl: 123, name: "host.example.test" }] });
  expect(await c.query("nope.example.test", "A")).toEqual({ status: "nxdomain", negTtl: 45 });
  expect(await c.query("1.2.0.192.in-addr.arpa", "A")).toEqual({ status: "nodata", negTtl: 45 });
});

test("a truncated UDP reply is retried over TCP", async () => {
  const small = await startDnsServer({ zones, udpMax: 200 });
  try {
    const a = await client(small.port).query("big.example.test", "TXT");
    expect(a.status === "ok" && a.records.length).toBe(20);
    expect(small.counts).toEqual({ udp: 1, tcp: 1 });
  } finally {
    await small.stop();
  }
});

test("no answer within the timeout is a timeout value, not a throw", async () => {
  expect((await client(hole.port, 300).query("example.test", "A")).status).toBe("timeout");
  expect((await client(server.port, 300).query("slow.example.test", "TXT")).status).toBe("timeout");
});

// Issue 12 item 11: a port with nothing listening used to cost the whole timeout.
test("a port with nothing listening is an error at once, saying connection refused by HOST:PORT", async () => {
  const closed = await startDnsServer({ zones: {} });
  const port = closed.port;
  await closed.stop();
  const t = performance.now();
  const a = await client(port, 5000).query("example.test", "A");
  expect(a).toEqual({ status: "error", message: `connection refused by 127.0.0.1:${port} (no DNS server listening there?)` });
  expect(performance.now() - t).toBeLessThan(1000);
});

test("a name that cannot be encoded is an error value", async () => {
  expect((await client(server.port).query("a..b", "A")).status).toBe("error");
});

test.each([
  ["127.0.0.1:5353", { host: "127.0.0.1", port: 5353 }],
  ["10.0.0.1", { host: "10.0.0.1", port: 53 }],
  ["localhost", { host: "localhost", port: 53 }],
  ["[::1]:53", { host: "::1", port: 53 }],
  ["::1", { host: "::1", port: 53 }],
  ["1.2.3.4:0", undefined],
  ["1.2.3.4:x", undefined],
])("parseServerAddress(%s)", (s, want) => {
  expect(parseServerAddress(s)).toEqual(want as never);
});

test("systemNameserver reads the first nameserver line", () => {
  expect(systemNameserver("# c\nsearch x\nnameserver 10.1.1.1\nnameserver 10.2.2.2\n")).toEqual({ host: "10.1.1.1", port: 53 });
  expect(systemNameserver("")).toEqual({ host: "127.0.0.1", port: 53 });
});
