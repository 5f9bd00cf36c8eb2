import { expect, test } from "bun:test";
import { createCachingResolver } from "./cache";
import type { DnsAnswer, QType, Resolver } from "./types";

function fake(answers: Record<string, DnsAnswer>) {
  const calls: string[] = [];
  const gates: (() => void)[] = [];
  let gated = false;
  const r: Resolver & { calls: string[]; gate(): void; open(): void; running: number; peak: number } = {
    calls, running: 0, peak: 0,
    gate: () => { gated = true; },
    open: () => { gated = false; gates.splice(0).forEach((g) => g()); },
    async query(name: string, type: QType) {
      calls.push(`${name}|${type}`);
      r.running++;
      r.peak = Math.max(r.peak, r.running);
      if (gated) await new Promise<void>((g) => gates.push(g));
      r.running--;
      return answers[`${name}|${type}`] ?? { status: "nxdomain" };
    },
  };
  return r;
}

const ok = (ttl: number): DnsAnswer => ({ status: "ok", records: [{ type: "A", ttl, address: "192.0.2.1" }] });

test("positive answers live for their TTL, then are asked again", async () => {
  let now = 0;
  const up = fake({ "a.test|A": ok(60) });
  const c = createCachingResolver(up, { maxEntries: 10, maxConcurrent: 4, now: () => now });
  await c.query("a.test", "A");
  now = 59_000;
  await c.query("A.test.", "A"); // names are case-insensitive, a trailing dot is the same name
  expect(up.calls.length).toBe(1);
  now = 60_001;
  await c.query("a.test", "A");
  expect(up.calls.length).toBe(2);
  expect(c.stats()).toMatchObject({ queries: 3, cacheHits: 1, cacheMisses: 2, upstreamQueries: 2 });
});

test("negative answers use the SOA TTL (RFC 2308), a default without SOA, capped", async () => {
  let now = 0;
  const up = fake({ "soa.test|TXT": { status: "nodata", negTtl: 30 }, "big.test|TXT": { status: "nxdomain", negTtl: 99999 } });
  const c = createCachingResolver(up, { maxEntries: 10, maxConcurrent: 4, negDefaultSec: 10, negMaxSec: 100, now: () => now });
  for (const n of ["soa.test", "none.test", "big.test"]) await c.query(n, "TXT");
  now = 9_999;
  for (const n of ["soa.test", "none.test", "big.test"]) await c.query(n, "TXT");
  expect(up.calls.length).toBe(3);
  now = 10_001; // none.test (default 10 s) expired
  for (const n of ["soa.test", "none.test", "big.test"]) await c.query(n, "TXT");
  expect(up.calls).toEqual(["soa.test|TXT", "none.test|TXT", "big.test|TXT", "none.test|TXT"]);
  now = 100_001; // big.test capped at 100 s
  await c.query("big.test", "TXT");
  expect(up.calls.length).toBe(5);
});

test("resolution failures are remembered for failSec (RFC 9520), then asked again", async () => {
  let now = 0;
  const up = fake({ "x.test|A": { status: "timeout" } });
  const c = createCachingResolver(up, { maxEntries: 10, maxConcurrent: 4, failSec: 5, now: () => now });
  await c.query("x.test", "A");
  now = 4_999;
  expect((await c.query("x.test", "A")).status).toBe("timeout");
  expect(up.calls.length).toBe(1);
  now = 5_001;
  await c.query("x.test", "A");
  expect(up.calls.length).toBe(2);
  const off = createCachingResolver(up, { maxEntries: 10, maxConcurrent: 4, failSec: 0 });
  await off.query("x.test", "A");
  await off.query("x.test", "A");
  expect(up.calls.length).toBe(4);
});

test("identical queries in flight share one upstream query; concurrency is bounded", async () => {
  const up = fake({});
  up.gate();
  const c = createCachingResolver(up, { maxEntries: 100, maxConcurrent: 2 });
  const ps = [c.query("same.test", "A"), c.query("same.test", "A"), ...["a", "b", "c", "d"].map((n) => c.query(`${n}.test`, "A"))];
  await Bun.sleep(5);
  expect(c.stats()).toMatchObject({ coalesced: 1, waiting: 3 });
  up.open();
  await Bun.sleep(1);
  up.open();
  await Bun.sleep(1);
  up.open();
  await Promise.all(ps);
  expect(up.peak).toBe(2);
  expect(up.calls.length).toBe(5);
});

test("the least recently used entry goes when the cache is full", async () => {
  const up = fake({ "1.test|A": ok(60), "2.test|A": ok(60), "3.test|A": ok(60) });
  const c = createCachingResolver(up, { maxEntries: 2, maxConcurrent: 4 });
  await c.query("1.test", "A");
  await c.query("2.test", "A");
  await c.query("1.test", "A"); // 1 is now the most recent
  await c.query("3.test", "A"); // evicts 2
  await c.query("1.test", "A");
  await c.query("2.test", "A");
  expect(up.calls).toEqual(["1.test|A", "2.test|A", "3.test|A", "2.test|A"]);
  expect(c.stats().entries).toBe(2);
});
