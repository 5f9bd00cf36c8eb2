// Licensing through `kas serve` (the compiled binary): no key → unfiltered with
// X-KAS-Status: unlicensed; max_addresses = 3 and 5 recipients → 3 filtered, 2 passed with
// the reason, also after a restart; the reserve key in use when the key_file's has expired;
// a key installed while running takes effect on SIGHUP.
import { afterAll, expect, test } from "bun:test";
import { copyFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { REPO, tempDir } from "../testing/kas-binary";
import { startServer, untilStatus, type Served } from "../testing/kas-server";
import { licenseText, TEST_ISSUER_PUB } from "../testing/license";

const FIX = join(REPO, "fixtures/license");
const MSG = "From: a@sender.example\r\nTo: x@example.com\r\nSubject: hello\r\n\r\nhello\r\n";
const servers: Served[] = [];
afterAll(() => {
  for (const s of servers) if (s.proc.exitCode === null) s.proc.kill("SIGKILL");
});

const licenseToml = (key: string, reserve = "") =>
  `[license]\nkey_file = ${JSON.stringify(key)}\nreserve_key_file = ${JSON.stringify(reserve)}\ntrusted_issuers = [${JSON.stringify(TEST_ISSUER_PUB)}]\n`;
async function start(dir: string, toml: string) {
  const s = await startServer(dir, { toml, server: "start_filters = 1\nmin_spare_filters = 1\nmax_filters = 2" });
  servers.push(s);
  return s;
}
const scanFor = (s: Served, rcpt: string) => s.scan(MSG, { "X-KAS-Rcpt": rcpt });
const edit = (j: any, name: string) => j.edits.find((e: any) => e.name === name)?.value;

test("no key: messages pass unfiltered with X-KAS-Status: unlicensed; the error is logged and in status", async () => {
  const dir = tempDir("kas-license-serve-");
  const s = await start(dir, licenseToml(join(dir, "absent.key")));
  const r = await scanFor(s, "x@example.com");
  expect(r.status).toBe(200);
  expect(r.json.status).toBe("unlicensed");
  expect(r.json.hits).toEqual([]);
  expect(edit(r.json, "X-KAS-Status")).toBe("unlicensed");
  expect(edit(r.json, "X-KAS-License")).toBe("no valid license");
  await s.waitLog(/error.*\[license\] license: missing: no license key file at .*absent\.key; messages pass through UNFILTERED/);
  expect((await s.status()).license).toMatchObject({ verdict: "missing", filtering: false });
  expect(await s.stop()).toBe(0);
});

test("max_addresses = 3 and 5 distinct recipients: the first 3 filtered, the other 2 passed with the header, also after a restart", async () => {
  const dir = tempDir("kas-license-serve-");
  const toml = licenseToml(join(FIX, "valid-2099.key"));
  let s = await start(dir, toml);
  const rcpt = ["a", "b", "c", "d", "e"].map((x) => `${x}@example.com`);
  const first = [];
  for (const r of rcpt) first.push((await scanFor(s, r)).json);
  expect(first.map((j) => j.status === "unlicensed")).toEqual([false, false, false, true, true]);
  expect(edit(first[3], "X-KAS-License")).toBe("address limit 3 reached");
  expect((await s.status()).license).toMatchObject({ verdict: "valid", addresses_used: 3, max_addresses: 3, serial: "TEST-VALID-2099" });
  expect(await s.stop()).toBe(0);

  s = await start(dir, toml);
  const again = [];
  for (const r of [...rcpt].reverse()) again.push((await scanFor(s, r)).json.status === "unlicensed");
  expect(again).toEqual([true, true, false, false, false]);
  expect(await s.stop()).toBe(0);
});

test("the reserve key is in use when the key_file's key has expired", async () => {
  const dir = tempDir("kas-license-serve-");
  const s = await start(dir, licenseToml(join(FIX, "expired-2020.key"), join(FIX, "valid-2099.key")));
  expect((await s.status()).license).toMatchObject({ verdict: "valid", source: "reserve", serial: "TEST-VALID-2099" });
  expect((await scanFor(s, "a@example.com")).json.status).not.toBe("unlicensed");
  expect(await s.stop()).toBe(0);
});

test("a key installed while running takes effect on SIGHUP", async () => {
  const dir = tempDir("kas-license-serve-");
  const key = join(dir, "license.key");
  const s = await start(dir, licenseToml(key));
  expect((await scanFor(s, "a@example.com")).json.status).toBe("unlicensed");
  writeFileSync(key, licenseText({ serial: "INSTALLED" }));
  s.proc.kill("SIGHUP");
  await untilStatus(s, (st) => st.license?.serial === "INSTALLED");
  expect((await scanFor(s, "a@example.com")).json.status).not.toBe("unlicensed");
  copyFileSync(join(FIX, "expired-2020.key"), key);
  s.proc.kill("SIGHUP");
  const st = await untilStatus(s, (x) => x.license?.verdict === "expired");
  expect(st.license).toMatchObject({ filtering: true, updates_allowed: false });
  expect(await s.stop()).toBe(0);
});
