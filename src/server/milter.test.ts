// The milter door over a real loopback socket, with an injected pool: what an MTA sees for each
// verdict, for on_error, for an over-size message, for a peer that breaks the protocol or
// falls silent. (The real Postfix in front of the compiled binary: milter-postfix.e2e.test.ts.)
import { afterEach, expect, test } from "bun:test";
import { parseConfig } from "../config/load";
import type { KasConfig } from "../config/schema";
import { actions } from "../engine/actions";
import type { Policy } from "../engine/policy";
import type { ScanRequest, ScanResult, Status } from "../model";
import { FrameReader } from "../protocol/milter/framing";
import { fieldBytes as f, packet } from "../testing/milter-transcript";
import { openSocketListener, type Listener } from "./listeners";
import { hangingAnswer, sendThenDrop } from "../testing/abandon";
import { milterSocketHandler } from "./milter";
import type { Dispatched } from "./pool";

const opened: Listener[] = [];
afterEach(async () => {
  for (const l of opened.splice(0)) await l.stop(true);
});

function resultFor(r: ScanRequest, status: Status, score: number, policy: Policy): ScanResult {
  return { id: r.id, status, score, threshold: policy.spam_score, policy: policy.name, hits: [], ...actions(status, score, [], policy), timings: { parseMs: 0, checksMs: 0, rulesMs: 0, totalMs: 0 }, notes: [] };
}

async function door(toml: string, answer: (r: ScanRequest, p: Policy, signal?: AbortSignal) => Dispatched | Promise<Dispatched>) {
  const config: KasConfig = parseConfig(toml, "t.toml");
  const policy: Policy = { ...config.policy, name: "default" };
  const seen: ScanRequest[] = [];
  const logs: string[] = [];
  const fmt = (m: string, a: unknown[]) => a.reduce<string>((s, x) => s.replace(/%[sd]/, String(x)), m);
  const handler = milterSocketHandler({
    config: () => config,
    submit: async (r, signal) => (seen.push(r), await answer(r, policy, signal)),
    onScanned: (line) => logs.push(line),
    log: { info: (m, ...a) => logs.push(fmt(m, a)), warn: (m, ...a) => logs.push(fmt(m, a)) },
    track: (w) => w(),
  });
  const l = await openSocketListener({ kind: "tcp", host: "127.0.0.1", port: 0 }, handler, { socketMode: "0660", socketOwner: "" }, "milter");
  opened.push(l);
  return { port: Number(l.address.split(":").at(-1)), seen, logs };
}

/** An MTA end: sends packets, collects reply packets as [letter, data] until `until` says stop, or the close. */
/** An MTA session: `packets` written at once, or one every `gapMs` (an SMTP session's pace). */
async function mta(port: number, packets: Uint8Array[], until: (replies: [string, Uint8Array][]) => boolean, ms = 5000, gapMs = 0) {
  const replies: [string, Uint8Array][] = [];
  const reader = new FrameReader();
  let closed = false;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms; got ${replies.map((r) => r[0]).join("")}`)), ms);
    const done = () => (clearTimeout(timer), resolve());
    void Bun.connect({
      hostname: "127.0.0.1",
      port,
      socket: {
        open(s) {
          if (!gapMs) for (const p of packets) s.write(p);
          else packets.forEach((p, i) => setTimeout(() => s.write(p), i * gapMs));
        },
        data(s, chunk) {
          reader.push(chunk);
          for (let fr = reader.next(); fr && !(fr instanceof Error); fr = reader.next()) replies.push([String.fromCharCode(fr.code), fr.data.slice()]);
          if (until(replies)) (s.end(), done());
        },
        close() {
          closed = true;
          done();
        },
      },
    });
  });
  return { replies, closed, letters: replies.map((r) => r[0]).join("") };
}

const u32 = (n: number) => f(`u32:${n}`);
const text = (b: Uint8Array) => new TextDecoder().decode(b);
// Postfix 3.7 offers: version 6, all actions, all protocol steps and flags.
const OPTNEG = packet("O", u32(6), u32(0x1ff), u32(0x1fffff));
const session = (body: string, rcpt = ["<b@example.net>"], headers: [string, string][] = [["Subject", " hello"]]) => [
  OPTNEG,
  packet("C", f('"mx.example.org"'), f("c:4"), f("u16:25"), f('"192.0.2.7"')),
  packet("H", f('"helo.example.org"')),
  packet("D", f("c:M"), f('"i"'), f('"4QX1"')),
  packet("M", f('"<a@example.org>"')),
  ...rcpt.map((r) => packet("R", f(JSON.stringify(r)))),
  ...headers.map(([n, v]) => packet("L", f(JSON.stringify(n)), f(JSON.stringify(v)))),
  packet("N"),
  packet("B", f(`b${JSON.stringify(body)}`)),
  packet("E"),
];
const final = (r: [string, Uint8Array][]) => r.some(([c]) => "aytrd".includes(c));

test("spam under spam_action = reject: 550 with the policy's text at end of message; the scan saw the exact envelope and bytes", async () => {
  const d = await door('[policy]\nspam_action = "reject"\nreject_text = "5.7.1 No thanks (100% sure)"\n', (r, p) => ({ ok: true, generation: 1, workerPid: 9, result: resultFor(r, "spam", 12, p) }));
  const r = await mta(d.port, session("hi\r\n"), final);
  expect(r.letters).toBe("Ocy"); // negotiation, the body chunk's continue (SKIP offered), the reply code
  expect(text(r.replies.at(-1)![1])).toBe("550 5.7.1 No thanks (100%% sure)\0");
  expect(d.seen).toHaveLength(1);
  expect(d.seen[0].envelope).toMatchObject({ ip: "192.0.2.7", helo: "helo.example.org", from: "a@example.org", rcpt: ["b@example.net"], queueId: "4QX1" });
  expect(text(d.seen[0].raw)).toBe("Subject: hello\r\n\r\nhi\r\n");
  expect(d.logs.some((l) => l.includes("door=milter qid=4QX1") && l.includes("status=spam"))).toBe(true);
});

test("accepted with a prefix: forged X-Spam-Flag deleted, subject changed, kas's fields added, then accept", async () => {
  const d = await door('[policy]\nspam_action = "prefix"\nspam_subject_prefix = "[SPAM]"\n', (r, p) => ({ ok: true, generation: 1, workerPid: 9, result: resultFor(r, "spam", 7, p) }));
  const r = await mta(d.port, session("buy\r\n", ["<b@example.net>"], [["Subject", " offer"], ["X-Spam-Flag", " NO"]]), final);
  expect(r.letters.at(-1)).toBe("a");
  const mods = r.replies.filter(([c]) => c === "m" || c === "h" || c === "i").map(([c, b]) => `${c}:${text(b.subarray(c === "h" ? 0 : 4)).replaceAll("\0", "|")}`);
  expect(mods).toContain("m:Subject| [SPAM] offer|");
  expect(mods).toContain("m:X-Spam-Flag||");
  expect(mods).toContain("h:X-KAS-Status| spam|");
  expect(mods).toContain("h:X-Spam-Flag| YES|");
});

test.each([
  ["tempfail", "t", "451 4.3.0 Spam filter unavailable, try again later: busy: every filtering process is busy\0"],
  ["reject", "y", "554 5.3.0 Spam filter unavailable: busy: every filtering process is busy\0"],
  ["accept", "a", undefined],
] as const)("no verdict, on_error = %s", async (mode, _letter, replyText) => {
  const d = await door(`[client]\non_error = "${mode}"\n`, () => ({ ok: false, code: "busy", message: "every filtering process is busy" }) as Dispatched);
  const r = await mta(d.port, session("x\r\n"), final);
  const last = r.replies.at(-1)!;
  if (replyText) {
    expect(last[0]).toBe("y");
    expect(text(last[1])).toBe(replyText.replace("%", "%%"));
  } else {
    expect(last[0]).toBe("a");
    const added = r.replies.filter(([c]) => c === "h").map(([, b]) => text(b).replaceAll("\0", "|"));
    expect(added).toContain("X-KAS-Status| unscanned|");
    expect(added.some((h) => h.startsWith("X-KAS-Unscanned| error: busy: every filtering process is busy"))).toBe(true);
  }
  expect(d.logs.some((l) => l.includes(`on_error=${mode}`))).toBe(true);
});

test("over [client] size_limit: not scanned, accepted with X-KAS-Status: unscanned and why", async () => {
  const d = await door("[client]\nsize_limit = 1024\n", () => {
    throw new Error("must not be scanned");
  });
  const r = await mta(d.port, session("y".repeat(4000) + "\r\n"), final);
  expect(d.seen).toHaveLength(0);
  expect(r.letters).toContain("s"); // SMFIR_SKIP: the MTA stops sending the body
  expect(r.letters.at(-1)).toBe("a");
  expect(r.replies.filter(([c]) => c === "h").map(([, b]) => text(b).replaceAll("\0", "|"))).toContain("X-KAS-Status| unscanned|");
});

test("a peer that breaks the protocol loses its connection, with a log line; the door keeps serving", async () => {
  const d = await door("", (r, p) => ({ ok: true, generation: 1, workerPid: 9, result: resultFor(r, "not_detected", 0, p) }));
  const bad = await mta(d.port, [OPTNEG, packet("R", f('"<b@example.net>"'))], () => false); // RCPT before MAIL
  expect(bad.closed).toBe(true);
  const huge = await mta(d.port, [Uint8Array.of(0x7f, 0, 0, 0, 0x4f)], () => false);
  expect(huge.closed).toBe(true);
  expect(d.logs.filter((l) => l.startsWith("milter connection from 127.0.0.1 closed:")).map((l) => l.replace(/.*\((\w+)\)$/, "$1"))).toEqual(["out_of_order", "bad_length"]);
  const ok = await mta(d.port, session("fine\r\n"), final);
  expect(ok.letters.at(-1)).toBe("a");
});

test("a silent peer is closed after [milter] idle_timeout", async () => {
  const d = await door("[milter]\nidle_timeout = 1\n", () => ({ ok: false, code: "busy", message: "-" }) as Dispatched);
  const t0 = Date.now();
  const r = await mta(d.port, [OPTNEG], () => false, 5000);
  expect(r.closed).toBe(true);
  expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
  expect(d.logs.some((l) => l.includes("silent for idle_timeout 1s"))).toBe(true);
});

test("idle_timeout counts silence: an MTA that sends a packet every 0.4 s is never cut, however long its session; silence is cut after the limit, not before", async () => {
  // Bun's socket timeout counts in ticks of 4 s and data does not restart it (deadline.ts):
  // with it, this session (4.4 s at the pace of a slow SMTP client) was cut at 1-4 s.
  const d = await door("[milter]\nidle_timeout = 1\n", (r, p) => ({ ok: true, generation: 1, workerPid: 9, result: resultFor(r, "not_detected", 0, p) }));
  const packets = session("slow\r\n");
  const r = await mta(d.port, packets, final, 15_000, 400);
  expect(r.letters.at(-1)).toBe("a"); // the verdict came: the connection lived through the session
  const t0 = Date.now();
  const silent = await mta(d.port, [OPTNEG], () => false, 5000);
  expect(silent.closed).toBe(true);
  expect(Date.now() - t0).toBeGreaterThanOrEqual(950);
  expect(Date.now() - t0).toBeLessThan(2500);
});

test("an MTA that drops the connection while the scan waits aborts that scan (the pool drops it unscanned)", async () => {
  const h = hangingAnswer();
  const d = await door("", h.answer);
  const bytes = session("hi\r\n");
  await sendThenDrop(d.port, Buffer.concat(bytes.map((b) => Buffer.from(b))), 300);
  expect(await h.aborted).toBe(true);
  expect(d.seen).toHaveLength(1);
});
