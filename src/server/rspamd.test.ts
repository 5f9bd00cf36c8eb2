// The Rspamd door over a real loopback socket, with an injected pool: each endpoint, the
// verdict → action mapping as a client sees it, who may scan and who may learn (allow,
// learn_allow, password), failures as Rspamd error objects, and malformed HTTP never answered
// with Bun's HTML error page. (The real rspamc against the compiled binary: rspamd.e2e.test.ts.)
import { afterEach, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseConfig } from "../config/load";
import type { KasConfig } from "../config/schema";
import { actions } from "../engine/actions";
import type { Policy } from "../engine/policy";
import type { ScanRequest, ScanResult, Status } from "../model";
import type { LearnOp } from "../protocol/kas/learn";
import type { Learned } from "./job";
import { EdgeGate, edgeLimits } from "./limits";
import { openSocketListener, type Listener } from "./listeners";
import { hangingAnswer, sendThenDrop } from "../testing/abandon";
import type { Dispatched } from "./pool";
import { rspamdSocketHandler } from "./rspamd";

const opened: Listener[] = [];
afterEach(async () => {
  for (const l of opened.splice(0)) await l.stop(true);
});

function resultFor(r: ScanRequest, status: Status, score: number, policy: Policy): ScanResult {
  return { id: r.id, status, score, threshold: policy.spam_score, policy: policy.name, hits: [{ name: "GTUBE", score, description: "the GTUBE test string" }], ...actions(status, score, [], policy), timings: { parseMs: 0, checksMs: 0, rulesMs: 0, totalMs: 0 }, notes: [] };
}

interface Door {
  gate: EdgeGate;
  url: string;
  port: number;
  seen: ScanRequest[];
  learned: [LearnOp, string][];
  logs: string[];
}

async function door(toml: string, answer: (r: ScanRequest, p: Policy, signal?: AbortSignal) => Dispatched | Promise<Dispatched> = (r, p) => ({ ok: true, generation: 1, workerPid: 9, result: resultFor(r, "not_detected", 0.1, p) }), learn?: () => Learned): Promise<Door> {
  const config: KasConfig = parseConfig(toml, "t.toml");
  const policy: Policy = { ...config.policy, name: "default" };
  const d: Door = { gate: new EdgeGate(() => edgeLimits(config.server)), url: "", port: 0, seen: [], learned: [], logs: [] };
  const fmt = (m: string, a: unknown[]) => a.reduce<string>((s, x) => s.replace(/%[sd]/, String(x)), m);
  const handler = rspamdSocketHandler({
    config: () => config,
    submit: async (r, signal) => (d.seen.push(r), await answer(r, policy, signal)),
    learn: async (op, raw) => (d.learned.push([op, new TextDecoder().decode(raw)]), learn ? learn() : { ok: true, generation: 1, workerPid: 9, reply: { version: 1, outcome: "learned", spam: op === "spam" ? 1 : 0, ham: op === "ham" ? 1 : 0 } }),
    onScanned: (line) => d.logs.push(line),
    log: { info: (m, ...a) => d.logs.push(fmt(m, a)), warn: (m, ...a) => d.logs.push(fmt(m, a)) },
    gate: d.gate,
    track: (w) => w(),
  });
  const l = await openSocketListener({ kind: "tcp", host: "127.0.0.1", port: 0 }, handler, { socketMode: "0660", socketOwner: "" }, "rspamd", true);
  opened.push(l);
  d.port = Number(l.address.split(":").at(-1));
  d.url = `http://127.0.0.1:${d.port}`;
  return d;
}

const MSG = "From: a@example.org\r\nTo: b@example.com\r\nSubject: Test\r\nMessage-ID: <m1@example.org>\r\n\r\nHello.\r\n";

async function post(d: Door, path: string, headers: Record<string, string> = {}, body: string = MSG) {
  const r = await fetch(d.url + path, { method: "POST", headers, body });
  return { status: r.status, type: r.headers.get("content-type"), json: (await r.json()) as Record<string, any> };
}

test("POST /checkv2: the envelope from Rspamd's headers reaches dispatch; the reply is Rspamd's JSON", async () => {
  const d = await door("");
  const r = await post(d, "/checkv2", { IP: "192.0.2.1", Helo: "mx.example.org", From: "<a@example.org>", Rcpt: "<b@example.com>", "Queue-Id": "QID1", "Settings-ID": "x" });
  expect(r.status).toBe(200);
  expect(r.type).toBe("application/json");
  expect(d.seen[0].envelope).toEqual({ ip: "192.0.2.1", helo: "mx.example.org", from: "a@example.org", rcpt: ["b@example.com"], queueId: "QID1" });
  expect(new TextDecoder().decode(d.seen[0].raw)).toBe(MSG);
  expect(r.json).toMatchObject({ action: "no action", score: 0.1, required_score: 5, is_skipped: false, "message-id": "m1@example.org", symbols: { GTUBE: { name: "GTUBE", score: 0.1, description: "the GTUBE test string" } } });
  expect(r.json.milter.add_headers["X-KAS-Status"]).toEqual({ value: "not_detected" });
  expect(typeof r.json.time_real).toBe("number");
  expect(d.logs.some((l) => /door=rspamd qid=QID1/.test(l))).toBe(true);
});

test.each([
  ["accept", "add header", undefined],
  ["prefix", "rewrite subject", undefined],
  ["reject", "reject", "Message rejected as spam"],
  ["tempfail", "soft reject", "Message deferred, try again later"],
])("spam_action = %s → action %p", async (spamAction, action, smtp) => {
  const d = await door(`[policy]\nspam_action = "${spamAction}"\nspam_subject_prefix = "[SPAM]"\n`, (r, p) => ({ ok: true, generation: 1, workerPid: 9, result: resultFor(r, "spam", 1000, p) }));
  const r = await post(d, "/checkv2", { Rcpt: "b@example.com" });
  expect(r.json.action).toBe(action);
  expect(r.json.messages.smtp_message).toBe(smtp);
  if (action === "rewrite subject") expect(r.json.subject).toBe("[SPAM] Test");
  if (smtp) expect(r.json.milter).toBeUndefined();
});

test("/check and /symbols answer the older shape; GET /ping says pong", async () => {
  const d = await door("");
  for (const p of ["/check", "/symbols"]) {
    const r = await post(d, p);
    expect(r.json.default).toMatchObject({ is_spam: false, action: "no action", score: 0.1, required_score: 5 });
  }
  const ping = await fetch(d.url + "/ping");
  expect(ping.status).toBe(200);
  expect(await ping.text()).toBe("pong\r\n");
});

test("unknown endpoints, wrong methods, bad headers, compression and oversize get Rspamd error objects", async () => {
  const d = await door("[server]\nmax_request_size = 2048\n");
  const cases: [string, RequestInit, number, RegExp][] = [
    ["/checkv3", { method: "POST", body: MSG }, 404, /no such endpoint/],
    ["/stat", {}, 404, /no such endpoint/],
    ["/checkv2", {}, 405, /use POST \/checkv2/],
    ["/checkv2", { method: "POST", body: MSG, headers: { IP: "nowhere" } }, 400, /IP must be/],
    ["/checkv2", { method: "POST", body: MSG, headers: { Compression: "zstd" } }, 415, /not supported/],
    ["/checkv2", { method: "POST", body: "x".repeat(4096) }, 413, /max_request_size/],
  ];
  for (const [path, init, status, re] of cases) {
    const r = await fetch(d.url + path, init);
    expect(r.status).toBe(status);
    const j = (await r.json()) as { error: string };
    expect(Object.keys(j)).toEqual(["error"]);
    expect(j.error).toMatch(re);
  }
  expect(d.seen).toHaveLength(0);
});

test("no verdict: the pool's failure as an error object with its HTTP status (the MTA's own failure policy applies)", async () => {
  const d = await door("", () => ({ ok: false, code: "busy", message: "every filtering process is busy" }));
  const r = await post(d, "/checkv2");
  expect(r.status).toBe(503);
  expect(r.json).toEqual({ error: "busy: every filtering process is busy" });
});

test("the edge gate: a message over max_bytes_per_client is refused with 503 busy before it is scanned or learned", async () => {
  const d = await door('[server]\nmax_bytes_per_client = 1024\n[rspamd]\nlearn_allow = ["127.0.0.1"]\n');
  const big = MSG + "x".repeat(2000);
  for (const path of ["/checkv2", "/learnspam"]) {
    const r = await post(d, path, {}, big);
    expect(r.status).toBe(503);
    expect(r.json.error).toMatch(/max_bytes_per_client 1024/);
  }
  expect(d.seen).toHaveLength(0);
  expect(d.learned).toHaveLength(0);
  // The slot was given back: a small message from the same client goes through.
  expect((await post(d, "/checkv2")).status).toBe(200);
});

test("a client that pipelines more than max_request_size ahead of a running scan is cut off; the gate gets its slot back", async () => {
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  const d = await door("[server]\nmax_request_size = 4096\n", async (r, p) => (await held, { ok: true, generation: 1, workerPid: 9, result: resultFor(r, "not_detected", 0, p) }));
  const first = `POST /checkv2 HTTP/1.1\r\nHost: x\r\nContent-Length: ${MSG.length}\r\n\r\n${MSG}`;
  const answer = rawExchange(d.port, first + "x".repeat(200_000));
  await Bun.sleep(300);
  release();
  expect(await answer).toBe("");
  expect(d.logs.some((l) => /door=rspamd connection from 127\.0\.0\.1 cut: \d+ bytes sent ahead/.test(l))).toBe(true);
  expect(d.gate.status().connections).toBe(0);
  expect((await post(d, "/checkv2")).status).toBe(200);
});

test("over a Unix socket the socket's mode decides who may scan and learn: allow and learn_allow have no address to check", async () => {
  const config: KasConfig = parseConfig('[rspamd]\nallow = ["192.0.2.0/24"]\n', "t.toml");
  const policy: Policy = { ...config.policy, name: "default" };
  const dir = mkdtempSync(join(tmpdir(), "kas-rspamd-unix-"));
  const path = join(dir, "rspamd.sock");
  const handler = rspamdSocketHandler({
    config: () => config,
    submit: async (r) => ({ ok: true, generation: 1, workerPid: 9, result: resultFor(r, "not_detected", 0, policy) }),
    learn: async () => ({ ok: true, generation: 1, workerPid: 9, reply: { version: 1, outcome: "learned", spam: 1, ham: 0 } }),
    onScanned: () => {},
    log: { info: () => {}, warn: () => {} },
    track: (w) => w(),
  });
  try {
    const l = await openSocketListener({ kind: "unix", path }, handler, { socketMode: "0660", socketOwner: "" }, "rspamd", true);
    opened.push(l);
    const scan = await fetch("http://localhost/checkv2", { method: "POST", body: MSG, unix: path });
    expect(scan.status).toBe(200);
    expect(((await scan.json()) as { action: string }).action).toBe("no action");
    const learn = await fetch("http://localhost/learnspam", { method: "POST", body: MSG, unix: path });
    expect(learn.status).toBe(200); // learn_allow is empty: it lists addresses, and this peer has none
  } finally {
    for (const l of opened.splice(0)) await l.stop(true);
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a client outside [rspamd] allow gets 403 and a log line; nothing is scanned", async () => {
  const d = await door('[rspamd]\nallow = ["192.0.2.0/24"]\n');
  for (const [path, init] of [["/checkv2", { method: "POST", body: MSG }], ["/ping", {}], ["/learnspam", { method: "POST", body: MSG }]] as const) {
    const r = await fetch(d.url + path, init);
    expect(r.status).toBe(403);
    expect(((await r.json()) as { error: string }).error).toMatch(/127\.0\.0\.1 is not in \[rspamd\] allow/);
  }
  expect(d.seen).toHaveLength(0);
  expect(d.learned).toHaveLength(0);
  expect(d.logs.filter((l) => /door=rspamd refused .* from 127\.0\.0\.1: not in \[rspamd\] allow/.test(l))).toHaveLength(3);
});

test("learning: refused by default, allowed from learn_allow; the reply carries the counts", async () => {
  const closed = await door("");
  const r0 = await post(closed, "/learnspam");
  expect(r0.status).toBe(403);
  expect(r0.json.error).toMatch(/may not learn: not in \[rspamd\] learn_allow/);
  expect(closed.learned).toHaveLength(0);

  const open = await door('[rspamd]\nlearn_allow = ["127.0.0.1/32"]\n');
  const r1 = await post(open, "/learnspam");
  expect(r1).toMatchObject({ status: 200, json: { success: true, outcome: "learned", spam: 1, ham: 0 } });
  const r2 = await post(open, "/learnham");
  expect(r2.json).toMatchObject({ success: true, ham: 1 });
  expect(open.learned.map((l) => l[0])).toEqual(["spam", "ham"]);
  expect(open.learned[0][1]).toBe(MSG);
  expect(open.seen).toHaveLength(0);
});

test("learning with a password: missing or wrong → 403, right (header or query) → learned", async () => {
  const d = await door('[rspamd]\nlearn_allow = ["127.0.0.1/8"]\npassword = "s3cret"\n');
  expect((await post(d, "/learnspam")).status).toBe(403);
  const wrong = await post(d, "/learnspam", { Password: "s3cre" });
  expect(wrong.status).toBe(403);
  expect(wrong.json.error).toMatch(/needs the \[rspamd\] password/);
  expect(d.learned).toHaveLength(0);
  expect((await post(d, "/learnspam", { Password: "s3cret" })).status).toBe(200);
  expect((await post(d, "/learnham?password=s3cret")).status).toBe(200);
  expect(d.learned.map((l) => l[0])).toEqual(["spam", "ham"]);
  expect(d.logs.filter((l) => /refused learn spam from 127\.0\.0\.1: wrong or missing Password/.test(l))).toHaveLength(2);
});

test("a learn failure in the pool is an error object", async () => {
  const d = await door('[rspamd]\nlearn_allow = ["127.0.0.1"]\n', undefined, () => ({ ok: false, code: "unavailable", message: "no filtering process" }));
  const r = await post(d, "/learnham");
  expect(r).toEqual({ status: 503, type: "application/json", json: { error: "unavailable: no filtering process" } });
});

/** Raw bytes to the door, everything it answers until it closes (or 2 s of silence). */
async function rawExchange(port: number, bytes: Uint8Array | string): Promise<string> {
  let got = "";
  await new Promise<void>((resolve) => {
    let timer = setTimeout(() => resolve(), 6000);
    void Bun.connect({
      hostname: "127.0.0.1",
      port,
      socket: {
        open(s) {
          s.write(bytes);
        },
        data(_s, chunk) {
          got += Buffer.from(chunk).toString("latin1");
          clearTimeout(timer);
          timer = setTimeout(() => resolve(), 300);
        },
        close: () => (clearTimeout(timer), resolve()),
        error: () => (clearTimeout(timer), resolve()),
      },
    });
  });
  return got;
}

test("data_timeout bounds each silence: a body whose pieces come 0.6 s apart is scanned; a silent connection ends after 1 s, not before", async () => {
  const d = await door("[server]\ndata_timeout = 1\n");
  const pieces = [`POST /checkv2 HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: ${MSG.length}\r\n\r\n`, MSG.slice(0, 10), MSG.slice(10, 20), MSG.slice(20)];
  const t0 = Date.now();
  let got = "";
  let closedAt = 0;
  await new Promise<void>((resolve) => {
    void Bun.connect({ hostname: "127.0.0.1", port: d.port, socket: {
      open: (s) => pieces.forEach((p, i) => setTimeout(() => s.write(p), 600 * (i + 1))),
      data: (_s, c) => void (got += Buffer.from(c).toString("latin1")),
      close: () => ((closedAt = Date.now() - t0), resolve()),
      error: () => resolve(),
    } });
  });
  expect(got).toMatch(/^HTTP\/1\.1 200 OK\r\n/); // Bun's socket timeout (ticks of 4 s, kept from the first read) gave 408
  expect(closedAt).toBeGreaterThanOrEqual(2400);
  const t1 = Date.now();
  expect(await rawExchange(d.port, "")).toBe("");
  expect(Date.now() - t1).toBeGreaterThanOrEqual(950);
  expect(Date.now() - t1).toBeLessThan(2500);
});

test("HTTP/1.0 without Host, as Rspamd's protocol page writes it, is scanned", async () => {
  const d = await door("");
  const answer = await rawExchange(d.port, `POST /checkv2 HTTP/1.0\r\nContent-Length: ${MSG.length}\r\nFrom: a@example.org\r\nPass: all\r\nIp: 95.211.146.161\r\nHelo: localhost.localdomain\r\nHostname: localhost\r\n\r\n${MSG}`);
  expect(answer).toMatch(/^HTTP\/1\.[01] 200 /);
  expect(JSON.parse(answer.slice(answer.indexOf("\r\n\r\n") + 4))).toMatchObject({ action: "no action", "message-id": "m1@example.org" });
  expect(d.seen[0].envelope).toEqual({ ip: "95.211.146.161", helo: "localhost.localdomain", from: "a@example.org", rcpt: [] });
});

test("Rspamd's proxy: GET /checkv2 with the message as body, IP with the client's port, Queue-ID", async () => {
  const d = await door("");
  const answer = await rawExchange(d.port, `GET /checkv2 HTTP/1.1\r\nConnection: close\r\nHost: 127.0.0.1:${d.port}\r\nContent-Length: ${MSG.length}\r\nQueue-ID: 4QX1\r\nIP: 192.0.2.7:25\r\nUser-Agent: rspamd-3.4\r\nFlags: milter,body_block\r\nHelo: helo.example.org\r\nHostname: mx.example.org\r\nFrom: <a@example.org>\r\nRcpt: <b@example.com>\r\n\r\n${MSG}`);
  expect(answer).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
  expect(JSON.parse(answer.slice(answer.indexOf("\r\n\r\n") + 4))).toMatchObject({ action: "no action", "message-id": "m1@example.org" });
  expect(d.seen[0].envelope).toEqual({ ip: "192.0.2.7", helo: "helo.example.org", from: "a@example.org", rcpt: ["b@example.com"], queueId: "4QX1" });
});

test("a message to 500 recipients, one Rcpt field each (as Rspamd's proxy writes them), is scanned for all of them", async () => {
  const d = await door("");
  const rcpts = Array.from({ length: 500 }, (_, i) => `<u${i}@example.com>`);
  const answer = await rawExchange(d.port, `POST /checkv2 HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: ${MSG.length}\r\n${rcpts.map((r) => `Rcpt: ${r}\r\n`).join("")}\r\n${MSG}`);
  expect(answer).toMatch(/^HTTP\/1\.1 200 OK\r\n/); // 431 "more than 100 header fields" before
  expect(d.seen[0].envelope.rcpt).toEqual(rcpts.map((r) => r.slice(1, -1)));
});

test("keep-alive: two requests on one connection, chunked and pipelined, each answered in order", async () => {
  const d = await door("");
  const chunked = `POST /checkv2 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n${MSG.slice(0, 5)}\r\n${(MSG.length - 5).toString(16)};ext=1\r\n${MSG.slice(5)}\r\n0\r\nTrailer: x\r\n\r\n`;
  const answer = await rawExchange(d.port, chunked + "GET /ping HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  const parts = answer.split(/(?=HTTP\/1\.1 )/);
  expect(parts).toHaveLength(2);
  expect(parts[0]).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*Connection: keep-alive\r\n\r\n\{"action":"no action"/);
  expect(parts[1]).toMatch(/Connection: close\r\n\r\npong\r\n$/);
  expect(new TextDecoder().decode(d.seen[0].raw)).toBe(MSG);
});

test("malformed HTTP: every answer is an Rspamd error object in JSON (or pong), never HTML; the door goes on", async () => {
  const d = await door("[server]\ndata_timeout = 1\n");
  const cases: [string, number | undefined][] = [
    ["POST /checkv2 HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello", 400], // HTTP/1.1 without Host (RFC 9112 §3.2); 1.0 may omit it
    ["GET /ping HTTP/1.1\r\n\r\n", 400],
    ["GET http://elsewhere.example/ping HTTP/1.1\r\nHost: x\r\n\r\n", 200],
    ["GET /%zz%00 HTTP/1.1\r\nHost: x\r\n\r\n", 404],
    ["BREW /pot HTCPCP/1.0\r\n\r\n", 400],
    ["CHECK RSPAMC/1.3\r\nContent-length: 5\r\n\r\nhello", 400], // Exim's variant=rspamd
    ["GET /ping HTTP/2.0\r\n\r\n", 505],
    ["GET\r\n\r\n", 400],
    ["\x00\x01\x02\xff garbage\r\n\r\n", 400],
    ["POST /checkv2 HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n", 400],
    ["POST /checkv2 HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\nhello", 400], // smuggling shape
    ["POST /checkv2 HTTP/1.1\r\nHost: x\r\nContent-Length: 1, 2\r\n\r\nx", 400],
    ["POST /checkv2 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400],
    ["POST /checkv2 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", 501],
    ["POST /checkv2 HTTP/1.1\r\nHost: x\r\n folded: no\r\n\r\n", 400],
    [`GET /ping HTTP/1.1\r\nHost: x\r\nX-Long: ${"a".repeat(70_000)}\r\n\r\n`, 431],
    ["POST /checkv2 HTTP/1.1\r\nHost: x\r\nIP: 1.2.3.4\r\nIP: 5.6.7.8\r\nContent-Length: 1\r\n\r\nx", 400],
    ["POST /checkv2 HTTP/1.0\r\nContent-Length: 100\r\n\r\nabc", 408], // body stalls past data_timeout
    ["POST /checkv2 HTTP/1.0\r\nContent-Le", 408], // head stalls
    ["", undefined], // nothing at all: closed after data_timeout, nothing said
  ];
  for (const [req, status] of cases) {
    const answer = await rawExchange(d.port, req);
    expect(answer).not.toMatch(/<html|<!doctype|<body/i);
    if (status === undefined) {
      expect(answer).toBe("");
      continue;
    }
    const m = /^HTTP\/1\.1 (\d{3}) [^\r]*\r\n([\s\S]*?)\r\n\r\n([\s\S]*)$/.exec(answer);
    expect(m?.[1]).toBe(String(status));
    const body = m![3];
    if (body === "pong\r\n") continue;
    const j = JSON.parse(body);
    if (status !== 200) expect(Object.keys(j)).toEqual(["error"]);
  }
  expect((await post(d, "/checkv2")).status).toBe(200);
}, 30_000);

test("a client that drops the connection while its scan waits aborts that scan (the pool drops it unscanned)", async () => {
  const h = hangingAnswer();
  const d = await door("", h.answer);
  await sendThenDrop(d.port, `POST /checkv2 HTTP/1.1\r\nHost: x\r\nContent-Length: ${MSG.length}\r\n\r\n${MSG}`);
  expect(await h.aborted).toBe(true);
  expect(d.seen).toHaveLength(1);
});
