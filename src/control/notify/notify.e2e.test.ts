// Notifications through a real, private Postfix (testing/postfix.ts): `kas notify test`
// delivers, and `kas serve` mails a license that expires in 5 days to [notify] admin soon
// after it starts, shows it on the dashboard, and logs it.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { REPO, runKas, tempDir, writeConfig } from "../../testing/kas-binary";
import { freePort, startServer, type Served } from "../../testing/kas-server";
import { writeLicense } from "../../testing/license";
import { startPostfix, type Postfix } from "../../testing/postfix";

const dirs: string[] = [];
const servers: Served[] = [];
let pf: Postfix;
beforeAll(async () => {
  pf = await startPostfix();
}, 60_000);
afterAll(async () => {
  for (const s of servers) if (s.proc.exitCode === null) s.proc.kill("SIGKILL");
  await pf?.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

test("kas notify test delivers to [notify] admin through the mail server; a refused recipient is exit 69", async () => {
  const dir = tempDir("kas-notify-");
  dirs.push(dir);
  const config = writeConfig(dir, `[notify]\nsmtp = "tcp:127.0.0.1:${pf.port}"\nadmin = ["admin@${pf.domain}"]\nfrom = "kas@${pf.domain}"\n`);
  const r = await runKas(["notify", "test", "--config", config]);
  expect(r.stderr).toBe("");
  expect(r.exitCode).toBe(0);
  expect(r.text).toMatch(new RegExp(`^sent to admin@${pf.domain} via tcp:127\\.0\\.0\\.1:${pf.port}: 250 2\\.0\\.0 Ok: queued as \\w+\\n$`));
  const [mail] = await pf.waitDelivered(1, 15_000);
  expect(mail).toContain("Subject: [kas] ");
  expect(mail).toContain("test notification");
  expect(mail).toContain("Auto-Submitted: auto-generated");
  expect(mail).toContain(`From: kas <kas@${pf.domain}>`);
  // The private Postfix relays nowhere: another domain is refused at RCPT.
  const refused = await runKas(["notify", "test", "--config", config, "--to", "someone@elsewhere.example"]);
  expect(refused.exitCode).toBe(69);
  expect(refused.stderr).toContain("cannot send through");
}, 60_000);

test("kas serve mails a license expiring in 5 days, logs it and shows it on the dashboard", async () => {
  const dir = tempDir("kas-notify-serve-");
  dirs.push(dir);
  const before = pf.delivered().length;
  const key = writeLicense(dir, "soon.key", { serial: "TEST-SOON", expiresIn: 5, maxAddresses: 100 });
  const hash = await Bun.password.hash("correct horse battery staple", { algorithm: "argon2id" });
  const port = freePort();
  const s = await startServer(dir, {
    toml: `[license]\nkey_file = ${JSON.stringify(key)}\ntrusted_issuers = [${JSON.stringify(join(REPO, "fixtures/license/test-issuer.pub"))}]\n[notify]\nsmtp = "tcp:127.0.0.1:${pf.port}"\nadmin = ["admin@${pf.domain}"]\n[control]\nlisten = ["tcp:127.0.0.1:${port}"]\npassword_hash = "${hash}"\n`,
    server: "start_filters = 1",
  });
  servers.push(s);
  const mails = await pf.waitDelivered(before + 1, 20_000);
  const mail = mails[before];
  expect(mail).toMatch(/Subject: \[kas\] .*: the license expires in 5 days/);
  expect(mail).toContain("What to do: order the renewal");
  expect(await s.waitLog(/\[notify\].*the license expires in 5 days/)).toBeTruthy();
  const login = await fetch(`http://127.0.0.1:${port}/login`, { method: "POST", body: new URLSearchParams({ password: "correct horse battery staple" }), redirect: "manual" });
  const cookie = login.headers.get("set-cookie")!.split(";")[0];
  const dash = await (await fetch(`http://127.0.0.1:${port}/`, { headers: { cookie } })).text();
  expect(dash).toContain("the license expires in 5 days");
  expect(dash).toMatch(/sent to admin@kas\.test: 250 2\.0\.0 Ok: queued as \w+/);
  expect(await s.stop()).toBe(0);
  // One mail for the event, not one per look.
  expect(pf.delivered().length).toBe(before + 1);
}, 60_000);
