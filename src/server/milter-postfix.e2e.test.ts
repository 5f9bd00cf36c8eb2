// The milter door proved with a real Postfix 3.7 (testing/postfix.ts) in front of the compiled
// `kas serve`: Postfix's smtpd hands every message to kas during the SMTP session
// (smtpd_milters), and the SMTP client sees kas's verdict at the end of DATA.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { REPO, tempDir } from "../testing/kas-binary";
import { freePort, startServer, type Served } from "../testing/kas-server";
import { startPostfix, type Postfix } from "../testing/postfix";
import { sendMail } from "../testing/smtp";

const gtubeBody = readFileSync(join(REPO, "fixtures/messages/gtube.eml"), "latin1").split(/\r?\n\r?\n/).slice(1).join("\r\n\r\n");
const dirs: string[] = [];
let pf: Postfix;
let kas: Served;
let milterPort: number;
let dir: string;

const policy = (action: string) => `[policy]\nspam_action = "${action}"\nspam_subject_prefix = "[SPAM]"\nreject_text = "5.7.1 Rejected by kas as spam"\ntempfail_text = "4.7.1 kas says later"\n`;
const toml = (action: string) => `${policy(action)}[client]\nsize_limit = 8388608\n[milter]\nlisten = ["tcp:127.0.0.1:${milterPort}"]\n`;

/** Rewrites the server's config with another spam_action and reloads it (SIGHUP), waiting for the reload line. */
async function setAction(action: string) {
  const text = readFileSync(kas.configPath, "utf8").replace(/\[policy\][\s\S]*?(?=\[client\])/, policy(action));
  writeFileSync(kas.configPath, text);
  const n = kas.log.filter((l) => l.includes("reloaded: generation")).length;
  kas.proc.kill("SIGHUP");
  const end = Date.now() + 20_000;
  while (kas.log.filter((l) => l.includes("reloaded: generation")).length === n) {
    if (Date.now() > end) throw new Error(`no reload:\n${kas.log.join("\n")}`);
    await Bun.sleep(50);
  }
}

beforeAll(async () => {
  dir = tempDir("kas-milter-pf-");
  dirs.push(dir);
  milterPort = freePort();
  kas = await startServer(dir, { toml: toml("reject"), server: "start_filters = 2\nmax_filters = 4" });
  pf = await startPostfix({ main: [`smtpd_milters = inet:127.0.0.1:${milterPort}`, "milter_protocol = 6", "milter_default_action = tempfail"] });
}, 90_000);

afterAll(async () => {
  await pf?.stop();
  if (kas?.proc.exitCode === null) kas.proc.kill("SIGKILL");
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const field = (msg: string, name: string) => [...msg.matchAll(new RegExp(`^${name}: ?(.*(?:\\r?\\n[ \\t].*)*)`, "gmi"))].map((m) => m[1]);
const split = (msg: string) => {
  const i = msg.search(/\r?\n\r?\n/);
  return { head: msg.slice(0, i), body: msg.slice(i).replace(/^\r?\n\r?\n/, "") };
};
const deliveredWith = async (tag: string, ms = 30_000) => {
  const end = Date.now() + ms;
  for (;;) {
    const hit = pf.delivered().find((m) => m.includes(tag));
    if (hit) return hit;
    if (Date.now() > end) throw new Error(`${tag} not delivered; queue ${JSON.stringify(pf.queue())}\n${pf.log().slice(-3000)}`);
    await Bun.sleep(100);
  }
};
const mail = (tag: string, body: string, extraHead = "") => `From: sender@example.org\r\nTo: user@${pf.domain}\r\nSubject: ${tag}\r\nMessage-ID: <${tag}@example.org>\r\n${extraHead}\r\n${body}`;

test("ham: delivered with kas's fields, a forged X-Spam-Flag and X-KAS-Status removed, the body byte-identical", async () => {
  const tag = `ham-${Date.now().toString(36)}`;
  const body = "Hello,\r\nthe minutes of today's meeting are attached.\r\n.a line with a leading dot\r\n\r\nRegards\r\n";
  const r = await sendMail(pf.port, { from: "sender@example.org", rcpt: [`user@${pf.domain}`], data: mail(tag, body, "X-Spam-Flag: NO\r\nX-KAS-Status: trusted\r\n") });
  expect(r.reply.code).toBe(250);
  const got = split(await deliveredWith(tag));
  expect(field(got.head, "X-KAS-Status")).toEqual(["not_detected"]);
  expect(field(got.head, "X-Spam-Flag")).toEqual([]);
  expect(field(got.head, "X-KAS-Score")[0]).toMatch(/^-?\d+\.\d+ \/ 5\.0$/);
  expect(got.body.replace(/\r\n/g, "\n")).toBe(body.replace(/\r\n/g, "\n"));
  expect(kas.log.some((l) => l.includes("door=milter") && l.includes(`qid=${r.queueId}`))).toBe(true);
}, 60_000);

test("GTUBE under spam_action = reject: refused at the end of DATA with the policy's text; nothing queued", async () => {
  const tag = `gtube-${Date.now().toString(36)}`;
  const r = await sendMail(pf.port, { from: "sender@example.org", rcpt: [`user@${pf.domain}`], data: mail(tag, gtubeBody) });
  expect(r.stage).toBe("DATA");
  expect(r.reply.code).toBe(550);
  expect(r.reply.text).toContain("5.7.1 Rejected by kas as spam");
  await Bun.sleep(500);
  expect(pf.delivered().some((m) => m.includes(tag))).toBe(false);
  expect(pf.queue()).toEqual([]);
}, 60_000);

test("8-bit multipart and a 5 MB message pass through scanned, byte-identical", async () => {
  const tag = `big-${Date.now().toString(36)}`;
  const line = "0123456789abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ 0123456789\r\n";
  const big = line.repeat(Math.ceil((5 * 1024 * 1024) / line.length));
  const body = `--b1\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nGrüße aus Köln, ça va?\r\n--b1\r\nContent-Type: text/plain\r\n\r\n${big}--b1--\r\n`;
  const head = 'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b1"\r\n';
  const data = Buffer.from(mail(tag, body, head), "utf8");
  const r = await sendMail(pf.port, { from: "sender@example.org", rcpt: [`user@${pf.domain}`], data: new Uint8Array(data) }, { timeoutMs: 60_000 });
  expect(r.reply.code).toBe(250);
  const got = split(Buffer.from(await deliveredWith(tag, 60_000), "latin1").toString("utf8"));
  expect(field(got.head, "X-KAS-Status")).toEqual(["not_detected"]);
  expect(got.body.replace(/\r\n/g, "\n")).toBe(body.replace(/\r\n/g, "\n"));
}, 120_000);

test("tag mode (prefix) delivers spam with the subject prefix; tempfail mode answers 451 with the policy's text", async () => {
  await setAction("prefix");
  const tag = `tag-${Date.now().toString(36)}`;
  const r = await sendMail(pf.port, { from: "sender@example.org", rcpt: [`user@${pf.domain}`], data: mail(tag, gtubeBody) });
  expect(r.reply.code).toBe(250);
  const got = split(await deliveredWith(tag));
  expect(field(got.head, "Subject")).toEqual([`[SPAM] ${tag}`]);
  expect(field(got.head, "X-KAS-Status")).toEqual(["spam"]);
  expect(field(got.head, "X-Spam-Flag")).toEqual(["YES"]);

  await setAction("tempfail");
  const t = await sendMail(pf.port, { from: "sender@example.org", rcpt: [`user@${pf.domain}`], data: mail(`tf-${tag}`, gtubeBody) });
  expect(t.reply.code).toBe(451);
  expect(t.reply.text).toContain("4.7.1 kas says later");
  await setAction("reject");
}, 90_000);

test("50 parallel SMTP sessions while a filtering process is killed (SIGKILL) and the server reloads (HUP): every message answered, none lost", async () => {
  const run = Date.now().toString(36);
  /** Kills one live filtering process; a process may have just recycled, so try the next one. */
  const killOne = async () => {
    const st = await kas.status();
    for (const w of st.pool.workers as { pid: number; state: string }[]) {
      if (w.state === "dead") continue;
      try {
        process.kill(w.pid, "SIGKILL");
        return w.pid;
      } catch {}
    }
    throw new Error(`no live filtering process to kill: ${JSON.stringify(st.pool)}`);
  };
  const sends = Array.from({ length: 50 }, (_, i) =>
    sendMail(pf.port, { from: "sender@example.org", rcpt: [`p${i}@${pf.domain}`], data: mail(`par-${run}-${i}`, i % 10 === 4 ? gtubeBody : `Message ${i} of the parallel run.\r\n`) }, { timeoutMs: 60_000 }),
  );
  await Bun.sleep(150);
  await killOne();
  await Bun.sleep(150);
  kas.proc.kill("SIGHUP");
  const results = await Promise.all(sends);
  const codes = results.map((r, i) => ({ i, code: r.reply.code }));
  expect(codes).toEqual(Array.from({ length: 50 }, (_, i) => ({ i, code: i % 10 === 4 ? 550 : 250 })));
  // Every accepted one arrives (the killed process's message was retried on another).
  for (let i = 0; i < 50; i++) if (i % 10 !== 4) expect(split(await deliveredWith(`par-${run}-${i}`)).head).toContain("X-KAS-Status: not_detected");
}, 180_000);

test("kas stopped: Postfix applies milter_default_action = tempfail (451), nothing is accepted unscanned", async () => {
  expect(await kas.stop()).toBe(0);
  const tag = `down-${Date.now().toString(36)}`;
  const r = await sendMail(pf.port, { from: "sender@example.org", rcpt: [`user@${pf.domain}`], data: mail(tag, "Hello while kas is down.\r\n") });
  expect(r.reply.code).toBe(451);
  await Bun.sleep(500);
  expect(pf.delivered().some((m) => m.includes(tag))).toBe(false);
}, 60_000);
