// The README's Postfix content filter, proved with a real Postfix (testing/postfix.ts) and a
// real `kas serve`: mail accepted by smtpd goes through the `kasfilter` pipe(8) service into
// `kas filter … -- /usr/sbin/sendmail …`, which re-injects it through pickup (not filtered
// again). 50 messages: each delivered exactly once per recipient with kas's headers, none
// lost, none looped, spam (policy reject) delivered tagged; kas down → the mail waits in the
// deferred queue and is delivered once kas is back and the queue is flushed.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { kasBinary, REPO, tempDir } from "../testing/kas-binary";
import { startServer, type Served } from "../testing/kas-server";
import { binaryFor, startPostfix, type Postfix } from "../testing/postfix";
import { sendMail } from "../testing/smtp";

// The README's lines (section "Postfix, after the queue"), with the test's binary, its
// --config (pipe(8) passes no KAS_CONFIG) and user=nobody instead of user=kas.
const readmeMaster = (kas: string, config: string) => [
  "kasfilter unix  -       n       n       -       10      pipe",
  "  flags=Rq user=nobody null_sender=",
  `  argv=${kas} filter --config ${config} --id \${queue_id} --ip \${client_address} --helo \${client_helo} --from \${sender} --rcpt \${recipient} -- /usr/sbin/sendmail -G -i -f \${sender} -- \${recipient}`,
];
const README_MAIN = ["kasfilter_destination_recipient_limit = 1"];
const README_SMTPD = ["content_filter=kasfilter:dummy"];

const gtubeBody = readFileSync(join(REPO, "fixtures/messages/gtube.eml"), "latin1").split(/\r?\n\r?\n/).slice(1).join("\r\n\r\n");
const dirs: string[] = [];
let pf: Postfix;
let kas: Served;
let clientConfig: string;

/** The kas.toml the pipe reads: readable by pipe(8)'s user, pointing at the running server. */
const writeClientConfig = (s: Served) =>
  writeFileSync(clientConfig, `[client]\nconnect_to = [${JSON.stringify(s.tcp)}]\nconnect_timeout = 2\n[policy]\nspam_subject_prefix = "[SPAM]"\n`, { mode: 0o644 });

const serverToml = `[policy]\nspam_action = "reject"\nspam_subject_prefix = "[SPAM]"\n`;

beforeAll(async () => {
  const d = tempDir("kas-pf-srv-");
  dirs.push(d);
  kas = await startServer(d, { toml: serverToml, server: "start_filters = 2" });
  pf = await startPostfix({ main: README_MAIN, smtpd: README_SMTPD });
  clientConfig = join(pf.base, "kas.toml");
  writeClientConfig(kas);
  // The service names the binary and config, which live in the instance's (traversable) dir.
  await pf.configure({ master: readmeMaster(binaryFor(pf, kasBinary()), clientConfig) });
}, 60_000);

afterAll(async () => {
  await pf?.stop();
  if (kas?.proc.exitCode === null) kas.proc.kill("SIGKILL");
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const field = (msg: string, name: string) => [...msg.matchAll(new RegExp(`^${name}: ?(.*(?:\\r?\\n[ \\t].*)*)`, "gmi"))].map((m) => m[1]);
const header = (msg: string) => msg.slice(0, msg.search(/\r?\n\r?\n/));

test("50 messages through the content filter: each delivered exactly once per recipient, with kas's headers; none lost, none looped", async () => {
  const run = Date.now().toString(36);
  const sent: { seq: number; rcpt: string[]; spam: boolean; nullSender: boolean }[] = [];
  for (let seq = 0; seq < 50; seq++) {
    const spam = seq % 10 === 3;
    const nullSender = seq === 7;
    const rcpt = seq % 7 === 5 ? [`a${seq}@${pf.domain}`, `b${seq}@${pf.domain}`] : [`a${seq}@${pf.domain}`];
    sent.push({ seq, rcpt, spam, nullSender });
  }
  // Five SMTP sessions at a time, as a small MX sees them.
  for (let i = 0; i < sent.length; i += 5) {
    await Promise.all(
      sent.slice(i, i + 5).map(async (m) => {
        const data = `From: sender@example.org\r\nTo: ${m.rcpt.join(", ")}\r\nSubject: test ${m.seq}\r\nMessage-ID: <${run}.${m.seq}@example.org>\r\nX-Test-Seq: ${run}.${m.seq}\r\n\r\n${m.spam ? gtubeBody : `Message number ${m.seq}.\r\n.leading dot\r\n`}`;
        const r = await sendMail(pf.port, { from: m.nullSender ? "" : "sender@example.org", rcpt: m.rcpt, data }, { timeoutMs: 30_000 });
        expect({ seq: m.seq, code: r.reply.code }).toEqual({ seq: m.seq, code: 250 });
      }),
    );
  }
  const want = sent.reduce((n, m) => n + m.rcpt.length, 0);
  const got = await pf.waitDelivered(want, 120_000);
  // Nothing more arrives (a loop or a duplicate would), and nothing is left in the queue.
  await Bun.sleep(3000);
  expect(pf.delivered()).toHaveLength(want);
  expect(pf.queue()).toEqual([]);

  const seen = new Map<string, number>();
  for (const msg of got) {
    const h = header(msg);
    const seq = Number(field(h, "X-Test-Seq")[0]?.split(".")[1]);
    const to = field(h, "Delivered-To")[0];
    seen.set(`${seq} ${to}`, (seen.get(`${seq} ${to}`) ?? 0) + 1);
    const m = sent[seq];
    // Filtered exactly once: one verdict, and one trip through smtpd plus one through pickup.
    expect({ seq, status: field(h, "X-KAS-Status") }).toEqual({ seq, status: [m.spam ? "spam" : "not_detected"] });
    expect({ seq, received: field(h, "Received").length }).toEqual({ seq, received: 2 });
    expect(field(h, "Subject")[0]).toBe(m.spam ? `[SPAM] test ${seq}` : `test ${seq}`);
    expect(field(h, "Return-Path")[0]).toBe(m.nullSender ? "<>" : "<sender@example.org>");
    if (!m.spam) expect(msg.slice(h.length)).toMatch(new RegExp(`^\\r?\\n\\r?\\nMessage number ${seq}\\.\\r?\\n\\.leading dot\\r?\\n$`));
  }
  const expected = new Map(sent.flatMap((m) => m.rcpt.map((r) => [`${m.seq} ${r}`, 1] as const)));
  expect(Object.fromEntries(seen)).toEqual(Object.fromEntries(expected));
  // The server scanned each delivery once (recipient limit 1: one scan per recipient).
  await kas.waitLog(new RegExp(`status=`));
  expect(kas.log.filter((l) => /status=(spam|not_detected)/.test(l))).toHaveLength(want);
}, 240_000);

test("kas down: the mail waits in the deferred queue (not bounced), and is delivered once kas is back and the queue is flushed", async () => {
  const before = pf.delivered().length;
  expect(await kas.stop()).toBe(0);
  const ids: string[] = [];
  for (let i = 0; i < 3; i++) {
    const r = await sendMail(pf.port, { from: "sender@example.org", rcpt: [`down${i}@${pf.domain}`], data: `Subject: while kas is down ${i}\r\n\r\nHello.\r\n` });
    expect(r.reply.code).toBe(250);
    ids.push(r.queueId!);
  }
  const deferred = await pf.waitQueue((q) => ids.every((id) => q.some((e) => e.queue_id === id && e.queue_name === "deferred")), 60_000);
  for (const e of deferred) expect(e.recipients[0].delay_reason).toMatch(/kas: 4\.3\.0 Spam filter unavailable/);
  // postqueue -p, what an admin looks at, shows them too.
  const listing = Bun.spawnSync(["/usr/sbin/postqueue", "-c", pf.conf, "-p"]).stdout.toString();
  for (const id of ids) expect(listing).toContain(id);
  expect(pf.delivered()).toHaveLength(before);
  expect(pf.log()).not.toMatch(/status=bounced/);

  const d = tempDir("kas-pf-srv2-");
  dirs.push(d);
  kas = await startServer(d, { toml: serverToml, server: "start_filters = 1" });
  writeClientConfig(kas);
  pf.flush();
  const got = await pf.waitDelivered(before + 3, 60_000);
  const late = got.slice(before).map((m) => header(m));
  expect(late.map((h) => field(h, "X-KAS-Status")[0])).toEqual(["not_detected", "not_detected", "not_detected"]);
  await pf.waitQueue((q) => q.length === 0, 30_000);
}, 180_000);
