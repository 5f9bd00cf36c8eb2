// The Control Center in a real Chromium (Debian `chromium`, driven by playwright-core)
// against the compiled binary, as an administrator uses it: wrong password refused, login,
// dashboard with a running pool, statistics after 100 scans, a policy threshold edited in
// Settings decides the next verdict, a bad value refused with the config checker's message,
// an expired license refused, logout, and the login rate limit. A screenshot of each page is
// written to $KAS_SCREENSHOTS when set (the README's pictures come from there).
import { afterAll, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { REPO, tempDir } from "../testing/kas-binary";
import { CONTROL_PASSWORD as PASSWORD, controlSection, licenseCopy } from "../testing/control-center";
import { freePort, startServer, type Served } from "../testing/kas-server";

const CHROMIUM = "/usr/bin/chromium";
const GTUBE = "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X";
const FIX = join(REPO, "fixtures/license");
const dirs: string[] = [];
const servers: Served[] = [];
let browser: Browser | undefined;
afterAll(async () => {
  await browser?.close();
  for (const s of servers) if (s.proc.exitCode === null) s.proc.kill("SIGKILL");
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const shots = process.env.KAS_SCREENSHOTS;
async function shot(page: Page, name: string) {
  if (!shots) return;
  mkdirSync(shots, { recursive: true });
  await page.screenshot({ path: join(shots, `${name}.png`) });
}

/**
 * Loads the dashboard again. Chromium sometimes has the page between renderer targets right
 * after a navigation, and the DevTools protocol then answers "Not attached to an active page"
 * (seen once on CI, 2026-12-02, on the first reload after the login): one retry for that
 * browser-side state only; any answer from kas itself is checked by the caller.
 */
async function openDashboard(page: Page, base: string): Promise<void> {
  try {
    await page.goto(`${base}/`);
  } catch (e) {
    if (!/Not attached to an active page|Target closed|Frame was detached/.test(String(e))) throw e;
    await Bun.sleep(200);
    await page.goto(`${base}/`);
  }
}

test("login, dashboard, statistics, settings, license, logout and rate limit in Chromium", async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install the Debian package chromium (npm test's setup does: bun src/testing/setup.ts)`);
  const dir = tempDir("kas-browser-");
  dirs.push(dir);
  const { keyFile, toml: license } = licenseCopy(dir);
  const port = freePort();
  const base = `http://127.0.0.1:${port}`;
  const s = await startServer(dir, {
    toml: (await controlSection(port)) + license,
    server: "start_filters = 2",
  });
  servers.push(s);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-dev-shm-usage"] });
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });

  // A page without a session lands on the login; a wrong password is refused.
  await page.goto(`${base}/stats`);
  expect(new URL(page.url()).pathname).toBe("/login");
  await shot(page, "login");
  await page.fill('input[name="password"]', "not the password");
  await page.click("button");
  expect(await page.textContent("p.err")).toBe("Wrong password.");
  await page.fill('input[name="password"]', PASSWORD);
  await page.click("button");
  await page.waitForLoadState("load");
  expect(new URL(page.url()).pathname).toBe("/");
  const cookie = (await page.context().cookies()).find((c) => c.name === "kas_session")!;
  expect([cookie.httpOnly, cookie.sameSite]).toEqual([true, "Strict"]);

  // Dashboard: the running pool, one row per filtering process.
  for (const end = Date.now() + 10_000; ; await Bun.sleep(200)) {
    await openDashboard(page, base);
    const idle = await page.locator("table tr:has(td)").filter({ hasText: "idle" }).count();
    if (idle === 2 || Date.now() > end) {
      expect(idle).toBe(2);
      break;
    }
  }
  expect(await page.textContent("body")).toContain("Filtering processes");

  // Statistics after 100 scans: the chart and the totals.
  for (let i = 0; i < 100; i++) {
    const r = await s.scan(`From: s${i}@example.net\r\nTo: u@example.com\r\nSubject: n${i}\r\n\r\n${i % 5 === 0 ? GTUBE : "See you tomorrow."}\r\n`, { "X-KAS-From": `s${i}@example.net`, "X-KAS-Rcpt": "u@example.com", "X-KAS-IP": "192.0.2.1" });
    expect(r.status).toBe(200);
  }
  await page.click('header a[href="/"]');
  expect(await page.textContent("body")).toContain("100 total");
  await shot(page, "dashboard");
  await page.click('header a[href="/stats"]');
  await page.selectOption('select[name="period"]', "hour");
  await page.click('form[action="/stats"] button');
  expect(await page.locator("svg rect").count()).toBeGreaterThan(0);
  const totals = await page.locator("table").first().locator("tr:has(td)").allTextContents();
  expect(totals.sort()).toEqual(["not_detected80", "spam20"]);
  await shot(page, "statistics");
  await page.click('header a[href="/history"]');
  await page.fill('input[name="q"]', "s42@");
  await page.click('form[action="/history"] button');
  expect(await page.textContent("main")).toContain("1 scans shown");
  await shot(page, "history");
  await page.click('header a[href="/rules"]');
  expect(await page.locator("tr", { hasText: "GTUBE" }).first().textContent()).toContain("20");
  await shot(page, "rules");

  // Settings: a threshold low enough to make the next plain message spam.
  const plain = "From: ann@example.net\r\nTo: u@example.com\r\nSubject: lunch\r\n\r\nLunch at noon?\r\n";
  const before = await s.scan(plain);
  expect(before.json.status).toBe("not_detected");
  const t = Math.round((before.json.score - 0.1) * 10) / 10;
  await page.click('header a[href="/settings"]');
  const text = await page.inputValue('textarea[name="text"]');
  await page.fill('textarea[name="text"]', `${text}\n[policy]\nspam_score = "high"\n`);
  await page.click('button[value="check"]');
  expect(await page.textContent("pre.err")).toMatch(new RegExp(`${s.configPath.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}:\\d+: policy\\.spam_score: must be a number, got "high"`));
  await page.fill('textarea[name="text"]', `${text}\n[policy]\nspam_score = ${t}\nprobable_spam_score = ${t}\n`);
  await page.click('button[value="check"]');
  expect(await page.textContent("main pre")).toContain(`+ spam_score = ${t}`);
  await shot(page, "settings");
  await page.click('button[value="save"]');
  expect(await page.textContent("p.ok")).toContain("reloaded: generation 2 is serving");
  expect((await s.scan(plain)).json.status).toBe("spam");

  // License: an expired key is refused and the current one stays.
  await page.click('header a[href="/license"]');
  await page.setInputFiles('input[name="file"]', join(FIX, "expired-2020.key"));
  await page.click('form[action="/license"] button');
  expect(await page.textContent("p.err")).toContain("Not installed: this key is expired");
  expect(readFileSync(keyFile, "utf8")).toBe(readFileSync(join(FIX, "test-server-2099.key"), "utf8"));
  await shot(page, "license");
  await page.click('header a[href="/learn"]');
  await shot(page, "learn");

  // Logout: the session is gone.
  await page.click('header form[action="/logout"] button');
  expect(new URL(page.url()).pathname).toBe("/login");
  await page.goto(`${base}/`);
  expect(new URL(page.url()).pathname).toBe("/login");

  // Rate limit: 5 failures within 15 minutes (the one before the login was forgiven by it) block even the right password.
  for (let i = 0; i < 5; i++) {
    await page.fill('input[name="password"]', `wrong ${i}`);
    await page.click("button");
  }
  await page.fill('input[name="password"]', PASSWORD);
  await page.click("button");
  expect(await page.textContent("p.err")).toMatch(/^Too many failed attempts: try again in \d+ seconds\.$/);
  expect(new URL(page.url()).pathname).toBe("/login");
  expect(await s.stop()).toBe(0);
}, 120_000);
