// The milter door proved with a real Sendmail 8.17 (testing/sendmail.ts), configured with the
// README's INPUT_MAIL_FILTER line, in front of the compiled `kas serve`: Sendmail hands every
// message to kas during the SMTP session and the SMTP client sees kas's verdict at the end of
// DATA; what Sendmail accepts it queues with the header fields kas added.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { REPO, tempDir } from "../testing/kas-binary";
import { freePort, startServer, type Served } from "../testing/kas-server";
import { SENDMAIL_DOMAIN, startSendmail, type Queued, type Sendmail } from "../testing/sendmail";

const gtubeBody = readFileSync(join(REPO, "fixtures/messages/gtube.eml"), "latin1").split(/\r?\n\r?\n/).slice(1).join("\r\n\r\n");
const dirs: string[] = [];
let sm: Sendmail;
let down: Sendmail;
let kas: Served;

beforeAll(async () => {
  const dir = tempDir("kas-milter-sm-");
  dirs.push(dir);
  const milterPort = freePort();
  const toml = `[policy]\nspam_action = "reject"\nreject_text = "5.7.1 Rejected by kas as spam"\n[milter]\nlisten = ["tcp:127.0.0.1:${milterPort}"]\n`;
  kas = await startServer(dir, { toml, server: "start_filters = 2\nmax_filters = 2" });
  sm = await startSendmail({ milter: `inet:${milterPort}@127.0.0.1`, flags: "T" });
  // A second Sendmail whose filter address has no kas behind it: F=T must make it defer.
  down = await startSendmail({ milter: `inet:${freePort()}@127.0.0.1`, flags: "T" });
}, 120_000);

afterAll(async () => {
  await sm?.stop();
  await down?.stop();
  if (kas?.proc.exitCode === null) kas.proc.kill("SIGKILL");
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const rcpt = `root@${SENDMAIL_DOMAIN}`;
const mail = (tag: string, body: string) => `From: sender@example.org\r\nTo: ${rcpt}\r\nSubject: ${tag}\r\nMessage-ID: <${tag}@example.org>\r\n\r\n${body}`;
const field = (q: Queued, name: string) => q.headers.filter((h) => h.toLowerCase().startsWith(`${name.toLowerCase()}:`)).map((h) => h.slice(name.length + 1).trim());
const queuedWith = (tag: string) => sm.queued().filter((q) => field(q, "Subject").includes(tag));

test("ham: accepted and queued with kas's header fields, the body unchanged", async () => {
  const tag = `ham-${Date.now().toString(36)}`;
  const body = "Hello,\r\nthe minutes of today's meeting are attached.\r\n.a line with a leading dot\r\n\r\nRegards\r\n";
  const r = await sm.send({ from: "sender@example.org", rcpt: [rcpt], data: mail(tag, body) });
  expect(r.reply.code).toBe(250);
  const q = queuedWith(tag);
  expect(q.length).toBe(1);
  expect(field(q[0], "X-KAS-Status")).toEqual(["not_detected"]);
  expect(field(q[0], "X-KAS-Score")[0]).toMatch(/^-?\d+\.\d+ \/ 5\.0$/);
  expect(q[0].body.replace(/\r\n/g, "\n")).toBe(body.replace(/\r\n/g, "\n"));
  expect(kas.log.some((l) => l.includes("door=milter"))).toBe(true);
}, 60_000);

test("GTUBE under spam_action = reject: refused at the end of DATA with the policy's text; nothing queued", async () => {
  const tag = `gtube-${Date.now().toString(36)}`;
  const r = await sm.send({ from: "sender@example.org", rcpt: [rcpt], data: mail(tag, gtubeBody) });
  expect(r.stage).toBe("DATA");
  expect(r.reply.code).toBe(550);
  expect(r.reply.text).toContain("5.7.1 Rejected by kas as spam");
  expect(queuedWith(tag)).toEqual([]);
}, 60_000);

test("no kas behind the filter address: F=T defers the message (4xx), nothing is queued unscanned", async () => {
  const tag = `down-${Date.now().toString(36)}`;
  const r = await down.send({ from: "sender@example.org", rcpt: [rcpt], data: mail(tag, "Hello while kas is down.\r\n") });
  expect(r.reply.code).toBeGreaterThanOrEqual(400);
  expect(r.reply.code).toBeLessThan(500);
  expect(down.queued()).toEqual([]);
}, 60_000);
