// The native door's own HTTP/1.1 server over a real socket, with the real handler and a fake
// pool: what Bun.serve did not answer (pipelining behind a scan, a client that half-closes
// after its request) is answered, in order; keep-alive, chunked bodies, Expect: 100-continue,
// and a request head dribbled past data_timeout.
import { afterEach, describe, expect, test } from "bun:test";
import { parseConfig } from "../config/load";
import type { ScanRequest } from "../model";
import { makeDirect, makeHandler, type HandlerDeps } from "./handler";
import { EdgeGate, edgeLimits } from "./limits";
import { openNativeListener, type Listener } from "./listeners";
import type { Dispatched } from "./pool";

const config = parseConfig("[server]\ndata_timeout = 1\nmax_request_size = 4096\n");
const open: Listener[] = [];
afterEach(async () => {
  for (const l of open.splice(0)) await l.stop(true);
});

const scanned: string[] = [];
/** The native listener with `d`; `direct`: the scan endpoint served without Request/Response objects, as the server does. */
async function listen(d: HandlerDeps, direct: boolean) {
  const l = await openNativeListener({ kind: "tcp", host: "127.0.0.1", port: 0 }, makeHandler(d), { socketMode: "0600", socketOwner: "", maxRequestSize: 4096, dataTimeoutS: 1 }, undefined, direct ? makeDirect(d) : undefined);
  open.push(l);
  return Number(l.address.split(":").at(-1));
}
const scanDeps = (delayMs: number): HandlerDeps => ({
  config: () => config,
  submit: async (r: ScanRequest): Promise<Dispatched> => {
    await Bun.sleep(delayMs); // a scan takes time: the case Bun.serve dropped
    scanned.push(new TextDecoder().decode(r.raw));
    return { ok: true, generation: 1, workerPid: 1, result: { id: r.id, status: "not_detected", score: 0, threshold: 5, policy: "default", hits: [], disposition: "accept", edits: [{ op: "add", name: "X-Len", value: String(r.raw.byteLength) }], timings: { parseMs: 0, checksMs: 0, rulesMs: 0, totalMs: 0 }, notes: [] } };
  },
  status: () => ({}),
  onScanned() {},
  version: "kas test",
});

/** Writes each part at its time; `half` shuts down the sending side after the last. Resolves with all bytes when the server closes (or at ms). */
function talk(port: number, parts: { at: number; bytes: string }[], o: { half?: boolean; ms?: number; onData?: (all: string, write: (s: string) => void) => void } = {}): Promise<{ text: string; closed: boolean; ms: number }> {
  return new Promise((resolve) => {
    let text = "";
    const t0 = Date.now();
    const timers: ReturnType<typeof setTimeout>[] = [];
    const done = (closed: boolean) => (timers.forEach(clearTimeout), resolve({ text, closed, ms: Date.now() - t0 }));
    timers.push(setTimeout(() => done(false), o.ms ?? 5000));
    void Bun.connect({ hostname: "127.0.0.1", port, allowHalfOpen: true, socket: {
      open(sock) {
        parts.forEach((p, i) => timers.push(setTimeout(() => (sock.write(p.bytes), i === parts.length - 1 && o.half && sock.shutdown()), p.at)));
      },
      data: (sock, d) => ((text += Buffer.from(d).toString("latin1")), o.onData?.(text, (x) => void sock.write(x))),
      close: () => done(true),
      end: () => done(true),
      error: () => done(true),
    } } as never);
  });
}
const statuses = (text: string) => [...text.matchAll(/^HTTP\/1\.1 (\d+)/gm)].map((m) => Number(m[1]));
const post = (body: string, extra = "") => `POST /v1/scan HTTP/1.1\r\nHost: kas\r\nContent-Length: ${body.length}\r\n${extra}\r\n${body}`;

describe.each([
  ["the Request path", false],
  ["the direct path (makeDirect: no Request/Response objects)", true],
])("%s", (_path, direct) => {
  const serve = (delayMs: number) => listen(scanDeps(delayMs), direct);

  test("requests pipelined behind a scan are answered, in order (Bun.serve closed the connection without a reply)", async () => {
    const port = await serve(300);
    scanned.length = 0;
    const r = await talk(port, [{ at: 0, bytes: post("Subject: one\r\n\r\n1\r\n") + "GET /v1/ping HTTP/1.1\r\nHost: kas\r\n\r\n" + post("Subject: two\r\n\r\n2\r\n", "Connection: close\r\n") }]);
    expect(statuses(r.text)).toEqual([200, 200, 200]);
    expect(r.text.indexOf('"X-Len","value":"21"')).toBeLessThan(r.text.indexOf('"pong":true'));
    expect(scanned).toEqual(["Subject: one\r\n\r\n1\r\n", "Subject: two\r\n\r\n2\r\n"]);
    expect(r.closed).toBe(true);
  });

  test("a client that half-closes after a complete request gets its reply, then the connection ends", async () => {
    const port = await serve(300);
    const r = await talk(port, [{ at: 0, bytes: post("Subject: h\r\n\r\nx\r\n") }], { half: true });
    expect(statuses(r.text)).toEqual([100, 200]); // an interim 100 first: a client that is gone would answer it with a reset
    expect(r.text).toContain('"status":"not_detected"');
    expect(r.closed).toBe(true);
  });

  test("keep-alive: three requests one after the other on one connection; an idle connection is then closed after data_timeout", async () => {
    const port = await serve(10);
    const r = await talk(port, [
      { at: 0, bytes: "GET /v1/ping HTTP/1.1\r\nHost: kas\r\n\r\n" },
      { at: 200, bytes: post("Subject: k\r\n\r\n") },
      { at: 400, bytes: "GET /v1/status HTTP/1.1\r\nHost: kas\r\n\r\n" },
    ], { ms: 6000 });
    expect(statuses(r.text)).toEqual([200, 200, 200]);
    expect(r.closed).toBe(true);
    expect(r.ms).toBeGreaterThan(1000);
  });

  test("data_timeout is kept to the second: a client that sends 0.7 s after connecting and after each reply is always answered; silence is cut after 1 s, not before", async () => {
    // Bun's socket timeout counts in ticks of 4 s (deadline.ts): with it a limit of 1 s fired
    // anywhere from 0 to 4 s after it was set, so some of these requests met a closed connection.
    const port = await serve(10);
    const r = await talk(port, [700, 1400, 2100, 2800].map((at) => ({ at, bytes: "GET /v1/ping HTTP/1.1\r\nHost: kas\r\n\r\n" })), { ms: 8000 });
    expect(statuses(r.text)).toEqual([200, 200, 200, 200]);
    expect(r.closed).toBe(true);
    expect(r.ms).toBeGreaterThanOrEqual(2800 + 950);
    expect(r.ms).toBeLessThan(2800 + 2500);
    const idle = await talk(port, [], { ms: 8000 });
    expect(idle.closed).toBe(true);
    expect(idle.ms).toBeGreaterThanOrEqual(950);
    expect(idle.ms).toBeLessThan(2500);
  });

  test("a chunked body arrives byte for byte; Expect: 100-continue is answered when the body is read; a declared size over the cap gets 413 without 100", async () => {
    const port = await serve(10);
    scanned.length = 0;
    const chunked = "POST /v1/scan HTTP/1.1\r\nHost: kas\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n4\r\nSubj\r\na\r\nect: c\r\n\r\n\r\n0\r\n\r\n";
    expect(statuses((await talk(port, [{ at: 0, bytes: chunked }])).text)).toEqual([200]);
    expect(scanned).toEqual(["Subject: c\r\n\r\n"]);
    const body = "Subject: e\r\n\r\n";
    let sent = false;
    const r = await talk(port, [{ at: 0, bytes: `POST /v1/scan HTTP/1.1\r\nHost: kas\r\nExpect: 100-continue\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n` }], {
      onData: (all, write) => void (all.startsWith("HTTP/1.1 100 Continue\r\n\r\n") && !sent && ((sent = true), write(body))),
    });
    expect(statuses(r.text)).toEqual([100, 200]);
    const big = await talk(port, [{ at: 0, bytes: "POST /v1/scan HTTP/1.1\r\nHost: kas\r\nExpect: 100-continue\r\nContent-Length: 99999\r\n\r\n" }]);
    expect(statuses(big.text)).toEqual([413]);
  });

  test("a Content-Length sent twice is reserved at the edge gate like one (503 over max_bytes_per_client, the body unread)", async () => {
    const tight = parseConfig("[server]\ndata_timeout = 1\nmax_request_size = 4096\nmax_bytes_per_client = 1024\n");
    const gate = new EdgeGate(() => edgeLimits(tight.server), () => {});
    const port = await listen({ ...scanDeps(0), config: () => tight, gate }, direct);
    const body = "x".repeat(2000);
    for (const length of ["2000", "2000, 2000", "2000,2000"]) {
      const r = await talk(port, [{ at: 0, bytes: `POST /v1/scan HTTP/1.1\r\nHost: kas\r\nContent-Length: ${length}\r\n\r\n${body}` }]);
      expect(statuses(r.text)).toEqual([503]);
      expect(r.text).toContain("max_bytes_per_client 1024");
    }
    expect(gate.status()).toMatchObject({ connections: 0, bytes_in_flight: 0 });
  });

  test("a request head dribbled a byte at a time is cut at data_timeout with 408; an HTTP/1.1 request without Host is 400", async () => {
    const port = await serve(300);
    const head = "GET /v1/ping HTTP/1.1\r\nHost: kas\r\n\r\n";
    const r = await talk(port, [...head].map((ch, i) => ({ at: i * 150, bytes: ch })), { ms: 8000 });
    expect(statuses(r.text)).toEqual([408]);
    expect(r.text).toContain("request head not received whole within data_timeout 1s");
    expect(r.ms).toBeLessThan(3000);
    const noHost = await talk(port, [{ at: 0, bytes: "GET /v1/ping HTTP/1.1\r\n\r\n" }]);
    expect(statuses(noHost.text)).toEqual([400]);
    expect(noHost.text).toContain('"code":"bad_request"');
  });

  test("req.signal aborts when the client closes the connection before its reply (a queued scan is then dropped), not when it only half-closes", async () => {
    const signals: AbortSignal[] = [];
    const port = await listen({
      config: () => config,
      submit: async (r, signal) => {
        signals.push(signal!);
        await Bun.sleep(400);
        return { ok: true, generation: 1, workerPid: 1, result: { id: r.id, status: "not_detected", score: 0, threshold: 5, policy: "default", hits: [], disposition: "accept", edits: [], timings: { parseMs: 0, checksMs: 0, rulesMs: 0, totalMs: 0 }, notes: [] } };
      },
      status: () => ({}),
      onScanned() {},
      version: "kas test",
    }, direct);
    // A client that gave up: it sends its request, shuts down its side and exits (kas filter at data_timeout).
    const gone = Bun.spawn(["bun", "-e", `const s = await Bun.connect({ hostname: "127.0.0.1", port: ${port}, socket: { data() {} } }); s.write(${JSON.stringify(post("Subject: gone\r\n\r\n"))}); await Bun.sleep(100); s.end(); process.exit(0);`], { stdout: "ignore", stderr: "inherit" });
    await gone.exited;
    while (signals.length < 1) await Bun.sleep(5);
    await Bun.sleep(100);
    expect(signals[0].aborted).toBe(true);
    const half = await talk(port, [{ at: 0, bytes: post("Subject: stays\r\n\r\n") }], { half: true });
    expect(statuses(half.text)).toEqual([100, 200]); // the interim 100 before the reply
    expect(signals[1].aborted).toBe(false);
  });
});

test("the direct path takes POST /v1/scan in origin form only, and answers byte for byte as the Request path does (verdicts, refusals, a body in pieces)", async () => {
  const deps = scanDeps(0);
  const d = makeDirect(deps);
  expect([d.takes("POST", "/v1/scan"), d.takes("POST", "/v1/scan?x=1")]).toEqual([true, true]);
  expect([d.takes("GET", "/v1/scan"), d.takes("POST", "/v1/scans"), d.takes("POST", "http://kas/v1/scan"), d.takes("POST", "/v1/learn"), d.takes("POST", "/v1/../v1/scan")]).toEqual([false, false, false, false, false]);
  let served = 0;
  const counted = { takes: d.takes, serve: (i: Parameters<typeof d.serve>[0], c: string) => (served++, d.serve(i, c)) };
  const viaRequest = await listen(deps, false);
  const l = await openNativeListener({ kind: "tcp", host: "127.0.0.1", port: 0 }, makeHandler(deps), { socketMode: "0600", socketOwner: "", maxRequestSize: 4096, dataTimeoutS: 1 }, undefined, counted);
  open.push(l);
  const viaDirect = Number(l.address.split(":").at(-1));
  const body = "Subject: same\r\n\r\nbody\r\n";
  const conversations: { at: number; bytes: string }[][] = [
    [{ at: 0, bytes: post(body, "X-KAS-Id: m1\r\nX-KAS-Rcpt: a@example.com\r\n") + post(body, "X-KAS-Id: m2\r\nConnection: close\r\n") }],
    // the body after the head, in two pieces: read as a stream
    [{ at: 0, bytes: `POST /v1/scan HTTP/1.1\r\nHost: kas\r\nX-KAS-Id: m3\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\nSubject: ` }, { at: 100, bytes: body.slice(9) }],
    [{ at: 0, bytes: post(body, "X-KAS-Id: bad id!\r\n") }],
    [{ at: 0, bytes: post(body, "X-KAS-IP: 999.1.1.1\r\nX-KAS-Id: m4\r\n") }],
    [{ at: 0, bytes: "POST /v1/scan HTTP/1.1\r\nHost: kas\r\nX-KAS-Id: m5\r\nContent-Length: 5000\r\n\r\n" }],
    [{ at: 0, bytes: "POST /v1/scan HTTP/1.0\r\nContent-Length: 9\r\nX-KAS-Id: m6\r\n\r\nSubject: " }],
  ];
  for (const c of conversations) {
    const [a, b] = await Promise.all([talk(viaRequest, c), talk(viaDirect, c)]);
    expect(b.text).toBe(a.text);
    expect(a.text).toMatch(/^HTTP\/1\.1 \d{3} /);
  }
  expect(served).toBe(conversations.length + 1);
});

test("the direct path: a client outside [server] allow is refused as on the Request path; a handler that throws gets the protocol's internal error", async () => {
  const deny = parseConfig('[server]\nallow = ["192.0.2.0/24"]\n');
  const lines: string[] = [];
  const deps: HandlerDeps = { ...scanDeps(0), config: () => deny, onScanned: (line) => lines.push(line) };
  const [a, b] = await Promise.all([listen(deps, false), listen(deps, true)].map(async (p) => talk(await p, [{ at: 0, bytes: post("Subject: x\r\n\r\n") }])));
  expect(b.text).toBe(a.text);
  expect(statuses(b.text)).toEqual([403]);
  const broken: HandlerDeps = { ...scanDeps(0), onScanned: (line) => lines.push(line), beforeDispatch: () => { throw new Error("hook bug"); } };
  const r = await talk(await listen(broken, true), [{ at: 0, bytes: post("Subject: x\r\n\r\n", "Connection: close\r\n") }]);
  expect(statuses(r.text)).toEqual([500]);
  expect(r.text).toContain('"code":"internal","message":"server error: hook bug"');
  expect(lines).toEqual(["POST /v1/scan failed: hook bug"]);
});

test("Bun hands each socket read over as a buffer of its own that later reads leave alone (http1.ts keeps a body as a view of it)", async () => {
  const kept: Uint8Array[] = [];
  let got = 0;
  const srv = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data(_s, chunk) { kept.push(chunk); got += chunk.length; } } });
  try {
    const c = await Bun.connect({ hostname: "127.0.0.1", port: srv.port, socket: { data() {} } });
    for (let i = 0; i < 40; i++) {
      c.write(new Uint8Array(700).fill(65 + (i % 26)));
      await Bun.sleep(2);
    }
    for (let i = 0; i < 200 && got < 40 * 700; i++) await Bun.sleep(5);
    c.end();
    expect(got).toBe(40 * 700);
    expect(kept.length).toBeGreaterThan(1);
    expect(new Set(kept.map((k) => k.buffer)).size).toBe(kept.length);
    // Each read is one letter's run or a few whole ones, in order: nothing was overwritten.
    const all = kept.map((k) => new TextDecoder().decode(k)).join("");
    expect(all).toBe(Array.from({ length: 40 }, (_, i) => String.fromCharCode(65 + (i % 26)).repeat(700)).join(""));
    for (const k of kept) expect([k.byteOffset, k.buffer.byteLength]).toEqual([0, k.byteLength]);
  } finally {
    srv.stop(true);
  }
});
