// Settings and learning through the Control Center of the compiled binary: a policy
// threshold edited on the page decides the next verdict; a bad value is refused with the
// config checker's own message; a configuration the server refuses to load is put back; a
// message pasted on the Learn page is learned by a filtering process.
import { afterAll, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runKas, tempDir } from "../testing/kas-binary";
import { controlSection, loginCookie, unescapeHtml as unescape } from "../testing/control-center";
import { freePort, startServer, type Served } from "../testing/kas-server";

const dirs: string[] = [];
const servers: Served[] = [];
afterAll(() => {
  for (const s of servers) if (s.proc.exitCode === null) s.proc.kill("SIGKILL");
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const MESSAGE = "From: Ann <ann@example.net>\r\nTo: bob@example.com\r\nSubject: lunch\r\nMessage-ID: <l1@example.net>\r\nDate: Mon, 1 Jan 2024 00:00:00 +0000\r\n\r\nLunch at noon?\r\n";

test("edit a threshold → next verdict changes; bad value refused with the checker's message; refused reload puts the file back; learn page", async () => {
  const dir = tempDir("kas-settings-");
  dirs.push(dir);
  const port = freePort();
  const base = `http://127.0.0.1:${port}`;
  const s = await startServer(dir, { toml: await controlSection(port), server: "start_filters = 1" });
  servers.push(s);
  const cookie = await loginCookie(base);
  const form = async (fields: Record<string, string>) => {
    const r = await fetch(`${base}/settings`, { method: "POST", headers: { cookie }, body: new URLSearchParams(fields), redirect: "manual" });
    return { status: r.status, html: unescape(await r.text()) };
  };
  const page = unescape(await (await fetch(`${base}/settings`, { headers: { cookie } })).text());
  const csrf = /name="csrf" value="([^"]+)"/.exec(page)![1];
  const original = /<textarea name="text"[^>]*>([\s\S]*?)<\/textarea>/.exec(page)![1];
  expect(original).toBe(readFileSync(s.configPath, "utf8"));
  const digest = /name="base" value="([^"]+)"/.exec(page)![1];

  const first = await s.scan(MESSAGE, { "X-KAS-Rcpt": "bob@example.com" });
  expect(first.json.status).toBe("not_detected");
  const threshold = Math.round((first.json.score - 0.1) * 10) / 10;
  const edited = `${original}\n[policy]\nspam_score = ${threshold}\nprobable_spam_score = ${threshold}\n`;

  const check = await form({ csrf, base: digest, action: "check", text: edited });
  expect(check.status).toBe(200);
  expect(check.html).toContain(`+ spam_score = ${threshold}`);
  expect(check.html).toContain('value="save"');
  expect(readFileSync(s.configPath, "utf8")).toBe(original); // checking writes nothing

  const save = await form({ csrf, base: digest, action: "save", text: edited });
  expect(save.status).toBe(200);
  expect(save.html).toMatch(/Saved \(previous file kept as .*\.bak\) and reloaded: generation 2 is serving/);
  expect(readFileSync(s.configPath, "utf8")).toBe(edited);
  const backups = readdirSync(dir).filter((f) => f.startsWith("kas.toml.") && f.endsWith(".bak"));
  expect(backups).toHaveLength(1);
  expect(readFileSync(join(dir, backups[0]), "utf8")).toBe(original);
  const second = await s.scan(MESSAGE, { "X-KAS-Rcpt": "bob@example.com" });
  expect(second.json.status).toBe("spam");
  expect(second.json.threshold).toBe(threshold);

  // A bad value: the page says what `kas config check` says about the same text, nothing is written.
  const bad = edited.replace(`spam_score = ${threshold}\nprobable`, `spam_score = "high"\nprobable`);
  const refused = await form({ csrf, base: Bun.hash(edited).toString(), action: "save", text: bad });
  expect(refused.status).toBe(422);
  const copy = join(dir, "copy.toml");
  writeFileSync(copy, bad);
  const cli = await runKas(["config", "check", "--config", copy]);
  expect(cli.exitCode).toBe(78);
  const reason = /copy\.toml:(\d+: policy\.spam_score: [^\n]+)/.exec(cli.stderr)![1];
  expect(refused.html).toContain(`${s.configPath}:${reason}`);
  expect(refused.html).toContain("Nothing was saved.");
  expect(readFileSync(s.configPath, "utf8")).toBe(edited);

  // Valid for the loader, refused by the server (the rule sources do not exist): the file is put back.
  const page2 = unescape(await (await fetch(`${base}/settings`, { headers: { cookie } })).text());
  const digest2 = /name="base" value="([^"]+)"/.exec(page2)![1];
  const broken = `${edited}\n[scan]\nrules_dir = ${JSON.stringify(join(dir, "no-such-rules"))}\n`;
  const back = await form({ csrf, base: digest2, action: "save", text: broken });
  expect(back.status).toBe(422);
  expect(back.html).toContain("was put back and the old configuration keeps serving");
  expect(back.html).toContain("no-such-rules");
  expect(readFileSync(s.configPath, "utf8")).toBe(edited);
  expect((await s.scan(MESSAGE, { "X-KAS-Rcpt": "bob@example.com" })).json.status).toBe("spam");
  expect((await s.status()).reloads).toMatchObject({ ok: 1, refused: 1 });

  // A save over a file changed meanwhile is refused.
  writeFileSync(s.configPath, edited + "\n# edited by hand\n");
  const stale = await form({ csrf, base: digest2, action: "save", text: original });
  expect(stale.status).toBe(409);
  expect(stale.html).toContain("was changed by someone else");

  // Learn: a pasted message goes to a filtering process.
  const learn = await fetch(`${base}/learn`, { method: "POST", headers: { cookie }, body: new URLSearchParams({ csrf, op: "spam", message: MESSAGE }) });
  expect(learn.status).toBe(200);
  expect(unescape(await learn.text())).toContain("spam: learned. The database now holds 1 spam and 0 ham messages.");
  expect(existsSync(join(dir, "data"))).toBe(true);
  const dash = unescape(await (await fetch(`${base}/`, { headers: { cookie } })).text());
  expect(dash).toContain("learned 1 spam, 0 ham");
  const metrics = await (await fetch(`${base}/metrics`)).text();
  expect(metrics).toContain('kas_bayes_learned_messages{class="spam"} 1\n');
  expect(await s.stop()).toBe(0);
}, 90_000);
