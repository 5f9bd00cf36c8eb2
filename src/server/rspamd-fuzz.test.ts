// Hostile HTTP at the Rspamd door over a real socket: thousands of mutated requests (request
// line, header lines, body; deterministic seed), 250 connections at a time. No answer is HTML,
// every answer the door itself writes is JSON (or pong), a stalled body is cut after
// data_timeout, so is a stalled head, every gate slot comes back, and the door still scans
// correctly afterwards. (The codec alone, 100 000
// requests: protocol/rspamd/fuzz.test.ts.)
import { afterAll, expect, test } from "bun:test";
import { parseConfig } from "../config/load";
import { actions } from "../engine/actions";
import type { Policy } from "../engine/policy";
import type { ScanResult } from "../model";
import { EdgeGate, edgeLimits } from "./limits";
import { openSocketListener, type Listener } from "./listeners";
import { rspamdSocketHandler } from "./rspamd";
import { rng } from "../testing/rng";

let listener: Listener | undefined;
afterAll(async () => {
  await listener?.stop(true);
});


const MSG = "From: a@example.org\r\nSubject: hi\r\nMessage-ID: <f@example.org>\r\n\r\nbody\r\n";
const BASE = [
  `POST /checkv2 HTTP/1.0\r\nContent-Length: ${MSG.length}\r\nIP: 192.0.2.1\r\nFrom: <a@example.org>\r\nRcpt: b@example.com\r\nRcpt: c@example.com\r\nHelo: mx\r\n\r\n${MSG}`,
  `POST /symbols HTTP/1.0\r\nContent-Length: ${MSG.length}\r\nQueue-Id: Q1\r\nUser: u\r\nPass: all\r\n\r\n${MSG}`,
  `POST /learnspam HTTP/1.0\r\nContent-Length: ${MSG.length}\r\nPassword: x\r\n\r\n${MSG}`,
  "GET /ping HTTP/1.0\r\n\r\n",
  `POST /check HTTP/1.1\r\nHost: k\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n${MSG.length.toString(16)}\r\n${MSG}\r\n0\r\n\r\n`,
];
const JUNK = ["\r\n", "\n", " ", ":", "\x00", "\xff", "Content-Length: 99999\r\n", "Transfer-Encoding: chunked\r\n", "IP: ::1\r\n", "Rcpt: <<,>>\r\n", "HTTP/9.9", "%", "/../", "Compression: zstd\r\n"];

function mutate(s: string, r: () => number): string {
  let out = s;
  for (let n = 1 + Math.floor(r() * 4); n > 0; n--) {
    const at = Math.floor(r() * (out.length + 1));
    const k = Math.floor(r() * 4);
    if (k === 0) out = out.slice(0, at) + JUNK[Math.floor(r() * JUNK.length)] + out.slice(at);
    else if (k === 1) out = out.slice(0, at) + out.slice(at + 1 + Math.floor(r() * 10));
    else if (k === 2) out = out.slice(0, at) + String.fromCharCode(Math.floor(r() * 256)) + out.slice(at);
    else out = out.slice(0, at);
  }
  return out;
}

/**
 * Sends `req`, collects what comes back until the door closes or is quiet for `quietMs`. A
 * request cut short waits for data_timeout (the last test); after `giveUpMs` the client hangs
 * up first, as an MTA would, and the door must carry on.
 */
function exchange(port: number, req: string, quietMs = 100, giveUpMs = 1500): Promise<{ answer: string; gaveUp: boolean }> {
  return new Promise((resolve) => {
    let answer = "";
    let quiet: ReturnType<typeof setTimeout> | undefined;
    let sock: { end(): void } | undefined;
    // done() first: end() may run the close handler at once, which must not count as the door's close.
    const hard = setTimeout(() => (done(true), sock?.end()), giveUpMs);
    let finished = false;
    const done = (gaveUp = false) => {
      if (finished) return;
      finished = true;
      clearTimeout(hard);
      clearTimeout(quiet);
      resolve({ answer, gaveUp });
    };
    void Bun.connect({
      hostname: "127.0.0.1",
      port,
      socket: {
        open(s) {
          sock = s;
          s.write(Buffer.from(req, "latin1"));
        },
        data(s, chunk) {
          answer += Buffer.from(chunk).toString("latin1");
          clearTimeout(quiet);
          quiet = setTimeout(() => (s.end(), done()), quietMs);
        },
        close: () => done(),
        error: () => done(),
        connectError: () => done(),
      },
    });
  });
}

test("2 000 mutated HTTP requests over the socket: no HTML, JSON from the door, and it still scans", async () => {
  const config = parseConfig('[rspamd]\nlearn_allow = ["127.0.0.1"]\n[server]\nmax_request_size = 65536\ndata_timeout = 1\n', "t.toml");
  const policy: Policy = { ...config.policy, name: "default" };
  const gate = new EdgeGate(() => edgeLimits(config.server));
  let scans = 0;
  const handler = rspamdSocketHandler({
    config: () => config,
    submit: async (r) => {
      scans++;
      const result: ScanResult = { id: r.id, status: "not_detected", score: 0, threshold: 5, policy: "default", hits: [], ...actions("not_detected", 0, [], policy), timings: { parseMs: 0, checksMs: 0, rulesMs: 0, totalMs: 0 }, notes: [] };
      return { ok: true, generation: 1, workerPid: 1, result };
    },
    learn: async () => ({ ok: true, generation: 1, workerPid: 1, reply: { version: 1, outcome: "learned", spam: 1, ham: 0 } }),
    onScanned: () => {},
    log: { info: () => {}, warn: () => {} },
    track: (w) => w(),
    gate,
  });
  listener = await openSocketListener({ kind: "tcp", host: "127.0.0.1", port: 0 }, handler, { socketMode: "0660", socketOwner: "" }, "rspamd", true);
  const port = Number(listener.address.split(":").at(-1));

  const r = rng(0xbad5eed);
  const N = 2000;
  let answered = 0;
  let gaveUp = 0;
  for (let i = 0; i < N; i += 250) {
    const batch = Array.from({ length: Math.min(250, N - i) }, () => mutate(BASE[Math.floor(r() * BASE.length)], r));
    const outs = await Promise.all(batch.map((q) => exchange(port, q)));
    for (let k = 0; k < outs.length; k++) {
      const { answer, gaveUp: g } = outs[k];
      if (g) gaveUp++;
      expect(answer).not.toMatch(/<html|<!doctype|<body/i);
      const m = /^HTTP\/1\.[01] (\d{3})[^\r\n]*\r\n([\s\S]*?)\r\n\r\n([\s\S]*)$/.exec(answer);
      // No answer only where the client hung up first (a request cut short, still waiting for
      // data_timeout) or sent nothing at all.
      if (!m) {
        expect(g || batch[k] === "").toBe(true);
        continue;
      }
      answered++;
      if (m[3] === "" || m[3].startsWith("pong")) continue;
      // Extra bytes after a request are the next (pipelined) request: its answer follows the first one.
      const len = /^content-length: (\d+)$/im.exec(m[2]);
      const body = len ? m[3].slice(0, Number(len[1])) : m[3].replace(/^[0-9a-f]+\r\n/i, "").replace(/\r\n0\r\n\r\n[\s\S]*$/, "");
      expect(() => JSON.parse(body)).not.toThrow();
    }
  }
  expect(answered).toBeGreaterThan(N / 2);
  expect(answered + gaveUp).toBeLessThanOrEqual(N);
  // Every slot and byte came back once the connections were gone.
  await Bun.sleep(200);
  expect(gate.status()).toMatchObject({ connections: 0, bytes_in_flight: 0 });
  expect(scans).toBeGreaterThan(0);

  // Still serving: a clean request gets its verdict.
  const ok = await fetch(`http://127.0.0.1:${port}/checkv2`, { method: "POST", body: MSG });
  expect(ok.status).toBe(200);
  expect(((await ok.json()) as { action: string }).action).toBe("no action");
}, 120_000);

test("stalls end: a body or a head stalled past data_timeout gets 408 JSON", async () => {
  const port = Number(listener!.address.split(":").at(-1));
  const t0 = performance.now();
  const body = await exchange(port, "POST /checkv2 HTTP/1.0\r\nContent-Length: 100\r\n\r\nabc", 100, 20_000);
  expect(body.answer).toMatch(/^HTTP\/1\.1 408 [\s\S]*\{"error":"no data for \[server\] data_timeout 1s"\}$/);
  expect(performance.now() - t0).toBeLessThan(6000);
  const t1 = performance.now();
  const head = await exchange(port, "POST /checkv2 HTTP/1.0\r\nContent-Le", 100, 20_000);
  expect(head.answer).toMatch(/^HTTP\/1\.1 408 [\s\S]*\{"error":"no data for \[server\] data_timeout 1s"\}$/);
  expect(performance.now() - t1).toBeLessThan(6000);
}, 40_000);
