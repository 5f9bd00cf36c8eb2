// The Rspamd door proved with the real rspamc (Debian package rspamd, client only: test setup
// installs it without starting its daemon) against the compiled `kas serve`: `symbols` and
// `check` print kas's verdict, `learn_spam` / `learn_ham` learn into the server's Bayes
// database from an allowed address (with and without a password), and are refused from one
// that is not allowed, or without the password.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { REPO, runKas, tempDir } from "../testing/kas-binary";
import { freePort, startServer, type Served } from "../testing/kas-server";

const GTUBE = join(REPO, "fixtures/messages/gtube.eml");
const dirs: string[] = [];
const servers: Served[] = [];
afterAll(async () => {
  for (const s of servers) if (s.proc.exitCode === null) await s.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const RSPAMC = Bun.which("rspamc");

async function rspamc(args: string[]): Promise<{ code: number; out: string }> {
  if (!RSPAMC) throw new Error("rspamc is missing: install the Debian package rspamd (npm test's setup does: src/testing/setup.ts)");
  const p = Bun.spawn([RSPAMC, "-t", "20", ...args], { stdout: "pipe", stderr: "pipe", env: { ...process.env, HOME: "/nonexistent" } });
  const [out, err, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
  return { code, out: out + err };
}

async function serve(rspamd: string, extra = "") {
  const dir = tempDir("kas-rspamd-");
  dirs.push(dir);
  const port = freePort();
  const s = await startServer(dir, { server: "start_filters = 1", toml: `${extra}\n[rspamd]\nlisten = ["tcp:127.0.0.1:${port}"]\n${rspamd}\n` });
  servers.push(s);
  await s.waitLog(/rspamd tcp:127\.0\.0\.1:\d+/);
  return { s, dir, host: `127.0.0.1:${port}` };
}

/** Spam and ham learned, as `kas learn --stats` reads them from the server's own database. */
async function learnedCounts(s: Served): Promise<{ spam: number; ham: number }> {
  const r = await runKas(["learn", "--stats", "--config", s.configPath]);
  if (r.exitCode === 66) return { spam: 0, ham: 0 }; // no database yet: nothing was ever learned
  const spam = /^spam\s+(\d+)$/m.exec(r.text);
  const ham = /^ham\s+(\d+)$/m.exec(r.text);
  if (!spam || !ham) throw new Error(`kas learn --stats said:\n${r.text}${r.stderr}`);
  return { spam: Number(spam[1]), ham: Number(ham[1]) };
}

let open: Awaited<ReturnType<typeof serve>>;
beforeAll(async () => {
  open = await serve('learn_allow = ["127.0.0.1/8"]', '[policy]\nspam_action = "reject"\n');
}, 30_000);

test("rspamc symbols: kas's verdict as Rspamd's — reject, score over threshold, GTUBE among the symbols; exit 0", async () => {
  const r = await rspamc(["-h", open.host, "-i", "192.0.2.25", "-F", "spammer@example.com", "-r", "victim@example.net", "symbols", GTUBE]);
  expect(r.code).toBe(0);
  expect(r.out).toMatch(/^Action: reject$/m);
  expect(r.out).toMatch(/^Spam: true$/m);
  expect(r.out).toMatch(/^Score: 10\d\d\.\d+ \/ 5\.00$/m);
  expect(r.out).toMatch(/^Symbol: GTUBE \(1000\.00\)$/m);
  expect(r.out).toMatch(/^Message-ID: gtube@example\.com$/m);
  const line = await open.s.waitLog(/door=rspamd .*status=spam/);
  expect(line).toMatch(/from=<spammer@example\.com> rcpt=1/);
});

test("rspamc check on ham: no action, Spam: false; -j prints the JSON with kas's header edits in the milter block", async () => {
  const ham = "From: Alice <alice@example.org>\r\nTo: bob@example.com\r\nSubject: lunch\r\nMessage-ID: <ham1@example.org>\r\nDate: Wed, 02 Dec 2026 10:00:00 +0000\r\n\r\nSee you at noon.\r\n";
  const file = join(open.dir, "ham.eml");
  await Bun.write(file, ham);
  const r = await rspamc(["-h", open.host, "check", file]);
  expect(r.code).toBe(0);
  expect(r.out).toMatch(/^Action: no action$/m);
  expect(r.out).toMatch(/^Spam: false$/m);
  const j = await rspamc(["-h", open.host, "-j", "symbols", file]);
  const reply = JSON.parse(j.out.slice(j.out.indexOf("{")));
  expect(reply).toMatchObject({ action: "no action", is_skipped: false, required_score: 5, "message-id": "ham1@example.org" });
  expect(reply.milter.add_headers["X-KAS-Status"]).toEqual({ value: "not_detected" });
});

test("rspamc learn_spam / learn_ham from an allowed address: learned into the server's Bayes database", async () => {
  const before = await learnedCounts(open.s);
  const r = await rspamc(["-h", open.host, "learn_spam", GTUBE]);
  expect(r.code).toBe(0);
  expect(r.out).toMatch(/success = true;/);
  expect(r.out).toMatch(/outcome = "learned";/);
  expect(await learnedCounts(open.s)).toEqual({ spam: before.spam + 1, ham: before.ham });
  const ham = await rspamc(["-h", open.host, "learn_ham", GTUBE]);
  expect(ham.out).toMatch(/outcome = "relearned";/);
  expect(await learnedCounts(open.s)).toEqual({ spam: before.spam, ham: before.ham + 1 });
});

test("learning refused: an address outside learn_allow, and a wrong or missing password (rspamc exits 1, nothing learned)", async () => {
  const denied = await serve('learn_allow = ["192.0.2.0/24"]');
  const r = await rspamc(["-h", denied.host, "learn_spam", GTUBE]);
  expect(r.code).toBe(1);
  expect(r.out).toMatch(/HTTP error: 403/);
  await denied.s.waitLog(/refused learn spam from 127\.0\.0\.1: not in \[rspamd\] learn_allow/);
  // Scanning from there still works: only learning is refused.
  expect((await rspamc(["-h", denied.host, "symbols", GTUBE])).code).toBe(0);

  const pw = await serve('learn_allow = ["127.0.0.1/8"]\npassword = "Tr0ub4dor&3"');
  for (const args of [[], ["-P", "wrong"]]) {
    const no = await rspamc(["-h", pw.host, ...args, "learn_spam", GTUBE]);
    expect(no.code).toBe(1);
    expect(no.out).toMatch(/HTTP error: 403/);
  }
  expect((await pw.s.waitLog(/refused learn spam from 127\.0\.0\.1: wrong or missing Password/))).toBeTruthy();
  expect(await learnedCounts(pw.s)).toEqual({ spam: 0, ham: 0 });
  const yes = await rspamc(["-h", pw.host, "-P", "Tr0ub4dor&3", "learn_spam", GTUBE]);
  expect(yes.code).toBe(0);
  expect(await learnedCounts(pw.s)).toEqual({ spam: 1, ham: 0 });
}, 60_000);

test("a client outside [rspamd] allow: rspamc symbols fails with 403, nothing is scanned", async () => {
  const closed = await serve('allow = ["192.0.2.0/24"]');
  const r = await rspamc(["-h", closed.host, "symbols", GTUBE]);
  expect(r.code).not.toBe(0);
  expect(r.out).toMatch(/HTTP error: 403/);
  await closed.s.waitLog(/door=rspamd refused POST \/checkv2 from 127\.0\.0\.1: not in \[rspamd\] allow/);
  expect(closed.s.log.some((l) => /door=rspamd .*status=/.test(l))).toBe(false);
}, 30_000);

test("status shows the Rspamd listener; the package's daemon is not running", async () => {
  const st = await open.s.status();
  expect(st.rspamd_listen).toEqual([`tcp:${open.host}`]);
  // Installing the rspamd package must not leave its daemon on Rspamd's default ports.
  const tcp = readFileSync("/proc/net/tcp", "utf8") + readFileSync("/proc/net/tcp6", "utf8");
  const listening = tcp.split("\n").filter((l) => / 0A /.test(l)).map((l) => parseInt(l.trim().split(/\s+/)[1].split(":")[1], 16));
  expect(listening.filter((p) => p >= 11332 && p <= 11335)).toEqual([]);
});
