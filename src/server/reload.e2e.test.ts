// SIGHUP and SIGTERM against the compiled `kas serve`: a changed rule set is picked up
// under load without a failed request, a broken one is refused while the old generation
// keeps serving; SIGTERM drains and removes the socket and the pid file; kas status; bytes
// that are not the protocol get protocol errors.
import { afterAll, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { kasBinary, runKas, tempDir } from "../testing/kas-binary";
import { freePort, startServer, untilStatus, type Served } from "../testing/kas-server";

const servers: Served[] = [];
afterAll(async () => {
  for (const s of servers) if (s.proc.exitCode === null) s.proc.kill("SIGKILL");
});

const MARKER = "kas-e2e-marker-4471";
const BASE_RULES = `body KAS_E2E_BASE /unsubscribe/i\nscore KAS_E2E_BASE 1.5\n`;
const MARKER_RULES = `body KAS_E2E_MARKER /${MARKER}/\nscore KAS_E2E_MARKER 4.2\n`;
const message = (i: number) => `From: a@example.org\r\nTo: b@example.com\r\nSubject: note ${i}\r\nDate: Sun, 22 Nov 2026 08:00:00 +0000\r\nMessage-ID: <${i}@example.org>\r\n\r\nHello ${MARKER} unsubscribe ${i}\r\n`;

test("SIGHUP under load: new rule applies after the reload, nothing fails; a broken rules dir is refused", async () => {
  const dir = tempDir("kas-reload-");
  const rules = join(dir, "rules");
  mkdirSync(rules);
  writeFileSync(join(rules, "base.cf"), BASE_RULES);
  const s = await startServer(dir, { toml: `[scan]\nrules_dir = ${JSON.stringify(rules)}\n`, server: "start_filters = 2\nmin_spare_filters = 1\nmax_filters = 3" });
  servers.push(s);
  const before = await s.status();
  expect(before.generation).toBe(1);
  expect(before.rules).toMatchObject({ source: expect.stringContaining(rules) });

  const results: { status: number; json: any }[] = [];
  let sent = 0;
  let hupped = false;
  const client = async () => {
    while (sent < 240) {
      const i = sent++;
      if (i === 80 && !hupped) {
        hupped = true;
        writeFileSync(join(rules, "marker.cf"), MARKER_RULES);
        s.proc.kill("SIGHUP");
      }
      results.push(await s.scan(message(i)));
    }
  };
  await Promise.all(Array.from({ length: 8 }, client));
  await s.waitLog(/reloaded: generation 2/);
  expect(results.filter((r) => r.status !== 200)).toEqual([]);
  const hits = (r: { json: any }) => r.json.hits.some((h: any) => h.name === "KAS_E2E_MARKER");
  const gen1 = results.filter((r) => r.json.generation === 1);
  const gen2 = results.filter((r) => r.json.generation === 2);
  expect(gen1.length).toBeGreaterThan(0);
  expect(gen2.length).toBeGreaterThan(0);
  expect(gen1.some(hits)).toBe(false);
  expect(gen2.every(hits)).toBe(true);
  const after = await s.status();
  expect(after.generation).toBe(2);
  expect(after.rules.digest).not.toBe(before.rules.digest);
  expect(after.reloads).toMatchObject({ ok: 1, refused: 0 });

  // A rules dir that does not compile: refused, logged; generation 2 keeps serving with the marker rule.
  writeFileSync(join(rules, "broken.cf"), "bodyy BROKEN_RULE /(/\nscore BROKEN_RULE\n");
  s.proc.kill("SIGHUP");
  await s.waitLog(/reload refused, generation 2 keeps serving/);
  const st = await untilStatus(s, (x) => x.reloads.refused === 1);
  expect(st.generation).toBe(2);
  expect(st.rules.digest).toBe(after.rules.digest);
  const r = await s.scan(message(999));
  expect(r.status).toBe(200);
  expect(hits(r)).toBe(true);

  // A config file that does not parse: refused too, naming file and line; still generation 2.
  const good = readFileSync(s.configPath, "utf8");
  writeFileSync(s.configPath, good + "\n[server]\nmax_filters = 0\n");
  s.proc.kill("SIGHUP");
  const st2 = await untilStatus(s, (x) => x.reloads.refused === 2);
  expect(st2.generation).toBe(2);
  expect(st2.reloads.last_error).toContain(s.configPath);
  expect(hits(await s.scan(message(1000)))).toBe(true);
  expect(await s.stop()).toBe(0);
}, 60_000);

test("SIGTERM: stops accepting, finishes, removes the Unix socket and the pid file; a second server on the same pid file is refused", async () => {
  const dir = tempDir("kas-term-");
  const sock = join(dir, "kas.sock");
  const s = await startServer(dir, { server: "start_filters = 1", extraListen: [`unix:${sock}`] });
  servers.push(s);
  const pidFile = join(dir, "data", "kas.pid");
  expect(readFileSync(pidFile, "utf8").trim()).toBe(String(s.proc.pid));
  expect(existsSync(sock)).toBe(true);

  const st = await runKas(["status", "--connect", `unix:${sock}`]);
  expect(st.exitCode).toBe(0);
  expect(st.text).toContain("generation 1; rules ");
  expect(st.text).toMatch(/filtering processes: \d+ starting, \d+ idle/);
  expect((await runKas(["status", "--connect", `tcp:127.0.0.1:${freePort()}`])).exitCode).toBe(69);

  const second = Bun.spawn([kasBinary(), "serve", "--config", s.configPath], { stderr: "pipe", stdout: "ignore", env: { ...process.env, KAS_CONFIG: "" } });
  expect(await second.exited).toBe(73);
  expect(await new Response(second.stderr).text()).toContain(`already running (pid ${s.proc.pid}`);

  // A request in flight (body half sent) when SIGTERM arrives is still answered.
  const body = message(1);
  let reply = "";
  let closed!: () => void;
  const done = new Promise<void>((r) => (closed = r));
  const sockToServer = await Bun.connect({ unix: sock, socket: { data: (_s, d) => void (reply += Buffer.from(d).toString()), close: () => closed(), error: () => closed() } });
  sockToServer.write(`POST /v1/scan HTTP/1.1\r\nHost: kas\r\nConnection: close\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 20)}`);
  await Bun.sleep(200);
  s.proc.kill("SIGTERM");
  await s.waitLog(/SIGTERM: no longer accepting/);
  sockToServer.write(body.slice(20));
  await done;
  expect(reply).toStartWith("HTTP/1.1 200");
  expect(await s.proc.exited).toBe(0);
  expect(existsSync(sock)).toBe(false);
  expect(existsSync(pidFile)).toBe(false);
}, 30_000);

/** Raw bytes in, whatever comes back until the server closes (or 5 s). */
async function raw(port: number, chunks: string[]): Promise<string> {
  return await new Promise<string>((resolve) => {
    let out = "";
    const t = setTimeout(() => resolve(`(no close after 5 s) ${out}`), 5000);
    void Bun.connect({ hostname: "127.0.0.1", port, socket: {
      open(s) { for (const c of chunks) s.write(c); },
      data(_s, d) { out += Buffer.from(d).toString(); },
      close() { clearTimeout(t); resolve(out); },
      error() { clearTimeout(t); resolve(out); },
    } });
  });
}

test("the compiled server answers garbage, oversize and stalled requests with protocol errors, never a hang", async () => {
  const s = await startServer(tempDir("kas-proto-"), { server: "start_filters = 1\ndata_timeout = 0.5\nmax_request_size = 4096" });
  servers.push(s);
  const port = Number(s.tcp.split(":").pop());
  expect(await raw(port, ["\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 TLS hello?\r\n\r\n"])).toStartWith("HTTP/1.1 400");
  expect(await raw(port, ["CHECK SPAMC/1.5\r\nContent-length: 5\r\n\r\nhello"])).toStartWith("HTTP/1.1 400");
  expect(await raw(port, [`POST /v1/scan HTTP/1.1\r\nHost: k\r\nContent-Length: 99999\r\n\r\n`])).toStartWith("HTTP/1.1 413");
  const stalled = await raw(port, ["POST /v1/scan HTTP/1.1\r\nHost: k\r\nContent-Length: 500\r\n\r\nSubject: half"]);
  expect(stalled).toStartWith("HTTP/1.1 408");
  expect(stalled).toContain('"code":"timeout"');
  expect((await s.scan("Subject: fine\r\n\r\nok\r\n")).status).toBe(200);
  expect(await s.stop()).toBe(0);
}, 30_000);
