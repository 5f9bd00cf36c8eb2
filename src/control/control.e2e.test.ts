// The Control Center through the compiled binary: `kas control passwd`, login over real HTTP,
// /metrics parsed as Prometheus reads it and moving with real scans, statistics and history
// written by the master and still there after a restart, refusals of unauthenticated and
// cross-site changes.
import { afterAll, expect, test } from "bun:test";
import { rmSync, statSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { runKas, tempDir } from "../testing/kas-binary";
import { CONTROL_PASSWORD as PASSWORD, controlSection } from "../testing/control-center";
import { freePort, startServer, type Served } from "../testing/kas-server";
import { parsePrometheus, sampleValue } from "../testing/prometheus";

const GTUBE = "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X";
const dirs: string[] = [];
const servers: Served[] = [];
afterAll(() => {
  for (const s of servers) if (s.proc.exitCode === null) s.proc.kill("SIGKILL");
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const message = (i: number, spam: boolean) => `From: sender${i}@example.net\r\nTo: user@example.com\r\nSubject: note ${i}\r\nMessage-ID: <m${i}@example.net>\r\nDate: Mon, 1 Jan 2024 00:00:00 +0000\r\n\r\n${spam ? GTUBE : "See you at the meeting tomorrow."}\r\n`;

test("kas control passwd prints an argon2id config line, or writes the hash to --file with mode 0600; short passwords are refused", async () => {
  const dir = tempDir("kas-control-");
  dirs.push(dir);
  const r = await runKas(["control", "passwd"], { stdin: PASSWORD + "\n" });
  expect(r.exitCode).toBe(0);
  const hash = /^password_hash = "(\$argon2id\$[^"]+)"\n$/.exec(r.text)![1];
  expect(await Bun.password.verify(PASSWORD, hash)).toBe(true);
  const file = join(dir, "control.pw");
  const w = await runKas(["control", "passwd", "--file", file], { stdin: PASSWORD + "\n" });
  expect(w.exitCode).toBe(0);
  expect(w.stderr).toContain(`password hash written to ${file}`);
  expect(statSync(file).mode & 0o777).toBe(0o600);
  expect(await Bun.password.verify(PASSWORD, readFileSync(file, "utf8").trim())).toBe(true);
  const short = await runKas(["control", "passwd"], { stdin: "short\n" });
  expect(short.exitCode).toBe(64);
  expect(short.stderr).toContain("at least 10 characters");
});

test("login, /metrics moving with 100 real scans, statistics and history surviving a restart, refusals", async () => {
  const dir = tempDir("kas-control-");
  dirs.push(dir);
  const port = freePort();
  const base = `http://127.0.0.1:${port}`;
  const toml = await controlSection(port);
  let s = await startServer(dir, { toml, server: "start_filters = 2" });
  servers.push(s);
  await s.waitLog(/Control Center on tcp:127\.0\.0\.1/);
  // `kas status` names the Control Center's address with the doors'.
  expect((await s.status()).control_listen).toEqual([`tcp:127.0.0.1:${port}`]);
  const st = await runKas(["status", "--config", s.configPath, "--connect", s.tcp]);
  expect(st.text).toMatch(new RegExp(`^listening: tcp:127\\.0\\.0\\.1:\\d+, control tcp:127\\.0\\.0\\.1:${port}$`, "m"));

  const metrics = async () => {
    const r = await fetch(`${base}/metrics`);
    expect(r.status).toBe(200);
    return parsePrometheus(await r.text());
  };
  const before = await metrics();
  expect(sampleValue(before, "kas_scan_duration_seconds_count")).toBe(0);
  expect(sampleValue(before, "kas_filter_processes", { state: "idle" })! + sampleValue(before, "kas_filter_processes", { state: "starting" })!).toBe(2);
  expect(sampleValue(before, "kas_license_days_left")).toBeGreaterThan(0);

  // Unauthenticated and cross-site changes are refused; pages redirect to the login.
  expect((await fetch(`${base}/`, { redirect: "manual" })).headers.get("location")).toBe("/login");
  expect((await fetch(`${base}/logout`, { method: "POST", redirect: "manual" })).status).toBe(401);
  const wrong = await fetch(`${base}/login`, { method: "POST", body: new URLSearchParams({ password: "not the password" }), redirect: "manual" });
  expect(wrong.status).toBe(401);
  const crossLogin = await fetch(`${base}/login`, { method: "POST", body: new URLSearchParams({ password: PASSWORD }), headers: { origin: "https://evil.example" }, redirect: "manual" });
  expect(crossLogin.status).toBe(403);

  const N = 100;
  for (let i = 0; i < N; i++) {
    const r = await s.scan(message(i, i % 4 === 0), { "X-KAS-IP": "192.0.2.10", "X-KAS-From": `sender${i}@example.net`, "X-KAS-Rcpt": "user@example.com", "X-KAS-Queue-Id": `QID${i}` });
    expect(r.status).toBe(200);
  }
  const after = await metrics();
  expect(sampleValue(after, "kas_scans_total", { status: "spam", policy: "default" })).toBe(25);
  expect(sampleValue(after, "kas_scans_total", { status: "not_detected", policy: "default" })).toBe(75);
  expect(sampleValue(after, "kas_scan_duration_seconds_count")).toBe(N);
  expect(sampleValue(after, "kas_scan_duration_seconds_sum")).toBeGreaterThan(0);

  const login = await fetch(`${base}/login`, { method: "POST", body: new URLSearchParams({ password: PASSWORD }), redirect: "manual" });
  expect(login.status).toBe(303);
  const cookie = login.headers.get("set-cookie")!.split(";")[0];
  const get = async (path: string) => {
    const r = await fetch(base + path, { headers: { cookie }, redirect: "manual" });
    expect([path, r.status]).toEqual([path, 200]);
    return await r.text();
  };
  const dash = await get("/");
  expect(dash).toContain("Filtering processes");
  const csrf = /name="csrf" value="([^"]+)"/.exec(dash)![1];
  // The master writes statistics a second after the replies; the pages flush first.
  const history = await get("/history?q=SENDER4");
  // Substring search, any case: sender4 and sender40…49, nothing else.
  expect(history).toContain("11 scans shown");
  expect(history).toContain("<td>QID4</td>");
  expect(history).toContain("<td>sender40@example.net</td>");
  expect(history).not.toContain("sender39@");
  expect(history).toContain("GTUBE");
  const csv = await get("/stats.csv?period=day");
  const total = (text: string) => text.trim().split("\r\n").slice(1).reduce((a, l) => a + Number(l.split(",")[3]), 0);
  expect(total(csv)).toBe(N);
  expect(await get("/stats?period=hour")).toContain("<svg");
  expect(await get("/rules")).toContain("GTUBE");
  expect(statSync(join(dir, "data/stats/stats.sqlite")).mode & 0o777).toBe(0o600);

  // Logout needs the CSRF token; then the session is gone.
  expect((await fetch(`${base}/logout`, { method: "POST", headers: { cookie }, redirect: "manual" })).status).toBe(403);
  expect((await fetch(`${base}/logout`, { method: "POST", headers: { cookie, "content-type": "application/x-www-form-urlencoded" }, body: `csrf=${encodeURIComponent(csrf)}`, redirect: "manual" })).status).toBe(303);
  expect((await fetch(`${base}/`, { headers: { cookie }, redirect: "manual" })).status).toBe(303);

  expect(await s.stop()).toBe(0);
  s = await startServer(dir, { toml, server: "start_filters = 1" });
  servers.push(s);
  await s.waitLog(/Control Center on/);
  const again = await fetch(`${base}/login`, { method: "POST", body: new URLSearchParams({ password: PASSWORD }), redirect: "manual" });
  const cookie2 = again.headers.get("set-cookie")!.split(";")[0];
  const csv2 = await (await fetch(`${base}/stats.csv?period=month`, { headers: { cookie: cookie2 } })).text();
  expect(total(csv2)).toBe(N);
  // Prometheus counters start again at zero with the new process.
  expect(sampleValue(await metrics(), "kas_scan_duration_seconds_count")).toBe(0);
  expect(await s.stop()).toBe(0);
}, 120_000);

test("HTTP/1.0 without Host is answered like any request (redirect to the login, /metrics), never a 500", async () => {
  const dir = tempDir("kas-control-");
  dirs.push(dir);
  const port = freePort();
  const s = await startServer(dir, { toml: await controlSection(port), server: "start_filters = 1" });
  servers.push(s);
  const raw = async (request: string) => {
    let out = "";
    await new Promise<void>((done) => void Bun.connect({ hostname: "127.0.0.1", port, socket: { open: (sock) => void sock.write(request), data: (_s, d) => void (out += Buffer.from(d).toString("latin1")), close: () => done(), error: () => done() } }));
    return out;
  };
  expect(await raw("GET / HTTP/1.0\r\n\r\n")).toMatch(/^HTTP\/1\.1 303 See Other\r\n(?:[^\r\n]*\r\n)*?Location: \/login\r\n/i);
  const metrics = await raw("GET /metrics HTTP/1.0\r\n\r\n");
  expect(metrics).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
  expect(metrics).toContain("kas_scan_duration_seconds_count 0\n");
  expect(await raw("POST /login HTTP/1.0\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 14\r\n\r\npassword=wrong")).toMatch(/^HTTP\/1\.1 401 /);
  expect(s.log.some((l) => l.includes("[control]") && l.includes("error"))).toBe(false);
  expect(await s.stop()).toBe(0);
}, 60_000);
