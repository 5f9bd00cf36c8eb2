// The edge gate: caps on connections and bytes in flight, per client and in total, and the
// native HTTP door using it over a real socket (refusals are protocol errors, slots come back).
import { afterEach, expect, test } from "bun:test";
import { httpRequest } from "../client/http";
import { parseConfig } from "../config/load";
import type { ScanRequest } from "../model";
import { parseAddress, type Address } from "../protocol/address";
import { makeHandler } from "./handler";
import { COLLECT_EVERY, EdgeGate, edgeLimits, isRefusal, type EdgeLimits, type Slot } from "./limits";
import { openListener, openSocketListener, type Listener } from "./listeners";
import { milterSocketHandler } from "./milter";
import type { Dispatched } from "./pool";

const L: EdgeLimits = { maxConnections: 4, maxConnectionsPerClient: 2, maxBytesInFlight: 1000, maxBytesPerClient: 600, maxRequestSize: 500 };
const slot = (g: EdgeGate, client: string): Slot => {
  const s = g.enter(client);
  if (isRefusal(s)) throw new Error(s.message);
  return s;
};

test("connections: per client and in total; a client's refusal leaves room for the others", () => {
  const g = new EdgeGate(() => L, () => {});
  const a1 = slot(g, "a");
  slot(g, "a");
  const a3 = g.enter("a");
  expect(isRefusal(a3) && a3).toMatchObject({ code: "busy", message: expect.stringContaining("max_connections_per_client 2") });
  slot(g, "b");
  slot(g, "c");
  const d = g.enter("d");
  expect(isRefusal(d) && d.message).toContain("max_connections 4");
  a1.leave();
  a1.leave(); // twice is once
  expect(isRefusal(g.enter("d"))).toBe(false);
  expect(g.status()).toMatchObject({ connections: 4, refused: { client_connections: 1, connections: 1 } });
});

test("bytes: max_request_size is 413, the totals are 503; nothing is reserved by a refusal; leave gives them back", () => {
  const g = new EdgeGate(() => L, () => {});
  const a = slot(g, "a");
  expect(a.reserve(501)).toMatchObject({ code: "too_large" });
  expect(a.reserve(400)).toBeUndefined();
  const a2 = slot(g, "a");
  expect(a2.reserve(300)).toMatchObject({ code: "busy", message: expect.stringContaining("max_bytes_per_client 600") });
  expect(a2.reserve(200)).toBeUndefined();
  const b = slot(g, "b");
  expect(b.reserve(450)).toMatchObject({ code: "busy", message: expect.stringContaining("max_bytes_in_flight 1000") });
  expect(b.reserve(400)).toBeUndefined();
  expect(g.status().bytes_in_flight).toBe(1000);
  a.leave();
  a2.releaseBytes();
  b.leave();
  expect(g.status()).toMatchObject({ bytes_in_flight: 0, peak_bytes_in_flight: 1000, connections: 1 });
});

test("a full GC runs once the bytes in flight are back to zero after a large peak", async () => {
  let gcs = 0;
  const big = { ...L, maxBytesInFlight: 1 << 30, maxBytesPerClient: 1 << 30, maxRequestSize: 1 << 30 };
  const g = new EdgeGate(() => big, () => gcs++);
  const a = slot(g, "a");
  a.reserve(64 << 20);
  const b = slot(g, "b");
  b.reserve(10);
  a.leave();
  await Bun.sleep(80);
  expect(gcs).toBe(0); // b still holds bytes
  b.leave();
  await Bun.sleep(80);
  expect(gcs).toBe(1);
  slot(g, "c").reserve(10);
  expect(gcs).toBe(1); // small traffic does not collect
});

test("under continuous load (bytes never back to zero) the heap is collected every COLLECT_EVERY replies, after the reply", async () => {
  let collections = 0;
  const g = new EdgeGate(() => L, () => {}, () => collections++);
  const hold = slot(g, "a");
  hold.reserve(10); // in flight throughout: the after-peak GC never fires
  const reply = () => {
    const s = slot(g, "b");
    s.reserve(10);
    s.leave();
  };
  for (let i = 0; i < COLLECT_EVERY - 1; i++) reply();
  slot(g, "c").leave(); // a request that held no bytes (refused from its head) is not a reply
  await Bun.sleep(5);
  expect(collections).toBe(0);
  reply();
  expect(collections).toBe(0); // not inside the reply path
  await Bun.sleep(5);
  expect(collections).toBe(1);
  for (let i = 0; i < COLLECT_EVERY; i++) reply();
  await Bun.sleep(5);
  expect(collections).toBe(2);
});

test("edgeLimits: a per-client cap above the total is the total", () => {
  const c = parseConfig("[server]\nmax_connections = 10\nmax_connections_per_client = 50\nmax_bytes_in_flight = 2097152\nmax_bytes_per_client = 4194304\n");
  expect(edgeLimits(c.server)).toMatchObject({ maxConnections: 10, maxConnectionsPerClient: 10, maxBytesInFlight: 2097152, maxBytesPerClient: 2097152 });
});

// The native door with the gate, over a socket.
const open: Listener[] = [];
afterEach(async () => {
  for (const l of open.splice(0)) await l.stop(true);
});
const T = { connectMs: 1000, dataMs: 5000 };

async function door(server: string, submit: (r: ScanRequest) => Promise<Dispatched>) {
  const config = parseConfig(`[server]\n${server}\n`);
  const gate = new EdgeGate(() => edgeLimits(config.server), () => {});
  const handler = makeHandler({ config: () => config, submit, status: () => ({ limits: gate.status() }), onScanned() {}, version: "t", gate });
  const l = await openListener({ kind: "tcp", host: "127.0.0.1", port: 0 }, handler, { socketMode: "0600", socketOwner: "", maxRequestSize: config.server.max_request_size, dataTimeoutS: config.server.data_timeout });
  open.push(l);
  return { addr: parseAddress(l.address) as Address, gate };
}
const ok = (r: ScanRequest): Dispatched => ({ ok: true, generation: 1, workerPid: 1, result: { id: r.id, status: "not_detected", score: 0, threshold: 5, policy: "default", hits: [], disposition: "accept", edits: [], timings: { parseMs: 0, checksMs: 0, rulesMs: 0, totalMs: 0 }, notes: [] } });

test("over max_bytes_per_client a scan is refused with 503 busy before its body is read; once the first is answered it passes", async () => {
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  const { addr, gate } = await door("max_bytes_in_flight = 1048576\nmax_bytes_per_client = 3000", async (r) => (r.raw.byteLength === 2000 ? await held : undefined, ok(r)));
  const first = httpRequest(addr, { method: "POST", path: "/v1/scan", body: new Uint8Array(2000) }, T);
  while (gate.status().bytes_in_flight < 2000) await Bun.sleep(5);
  const second = await httpRequest(addr, { method: "POST", path: "/v1/scan", body: new Uint8Array(1500) }, T);
  expect(second.status).toBe(503);
  expect(JSON.parse(new TextDecoder().decode(second.body)).error).toMatchObject({ code: "busy", temporary: true, message: expect.stringContaining("max_bytes_per_client 3000") });
  release();
  expect((await first).status).toBe(200);
  expect(gate.status()).toMatchObject({ bytes_in_flight: 0, connections: 0 });
  expect((await httpRequest(addr, { method: "POST", path: "/v1/scan", body: new Uint8Array(1500) }, T)).status).toBe(200);
});

test("a body dribbled inside every data_timeout is cut at request_timeout (408) and its slot comes back", async () => {
  const { addr, gate } = await door("data_timeout = 1\nrequest_timeout = 1", async (r) => ok(r));
  const a = addr as Extract<Address, { kind: "tcp" }>;
  const t0 = Date.now();
  const out = await new Promise<string>((resolve) => {
    let got = "";
    let timer: ReturnType<typeof setInterval> | undefined;
    const stop = () => (clearInterval(timer), resolve(got));
    setTimeout(stop, 6000);
    Bun.connect({ hostname: a.host, port: a.port, socket: {
      open(s) {
        s.write("POST /v1/scan HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n");
        timer = setInterval(() => s.write("x"), 200);
      },
      data: (_s, d) => void (got += Buffer.from(d).toString()),
      close: stop,
      error: stop,
    } } as never);
  });
  expect(out).toContain("HTTP/1.1 408");
  expect(out).toContain("request_timeout 1s");
  expect(Date.now() - t0).toBeLessThan(3000);
  expect(gate.status().connections).toBe(0);
});

test("milter door: a connection over max_connections_per_client is closed at once (the MTA applies its milter_default_action); a closed one gives its slot back", async () => {
  const config = parseConfig("[server]\nmax_connections_per_client = 1\n");
  const gate = new EdgeGate(() => edgeLimits(config.server), () => {});
  const warned: string[] = [];
  const handler = milterSocketHandler({
    config: () => config,
    submit: async (r) => ok(r),
    onScanned() {},
    log: { info() {}, warn: (m, ...a) => warned.push(a.reduce<string>((s, x) => s.replace(/%[sd]/, String(x)), m)) },
    track: (w) => w(),
    gate,
  });
  const l = await openSocketListener({ kind: "tcp", host: "127.0.0.1", port: 0 }, handler, { socketMode: "0660", socketOwner: "" }, "milter");
  open.push(l);
  const port = Number(l.address.split(":").at(-1));
  const connect = () => {
    let closed!: () => void;
    const gone = new Promise<void>((r) => (closed = r));
    const sock = Bun.connect({ hostname: "127.0.0.1", port, socket: { data() {}, close: () => closed(), error: () => closed() } });
    return { sock, gone };
  };
  const first = connect();
  await first.sock;
  while (gate.status().connections < 1) await Bun.sleep(5);
  const second = connect();
  await second.gone; // closed by the server without a word
  expect(warned.join("\n")).toContain("max_connections_per_client 1");
  expect(gate.status()).toMatchObject({ connections: 1, refused: { client_connections: 1 } });
  (await first.sock).end();
  await first.gone;
  while (gate.status().connections > 0) await Bun.sleep(5);
  const third = connect();
  await third.sock;
  while (gate.status().connections < 1) await Bun.sleep(5);
  (await third.sock).end();
});
