// License upload through the Control Center of the compiled binary: an expired key and a key
// of an unknown issuer are refused before anything is written; a good key replaces
// [license] key_file (the old one kept as a dated backup) and the server takes it at once.
import { afterAll, expect, test } from "bun:test";
import { copyFileSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { REPO, tempDir } from "../testing/kas-binary";
import { freePort, startServer, type Served } from "../testing/kas-server";

const PASSWORD = "correct horse battery staple";
const FIX = join(REPO, "fixtures/license");
const dirs: string[] = [];
const servers: Served[] = [];
afterAll(() => {
  for (const s of servers) if (s.proc.exitCode === null) s.proc.kill("SIGKILL");
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const unescape = (s: string) => s.replace(/&#(\d+);/g, (_, n) => String.fromCharCode(Number(n)));

test("expired and foreign keys refused before install; a good key installed with the old one kept, and in force", async () => {
  const dir = tempDir("kas-license-page-");
  dirs.push(dir);
  const keyFile = join(dir, "license.key");
  copyFileSync(join(FIX, "test-server-2099.key"), keyFile);
  const hash = await Bun.password.hash(PASSWORD, { algorithm: "argon2id" });
  const port = freePort();
  const base = `http://127.0.0.1:${port}`;
  const s = await startServer(dir, { toml: `[control]\nlisten = ["tcp:127.0.0.1:${port}"]\npassword_hash = "${hash}"\n[license]\nkey_file = ${JSON.stringify(keyFile)}\ntrusted_issuers = [${JSON.stringify(join(FIX, "test-issuer.pub"))}]\n`, server: "start_filters = 1" });
  servers.push(s);
  const login = await fetch(`${base}/login`, { method: "POST", body: new URLSearchParams({ password: PASSWORD }), redirect: "manual" });
  const cookie = login.headers.get("set-cookie")!.split(";")[0];
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
