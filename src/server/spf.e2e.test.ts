// SPF through `kas serve` (compiled binary): the master's SPF service asks a real DNS server
// process on loopback; a failing envelope sender gets SPF_FAIL and a Received-SPF field, and
// the second identical scan is answered from the service's DNS cache (GET /v1/status spf.*).
import { afterAll, expect, test } from "bun:test";
import { join } from "node:path";
import { REPO, runKas, tempDir, writeConfig } from "../testing/kas-binary";
import { spawnDnsServer } from "../testing/dns-process";
import { startServer, type Served } from "../testing/kas-server";

type Proc = ReturnType<typeof Bun.spawn>;
const procs: Proc[] = [];
const servers: Served[] = [];
afterAll(async () => {
  for (const s of servers) if (s.proc.exitCode === null) await s.stop();
  for (const p of procs) p.kill();
});

async function dnsServer(args: string[]): Promise<number> {
  const d = await spawnDnsServer(args);
  procs.push(d.proc);
  return d.port;
}

const message = "From: joe@fail.example\r\nTo: user@example.com\r\nSubject: hello\r\nMessage-ID: <1@fail.example>\r\n\r\nHello there.\r\n";
const headers = (id: string, ip: string, from: string) => ({ "X-KAS-Id": id, "X-KAS-IP": ip, "X-KAS-Helo": "mx.client.example", "X-KAS-From": from, "X-KAS-Rcpt": "user@example.com" });
const names = (json: any) => (json.hits ?? []).map((h: any) => h.name);
const receivedSpf = (json: any) => (json.edits ?? []).filter((e: any) => e.op === "add" && e.name === "Received-SPF").map((e: any) => e.value);

test("SPF fail → SPF_FAIL + Received-SPF; the identical second scan is served from the DNS cache", async () => {
  const port = await dnsServer([join(REPO, "fixtures/dns/spf-zones.json")]);
  const s = await startServer(tempDir("kas-spf-"), { toml: `[dns]\nresolver = "127.0.0.1:${port}"\n[spf]\nreceiver = "filter.test"\n`, server: "start_filters = 1\nmin_spare_filters = 1" });
  servers.push(s);

  const first = await s.scan(message, headers("m1", "203.0.113.5", "joe@fail.example"));
  expect(first.status).toBe(200);
  expect(names(first.json)).toContain("SPF_FAIL");
  expect(names(first.json)).toContain("SPF_HELO_NONE");
  expect(receivedSpf(first.json)[0]).toStartWith("fail (filter.test: domain of joe@fail.example does not designate 203.0.113.5 as permitted sender)");
  const afterFirst = (await s.status()).spf;
  expect(afterFirst.upstreamQueries).toBeGreaterThan(0);

  const second = await s.scan(message, headers("m2", "203.0.113.5", "joe@fail.example"));
  expect(names(second.json)).toContain("SPF_FAIL");
  const afterSecond = (await s.status()).spf;
  expect(afterSecond.upstreamQueries).toBe(afterFirst.upstreamQueries);
  expect(afterSecond.cacheHits).toBeGreaterThan(afterFirst.cacheHits);
  expect(afterSecond.evaluations).toBe(4); // MAIL FROM + HELO, twice

  const pass = await s.scan(message, headers("m3", "192.0.2.7", "joe@pass.example"));
  expect(names(pass.json)).toContain("SPF_PASS");
});

test("a DNS server that never answers: SPF_TEMPERROR and the scan still completes", async () => {
  const port = await dnsServer(["--blackhole"]);
  const s = await startServer(tempDir("kas-spf-"), { toml: `[dns]\nresolver = "127.0.0.1:${port}"\n[spf]\ntimeout = 0.5\n`, server: "start_filters = 1\nmin_spare_filters = 1" });
  servers.push(s);
  const r = await s.scan(message, headers("m1", "203.0.113.5", "joe@fail.example"));
  expect(r.status).toBe(200);
  expect(names(r.json)).toContain("SPF_TEMPERROR");
  expect(receivedSpf(r.json)[0]).toStartWith("temperror (");
  expect((await s.status()).spf.deadlineExceeded).toBeGreaterThan(0);
});

// Issue 12 item 10: RFC 7208 §9.1 says prepend. Mail readers and later filters take the topmost
// Received-SPF, so a forged "Received-SPF: pass" written by the sender must end up below ours.
test("kas filter prepends Received-SPF (MAIL FROM first, then HELO) above a forged one; X-KAS-Status stays at the end", async () => {
  const port = await dnsServer([join(REPO, "fixtures/dns/spf-zones.json")]);
  const s = await startServer(tempDir("kas-spf-"), { toml: `[dns]\nresolver = "127.0.0.1:${port}"\n[spf]\nreceiver = "filter.test"\n`, server: "start_filters = 1\nmin_spare_filters = 1" });
  servers.push(s);
  const forged = "Received-SPF: pass (forged by the sender) client-ip=203.0.113.5\r\n" + message;
  const cfg = writeConfig(tempDir("kas-spf-client-"), `[client]\nconnect_to = [${JSON.stringify(s.tcp)}]\n`);
  const r = await runKas(["filter", "--config", cfg, "--ip", "203.0.113.5", "--helo", "mx.client.example", "--from", "joe@fail.example", "--rcpt", "user@example.com"], { stdin: forged });
  expect(r.exitCode).toBe(0);
  const lines = r.text.replace(/\r\n[ \t]+/g, " ").split("\r\n"); // unfolded, each fold read as one space
  expect(lines[0]).toStartWith("Received-SPF: fail (filter.test: domain of joe@fail.example does not designate 203.0.113.5 as permitted sender)");
  expect(lines[0]).toContain("identity=mailfrom");
  expect(lines[1]).toStartWith("Received-SPF: none (filter.test: domain of postmaster@mx.client.example does not publish an SPF record)");
  expect(lines[2]).toStartWith("Received-SPF: pass (forged by the sender)");
  const headerEnd = lines.indexOf("");
  expect(lines.slice(0, headerEnd).findIndex((l) => l.startsWith("X-KAS-Status: "))).toBeGreaterThan(lines.indexOf("Subject: hello"));
});
