// The spamd door over a real loopback socket, with an injected pool: the bytes a spamd client
// reads for each command, the envelope it takes from trace fields, who may scan and TELL,
// no verdict, a half-closed request, a silent client. (The real spamc and Exim in front of the
// compiled binary: spamd-spamc.e2e.test.ts, spamd-exim.e2e.test.ts.)
import { afterEach, expect, test } from "bun:test";
import { connect } from "node:net";
import { deflateSync } from "node:zlib";
import { parseConfig } from "../config/load";
import type { KasConfig } from "../config/schema";
import { actions } from "../engine/actions";
import type { Policy } from "../engine/policy";
import type { Hit, ScanRequest, ScanResult, Status } from "../model";
import type { LearnOp } from "../protocol/kas/learn";
import type { Learned } from "./job";
import { EdgeGate, type EdgeLimits } from "./limits";
import { openSocketListener, type Listener } from "./listeners";
import { hangingAnswer, sendThenDrop } from "../testing/abandon";
import type { Dispatched } from "./pool";
import { spamdSocketHandler } from "./spamd";

const opened: Listener[] = [];
afterEach(async () => {
  for (const l of opened.splice(0)) await l.stop(true);
});

function resultFor(r: ScanRequest, status: Status, hits: Hit[], policy: Policy): ScanResult {
  const score = hits.reduce((a, h) => a + h.score, 0);
  return { id: r.id, status, score, threshold: policy.spam_score, policy: policy.name, hits, ...actions(status, score, [], policy), timings: { parseMs: 0, checksMs: 0, rulesMs: 0, totalMs: 0 }, notes: [] };
}

const GTUBE: Hit[] = [{ name: "GTUBE", score: 7.3, description: "the GTUBE test string" }];

async function door(toml: string, answer: (r: ScanRequest, p: Policy, signal?: AbortSignal) => Dispatched | Promise<Dispatched>, learn?: (op: LearnOp, raw: Uint8Array) => Learned, gate?: EdgeGate) {
  const config: KasConfig = parseConfig(toml, "t.toml");
  const policy: Policy = { ...config.policy, name: "default" };
  const seen: ScanRequest[] = [];
  const learned: [LearnOp, string][] = [];
  const logs: string[] = [];
  const fmt = (m: string, a: unknown[]) => a.reduce<string>((s, x) => s.replace(/%[sd]/, String(x)), m);
  const handler = spamdSocketHandler({
    config: () => config,
    submit: async (r, signal) => (seen.push(r), await answer(r, policy, signal)),
    learn: async (op, raw) => (learned.push([op, new TextDecoder().decode(raw)]), learn ? learn(op, raw) : { ok: true, reply: { version: 1, outcome: op === "forget" ? "forgotten" : "learned", spam: 1, ham: 0 }, generation: 1, workerPid: 1 }),
    onScanned: (line) => logs.push(line),
    log: { info: (m, ...a) => logs.push(fmt(m, a)), warn: (m, ...a) => logs.push(fmt(m, a)) },
    track: (w) => w(),
    gate,
  });
  const l = await openSocketListener({ kind: "tcp", host: "127.0.0.1", port: 0 }, handler, { socketMode: "0660", socketOwner: "" }, "spamd", true);
  opened.push(l);
  return { port: Number(l.address.split(":").at(-1)), seen, learned, logs };
}

/** A spamc-like client: writes the request, shuts down its side (unless `keepOpen`), reads until the server closes. */
async function ask(port: number, request: Uint8Array | string, opts: { keepOpen?: boolean; ms?: number } = {}): Promise<string> {
  return await new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    const c = connect(port, "127.0.0.1", () => {
      c.write(request);
      if (!opts.keepOpen) c.end();
    });
    const timer = setTimeout(() => (c.destroy(), reject(new Error(`no close in ${opts.ms ?? 5000} ms; got ${JSON.stringify(Buffer.concat(chunks).toString("latin1"))}`))), opts.ms ?? 5000);
    c.on("data", (d) => chunks.push(d));
    c.on("error", () => {});
    c.on("close", () => (clearTimeout(timer), resolve(Buffer.concat(chunks).toString("latin1"))));
  });
}

const MSG = "Subject: hello\r\nX-Spam-Flag: YES\r\nX-KAS-Status: trusted\r\n\r\nbody\r\n";
const req = (cmd: string, msg = MSG, extra = "", version = "1.5") => `${cmd} SPAMC/${version}\r\nContent-length: ${Buffer.byteLength(msg)}\r\n${extra}\r\n${msg}`;
const spam = (r: ScanRequest, p: Policy): Dispatched => ({ ok: true, result: resultFor(r, "spam", GTUBE, p), generation: 1, workerPid: 7 });
const ham = (r: ScanRequest, p: Policy): Dispatched => ({ ok: true, result: resultFor(r, "not_detected", [{ name: "BAYES_00", score: -1.9 }], p), generation: 1, workerPid: 7 });

test("CHECK, SYMBOLS, REPORT_IFSPAM: golden replies for spam and ham", async () => {
  const s = await door("", spam);
  expect(await ask(s.port, req("CHECK"))).toBe("SPAMD/1.1 0 EX_OK\r\nContent-length: 0\r\nSpam: True ; 7.3 / 5.0\r\n\r\n");
  expect(await ask(s.port, req("SYMBOLS"))).toBe("SPAMD/1.1 0 EX_OK\r\nContent-length: 5\r\nSpam: True ; 7.3 / 5.0\r\n\r\nGTUBE");
  const h = await door("", ham);
  expect(await ask(h.port, req("CHECK"))).toBe("SPAMD/1.1 0 EX_OK\r\nContent-length: 0\r\nSpam: False ; -1.9 / 5.0\r\n\r\n");
  expect(await ask(h.port, req("REPORT_IFSPAM"))).toBe("SPAMD/1.1 0 EX_OK\r\nContent-length: 0\r\nSpam: False ; -1.9 / 5.0\r\n\r\n");
  expect(s.logs.some((l) => l.includes("door=spamd") && l.includes("status=spam"))).toBe(true);
});

test("REPORT has a line per rule; protocol 1.2 (Exim) gets score/threshold first and no Spam: header", async () => {
  const s = await door("", spam);
  const r = await ask(s.port, req("REPORT"));
  expect(r).toStartWith("SPAMD/1.1 0 EX_OK\r\nContent-length: ");
  expect(r).toContain("Spam: True ; 7.3 / 5.0\r\n\r\nContent analysis by kas: spam (7.3 points, 5.0 required), policy default\r\n pts rule name ");
  expect(r).toContain("\r\n 7.3 GTUBE                  the GTUBE test string\r\n");
  const old = await ask(s.port, `REPORT SPAMC/1.2\r\nUser: nobody\r\nContent-length: ${MSG.length}\r\n\r\n${MSG}`);
  expect(old).toMatch(/^SPAMD\/1\.1 0 EX_OK\r\nContent-length: (\d+)\r\n\r\n7\.3\/5\.0\r\nContent analysis by kas/);
  expect(Number(/Content-length: (\d+)/.exec(old)![1])).toBe(Buffer.byteLength(old.slice(old.indexOf("\r\n\r\n") + 4), "latin1"));
});

test("PROCESS and HEADERS: kas's fields and X-Spam-*, forged copies removed, Content-length exact", async () => {
  const s = await door("", spam);
  const r = await ask(s.port, req("PROCESS"));
  const [head, ...rest] = r.split("\r\n\r\n");
  const body = rest.join("\r\n\r\n");
  expect(head).toContain(`Content-length: ${Buffer.byteLength(body, "latin1")}`);
  expect(body).toStartWith("Subject: hello\r\n");
  expect(body.match(/^X-Spam-Flag: YES\r$/gm)?.length).toBe(1);
  expect(body).not.toContain("X-KAS-Status: trusted");
  expect(body).toContain("X-KAS-Status: spam\r\n");
  expect(body).toContain("X-Spam-Status: Yes, score=7.3 required=5.0 tests=GTUBE status=spam\r\n");
  expect(body).toContain("X-Spam-Level: *******\r\n");
  expect(body).toEndWith("\r\n\r\nbody\r\n");
  const h = await ask(s.port, req("HEADERS"));
  const hb = h.slice(h.indexOf("\r\n\r\n") + 4);
  expect(hb).toEndWith("X-Spam-Status: Yes, score=7.3 required=5.0 tests=GTUBE status=spam\r\n\r\n");
  expect(hb).not.toContain("body");
  const hamDoor = await door("", ham);
  const hr = await ask(hamDoor.port, req("PROCESS"));
  expect(hr).not.toContain("X-Spam-Flag");
  expect(hr).toContain("X-Spam-Status: No, score=-1.9 required=5.0 tests=BAYES_00 status=not_detected");
});

test("envelope from the first untrusted Received:, MAIL FROM from Return-Path, recipient from User when it is an address", async () => {
  const s = await door(`[spamd]\ntrusted_relays = ["127.0.0.0/8", "10.0.0.0/8"]`, ham);
  const msg =
    "Return-Path: <bounce@example.net>\r\n" +
    "Received: from mx.inside (mx.inside [10.1.2.3]) by filter.inside with ESMTP; Tue, 1 Dec 2026 10:00:00 +0000\r\n" +
    "Received: from helo.example.net (client.example.net [192.0.2.9])\r\n\tby mx.inside with ESMTP id 1; Tue, 1 Dec 2026 09:59:59 +0000\r\n" +
    "Received: from forged (forged [198.51.100.1]) by nowhere; Tue, 1 Dec 2026 09:00:00 +0000\r\n" +
    "Subject: x\r\n\r\nbody\r\n";
  await ask(s.port, req("CHECK", msg, "User: rcpt@example.org\r\n"));
  expect(s.seen[0].envelope).toEqual({ ip: "192.0.2.9", helo: "helo.example.net", from: "bounce@example.net", rcpt: ["rcpt@example.org"] });
  await ask(s.port, req("CHECK", msg, "User: root\r\n"));
  expect(s.seen[1].envelope.rcpt).toEqual([]);
});

test("Compress: zlib bodies are inflated before scanning; a broken stream is EX_DATAERR", async () => {
  const s = await door("", ham);
  const z = deflateSync(Buffer.from(MSG));
  const r = await ask(s.port, Buffer.concat([Buffer.from(`CHECK SPAMC/1.5\r\nContent-length: ${z.length}\r\nCompress: zlib\r\n\r\n`), z]));
  expect(r).toStartWith("SPAMD/1.1 0 EX_OK");
  expect(new TextDecoder().decode(s.seen[0].raw)).toBe(MSG);
  const bad = await ask(s.port, `CHECK SPAMC/1.5\r\nContent-length: 5\r\nCompress: zlib\r\n\r\nnotzl`);
  expect(bad).toStartWith("SPAMD/1.5 65 EX_DATAERR ");
});

test("PING and SKIP; a request without Content-length ends at the client's shutdown", async () => {
  const s = await door("", ham);
  expect(await ask(s.port, "PING SPAMC/1.5\r\n\r\n")).toBe("SPAMD/1.5 0 PONG\r\n");
  expect(await ask(s.port, "PING SPAMC/1.2\r\n", { keepOpen: true })).toBe("SPAMD/1.5 0 PONG\r\n");
  expect(await ask(s.port, "SKIP SPAMC/1.5\r\n\r\n")).toBe("");
  const r = await ask(s.port, `CHECK SPAMC/1.1\r\n\r\n${MSG}`);
  expect(r).toStartWith("SPAMD/1.1 0 EX_OK\r\nContent-length: 10\r\n\r\n-1.9/5.0\r\n");
  expect(new TextDecoder().decode(s.seen[0].raw)).toBe(MSG);
  expect(s.seen).toHaveLength(1);
});

test("allow: other client IPs get EX_NOPERM and a log line, nothing is scanned", async () => {
  const s = await door(`[spamd]\nallow = ["192.0.2.0/24"]`, spam);
  const r = await ask(s.port, req("CHECK"));
  expect(r).toBe("SPAMD/1.5 77 EX_NOPERM 127.0.0.1 may not use the spamd door: add it to [spamd] allow\r\n");
  expect(await ask(s.port, "GARBAGE\r\n\r\n")).toStartWith("SPAMD/1.5 77 EX_NOPERM ");
  expect(await ask(s.port, "PING SPAMC/1.5\r\n\r\n")).toStartWith("SPAMD/1.5 77 EX_NOPERM ");
  expect(s.seen).toHaveLength(0);
  expect(s.logs.some((l) => l.includes("refused") && l.includes("127.0.0.1"))).toBe(true);
});

test("TELL: refused by default (learn_allow = []); allowed clients learn spam/ham and forget", async () => {
  const tell = (extra: string) => req("TELL", MSG, extra);
  const denied = await door("", spam);
  expect(await ask(denied.port, tell("Message-class: spam\r\nSet: local\r\n"))).toStartWith("SPAMD/1.5 77 EX_NOPERM TELL is not allowed from 127.0.0.1");
  expect(denied.learned).toHaveLength(0);
  const s = await door(`[spamd]\nlearn_allow = ["127.0.0.1/32"]`, spam);
  expect(await ask(s.port, tell("Message-class: spam\r\nSet: local\r\n"))).toBe("SPAMD/1.1 0 EX_OK\r\nDidSet: local\r\nContent-length: 0\r\n\r\n");
  expect(await ask(s.port, tell("Message-class: ham\r\nSet: local, remote\r\n"))).toBe("SPAMD/1.1 0 EX_OK\r\nDidSet: local\r\nContent-length: 0\r\n\r\n");
  expect(await ask(s.port, tell("Remove: local\r\n"))).toBe("SPAMD/1.1 0 EX_OK\r\nDidRemove: local\r\nContent-length: 0\r\n\r\n");
  expect(s.learned.map((l) => l[0])).toEqual(["spam", "ham", "forget"]);
  expect(s.learned[0][1]).toBe(MSG);
  expect(await ask(s.port, tell("Set: local\r\n"))).toStartWith("SPAMD/1.5 76 EX_PROTOCOL TELL Set: local needs Message-class");
  expect(await ask(s.port, tell("Message-class: spam\r\nSet: remote\r\n"))).toStartWith("SPAMD/1.5 69 EX_UNAVAILABLE ");
  const already = await door(`[spamd]\nlearn_allow = ["127.0.0.1/32"]`, spam, () => ({ ok: true, reply: { version: 1, outcome: "already", spam: 1, ham: 0 }, generation: 1, workerPid: 1 }));
  expect(await ask(already.port, tell("Message-class: spam\r\nSet: local\r\n"))).toBe("SPAMD/1.1 0 EX_OK\r\nContent-length: 0\r\n\r\n");
});

test("no verdict is EX_TEMPFAIL; a broken request line is EX_PROTOCOL; an unlicensed pass is Spam: False against the policy threshold", async () => {
  const busy = await door("", () => ({ ok: false, code: "busy", message: "all filtering processes busy" }));
  expect(await ask(busy.port, req("PROCESS"))).toBe("SPAMD/1.5 75 EX_TEMPFAIL no verdict: all filtering processes busy\r\n");
  expect(await ask(busy.port, "HELLO there\r\n\r\n")).toStartWith("SPAMD/1.5 76 EX_PROTOCOL bad request line");
  const config = parseConfig("", "t.toml");
  const handler = spamdSocketHandler({
    config: () => config,
    submit: async () => ({ ok: false, code: "internal", message: "never" }),
    beforeDispatch: () => ({ action: "pass", status: "unlicensed", headers: [], reason: "recipient not licensed" }),
    learn: async () => ({ ok: false, code: "internal", message: "never" }),
    onScanned: () => {},
    log: { info: () => {}, warn: () => {} },
    track: (w) => w(),
  });
  const l = await openSocketListener({ kind: "tcp", host: "127.0.0.1", port: 0 }, handler, { socketMode: "0660", socketOwner: "" }, "spamd", true);
  opened.push(l);
  const r = await ask(Number(l.address.split(":").at(-1)), req("PROCESS"));
  expect(r).toContain("Spam: False ; 0.0 / 5.0\r\n");
  expect(r).toContain("X-KAS-Status: unlicensed\r\n");
});

test("a client that stops mid-request is told EX_TIMEOUT after [server] data_timeout", async () => {
  const s = await door(`[server]\ndata_timeout = 0.5`, spam);
  const t0 = performance.now();
  const r = await ask(s.port, "CHECK SPAMC/1.5\r\nContent-length: 100\r\n\r\nonly this", { keepOpen: true, ms: 10_000 });
  expect(r).toStartWith("SPAMD/1.5 79 EX_TIMEOUT ");
  // Kept to the limit (deadline.ts; Bun's own socket timeout counted in ticks of 4 s).
  expect(performance.now() - t0).toBeGreaterThanOrEqual(450);
  expect(performance.now() - t0).toBeLessThan(2000);
  expect(s.seen).toHaveLength(0);
});

test("a client that connects and sends its request 0.6 s later is answered (data_timeout 1 s is not cut short)", async () => {
  const s = await door(`[server]\ndata_timeout = 1`, spam);
  // With Bun's socket timeout (ticks of 4 s) a limit of 1 s fired anywhere from 0 to 4 s after
  // the connection opened: some of these clients were told EX_TIMEOUT before they had written.
  // Eight clients, one every 0.5 s: their windows cover a whole 4 s tick of the old timer.
  const client = () =>
    new Promise<string>((resolve) => {
      const chunks: Buffer[] = [];
      const c = connect(s.port, "127.0.0.1", () => setTimeout(() => (c.write(req("CHECK")), c.end()), 600));
      c.on("data", (d) => chunks.push(d));
      c.on("error", () => {});
      c.on("close", () => resolve(Buffer.concat(chunks).toString("latin1")));
    });
  const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => Bun.sleep(500 * i).then(client)));
  for (const a of answers) expect(a).toStartWith("SPAMD/1.1 0 EX_OK");
});

test("the edge gate: a connection over max_connections_per_client and a body over max_bytes_per_client get EX_TEMPFAIL; everything is given back at close", async () => {
  const limits: EdgeLimits = { maxConnections: 10, maxConnectionsPerClient: 1, maxBytesInFlight: 1 << 20, maxBytesPerClient: 1000, maxRequestSize: 1 << 20 };
  const gate = new EdgeGate(() => limits, () => {});
  const s = await door(`[server]\ndata_timeout = 1`, ham, undefined, gate);
  // One connection holds the client's only slot while it sends slowly...
  const slow = ask(s.port, "CHECK SPAMC/1.5\r\nContent-length: 10\r\n\r\nabc", { keepOpen: true, ms: 10_000 });
  await Bun.sleep(100);
  expect(gate.status().connections).toBe(1);
  expect(await ask(s.port, req("CHECK"))).toStartWith("SPAMD/1.5 75 EX_TEMPFAIL busy: 1 connections open from 127.0.0.1, max_connections_per_client 1");
  limits.maxConnectionsPerClient = 5;
  // ...a declared body over the client's byte cap is refused before it is read...
  expect(await ask(s.port, `CHECK SPAMC/1.5\r\nContent-length: 5000\r\n\r\n`, { keepOpen: true })).toMatch(/^SPAMD\/1\.5 75 EX_TEMPFAIL 10 bytes in flight from 127\.0\.0\.1, max_bytes_per_client 1000\r\n$/);
  // ...and so is a compressed one whose inflated size passes it.
  const z = deflateSync(Buffer.alloc(4000, 0x41));
  expect(await ask(s.port, Buffer.concat([Buffer.from(`CHECK SPAMC/1.5\r\nCompress: zlib\r\nContent-length: ${z.length}\r\n\r\n`), z]))).toContain(" 75 EX_TEMPFAIL ");
  expect(s.seen).toHaveLength(0);
  expect(await ask(s.port, req("CHECK"))).toStartWith("SPAMD/1.1 0 EX_OK");
  await slow; // ends at data_timeout
  expect(gate.status()).toMatchObject({ connections: 0, bytes_in_flight: 0 });
}, 20_000);

test("a client that drops the connection while its scan waits aborts that scan; spamc's half-close does not", async () => {
  const h = hangingAnswer();
  const s = await door("", h.answer);
  await sendThenDrop(s.port, req("CHECK"));
  expect(await h.aborted).toBe(true);
  // The half-close after the body is how spamc says "that is all": it still waits for the reply.
  const patient = hangingAnswer(600);
  const p = await door("", patient.answer);
  const reply = await ask(p.port, req("CHECK"));
  expect(await patient.aborted).toBe(false);
  expect(reply).toContain("EX_TEMPFAIL"); // the injected pool's own "unavailable" after 600 ms
});
