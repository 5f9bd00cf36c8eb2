import { afterAll, beforeAll, expect, test } from "bun:test";
import { SCHEMA } from "../config/schema";
import type { KasConfig } from "../config/schema";
import type { Resolver } from "../dns/types";
import { startDnsServer, type DnsServer } from "../testing/dns-server";
import { createZoneResolver } from "../testing/zone-resolver";
import { createSpfService } from "./spf-service";

const defaultsOf = (keys: object) => Object.fromEntries(Object.entries(keys).map(([k, v]) => [k, (v as { def: unknown }).def]));
const spfDefaults = defaultsOf(SCHEMA.spf.keys) as unknown as KasConfig["spf"];
const dnsDefaults = defaultsOf(SCHEMA.dns.keys) as unknown as KasConfig["dns"];
/** `timeout` is the SPF evaluation's; `resolver` the [dns] one. */
const cfg = (over: { timeout?: number; resolver?: string } = {}): Pick<KasConfig, "spf" | "dns"> => ({
  spf: { ...spfDefaults, receiver: "filter.test", ...(over.timeout !== undefined ? { timeout: over.timeout } : {}) },
  dns: { ...dnsDefaults, ...(over.resolver !== undefined ? { resolver: over.resolver } : {}) },
});

const zones = {
  "example.com": [{ TXT: "v=spf1 include:_spf.example.com -all exp=why.example.com" }],
  "_spf.example.com": [{ TXT: "v=spf1 ip4:192.0.2.0/24 ~all" }],
  "why.example.com": [{ TXT: "%{i} is not one of %{d}'s hosts" }],
  "mx.example.com": [{ TXT: "v=spf1 a -all" }, { A: "192.0.2.25" }],
};

test("answers with result, explanation, mechanism and a Received-SPF value", async () => {
  const svc = createSpfService(cfg(), { upstream: createZoneResolver(zones) });
  const fail = await svc.ask({ ip: "198.51.100.7", from: "joe@example.com", helo: "mx.example.com" });
  expect(fail).toMatchObject({ result: "fail", explanation: "198.51.100.7 is not one of example.com's hosts", mechanism: "-all", lookups: 1 });
  expect(fail.receivedSpf).toStartWith("fail (filter.test: domain of joe@example.com does not designate 198.51.100.7 as permitted sender)");
  expect(await svc.ask({ ip: "192.0.2.25", from: "", helo: "mx.example.com", identity: "helo" })).toMatchObject({ result: "pass", mechanism: "a" });
  expect(await svc.ask({ ip: "not-an-ip", from: "a@b.example" })).toMatchObject({ result: "none" });
  expect(svc.stats()).toMatchObject({ evaluations: 3, results: { fail: 1, pass: 1, none: 1 } });
});

test("a second identical query within the TTL is answered from the cache", async () => {
  const zr = createZoneResolver(zones, { ttl: 3600 });
  const svc = createSpfService(cfg(), { upstream: zr });
  const q = { ip: "192.0.2.9", from: "joe@example.com", helo: "mx.example.com" };
  expect((await svc.ask(q)).result).toBe("pass");
  const upstreamAfterFirst = zr.queries.length;
  expect((await svc.ask(q)).result).toBe("pass");
  expect(zr.queries.length).toBe(upstreamAfterFirst);
  expect(svc.stats()).toMatchObject({ cacheMisses: upstreamAfterFirst, cacheHits: upstreamAfterFirst, upstreamQueries: upstreamAfterFirst });
});

test("an evaluation past [spf] timeout is temperror naming the query left unanswered, and the service keeps answering", async () => {
  const hang: Resolver = { query: () => new Promise(() => {}) };
  const svc = createSpfService(cfg({ timeout: 0.1 }), { upstream: hang });
  const a = await svc.ask({ ip: "192.0.2.1", from: "joe@example.com", helo: "mx.example.com" });
  expect(a).toMatchObject({ result: "temperror", problem: "no answer from the DNS resolver for example.com TXT within 0.1 s" });
  expect(a.receivedSpf).toContain("identity=mailfrom");
  expect(svc.stats().deadlineExceeded).toBe(1);
});

// RFC 7208 §6.2: "if there are any DNS processing errors ... proceed as if no exp modifier was
// given". A hanging exp= lookup used to run into the evaluation's deadline: temperror (issue 12 item 9).
test("an exp= lookup that never answers leaves the fail standing, with the default explanation, well within the timeout", async () => {
  const zone = createZoneResolver({ ...zones, "why.example.com": ["TIMEOUT"] });
  const hangs: Resolver = { query: (name, type) => (name === "why.example.com" ? new Promise(() => {}) : zone.query(name, type)) };
  const svc = createSpfService(cfg({ timeout: 1 }), { upstream: hangs });
  const t = performance.now();
  const a = await svc.ask({ ip: "198.51.100.7", from: "joe@example.com", helo: "mx.example.com" });
  expect(a).toMatchObject({ result: "fail", mechanism: "-all", explanation: "example.com does not designate 198.51.100.7 as a permitted sender" });
  expect(performance.now() - t).toBeLessThan(900); // at most half the time left, never the whole timeout
  expect(svc.stats().deadlineExceeded).toBe(0);
});

test("a bad [dns] resolver is a config error naming the key", () => {
  expect(() => createSpfService(cfg({ resolver: "host:99999" }))).toThrow(/dns\.resolver/);
});

describe_real();
function describe_real() {
  let dns: DnsServer;
  beforeAll(async () => (dns = await startDnsServer({ zones, ttl: 300 })));
  afterAll(() => dns.stop());
  test("over real UDP: cached evaluations send nothing upstream (figures printed)", async () => {
    const svc = createSpfService(cfg({ resolver: `127.0.0.1:${dns.port}` }));
    const q = { ip: "198.51.100.7", from: "joe@example.com", helo: "mx.example.com" };
    let t = performance.now();
    expect((await svc.ask(q)).result).toBe("fail");
    const uncached = performance.now() - t;
    const udpAfterFirst = dns.counts.udp;
    t = performance.now();
    const N = 100;
    for (let i = 0; i < N; i++) expect((await svc.ask(q)).result).toBe("fail");
    const cached = (performance.now() - t) / N;
    expect(dns.counts.udp).toBe(udpAfterFirst);
    console.error(`spf-service figures: uncached ${uncached.toFixed(2)} ms (${udpAfterFirst} DNS queries), cached ${cached.toFixed(3)} ms per evaluation`);
  });
}
