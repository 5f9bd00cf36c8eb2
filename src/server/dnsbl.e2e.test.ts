// DNS lists through `kas serve` (compiled binary): the filtering process asks the master's
// shared DNS service (dns_query) and the master a real DNS server process on loopback serving
// the list zones (fixtures/dns/dnsbl-zones.json). Listed relay and link domain raise their
// symbols; a refusal is never scored but shows in kas status; lists that never answer cost at
// most their timeout, within the scan budget.
import { afterAll, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { spawnDnsServer } from "../testing/dns-process";
import { REPO, tempDir } from "../testing/kas-binary";
import { startServer, type Served } from "../testing/kas-server";

const procs: ReturnType<typeof Bun.spawn>[] = [];
const servers: Served[] = [];
afterAll(async () => {
  for (const s of servers) if (s.proc.exitCode === null) await s.stop();
  for (const p of procs) p.kill();
});

const lists = (dnsblKeys = "") => `[dnsbl]
${dnsblKeys}trusted_networks = ["198.51.100.0/24"]
[[dnsbl.list]]
zone = "zen.test"
answers = ["127.0.0.2=RCVD_IN_SBL", "127.0.0.4-127.0.0.7=RCVD_IN_XBL"]
[[dnsbl.list]]
zone = "wl.test"
symbol = "RCVD_IN_DNSWL"
[[dnsbl.list]]
zone = "dbl.test"
type = "domain"
answers = ["127.0.1.2=URIBL_DBL_SPAM"]
[[dnsbl.list]]
zone = "multi.uribl.test"
type = "domain"
answers = ["&2=URIBL_BLACK"]
`;
const message = (received: string, link: string) =>
  `Received: ${received}\r\nFrom: a@sender.example\r\nTo: user@example.com\r\nSubject: offer\r\nMessage-ID: <1@sender.example>\r\n\r\nSee ${link} today.\r\n`;
const headers = (id: string, ip: string) => ({ "X-KAS-Id": id, "X-KAS-IP": ip, "X-KAS-Helo": "relay.ours.test", "X-KAS-From": "a@sender.example", "X-KAS-Rcpt": "user@example.com" });
const names = (json: any): string[] => (json.hits ?? []).map((h: any) => h.name);

async function serve(args: string[], dnsblKeys = "") {
  const d = await spawnDnsServer(args);
  procs.push(d.proc);
  const s = await startServer(tempDir("kas-dnsbl-"), { toml: `[spf]\nenabled = false\n[dns]\nresolver = "127.0.0.1:${d.port}"\n[dkim]\nenabled = false\n${lists(dnsblKeys)}`, server: "start_filters = 1\nmin_spare_filters = 1" });
  servers.push(s);
  return s;
}

test("behind our relay the first untrusted hop and the link domains are looked up through the master; a refusal is logged and shown, never scored", async () => {
  const s = await serve([join(REPO, "fixtures/dns/dnsbl-zones.json")]);
  // Our relay 198.51.100.9 (trusted) got it from 203.0.113.5: that one is looked up.
  const r = await s.scan(message("from dsl.example (dsl.example [203.0.113.5]) by relay.ours.test", "http://www.spam-shop.example/buy"), headers("m1", "198.51.100.9"));
  expect(r.status).toBe(200);
  expect(names(r.json)).toEqual(expect.arrayContaining(["RCVD_IN_SBL", "RCVD_IN_XBL", "URIBL_DBL_SPAM"]));
  expect(names(r.json)).not.toContain("RCVD_IN_DNSWL");

  // 203.0.113.6 gets Spamhaus's "refused" answer; phish.example gets URIBL's 127.0.0.1.
  const refused = await s.scan(message("from x ([203.0.113.6]) by relay.ours.test", "https://login.phish.example/"), headers("m2", "198.51.100.9"));
  expect(names(refused.json).filter((n) => /^(RCVD_IN|URIBL)_/.test(n))).toEqual([]);
  const st = await s.status();
  expect(Object.keys(st.dnsbl_refused).sort()).toEqual(["multi.uribl.test", "zen.test"]);
  expect(st.dnsbl_refused["zen.test"]).toMatchObject({ answer: "127.255.255.254", queries: 1 });
  await s.waitLog(/DNS list zen\.test refused our query/);

  // A second identical scan is answered from the master's cache (TTL).
  const before = st.spf.upstreamQueries;
  await s.scan(message("from dsl.example (dsl.example [203.0.113.5]) by relay.ours.test", "http://www.spam-shop.example/buy"), headers("m3", "198.51.100.9"));
  expect((await s.status()).spf.upstreamQueries).toBe(before);
});

test("the address of a QR code in a picture is looked up like a link (the text of the message has none)", async () => {
  const s = await serve([join(REPO, "fixtures/dns/dnsbl-zones.json")]);
  // fixtures/messages/phishing/qr-image.eml: its picture encodes https://bit.ly/…, listed in dbl.test here.
  const r = await s.scan(readFileSync(join(REPO, "fixtures/messages/phishing/qr-image.eml")), headers("q1", "203.0.113.9"));
  expect(r.status).toBe(200);
  expect(names(r.json)).toEqual(expect.arrayContaining(["QR_CODE_URL", "URIBL_DBL_SPAM"]));
});

test("every list silent: each lookup gives up at its timeout and the scan answers within the budget", async () => {
  const s = await serve(["--blackhole"], "timeout = 0.3\n");
  const t0 = performance.now();
  const r = await s.scan(message("from x ([203.0.113.5]) by relay.ours.test", "http://spam-shop.example/"), headers("m1", "203.0.113.5"));
  const ms = performance.now() - t0;
  expect(r.status).toBe(200);
  expect(names(r.json).filter((n) => /^(RCVD_IN|URIBL)_/.test(n))).toEqual([]);
  expect(ms).toBeLessThan(2000);
  expect(r.json.notes.join("\n")).toContain("dnsbl: no answer in time from zen.test, wl.test, dbl.test, multi.uribl.test");
});

test("a list timeout longer than the scan budget: the checks' deadline (60 % of time_budget_ms) cuts every lookup", async () => {
  const d = await spawnDnsServer(["--blackhole"]);
  procs.push(d.proc);
  const s = await startServer(tempDir("kas-dnsbl-"), { toml: `[scan]\ntime_budget_ms = 800\n[spf]\nenabled = false\n[dns]\nresolver = "127.0.0.1:${d.port}"\n[dkim]\nenabled = false\n${lists("timeout = 20\n")}`, server: "start_filters = 1\nmin_spare_filters = 1" });
  servers.push(s);
  const t0 = performance.now();
  const r = await s.scan(message("from x ([203.0.113.5]) by relay.ours.test", "http://spam-shop.example/"), headers("m1", "203.0.113.5"));
  expect(r.status).toBe(200);
  expect(performance.now() - t0).toBeLessThan(1500);
  expect(r.json.notes.join("\n")).toContain("dnsbl: no answer in time");
});
