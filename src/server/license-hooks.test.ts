import { describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { defaults } from "../config/load";
import type { KasConfig } from "../config/schema";
import type { ScanRequest } from "../model";
import { MemoryUsageStore } from "../license/usage";
import { tempDir } from "../testing/kas-binary";
import { licenseText, TEST_ISSUER_PUB, writeLicense } from "../testing/license";
import { makeHandler } from "./handler";
import { LOG_EVERY_MS, licenseHooks } from "./license-hooks";

const T0 = new Date("2026-11-28T12:00:00Z");
const req = (...rcpt: string[]): ScanRequest => ({ id: "t1", envelope: { rcpt } as unknown as ScanRequest["envelope"], raw: new Uint8Array() });

function setup(key?: Parameters<typeof licenseText>[0] | null, reserve?: Parameters<typeof licenseText>[0]) {
  const dir = tempDir("kas-license-hooks-");
  const key_file = key === null ? join(dir, "absent.key") : writeLicense(dir, "license.key", key ?? {}, T0);
  const reserve_key_file = reserve ? writeLicense(dir, "reserve.key", reserve, T0) : "";
  const base = defaults();
  const config = { ...base, data_dir: join(dir, "data"), license: { ...base.license, key_file, reserve_key_file, trusted_issuers: [TEST_ISSUER_PUB] } } as KasConfig;
  const lines: string[] = [];
  const timers: { ms: number; fn: () => void; cancelled: boolean }[] = [];
  let now = T0;
  const hooks = licenseHooks({
    clock: () => now,
    usage: new MemoryUsageStore(),
    log: { info: (m) => lines.push(`info ${m}`), warn: (m) => lines.push(`warn ${m}`), error: (m) => lines.push(`error ${m}`) },
    every(ms, fn) {
      const t = { ms, fn, cancelled: false };
      timers.push(t);
      return () => (t.cancelled = true);
    },
  });
  hooks.onConfig(config);
  return { hooks, lines, timers, config, setNow: (d: Date) => (now = d) };
}

describe("no valid key", () => {
  test("passes unfiltered with X-KAS-License; the handler adds X-KAS-Status: unlicensed", () => {
    const { hooks } = setup(null);
    expect(hooks.beforeDispatch(req("a@example.com"))).toEqual({
      action: "pass",
      status: "unlicensed",
      headers: [{ name: "X-KAS-License", value: "no valid license" }],
      reason: "license: not filtered (no valid license): <a@example.com>",
    });
  });

  test("a message without envelope recipients passes unfiltered too (it used to be scanned: nobody counted as unlicensed)", () => {
    const { hooks } = setup(null);
    expect(hooks.beforeDispatch(req())).toEqual({
      action: "pass",
      status: "unlicensed",
      headers: [{ name: "X-KAS-License", value: "no valid license" }],
      reason: "license: not filtered (no valid license): no envelope recipients",
    });
    // Under a valid key the same message is scanned.
    expect(setup().hooks.beforeDispatch(req())).toBeUndefined();
  });

  test("an error is logged at start and every hour", () => {
    const { hooks, lines, timers } = setup(null);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^error license: missing: no license key file at .*absent\.key; messages pass through UNFILTERED with X-KAS-Status: unlicensed$/);
    expect(timers.map((t) => t.ms)).toEqual([LOG_EVERY_MS]);
    timers[0].fn();
    timers[0].fn();
    expect(lines.filter((l) => l.startsWith("error license: missing"))).toHaveLength(3);
    hooks.close();
    expect(timers[0].cancelled).toBe(true);
  });

  test("status shows the verdict and that nothing is filtered", () => {
    const { hooks } = setup(null);
    expect(hooks.status().license).toMatchObject({ verdict: "missing", source: "none", licensee: null, filtering: false, updates_allowed: false, addresses_used: 0 });
  });
});

describe("valid key", () => {
  test("licensed recipients are scanned with no extra header; start is logged at info, hourly reminders stay quiet", () => {
    const { hooks, lines, timers } = setup({ maxAddresses: 3 });
    expect(hooks.beforeDispatch(req("a@example.com"))).toBeUndefined();
    expect(lines).toEqual([expect.stringMatching(/^info license: valid: valid until .* \(licensee Example Mail GmbH, serial TEST-0001\)$/)]);
    timers[0].fn();
    expect(lines).toHaveLength(1);
  });

  test("max_addresses = 3, 5 distinct recipients: 3 scanned, 2 passed with the reason", () => {
    const { hooks } = setup({ maxAddresses: 3 });
    const d = ["a", "b", "c", "d", "e"].map((x) => hooks.beforeDispatch(req(`${x}@example.com`)));
    expect(d.slice(0, 3)).toEqual([undefined, undefined, undefined]);
    for (const x of d.slice(3)) expect(x).toMatchObject({ action: "pass", status: "unlicensed", headers: [{ name: "X-KAS-License", value: "address limit 3 reached" }] });
    expect(hooks.status().license).toMatchObject({ addresses_used: 3, max_addresses: 3 });
  });

  test("some recipients unlicensed: scanned, the header counts them without naming them", () => {
    const { hooks } = setup({ maxAddresses: 1, domains: ["example.com"] });
    const d = hooks.beforeDispatch(req("a@example.com", "b@example.com", "c@other.example"));
    expect(d).toEqual({
      action: "scan",
      headers: [{ name: "X-KAS-License", value: "2 of 3 recipients not licensed (domain not licensed; address limit 1 reached): filtered for the others" }],
      reason: "license: 2 of 3 recipients not licensed (domain not licensed; address limit 1 reached): <c@other.example>, <b@example.com>",
    });
  });

  test("all recipients outside the domains: passed", () => {
    const { hooks } = setup({ domains: ["example.com"] });
    expect(hooks.beforeDispatch(req("x@other.example", "y@other.example"))).toMatchObject({ action: "pass", headers: [{ value: "domain not licensed" }] });
  });

  test("status member: licensee, expiry, days left, addresses, verdict", () => {
    const { hooks } = setup({ maxAddresses: 10, serial: "S-1", expiresIn: 100 });
    hooks.beforeDispatch(req("a@example.com"));
    expect(hooks.status()).toEqual({
      license: {
        verdict: "valid", message: "valid until 2027-03-08 (100 days left)", source: "active", licensee: "Example Mail GmbH", serial: "S-1", edition: "standard",
        expires: "2027-03-08", days_left: 100, max_addresses: 10, domains: [], addresses_used: 1, filtering: true, updates_allowed: true,
      },
    });
  });
});

describe("time and reload", () => {
  test("expiry: warning month logged hourly, then expired (filtering goes on)", () => {
    const { hooks, lines, timers, setNow } = setup({ expiresIn: 40 });
    setNow(new Date("2026-12-20T12:00:00Z"));
    timers[0].fn();
    expect(lines.at(-1)).toStartWith("warn license changed: expiring: expires 2027-01-07 (18 days left)");
    setNow(new Date("2027-01-08T00:00:00Z"));
    timers[0].fn();
    expect(lines.at(-1)).toMatch(/^warn license changed: expired: .*; kas update-db refuses to update rules until a valid key is installed$/);
    expect(hooks.beforeDispatch(req("a@example.com"))).toBeUndefined();
  });

  test("the reserve key takes over at expiry (injected clock) and the change is logged", () => {
    const { hooks, lines, timers, setNow } = setup({ serial: "OLD", starts: "2026-01-01", expires: "2026-12-31" }, { serial: "NEW", starts: "2027-01-01", expires: "2027-12-31" });
    setNow(new Date("2027-01-01T00:00:01Z"));
    timers[0].fn();
    expect(lines.at(-1)).toMatch(/^info license changed: valid: reserve key in use .*serial NEW\)$/);
    expect(hooks.status().license).toMatchObject({ serial: "NEW", source: "reserve", verdict: "valid" });
    expect(hooks.beforeDispatch(req("a@example.com"))).toBeUndefined();
  });

  test("the takeover is logged by the first message after midnight, not an hour later by the timer, and only once", () => {
    const { hooks, lines, setNow } = setup({ serial: "OLD", starts: "2026-01-01", expires: "2026-12-31" }, { serial: "NEW", starts: "2026-12-01", expires: "2027-12-31" });
    setNow(new Date("2026-12-31T23:59:59Z"));
    expect(hooks.beforeDispatch(req("a@example.com"))).toBeUndefined();
    expect(lines).toHaveLength(1);
    expect(hooks.status().license).toMatchObject({ serial: "OLD", source: "active", verdict: "valid" });
    setNow(new Date("2027-01-01T00:00:00Z"));
    expect(hooks.beforeDispatch(req("a@example.com"))).toBeUndefined();
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^info license changed: valid: reserve key in use \(valid until 2027-12-31 .*\); the key_file's key: expired on 2026-12-31 .*serial NEW\)$/);
    hooks.beforeDispatch(req("b@example.com"));
    hooks.status();
    expect(lines).toHaveLength(2);
  });

  test("a status request notices the change too; the end of both keys is logged the same way", () => {
    const { hooks, lines, setNow } = setup({ serial: "OLD", starts: "2026-01-01", expires: "2026-12-31" }, { serial: "NEW", starts: "2026-12-01", expires: "2027-12-31" });
    setNow(new Date("2027-01-01T00:00:00Z"));
    expect(hooks.status().license).toMatchObject({ serial: "NEW", source: "reserve" });
    expect(lines.at(-1)).toStartWith("info license changed: valid: reserve key in use");
    setNow(new Date("2028-01-01T00:00:00Z"));
    expect(hooks.beforeDispatch(req("a@example.com"))).toBeUndefined();
    expect(lines).toHaveLength(3);
    // Both expired: the key that expired last (the reserve) is the one in use.
    expect(lines[2]).toMatch(/^warn license changed: expired: reserve key: expired on 2027-12-31 .*serial NEW\); kas update-db refuses to update rules until a valid key is installed$/);
    expect(hooks.status().license).toMatchObject({ verdict: "expired", source: "reserve", filtering: true, updates_allowed: false });
  });

  test("onConfig again (SIGHUP) re-reads the key file: a new key applies without a restart", () => {
    const { hooks, lines, config } = setup(null);
    expect(hooks.beforeDispatch(req("a@example.com"))?.action).toBe("pass");
    writeFileSync(config.license.key_file, licenseText({ serial: "INSTALLED" }, T0));
    hooks.onConfig(config);
    expect(lines.at(-1)).toMatch(/^info license reloaded: valid: .*serial INSTALLED\)$/);
    expect(hooks.beforeDispatch(req("a@example.com"))).toBeUndefined();
  });

  test("a broken trusted_issuers on reload throws (the master logs it) and the old key stays", () => {
    const { hooks, config } = setup();
    expect(() => hooks.onConfig({ ...config, license: { ...config.license, trusted_issuers: ["/nonexistent.pub"] } })).toThrow("license.trusted_issuers[0]");
    expect(hooks.status().license.verdict).toBe("valid");
  });

  test("prepare reads the new key without switching: discard keeps the old one, commit switches", () => {
    const { hooks, lines, config } = setup(null);
    writeFileSync(config.license.key_file, licenseText({ serial: "NEXT" }, T0));
    const p = hooks.prepare(config);
    expect(hooks.status().license).toMatchObject({ verdict: "missing" }); // another service may still refuse this config
    p.discard();
    expect(hooks.beforeDispatch(req("a@example.com"))?.action).toBe("pass");
    const q = hooks.prepare(config);
    q.commit();
    expect(lines.at(-1)).toMatch(/^info license reloaded: valid: .*serial NEXT\)$/);
    expect(hooks.beforeDispatch(req("a@example.com"))).toBeUndefined();
  });
});

test("a failing usage store filters the message and logs an error", () => {
  const dir = tempDir("kas-license-hooks-");
  const base = defaults();
  const lines: string[] = [];
  const hooks = licenseHooks({
    clock: () => T0,
    usage: { admit: () => { throw new Error("disk I/O error"); }, count: () => 0, close() {} },
    log: { info() {}, warn() {}, error: (m) => lines.push(m) },
    every: () => () => {},
  });
  hooks.onConfig({ ...base, data_dir: dir, license: { ...base.license, key_file: writeLicense(dir, "l.key", {}, T0), trusted_issuers: [TEST_ISSUER_PUB] } } as KasConfig);
  expect(hooks.beforeDispatch(req("a@example.com"))).toBeUndefined();
  expect(lines).toEqual(["license usage store: disk I/O error; message filtered without counting its recipients"]);
});

test("before onConfig nothing is decided", () => {
  expect(licenseHooks({ every: () => () => {} }).beforeDispatch(req("a@x"))).toBeUndefined();
});

test("through the master's handler: 5 recipients, max_addresses = 3 → 3 scanned, 2 passed with the headers", async () => {
  const { hooks } = setup({ maxAddresses: 3 });
  let scanned = 0;
  const handle = makeHandler({
    config: () => defaults(),
    submit: async (r) => {
      scanned++;
      return { ok: true, generation: 1, workerPid: 1, result: { id: r.id, status: "not_detected", score: 0, threshold: 5, policy: "default", hits: [], disposition: "accept", edits: [], timings: { parseMs: 0, checksMs: 0, rulesMs: 0, totalMs: 0 }, notes: [] } } as never;
    },
    status: () => ({ ...hooks.status() }),
    beforeDispatch: hooks.beforeDispatch,
    onScanned() {},
    version: "kas test",
  });
  const replies = [];
  for (const x of ["a", "b", "c", "d", "e"]) {
    const res = await handle(new Request("http://kas/v1/scan", { method: "POST", headers: { "X-KAS-Rcpt": `${x}@example.com` }, body: "Subject: t\r\n\r\nhi\r\n" }));
    replies.push(await res.json());
  }
  expect(scanned).toBe(3);
  expect(replies.map((r) => r.status)).toEqual(["not_detected", "not_detected", "not_detected", "unlicensed", "unlicensed"]);
  expect(replies[4].edits).toEqual([{ op: "set", name: "X-KAS-License", value: "address limit 3 reached" }, { op: "set", name: "X-KAS-Status", value: "unlicensed" }]);
  const st = await (await handle(new Request("http://kas/v1/status"))).json();
  expect(st.license).toMatchObject({ verdict: "valid", addresses_used: 3, max_addresses: 3 });
});
