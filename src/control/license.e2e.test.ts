// License upload through the Control Center of the compiled binary: an expired key and a key
// of an unknown issuer are refused before anything is written; a good key replaces
// [license] key_file (the old one kept as a dated backup) and the server takes it at once.
import { afterAll, expect, test } from "bun:test";
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { REPO, tempDir } from "../testing/kas-binary";
import { controlSection, licenseCopy, loginCookie, unescapeHtml as unescape } from "../testing/control-center";
import { freePort, startServer, type Served } from "../testing/kas-server";

const FIX = join(REPO, "fixtures/license");
const dirs: string[] = [];
const servers: Served[] = [];
afterAll(() => {
  for (const s of servers) if (s.proc.exitCode === null) s.proc.kill("SIGKILL");
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

test("expired and foreign keys refused before install; a good key installed with the old one kept, and in force", async () => {
  const dir = tempDir("kas-license-page-");
  dirs.push(dir);
  const { keyFile, toml: license } = licenseCopy(dir);
  const port = freePort();
  const base = `http://127.0.0.1:${port}`;
  const s = await startServer(dir, { toml: (await controlSection(port)) + license, server: "start_filters = 1" });
  servers.push(s);
  const cookie = await loginCookie(base);
  const page = unescape(await (await fetch(`${base}/license`, { headers: { cookie } })).text());
  expect(page).toContain("kas test suite");
  const csrf = /name="csrf" value="([^"]+)"/.exec(page)![1];
  const upload = async (fixture: string) => {
    const fd = new FormData();
    fd.set("csrf", csrf);
    fd.set("file", new Blob([readFileSync(join(FIX, fixture))]), fixture);
    const r = await fetch(`${base}/license`, { method: "POST", headers: { cookie }, body: fd });
    return { status: r.status, html: unescape(await r.text()) };
  };
  const before = readFileSync(keyFile, "utf8");

  const expired = await upload("expired-2020.key");
  expect(expired.status).toBe(422);
  expect(expired.html).toContain("Not installed: this key is expired: expired on 2020-12-31");
  const foreign = await upload("unknown-issuer-2099.key");
  expect(foreign.status).toBe(422);
  expect(foreign.html).toContain("which is not in [license] trusted_issuers");
  expect(readFileSync(keyFile, "utf8")).toBe(before);
  expect(readdirSync(dir).filter((f) => f.endsWith(".bak"))).toEqual([]);

  // Without the CSRF token nothing is installed.
  const fd = new FormData();
  fd.set("file", new Blob([readFileSync(join(FIX, "valid-2099.key"))]), "k");
  expect((await fetch(`${base}/license`, { method: "POST", headers: { cookie }, body: fd })).status).toBe(403);
  expect(readFileSync(keyFile, "utf8")).toBe(before);

  const good = await upload("valid-2099.key");
  expect(good.status).toBe(200);
  expect(good.html).toContain("Installed for Example Mail GmbH: valid until 2099-12-31");
  expect(readFileSync(keyFile, "utf8")).toBe(readFileSync(join(FIX, "valid-2099.key"), "utf8"));
  const backups = readdirSync(dir).filter((f) => f.startsWith("license.key.") && f.endsWith(".bak"));
  expect(backups).toHaveLength(1);
  expect(readFileSync(join(dir, backups[0]), "utf8")).toBe(before);
  expect((await s.status()).license).toMatchObject({ licensee: "Example Mail GmbH", serial: "TEST-VALID-2099", verdict: "valid" });
  expect(good.html).toContain("TEST-SERVER-2099"); // the replaced key in the history
  expect(await s.stop()).toBe(0);
}, 60_000);
