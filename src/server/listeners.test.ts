// The native protocol over real sockets, in process: listener + handler with a fake pool.
import { afterEach, expect, test } from "bun:test";
import { existsSync, mkdtempSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { httpRequest } from "../client/http";
import { parseConfig } from "../config/load";
import type { ScanRequest } from "../model";
import { parseAddress, type Address } from "../protocol/address";
import { makeHandler, type HandlerDeps } from "./handler";
import { StateError } from "../errors";
import { openListener, resolveOwner, type Listener } from "./listeners";
import type { Dispatched } from "./pool";

const config = parseConfig(`[server]\ndata_timeout = 0.3\nmax_request_size = 2048\n`);
const opts = { socketMode: "0600", socketOwner: "", maxRequestSize: 2048, dataTimeoutS: 0.3 };
const open: Listener[] = [];
afterEach(async () => {
  for (const l of open.splice(0)) await l.stop(true);
});

function deps(over: Partial<HandlerDeps> = {}): HandlerDeps {
  return {
    config: () => config,
    submit: async (r: ScanRequest): Promise<Dispatched> => ({
      ok: true, generation: 7, workerPid: 1,
      result: { id: r.id, status: "not_detected", score: 0.5, threshold: 5, policy: "default", hits: [], disposition: "accept", edits: [{ op: "add", name: "X-Echo", value: `${r.envelope.from}|${r.envelope.rcpt.join(";")}|${r.raw.byteLength}` }], timings: { parseMs: 0, checksMs: 0, rulesMs: 0, totalMs: 0 }, notes: [] },
    }),
    status: () => ({ version: 1, generation: 7 }),
    onScanned() {},
    version: "kas test",
    ...over,
  };
}

async function serve(d = deps(), addr: Address = { kind: "tcp", host: "127.0.0.1", port: 0 }) {
  const l = await openListener(addr, makeHandler(d), opts);
  open.push(l);
  return parseAddress(l.address) as Address;
}
const T = { connectMs: 1000, dataMs: 2000 };

/** Sends raw bytes, returns whatever comes back until the server closes (or 3 s). */
async function raw(addr: Address, chunks: string[], gapMs = 0): Promise<string> {
  return await new Promise<string>((resolve) => {
    let out = "";
    const t = setTimeout(() => resolve(`(no close) ${out}`), 3000);
    const target = addr.kind === "tcp" ? { hostname: addr.host, port: addr.port } : { unix: addr.path };
    Bun.connect({ ...target, socket: {
      async open(s) { for (const c of chunks) { s.write(c); if (gapMs) await Bun.sleep(gapMs); } },
      data(_s, d) { out += Buffer.from(d).toString(); },
      close() { clearTimeout(t); resolve(out); },
      error() { clearTimeout(t); resolve(out); },
    } } as never);
  });
}

test("scan: envelope and body reach the pool; the reply carries the edits plus X-KAS-Status", async () => {
  const a = await serve();
  const r = await httpRequest(a, { method: "POST", path: "/v1/scan", headers: { "X-KAS-From": "s@x", "X-KAS-Rcpt": "a@y,b@y" }, body: new TextEncoder().encode("Subject: t\r\n\r\nbody\r\n") }, T);
  expect(r.status).toBe(200);
  const j = JSON.parse(new TextDecoder().decode(r.body));
  expect(j).toMatchObject({ version: 1, status: "not_detected", score: 0.5, generation: 7, action: "accept" });
  expect(j.edits).toEqual([{ op: "add", name: "X-Echo", value: "s@x|a@y;b@y|20" }, { op: "set", name: "X-KAS-Status", value: "not_detected" }]);
});

test("ping and status are answered by the master even while every scan hangs", async () => {
  const a = await serve(deps({ submit: () => new Promise(() => {}) }));
  void httpRequest(a, { method: "POST", path: "/v1/scan", body: new Uint8Array(10) }, T).catch(() => {});
  const ping = await httpRequest(a, { method: "GET", path: "/v1/ping" }, T);
  expect(JSON.parse(new TextDecoder().decode(ping.body))).toMatchObject({ version: 1, pong: true });
  const st = await httpRequest(a, { method: "GET", path: "/v1/status" }, T);
  expect(JSON.parse(new TextDecoder().decode(st.body)).generation).toBe(7);
});

test.each([
  ["binary garbage", ["\x00\x01\x02\xff garbage\r\n\r\n"], "HTTP/1.1 400"],
  ["a non-HTTP command line", ["PROCESS SPAMC/1.5\r\n\r\n"], "HTTP/1.1 400"],
  ["an unknown endpoint", ["GET /v2/scan HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"], '"code":"not_found"'],
  ["the wrong method", ["GET /v1/scan HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"], '"code":"method_not_allowed"'],
  ["a bad envelope", ["POST /v1/scan HTTP/1.1\r\nHost: x\r\nX-KAS-IP: nope\r\nContent-Length: 1\r\n\r\nx"], '"code":"bad_request"'],
  ["a declared size over max_request_size", ["POST /v1/scan HTTP/1.1\r\nHost: x\r\nContent-Length: 99999\r\n\r\n"], "413"],
  ["a chunked body over max_request_size", ["POST /v1/scan HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n", "800\r\n" + "a".repeat(2048) + "\r\n", "800\r\n" + "a".repeat(2048) + "\r\n0\r\n\r\n"], "413"],
])("%s gets a protocol error, not a hang", async (_n, chunks, want) => {
  const a = await serve();
  const out = await raw(a, chunks, 20);
  expect(out).toContain(want);
  if (want.startsWith('"code"')) expect(out).toContain('"version":1');
});

test("a client that stalls mid-body is dropped with 408 after data_timeout", async () => {
  const a = await serve();
  const out = await raw(a, ["POST /v1/scan HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nhalf a mess"]);
  expect(out).toContain("HTTP/1.1 408");
  expect(out).toContain('"code":"timeout"');
});

test("beforeDispatch can pass a message unfiltered with extra headers", async () => {
  const a = await serve(deps({ beforeDispatch: () => ({ action: "pass", status: "unlicensed", headers: [{ name: "X-KAS-License", value: "recipient not licensed" }], reason: "license" }), submit: () => { throw new Error("must not scan"); } }));
  const r = await httpRequest(a, { method: "POST", path: "/v1/scan", body: new Uint8Array(5) }, T);
  const j = JSON.parse(new TextDecoder().decode(r.body));
  expect(j.status).toBe("unlicensed");
  expect(j.edits).toEqual([{ op: "set", name: "X-KAS-License", value: "recipient not licensed" }, { op: "set", name: "X-KAS-Status", value: "unlicensed" }]);
});

test("beforeDispatch can add header fields to a scanned message", async () => {
  const a = await serve(deps({ beforeDispatch: () => ({ action: "scan", headers: [{ name: "X-KAS-License", value: "1 of 2 recipients unlicensed" }], reason: "license: partial" }) }));
  const r = await httpRequest(a, { method: "POST", path: "/v1/scan", body: new Uint8Array(5) }, T);
  const j = JSON.parse(new TextDecoder().decode(r.body));
  expect(j.status).toBe("not_detected");
  expect(j.edits.map((e: any) => e.name)).toEqual(["X-Echo", "X-KAS-License", "X-KAS-Status"]);
  expect(j.notes).toEqual(["license: partial"]);
});

test("pool failures become temporary error replies", async () => {
  const a = await serve(deps({ submit: async () => ({ ok: false, code: "busy", message: "queue is full" }) }));
  const r = await httpRequest(a, { method: "POST", path: "/v1/scan", body: new Uint8Array(5) }, T);
  expect(r.status).toBe(503);
  expect(JSON.parse(new TextDecoder().decode(r.body)).error).toEqual({ code: "busy", message: "queue is full", temporary: true });
});

test("unix socket: mode applied, stale socket replaced, live one refused, file removed at stop", async () => {
  const dir = mkdtempSync(join(tmpdir(), "kas-l-"));
  const path = join(dir, "kas.sock");
  // A stale socket: left by a listener that is gone.
  const stale = Bun.listen({ unix: path, socket: { data() {} } });
  stale.stop(true);
  const fresh = await openListener({ kind: "unix", path }, makeHandler(deps()), opts);
  expect(statSync(path).mode & 0o777).toBe(0o600);
  const r = await httpRequest({ kind: "unix", path }, { method: "GET", path: "/v1/ping" }, T);
  expect(r.status).toBe(200);
  await expect(openListener({ kind: "unix", path }, makeHandler(deps()), opts)).rejects.toThrow("another server is listening");
  await fresh.stop(true);
  expect(existsSync(path)).toBe(false);
  writeFileSync(path, "not a socket");
  await expect(openListener({ kind: "unix", path }, makeHandler(deps()), opts)).rejects.toThrow("is not a socket");
  expect(existsSync(path)).toBe(true);
});

test("socket_owner names resolve through passwd and group tables", () => {
  const passwd = "root:x:0:0::/root:/bin/sh\nkas:x:998:997::/var/lib/kas:/usr/sbin/nologin\n";
  const group = "root:x:0:\nmail:x:8:\n";
  expect(resolveOwner("kas", passwd, group)).toEqual({ uid: 998, gid: 997 });
  expect(resolveOwner("kas:mail", passwd, group)).toEqual({ uid: 998, gid: 8 });
  expect(resolveOwner("1000:8", passwd, group)).toEqual({ uid: 1000, gid: 8 });
  expect(() => resolveOwner("nobody-here", passwd, group)).toThrow("no such user");
});

test("a hook that throws still gets a protocol error reply (internal, temporary), not an HTML page", async () => {
  const a = await serve(deps({ beforeDispatch: () => { throw new Error("license store gone"); } }));
  const r = await httpRequest(a, { method: "POST", path: "/v1/scan", body: new Uint8Array(5) }, T);
  expect(r.status).toBe(500);
  expect(JSON.parse(new TextDecoder().decode(r.body)).error).toEqual({ code: "internal", message: "server error: license store gone", temporary: true });
});

test("socket_owner is applied (as root) or refused with a hint (as anyone else)", async () => {
  const path = join(mkdtempSync(join(tmpdir(), "kas-o-")), "kas.sock");
  const open1 = openListener({ kind: "unix", path }, makeHandler(deps()), { ...opts, socketOwner: "65534:65534" });
  if (process.getuid!() === 0) {
    const l = await open1;
    open.push(l);
    expect([statSync(path).uid, statSync(path).gid]).toEqual([65534, 65534]);
  } else {
    await expect(open1).rejects.toThrow("cannot set mode/owner");
    expect(existsSync(path)).toBe(false);
  }
});

test("a request whose reply takes longer than the idle timeout (waiting for a filtering process) still gets it", async () => {
  // Bun's idleTimeout (1 s here: data_timeout 0.3 rounded up) counts a request whose handler
  // is still running as idle: a request without a body was cut after ~4 s (Bun's timer
  // granularity) while it waited queue_timeout + scan time for its verdict.
  const slow = deps();
  const a = await serve(deps({ submit: async (r) => (await Bun.sleep(5500), slow.submit(r)) }));
  const r = await httpRequest(a, { method: "POST", path: "/v1/scan", body: new Uint8Array(0) }, { connectMs: 1000, dataMs: 10_000 });
  expect(r.status).toBe(200);
  expect(JSON.parse(new TextDecoder().decode(r.body)).status).toBe("not_detected");
}, 15_000);

test("after a slow reply, an idle keep-alive connection is still closed by the idle timeout", async () => {
  const slow = deps();
  const a = (await serve(deps({ submit: async (r) => (await Bun.sleep(1500), slow.submit(r)) }))) as Extract<Address, { kind: "tcp" }>;
  const got = await new Promise<{ reply: string; closedAfterReplyMs?: number }>((resolve) => {
    let reply = "";
    let at = 0;
    const t = setTimeout(() => resolve({ reply }), 12_000);
    Bun.connect({ hostname: a.host, port: a.port, socket: {
      open: (s) => void s.write("POST /v1/scan HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"),
      data: (_s, d) => ((reply += Buffer.from(d).toString()), (at ||= Date.now())),
      close: () => (clearTimeout(t), resolve({ reply, closedAfterReplyMs: at ? Date.now() - at : undefined })),
    } } as never);
  });
  expect(got.reply).toContain("HTTP/1.1 200");
  expect(got.closedAfterReplyMs).toBeDefined(); // not kept open forever by the request's own timeout
}, 15_000);

test("a Unix socket directory that cannot be created is a StateError (73) naming the path", async () => {
  const dir = mkdtempSync(join(tmpdir(), "kas-l-"));
  writeFileSync(join(dir, "file"), "a regular file, not a directory");
  const path = join(dir, "file", "sub", "kas.sock");
  const err = await openListener({ kind: "unix", path }, makeHandler(deps()), opts).then(() => undefined, (e) => e);
  expect(err).toBeInstanceOf(StateError);
  expect(err.exitCode).toBe(73);
  expect(err.message).toContain(join(dir, "file", "sub"));
});

test.each([
  ["HTTP/1.0 without Host", "GET /v1/ping HTTP/1.0\r\n\r\n", '"pong":true'],
  ["an empty Host", "GET /v1/ping HTTP/1.1\r\nHost:\r\nConnection: close\r\n\r\n", '"pong":true'],
  ["a scan without Host", "POST /v1/scan HTTP/1.0\r\nContent-Length: 5\r\n\r\nhello", '"status":"not_detected"'],
  ["an absolute-form target", "GET http://kas.example/v1/ping?x=1 HTTP/1.1\r\nHost: kas.example\r\nConnection: close\r\n\r\n", '"pong":true'],
])("%s is answered by the protocol, never with Bun's HTML error page", async (_n, request, want) => {
  const a = await serve();
  const out = await raw(a, [request]);
  expect(out).toContain(want);
  expect(out).not.toContain("<html");
  expect(out.length).toBeLessThan(2000);
});

test("whatever escapes a listener's handler becomes the protocol's JSON error (production mode: no source, no paths)", async () => {
  const l = await openListener({ kind: "tcp", host: "127.0.0.1", port: 0 }, () => { throw new Error("boom at /secret/path"); }, opts);
  open.push(l);
  const out = await raw(parseAddress(l.address) as Address, ["GET /v1/ping HTTP/1.1\r\nHost: x\r\n\r\n"]);
  expect(out).toContain("HTTP/1.1 500");
  expect(out).toContain('"code":"internal"');
  expect(out).not.toContain("<html");
  expect(out).not.toContain(process.cwd());
});
