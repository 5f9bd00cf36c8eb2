// Postfix → Rspamd's own proxy (rspamd_proxy in milter mode, from the Debian rspamd package)
// → kas's Rspamd door: a site that already runs the proxy points its upstream at kas, and the
// proxy applies kas's verdict and header edits (the reply's milter block) during the SMTP
// session. Private instances only: the proxy gets its own config, directory and port.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { REPO, tempDir } from "../testing/kas-binary";
import { freePort, startServer, type Served } from "../testing/kas-server";
import { startPostfix, type Postfix } from "../testing/postfix";
import { sendMail } from "../testing/smtp";

const RSPAMD = Bun.which("rspamd") ?? "/usr/bin/rspamd";
const gtubeBody = readFileSync(join(REPO, "fixtures/messages/gtube.eml"), "latin1").split(/\r?\n\r?\n/).slice(1).join("\r\n\r\n");
const dirs: string[] = [];
let kas: Served;
let pf: Postfix;
let proxy: ReturnType<typeof Bun.spawn> | undefined;
const proxyLog: string[] = [];

/** rspamd with nothing but a proxy worker in milter mode whose one upstream is kas. */
async function startProxy(dir: string, port: number, upstream: string): Promise<void> {
  mkdirSync(join(dir, "db"), { recursive: true });
  const conf = join(dir, "rspamd.conf");
  writeFileSync(
    conf,
    `options { pidfile = "${dir}/rspamd.pid"; dbdir = "${dir}/db"; tempdir = "${dir}"; }
logging { type = "console"; level = "info"; }
worker "rspamd_proxy" {
  bind_socket = "127.0.0.1:${port}";
  milter = yes;
  timeout = 60s;
  count = 1;
  upstream "kas" { default = yes; hosts = "${upstream}"; }
}
`,
  );
  // -i: the tests may run as root; the proxy is still a private, loopback-only instance.
  proxy = Bun.spawn([RSPAMD, "-f", "-i", "-c", conf], { stdout: "pipe", stderr: "pipe", stdin: "ignore" });
  for (const stream of [proxy.stdout, proxy.stderr] as ReadableStream<Uint8Array>[]) {
    void (async () => {
      for await (const c of stream) proxyLog.push(...new TextDecoder().decode(c).split("\n"));
    })();
  }
  const end = Date.now() + 120_000;
  for (;;) {
    const up = await new Promise<boolean>((res) => {
      void Bun.connect({ hostname: "127.0.0.1", port, socket: { open: (s) => (s.end(), res(true)), data() {}, error: () => res(false), connectError: () => res(false) } }).catch(() => res(false));
    });
    if (up) return;
    if (proxy.exitCode !== null || Date.now() > end) throw new Error(`rspamd proxy did not start:\n${proxyLog.slice(-30).join("\n")}`);
    await Bun.sleep(250);
  }
}

beforeAll(async () => {
  const dir = tempDir("kas-rspamd-proxy-");
  dirs.push(dir);
  const door = freePort();
  kas = await startServer(dir, { server: "start_filters = 1", toml: `[policy]\nspam_action = "reject"\nreject_text = "5.7.1 Rejected by kas as spam"\n[rspamd]\nlisten = ["tcp:127.0.0.1:${door}"]\n` });
  const pxPort = freePort();
  await startProxy(join(dir, "proxy"), pxPort, `127.0.0.1:${door}`);
  pf = await startPostfix({ main: [`smtpd_milters = inet:127.0.0.1:${pxPort}`, "milter_protocol = 6", "milter_default_action = tempfail"] });
}, 180_000);

afterAll(async () => {
  await pf?.stop();
  if (proxy && proxy.exitCode === null) {
    proxy.kill("SIGTERM");
    await Promise.race([proxy.exited, Bun.sleep(5000)]);
    if (proxy.exitCode === null) proxy.kill("SIGKILL");
  }
  if (kas?.proc.exitCode === null) await kas.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const field = (msg: string, name: string) => [...msg.matchAll(new RegExp(`^${name}: ?(.*(?:\\r?\\n[ \\t].*)*)`, "gmi"))].map((m) => m[1]);
const mail = (tag: string, body: string, extraHead = "") => `From: sender@example.org\r\nTo: user@${pf.domain}\r\nSubject: ${tag}\r\nMessage-ID: <${tag}@example.org>\r\n${extraHead}\r\n${body}`;
async function deliveredWith(tag: string, ms = 30_000): Promise<string> {
  const end = Date.now() + ms;
  for (;;) {
    const hit = pf.delivered().find((m) => m.includes(tag));
    if (hit) return hit;
    if (Date.now() > end) throw new Error(`${tag} not delivered; queue ${JSON.stringify(pf.queue())}\n${pf.log().slice(-3000)}\n${proxyLog.slice(-20).join("\n")}`);
    await Bun.sleep(100);
  }
}

test("ham through the proxy: delivered with kas's X-KAS-* fields, the forged copies removed", async () => {
  const tag = `pham-${Date.now().toString(36)}`;
  const r = await sendMail(pf.port, { from: "sender@example.org", rcpt: [`user@${pf.domain}`], data: mail(tag, "Lunch at noon?\r\n", "X-KAS-Status: trusted\r\nX-Spam-Flag: NO\r\n") });
  expect(r.reply.code).toBe(250);
  const got = await deliveredWith(tag);
  const head = got.slice(0, got.search(/\r?\n\r?\n/));
  expect(field(head, "X-KAS-Status")).toEqual(["not_detected"]);
  expect(field(head, "X-Spam-Flag")).toEqual([]);
  expect(field(head, "X-KAS-Score")[0]).toMatch(/^-?\d+\.\d+ \/ 5\.0$/);
  await kas.waitLog(new RegExp(`door=rspamd qid=${r.queueId} from=<sender@example\\.org> rcpt=1 .*status=not_detected`));
}, 60_000);

test("GTUBE under spam_action = reject: the proxy refuses it at the end of DATA; nothing is queued", async () => {
  const tag = `pgtube-${Date.now().toString(36)}`;
  const r = await sendMail(pf.port, { from: "sender@example.org", rcpt: [`user@${pf.domain}`], data: mail(tag, gtubeBody) });
  expect(r.stage).toBe("DATA");
  expect(r.reply.code).toBeGreaterThanOrEqual(500);
  expect(r.reply.text).toContain("Rejected by kas as spam");
  await Bun.sleep(500);
  expect(pf.delivered().some((m) => m.includes(tag))).toBe(false);
  expect(pf.queue()).toEqual([]);
}, 60_000);

test("GTUBE under spam_action = prefix: the proxy rewrites the Subject as kas's reply says and delivers it", async () => {
  const text = readFileSync(kas.configPath, "utf8").replace('spam_action = "reject"', 'spam_action = "prefix"\nspam_subject_prefix = "[SPAM]"');
  writeFileSync(kas.configPath, text);
  kas.proc.kill("SIGHUP");
  await kas.waitLog(/reloaded: generation/, 20_000);
  const tag = `pprefix-${Date.now().toString(36)}`;
  const r = await sendMail(pf.port, { from: "sender@example.org", rcpt: [`user@${pf.domain}`], data: mail(tag, gtubeBody) });
  expect(r.reply.code).toBe(250);
  const got = await deliveredWith(tag);
  const head = got.slice(0, got.search(/\r?\n\r?\n/));
  expect(field(head, "Subject")).toEqual([`[SPAM] ${tag}`]);
  expect(field(head, "X-KAS-Status")).toEqual(["spam"]);
}, 60_000);
