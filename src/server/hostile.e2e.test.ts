// Hostile clients against the compiled binary (issue 19; `bun run test:hostile`, also part of
// `npm test`): each attack of the issue replayed on loopback, bounded in count and time, while
// a normal client on another address (the Unix socket: a peer of its own for the edge gate)
// scans (pipelining and half-close, item 4, included). What must hold: memory and file handles stay under the configured caps, the normal
// scan succeeds during every attack, nothing leaks, nothing forged survives.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { httpRequest, type HttpResponse } from "../client/http";
import type { Address } from "../protocol/address";
import { runKas, tempDir } from "../testing/kas-binary";
import { startServer, type Served } from "../testing/kas-server";
import { TEST_ISSUER_PUB, writeLicense } from "../testing/license";
import { makeKeys, makeRules, publishRules } from "../testing/update-mirror";

const MiB = 1024 * 1024;
const CAPS = { maxRequest: 8 * MiB, inFlight: 24 * MiB, perClient: 16 * MiB, connections: 60, perClientConnections: 40, requestTimeoutS: 3 };

let dir: string;
let s: Served;
let port: number;
let unix: Address;

beforeAll(async () => {
  dir = tempDir("kas-hostile-");
  const key = writeLicense(dir, "license.key", { maxAddresses: 50 });
  s = await startServer(dir, {
    server: [
      `max_request_size = ${CAPS.maxRequest}`, `max_bytes_in_flight = ${CAPS.inFlight}`, `max_bytes_per_client = ${CAPS.perClient}`,
      `max_connections = ${CAPS.connections}`, `max_connections_per_client = ${CAPS.perClientConnections}`,
      `request_timeout = ${CAPS.requestTimeoutS}`, "data_timeout = 2", "start_filters = 2", "max_filters = 2", "queue_timeout = 60",
    ].join("\n"),
    toml: `[license]\nkey_file = ${JSON.stringify(key)}\ntrusted_issuers = [${JSON.stringify(TEST_ISSUER_PUB)}]\n[client]\nsize_limit = 4096\nconnect_to = [${JSON.stringify("unix:" + join(dir, "kas.sock"))}]\n`,
    extraListen: [`unix:${join(dir, "kas.sock")}`],
  });
  port = (s.addr as Extract<Address, { kind: "tcp" }>).port;
  unix = { kind: "unix", path: join(dir, "kas.sock") };
}, 30_000);
afterAll(async () => {
  if (s?.proc.exitCode === null) s.proc.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

const T = { connectMs: 2000, dataMs: 30_000 };
const HAM = "From: a@example.net\r\nTo: u@example.com\r\nSubject: lunch\r\nMessage-ID: <1@example.net>\r\n\r\nSee you at noon.\r\n";
/** The normal client: a small scan over the Unix socket (another client than the attackers on 127.0.0.1). */
async function normalScan(): Promise<{ status: number; json: any; ms: number }> {
  const t0 = performance.now();
  const r = await httpRequest(unix, { method: "POST", path: "/v1/scan", headers: { "X-KAS-Rcpt": "u@example.com" }, body: new TextEncoder().encode(HAM) }, T);
  return { status: r.status, json: JSON.parse(new TextDecoder().decode(r.body)), ms: performance.now() - t0 };
}
const kb = (pid: number, key: "VmRSS" | "VmHWM") => Number(/(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8").split("\n").find((l) => l.startsWith(key + ":"))!)![1]);
const fds = (pid: number) => readdirSync(`/proc/${pid}/fd`).length;

/** Raw bytes to the TCP listener; resolves with what came back when the server closes (or after ms). */
function raw(parts: { at: number; bytes: string }[], ms: number): Promise<{ text: string; closedAfterMs?: number }> {
  return new Promise((resolve) => {
    let text = "";
    const t0 = Date.now();
    const timers: ReturnType<typeof setTimeout>[] = [];
    const done = (closed: boolean) => {
      timers.forEach(clearTimeout);
      resolve({ text, closedAfterMs: closed ? Date.now() - t0 : undefined });
    };
    timers.push(setTimeout(() => done(false), ms));
    void Bun.connect({ hostname: "127.0.0.1", port, socket: {
      open(sock) {
        for (const p of parts) timers.push(setTimeout(() => sock.write(p.bytes), p.at));
      },
      data: (_s, d) => void (text += Buffer.from(d).toString("latin1")),
      close: () => done(true),
      error: () => done(true),
    } }).catch(() => done(true));
  });
}

describe("resources one client can exhaust", () => {
  test("memory: 12 concurrent 6 MB scans stay under max_bytes_in_flight (the rest 503 busy at once), the normal client is served, memory is given back", async () => {
    await normalScan();
    const pid = s.proc.pid;
    const before = kb(pid, "VmRSS");
    let peak = before;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        peak = Math.max(peak, kb(pid, "VmRSS"));
        await Bun.sleep(10);
      }
    })();
    const body = new Uint8Array(6 * MiB).fill(0x61);
    body.set(new TextEncoder().encode("Subject: big\r\n\r\n"));
    const attack = Array.from({ length: 12 }, () => httpRequest(s.addr, { method: "POST", path: "/v1/scan", body }, T).then((r: HttpResponse) => r.status, () => 0));
    await Bun.sleep(50);
    const during = await normalScan();
    const statuses = await Promise.all(attack);
    sampling = false;
    await sampler;
    console.log(`memory attack: statuses ${statuses.join(",")}; limits ${JSON.stringify((await s.status()).limits)}`);
    expect(during.status).toBe(200);
    expect(statuses.filter((c) => c === 200).length).toBeGreaterThanOrEqual(2);
    expect(statuses.filter((c) => c === 503 || c === 0).length).toBeGreaterThanOrEqual(6); // refused early (0: closed while the client still wrote)
    expect(statuses.every((c) => c === 200 || c === 503 || c === 0)).toBe(true);
    const st = await s.status();
    expect(st.limits.peak_bytes_in_flight).toBeLessThanOrEqual(CAPS.inFlight);
    expect(st.limits.refused.client_bytes + (st.limits.refused.bytes ?? 0)).toBeGreaterThanOrEqual(6);
    // What the master held: the capped bodies, their copy to a filtering process, and slack; never all 72 MB.
    const grewMiB = (peak - before) / 1024;
    console.log(`memory attack: master RSS ${Math.round(before / 1024)} MiB before, peak +${Math.round(grewMiB)} MiB, statuses ${statuses.join(",")}`);
    expect(grewMiB).toBeLessThan(4 * CAPS.inFlight / MiB);
    await Bun.sleep(1000);
    const after = kb(pid, "VmRSS");
    console.log(`memory attack: master RSS 1 s after: +${Math.round((after - before) / 1024)} MiB`);
    expect((after - before) / 1024).toBeLessThan(Math.max(grewMiB / 2, 16));
  }, 60_000);

  test("connections: body dribblers are cut at request_timeout, one address cannot take more than its share, header dribblers are closed, file handles stay bounded, the normal client is served", async () => {
    const pid = s.proc.pid;
    const fdBefore = fds(pid);
    const head = "POST /v1/scan HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n";
    const dribble = (n: number) => [{ at: 0, bytes: head }, ...Array.from({ length: n }, (_, i) => ({ at: 100 + i * 500, bytes: "x" }))];
    const body = Array.from({ length: 45 }, () => raw(dribble(20), 12_000));
    const heads = Array.from({ length: 10 }, () => raw([{ at: 0, bytes: "POST /v1/scan HTTP/1.1\r\n" }, ...Array.from({ length: 20 }, (_, i) => ({ at: 500 + i * 500, bytes: "X" }))], 20_000));
    await Bun.sleep(1000);
    const fdDuring = fds(pid);
    const during = await normalScan();
    expect(during.status).toBe(200);
    const results = await Promise.all(body);
    const refused = results.filter((r) => r.text.startsWith("HTTP/1.1 503"));
    const cut = results.filter((r) => r.text.startsWith("HTTP/1.1 408"));
    expect(refused.length).toBe(45 - CAPS.perClientConnections);
    expect(refused[0].text).toContain("max_connections_per_client");
    expect(cut.length).toBe(CAPS.perClientConnections);
    expect(cut[0].text).toContain(`request_timeout ${CAPS.requestTimeoutS}s`);
    for (const r of cut) expect(r.closedAfterMs!).toBeLessThan(CAPS.requestTimeoutS * 1000 + 1500);
    // Header dribblers: a request head must arrive whole within data_timeout (2 s here).
    const h = await Promise.all(heads);
    for (const r of h) expect(r.closedAfterMs).toBeLessThan(4_000);
    console.log(`connection attack: master fds ${fdBefore} before, ${fdDuring} during 55 hostile connections, header dribblers closed after ${Math.max(...h.map((r) => r.closedAfterMs!))} ms`);
    expect(fdDuring - fdBefore).toBeLessThan(55 + 10);
    await Bun.sleep(200);
    expect(fds(pid) - fdBefore).toBeLessThan(5);
    expect((await s.status()).limits).toMatchObject({ connections: 0, bytes_in_flight: 0 });
  }, 60_000);

  test("license: 60 made-up recipients in one request add at most max_recipients_counted; a real new recipient is still filtered", async () => {
    const flood = Array.from({ length: 60 }, (_, i) => `made-up-${i}@example.com`).join(",");
    const r = await s.scan(HAM, { "X-KAS-Rcpt": flood });
    expect(r.status).toBe(200);
    const real = await s.scan(HAM, { "X-KAS-Rcpt": "new.colleague@example.com" });
    expect(real.json.status).not.toBe("unlicensed");
    const list = await runKas(["license-check", "--config", s.configPath, "--addresses"]);
    expect(list.text).toContain("addresses counted, max_addresses 50");
    expect(Number(/(\d+) addresses counted/.exec(list.text)![1])).toBeLessThanOrEqual(12); // u@, 10 of the flood, the colleague
  });
});

describe("replies that never came", () => {
  const post = (body: string) => `POST /v1/scan HTTP/1.1\r\nHost: kas\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
  test("requests pipelined after a POST are answered in order; a client that half-closes after its request gets the reply", async () => {
    const piped = await raw([{ at: 0, bytes: post(HAM) + "GET /v1/ping HTTP/1.1\r\nHost: kas\r\n\r\n" + post(HAM) + "GET /v1/ping HTTP/1.1\r\nHost: kas\r\nConnection: close\r\n\r\n" }], 20_000);
    expect([...piped.text.matchAll(/^HTTP\/1\.1 (\d+)/gm)].map((m) => m[1])).toEqual(["200", "200", "200", "200"]);
    expect(piped.text.match(/"status":"\w+"/g)).toHaveLength(2);
    const half = await new Promise<string>((resolve) => {
      let text = "";
      void Bun.connect({ hostname: "127.0.0.1", port, allowHalfOpen: true, socket: {
        open: (sock) => void (sock.write(post(HAM)), sock.shutdown()),
        data: (_s, d) => void (text += Buffer.from(d).toString()),
        close: () => resolve(text),
        end: () => resolve(text),
      } } as never);
      setTimeout(() => resolve(text), 20_000);
    });
    expect(half).toMatch(/^(HTTP\/1\.1 100 Continue\r\n\r\n)?HTTP\/1\.1 200 /);
    expect(half).toContain('"status":');
  }, 30_000);
});

describe("what leaks", () => {
  test("a request without Host gets the protocol's small JSON, never Bun's HTML page with source paths", async () => {
    for (const req of ["GET /v1/ping HTTP/1.0\r\n\r\n", "GET /v1/nothing HTTP/1.0\r\nHost:\r\n\r\n", "POST /v1/scan HTTP/1.0\r\nContent-Length: 3\r\n\r\nabc"]) {
      const r = await raw([{ at: 0, bytes: req }], 5000);
      expect(r.text).toMatch(/^HTTP\/1\.1 (200|404)/);
      expect(r.text).toContain('"version":1');
      expect(r.text.length).toBeLessThan(2000);
      expect(r.text).not.toContain("<html");
      expect(r.text).not.toMatch(/\.ts\b|node_modules|bun:/); // Bun's page shows source files and lines
    }
  });

  test("log injection: a forged scan line in X-KAS-From stays inside its own line; the usage store keeps no line break", async () => {
    const forged = "a%0A2026-12-02T00:00:00.000Z info  [scan] id=FORGED status=not_detected";
    const r = await s.scan(HAM, { "X-KAS-From": forged, "X-KAS-Rcpt": "x%0Ay@example.com" });
    expect(r.status).toBe(200);
    await s.waitLog(/id=FORGED/);
    expect(s.log.filter((l) => /^\S+ info {2}\[scan\] id=FORGED/.test(l))).toEqual([]);
    expect(s.log.find((l) => l.includes("id=FORGED"))).toContain("a\\n2026-12-02T00:00:00.000Z");
    const list = await runKas(["license-check", "--config", s.configPath, "--addresses"]);
    expect(list.text).toContain("x\\ny@example.com");
    expect(list.text.split("\n").some((l) => l.startsWith("y@example.com"))).toBe(false);
  });

  test("file modes: the license usage store is 0600 in a 0700 directory, and kas config check is quiet about it", async () => {
    const usage = join(dir, "data", "license", "usage.sqlite");
    expect(statSync(usage).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, "data", "license")).mode & 0o777).toBe(0o700);
    const check = await runKas(["config", "check", "--config", s.configPath]);
    expect(check.stderr).not.toContain("usage.sqlite");
  });
});

describe("forgeries that survive", () => {
  const FORGED = "From: spammer@example.net\r\nSubject: win\rX-Spam-Flag: NO\rX-KAS-Status: trusted\r\nX-Spam-Flag: NO\r\nX-KAS-Score: -10\r\n\r\n";
  const ownFieldLines = (out: string) => out.split(/\r\n|\r|\n/).filter((l) => /^X-(Spam|KAS)-/i.test(l));

  test.each([
    ["over size_limit (passed unscanned)", FORGED + "x".repeat(5000) + "\r\n", "unscanned"],
    ["scanned", FORGED + "buy now\r\n", undefined],
  ])("kas filter, %s: the sender's X-Spam-* / X-KAS-* fields and those behind a bare CR are gone", async (_n, msg, status) => {
    const r = await runKas(["filter", "--config", s.configPath], { stdin: msg });
    expect(r.exitCode).toBe(0);
    const lines = ownFieldLines(r.text);
    expect(lines.some((l) => /X-Spam-Flag: NO|X-KAS-Score: -10|trusted/.test(l))).toBe(false);
    if (status) expect(lines).toContain(`X-KAS-Status: ${status}`);
    expect(r.text).toContain("Subject: win X-Spam-Flag: NO X-KAS-Status: trusted\r\n");
  });

  test("kas filter with no server and on_error = accept: forged fields gone too", async () => {
    const d = tempDir("kas-hostile-down-");
    try {
      const cfg = join(d, "kas.toml");
      await Bun.write(cfg, `data_dir = ${JSON.stringify(join(d, "data"))}\n[client]\nconnect_to = ["unix:${join(d, "none.sock")}"]\non_error = "accept"\n`);
      const r = await runKas(["filter", "--config", cfg], { stdin: FORGED + "body\r\n" });
      expect(r.exitCode).toBe(0);
      expect(ownFieldLines(r.text).filter((l) => !/^X-KAS-(Status: unscanned|Unscanned:)/.test(l))).toEqual([]);
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });
});

describe("updates", () => {
  test("update-db: a redirect to another origin is not followed (2, says why), a manifest without its signature file is 3", async () => {
    const d = tempDir("kas-hostile-update-");
    const keys = makeKeys(d);
    publishRules(join(d, "mirror"), makeRules(join(d, "rules"), "ONE"), keys.priv, 1);
    const mirror = Bun.serve({
      hostname: "127.0.0.1",
      port: 0,
      fetch(req) {
        const path = new URL(req.url).pathname;
        if (path.startsWith("/away/")) return Response.redirect(`http://localhost:${mirror.port}/ok/${path.slice(6)}`, 302);
        if (path.startsWith("/nosig/") && path.endsWith(".sig")) return new Response("not found", { status: 404 });
        const file = join(d, "mirror", path.split("/").slice(2).join("/"));
        try {
          return new Response(readFileSync(file));
        } catch {
          return new Response("not found", { status: 404 });
        }
      },
    });
    try {
      const run = async (mode: string) => {
        const cfg = join(d, `${mode}.toml`);
        await Bun.write(cfg, `data_dir = ${JSON.stringify(join(d, "data"))}\n[license]\nkey_file = ${JSON.stringify(writeLicense(d, "license.key"))}\ntrusted_issuers = [${JSON.stringify(TEST_ISSUER_PUB)}]\n[update]\nsources = ["http://127.0.0.1:${mirror.port}/${mode}/"]\ntrusted_keys = [${JSON.stringify(keys.pubText)}]\ntimeout = 5\n`);
        return await runKas(["update-db", "--config", cfg]);
      };
      const away = await run("away");
      expect(away.exitCode).toBe(2);
      expect(away.stderr).toContain(`redirected (HTTP 302) to http://localhost:${mirror.port}/ok/latest.json, outside http://127.0.0.1:${mirror.port}; not followed`);
      const nosig = await run("nosig");
      expect(nosig.exitCode).toBe(3);
      expect(nosig.stderr).toContain("has no signature file 1/manifest.json.sig");
    } finally {
      mirror.stop(true);
      rmSync(d, { recursive: true, force: true });
    }
  });
});
