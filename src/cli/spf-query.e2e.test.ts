// `kas spf-query` (the compiled binary) against a real DNS server process on loopback
// (testing/dns-server.ts serving fixtures/dns/spf-zones.json) and a port that never answers.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { join } from "node:path";
import { spawnDnsServer } from "../testing/dns-process";
import { REPO, runKas } from "../testing/kas-binary";

type Proc = ReturnType<typeof Bun.spawn>;
let dns: Proc, hole: Proc, small: Proc;
let port = 0, holePort = 0, smallPort = 0;

async function startServer(args: string[]): Promise<[Proc, number]> {
  const d = await spawnDnsServer(args);
  return [d.proc, d.port];
}

beforeAll(async () => {
  const zones = join(REPO, "fixtures/dns/spf-zones.json");
  [dns, port] = await startServer([zones]);
  [hole, holePort] = await startServer(["--blackhole"]);
  [small, smallPort] = await startServer([zones, "--udp-max", "300"]);
});
afterAll(() => {
  for (const p of [dns, hole, small]) p?.kill();
});

const query = (ip: string, sender: string, extra: string[] = [], p = port) => runKas(["spf-query", "--ip", ip, "--sender", sender, "--helo", "mx.client.example", "--resolver", `127.0.0.1:${p}`, ...extra]);
const json = async (ip: string, sender: string, extra: string[] = [], p = port) => {
  const r = await query(ip, sender, ["--json", ...extra], p);
  return { exitCode: r.exitCode, out: JSON.parse(r.text), stderr: r.stderr };
};

test("pass: exit 0, the mechanism that matched, a Received-SPF line", async () => {
  const r = await query("192.0.2.7", "joe@pass.example");
  expect(r.exitCode).toBe(0);
  expect(r.text).toContain("result: pass\n");
  expect(r.text).toContain("mechanism: ip4:192.0.2.0/24\n");
  expect(r.text).toMatch(/^Received-SPF: pass \(.*: domain of joe@pass\.example designates 192\.0\.2\.7 as permitted sender\) client-ip=192\.0\.2\.7; envelope-from="joe@pass\.example"; helo=mx\.client\.example;/m);
});

test("IPv6 and IPv4-mapped clients", async () => {
  expect((await json("2001:db8::25", "joe@pass.example")).out.result).toBe("pass");
  expect((await json("::ffff:192.0.2.7", "joe@pass.example")).out.result).toBe("pass");
  expect((await json("2001:db9::1", "joe@pass.example")).exitCode).toBe(1);
});

test("fail: exit 1 with the expanded exp= explanation", async () => {
  const { exitCode, out } = await json("203.0.113.5", "joe@fail.example");
  expect(exitCode).toBe(1);
  expect(out).toMatchObject({ result: "fail", explanation: "203.0.113.5 is not a mail server of fail.example; see https://fail.example/spf", mechanism: "-all", lookups: 1 });
  expect(out.receivedSpf).toStartWith("fail (");
});

test("an include chain passes through two levels", async () => {
  const { exitCode, out } = await json("198.51.100.9", "joe@chain.example");
  expect([exitCode, out.result, out.mechanism, out.lookups]).toEqual([0, "pass", "include:one.chain.example", 2]);
  expect((await json("203.0.113.9", "joe@chain.example")).out.result).toBe("fail");
});

test("softfail via mx; none for a domain without a record", async () => {
  expect((await query("203.0.113.1", "joe@soft.example")).exitCode).toBe(2);
  expect((await query("192.0.2.20", "joe@soft.example")).exitCode).toBe(0);
  const none = await json("192.0.2.1", "joe@nothing.example");
  expect([none.exitCode, none.out.result]).toEqual([4, "none"]);
});

test("more than 10 DNS-querying terms is permerror (exit 6), as is a broken record", async () => {
  const { exitCode, out } = await json("203.0.113.9", "joe@loop.example");
  expect([exitCode, out.result]).toEqual([6, "permerror"]);
  expect(out.problem).toContain("more than 10 DNS-querying terms");
  expect((await json("192.0.2.1", "joe@broken.example")).out.result).toBe("permerror");
});

test('null reverse-path: --sender "" checks postmaster@HELO', async () => {
  const r = await runKas(["spf-query", "--ip", "192.0.2.30", "--sender", "", "--helo", "helo.example", "--resolver", `127.0.0.1:${port}`, "--json"]);
  expect(r.exitCode).toBe(0);
  expect(JSON.parse(r.text)).toMatchObject({ result: "pass", sender: "postmaster@helo.example", mechanism: "a" });
});

test("a truncated UDP answer is fetched again over TCP", async () => {
  const { exitCode, out } = await json("203.0.113.77", "joe@big.example", [], smallPort);
  expect([exitCode, out.result, out.mechanism]).toEqual([0, "pass", "ip4:203.0.113.0/24"]);
});

test("a DNS server that never answers gives temperror (exit 5) within the timeout, naming the server and the query", async () => {
  const { exitCode, out } = await json("192.0.2.1", "joe@pass.example", ["--timeout", "1"], holePort);
  expect([exitCode, out.result]).toEqual([5, "temperror"]);
  expect(out.problem).toBe(`no answer from DNS server 127.0.0.1:${holePort} for pass.example TXT within 1 s`);
  expect(out.receivedSpf).toContain("temperror");
});

// Issue 12 item 11: nothing listening used to wait the whole timeout, then "took longer than 2 s".
test("a resolver port with nothing listening: temperror at once, saying connection refused by HOST:PORT", async () => {
  const [gone, gonePort] = await startServer(["--blackhole"]);
  gone.kill();
  await gone.exited;
  const t = performance.now();
  const r = await query("192.0.2.1", "joe@pass.example", ["--timeout", "5"], gonePort);
  expect(r.exitCode).toBe(5);
  expect(r.text).toContain(`problem: DNS error for pass.example TXT: connection refused by 127.0.0.1:${gonePort} (no DNS server listening there?)\n`);
  expect(performance.now() - t).toBeLessThan(3000);
});

test("--resolver HOST without a port asks port 53 (said in --help)", async () => {
  const r = await runKas(["spf-query", "--ip", "192.0.2.1", "--sender", "joe@pass.example", "--resolver", "localhost", "--timeout", "0.5", "--json"]);
  expect(JSON.parse(r.text).resolver).toBe("localhost:53");
  expect((await runKas(["spf-query", "--help"])).text).toMatch(/--resolver[^\n]*port 53 when omitted/);
});

// Issue 12 item 7: local parts are opaque to SPF (RFC 7208 test dorky-sentinel has a space in one).
test("a sender whose local part holds a space or quotes is evaluated, not refused", async () => {
  const { exitCode, out } = await json("203.0.113.5", "Macro Error@fail.example");
  expect([exitCode, out.result, out.sender]).toEqual([1, "fail", "Macro Error@fail.example"]);
  expect(out.receivedSpf).toContain('envelope-from="Macro Error@fail.example"');
  expect((await json("192.0.2.7", '"joe smith"@pass.example')).out.result).toBe("pass");
});

// Issue 12 item 8: MTAs hand over malformed HELOs every day (RFC 7208 test invalid-hello-macro).
test("a malformed HELO is evaluated: MAIL FROM is checked as usual; as the identity it gives none (§2.3)", async () => {
  const r = await runKas(["spf-query", "--ip", "192.0.2.7", "--sender", "joe@pass.example", "--helo", "JUMPIN' JUPITER", "--resolver", `127.0.0.1:${port}`, "--json"]);
  expect([r.exitCode, JSON.parse(r.text).result, JSON.parse(r.text).helo]).toEqual([0, "pass", "JUMPIN' JUPITER"]);
  const bounce = await runKas(["spf-query", "--ip", "192.0.2.7", "--sender", "", "--helo", "JUMPIN' JUPITER", "--resolver", `127.0.0.1:${port}`, "--json"]);
  const out = JSON.parse(bounce.text);
  expect([bounce.exitCode, out.result, out.dnsQueries]).toEqual([4, "none", 0]);
  expect(out.problem).toBe(`HELO "JUMPIN' JUPITER" is not a fully qualified domain name (RFC 7208 §2.3)`);
});

test.each([
  [["--ip", "300.1.1.1", "--sender", "a@b.example"], "--ip"],
  [["--ip", "192.0.2.1", "--sender", "not-an-address"], "--sender"],
  [["--ip", "192.0.2.1"], "--sender is required"],
  [["--ip", "192.0.2.1", "--sender", ""], "needs --helo"],
  [["--ip", "192.0.2.1", "--sender", "a@b.example", "--resolver", "x:70000"], "--resolver"],
  [["--ip", "192.0.2.1", "--sender", "a@b.example", "--timeout", "soon"], "--timeout"],
])("usage errors exit 64: %o", async (args, msg) => {
  const r = await runKas(["spf-query", ...args]);
  expect(r.exitCode).toBe(64);
  expect(r.stderr).toContain(msg);
});
