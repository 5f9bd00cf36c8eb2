// The Control Center's access rules, through its handler with a fake master status: what is
// answered without a session, login and its rate limit, CSRF and cross-site refusals for
// every changing endpoint, allow / metrics_allow, session expiry.
import { beforeAll, expect, test } from "bun:test";
import { format } from "node:util";
import { parseConfig } from "../config/load";
import type { KasConfig } from "../config/schema";
import { LOGIN_MAX_FAILURES, LOGIN_WINDOW_MS } from "./auth";
import { ScanMetrics } from "./metrics";
import { allowed, makeControlHandler } from "./routes";
import { StatsStore } from "./stats";

const PASSWORD = "correct horse battery";
let config: KasConfig;
beforeAll(async () => {
  const hash = await Bun.password.hash(PASSWORD, { algorithm: "argon2id" });
  config = parseConfig(`[control]\nlisten = ["tcp:127.0.0.1:2279"]\npassword_hash = "${hash}"\nallow = ["127.0.0.1/8", "192.0.2.0/24"]\nmetrics_allow = ["192.0.2.9"]\nsession_timeout = 600\n`);
});

const STATUS = { server: "kas test", pid: 1, pool: { idle: 1, queue: 0, workers: [{ id: 1, pid: 999_999_999, generation: 1, state: "idle", messages: 3, max_messages: 300, started: new Date(0).toISOString() }] }, messages: { total: 0, by_status: {} } };

function setup(extra: Partial<Parameters<typeof makeControlHandler>[0]> = {}) {
  let now = 1_000_000;
  const logs: string[] = [];
  const log = { info: (m: string, ...a: unknown[]) => logs.push(format(m, ...a)), warn: (m: string, ...a: unknown[]) => logs.push(format(m, ...a)) };
  const stats = new StatsStore(":memory:", { historySize: 100 });
  const h = makeControlHandler({ config: () => config, status: () => structuredClone(STATUS), metrics: new ScanMetrics(), stats, secure: false, log, now: () => now, ...extra });
  const req = (method: string, path: string, o: { ip?: string; cookie?: string; body?: Record<string, string>; headers?: Record<string, string> } = {}) =>
    h(new Request(`http://127.0.0.1:2279${path}`, { method, headers: { ...(o.cookie ? { cookie: o.cookie } : {}), ...(o.body ? { "content-type": "application/x-www-form-urlencoded" } : {}), ...o.headers }, body: o.body ? new URLSearchParams(o.body).toString() : undefined }), o.ip ?? "127.0.0.1");
  const login = async (ip = "127.0.0.1") => {
    const r = await req("POST", "/login", { ip, body: { password: PASSWORD } });
    expect(r.status).toBe(303);
    const cookie = r.headers.get("set-cookie")!;
    expect(cookie).toMatch(/^kas_session=[\w-]{43}; Path=\/; HttpOnly; SameSite=Strict$/);
    const session = cookie.split(";")[0];
    const page = await (await req("GET", "/", { cookie: session, ip })).text();
    const csrf = /name="csrf" value="([^"]+)"/.exec(page)![1];
    return { cookie: session, csrf };
  };
  return { req, login, logs, advance: (ms: number) => (now += ms) };
}

test("without a session only the login page answers; every page redirects to it", async () => {
  const { req } = setup();
  for (const p of ["/", "/stats", "/stats.csv", "/history", "/rules", "/api/status", "/nope"]) {
    const r = await req("GET", p);
    expect([p, r.status, r.headers.get("location")]).toEqual([p, 303, "/login"]);
  }
  const login = await req("GET", "/login");
  expect(login.status).toBe(200);
  expect(await login.text()).toContain('type="password"');
  expect(login.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
});

test("a wrong password is refused; the right one opens the dashboard, logout closes it", async () => {
  const { req, login, logs } = setup();
  const bad = await req("POST", "/login", { body: { password: "hunter2hunter2" } });
  expect(bad.status).toBe(401);
  expect(await bad.text()).toContain("Wrong password.");
  expect(bad.headers.get("set-cookie")).toBeNull();
  const s = await login();
  const dash = await (await req("GET", "/", { cookie: s.cookie })).text();
  expect(dash).toContain("Filtering processes");
  expect(dash).toContain("kas test");
  const out = await req("POST", "/logout", { cookie: s.cookie, body: { csrf: s.csrf } });
  expect(out.status).toBe(303);
  expect(out.headers.get("set-cookie")).toContain("Max-Age=0");
  expect((await req("GET", "/", { cookie: s.cookie })).status).toBe(303);
  expect(logs.some((l) => l.includes("failed login from 127.0.0.1"))).toBe(true);
});

test(`${LOGIN_MAX_FAILURES} failed logins block that address (even the right password) until the window passes; other addresses are not blocked`, async () => {
  const { req, advance } = setup();
  for (let i = 0; i < LOGIN_MAX_FAILURES; i++) expect((await req("POST", "/login", { body: { password: `wrong-${i}-xxxxxx` } })).status).toBe(401);
  const blocked = await req("POST", "/login", { body: { password: PASSWORD } });
  expect(blocked.status).toBe(429);
  expect(Number(blocked.headers.get("retry-after"))).toBe(LOGIN_WINDOW_MS / 1000);
  expect((await req("POST", "/login", { ip: "192.0.2.7", body: { password: PASSWORD } })).status).toBe(303);
  advance(LOGIN_WINDOW_MS);
  expect((await req("POST", "/login", { body: { password: PASSWORD } })).status).toBe(303);
});

test("changing requests: no session → 401, no or wrong CSRF token → 403, cross-site → 403 even with both", async () => {
  const { req, login } = setup();
  const s = await login();
  expect((await req("POST", "/logout", { body: { csrf: s.csrf } })).status).toBe(401);
  expect((await req("POST", "/logout", { cookie: s.cookie, body: {} })).status).toBe(403);
  expect((await req("POST", "/logout", { cookie: s.cookie, body: { csrf: s.csrf.slice(1) + "x" } })).status).toBe(403);
  expect((await req("POST", "/logout", { cookie: s.cookie, body: { csrf: s.csrf }, headers: { "sec-fetch-site": "cross-site" } })).status).toBe(403);
  expect((await req("POST", "/logout", { cookie: s.cookie, body: { csrf: s.csrf }, headers: { origin: "https://evil.example" } })).status).toBe(403);
  expect((await req("POST", "/login", { body: { password: PASSWORD }, headers: { origin: "https://evil.example" } })).status).toBe(403);
  expect((await req("POST", "/logout", { cookie: s.cookie, body: { csrf: s.csrf }, headers: { origin: "null" } })).status).toBe(403);
  expect((await req("POST", "/logout", { cookie: s.cookie, body: { csrf: s.csrf }, headers: { origin: "null", "sec-fetch-site": "same-site" } })).status).toBe(403);
  // Still logged in: none of the refused requests logged out.
  expect((await req("GET", "/", { cookie: s.cookie })).status).toBe(200);
  // What Chromium sends for a form post from a page with Referrer-Policy no-referrer: Sec-Fetch-Site decides.
  expect((await req("POST", "/logout", { cookie: s.cookie, body: { csrf: s.csrf }, headers: { origin: "null", "sec-fetch-site": "same-origin" } })).status).toBe(303);
});

test.each(["/settings", "/learn", "/license", "/logout"])("POST %s: refused without a session (401), without the CSRF token (403), cross-site (403); nothing changes", async (path) => {
  const learned: string[] = [];
  const { req, login } = setup({ learn: async (op) => (learned.push(op), { ok: true, reply: { version: 1, outcome: "learned", spam: 1, ham: 0 } }), reload: async () => (learned.push("reload"), { ok: true, generation: 2 }) });
  const s = await login();
  const fields = { op: "spam", message: "Subject: x\n\nbody", action: "save", text: "[policy]\nspam_score = 1\n", base: "" };
  expect((await req("POST", path, { body: { ...fields, csrf: s.csrf } })).status).toBe(401);
  expect((await req("POST", path, { cookie: s.cookie, body: fields })).status).toBe(403);
  expect((await req("POST", path, { cookie: s.cookie, body: { ...fields, csrf: s.csrf }, headers: { "sec-fetch-site": "cross-site" } })).status).toBe(403);
  expect(learned).toEqual([]);
  expect((await req("GET", "/", { cookie: s.cookie })).status).toBe(200);
});

test("POST /learn with the token hands the pasted message (CRLF lines) to the pool and shows the outcome", async () => {
  const got: [string, string][] = [];
  const { req, login } = setup({ learn: async (op, raw) => (got.push([op, new TextDecoder().decode(raw)]), { ok: true, reply: { version: 1, outcome: "learned", spam: 5, ham: 7 } }) });
  const s = await login();
  const r = await req("POST", "/learn", { cookie: s.cookie, body: { csrf: s.csrf, op: "ham", message: "Subject: hi\n\nhello" } });
  expect(r.status).toBe(200);
  expect(await r.text()).toContain("ham: learned. The database now holds 5 spam and 7 ham messages.");
  expect(got).toEqual([["ham", "Subject: hi\r\n\r\nhello"]]);
  expect((await req("POST", "/learn", { cookie: s.cookie, body: { csrf: s.csrf, op: "eggs", message: "x" } })).status).toBe(400);
});

test("a session expires after session_timeout without requests", async () => {
  const { req, login, advance } = setup();
  const s = await login();
  advance(599_000);
  expect((await req("GET", "/", { cookie: s.cookie })).status).toBe(200);
  advance(599_000);
  expect((await req("GET", "/", { cookie: s.cookie })).status).toBe(200);
  advance(601_000);
  expect((await req("GET", "/", { cookie: s.cookie })).status).toBe(303);
});

test("allow and metrics_allow", async () => {
  const { req, login } = setup();
  expect((await req("GET", "/login", { ip: "198.51.100.1" })).status).toBe(403);
  expect((await req("POST", "/login", { ip: "198.51.100.1", body: { password: PASSWORD } })).status).toBe(403);
  // 127.0.0.1 is allowed to the UI but not listed in metrics_allow: it needs a session for /metrics.
  expect((await req("GET", "/metrics")).status).toBe(403);
  const s = await login();
  expect((await req("GET", "/metrics", { cookie: s.cookie })).status).toBe(200);
  const m = await req("GET", "/metrics", { ip: "192.0.2.9" });
  expect(m.status).toBe(200);
  expect(m.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
  expect((await req("GET", "/metrics", { ip: "192.0.2.10" })).status).toBe(403);
});

test.each([
  ["127.0.0.1", ["127.0.0.1/8"], true],
  ["::ffff:127.0.0.5", ["127.0.0.1/8"], true],
  ["::1", ["127.0.0.1/8"], false],
  ["::1", ["::1/128"], true],
  [undefined, [], true],
  ["not an ip", ["0.0.0.0/0"], false],
] as const)("allowed(%p, %p) = %p", (ip, ranges, want) => {
  expect(allowed(ip, ranges)).toBe(want);
});
