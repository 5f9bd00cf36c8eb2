// Who may use which door (issue 15 §3), against the compiled `kas serve`: a client outside a
// door's allow list is refused in that door's own way (native 403 "forbidden", milter close
// at accept, spamd EX_NOPERM, Rspamd 403) with a log line, and a client that may scan but not
// learn is refused learning in every protocol (native /v1/learn, spamd TELL, /learnspam).
// Clients are told apart by source address: the test binds its sockets to 127.0.0.2 / .3.
import { afterAll, expect, test } from "bun:test";
import { rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import { join } from "node:path";
import { runKas, tempDir } from "../testing/kas-binary";
import { freePort, startServer, type Served } from "../testing/kas-server";

const dirs: string[] = [];
const servers: Served[] = [];
afterAll(() => {
  for (const s of servers) if (s.proc.exitCode === null) s.proc.kill("SIGKILL");
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const MSG = "From: a@example.org\r\nTo: b@example.com\r\nSubject: cheap pills\r\nMessage-ID: <acc1@example.org>\r\n\r\nBuy cheap pills now, limited offer.\r\n";
const SCANNER = "127.0.0.2"; // may scan, may not learn
const STRANGER = "127.0.0.3"; // in no allow list
const SECRET = "s3cret-learn";

/**
 * Sends `bytes` from `from` to 127.0.0.1:port and collects the reply until the server closes
 * (or, with `enough`, until the reply matches it). `halfClose`: shut down our sending side after
 * the request, as spamc does (an HTTP client sending Connection: close need not).
 */
function exchange(port: number, from: string, bytes: string | Uint8Array, o: { halfClose?: boolean; enough?: RegExp } = {}): Promise<{ reply: string; closed: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const text = () => Buffer.concat(chunks).toString("latin1");
    const c = net.connect({ host: "127.0.0.1", port, localAddress: from, allowHalfOpen: true });
    const timer = setTimeout(() => (c.destroy(), resolve({ reply: text(), closed: false })), 10_000);
    c.on("connect", () => {
      c.write(bytes);
      if (o.halfClose) c.end();
    });
    c.on("data", (d) => {
      chunks.push(d);
      if (o.enough?.test(text())) (clearTimeout(timer), c.destroy(), resolve({ reply: text(), closed: false }));
    });
    c.on("end", () => c.end()); // the server closed: so do we (allowHalfOpen would wait)
    c.on("close", () => (clearTimeout(timer), resolve({ reply: text(), closed: true })));
    // A server that closes at accept may make our write fail: that is a close too.
    c.on("error", (e: NodeJS.ErrnoException) => (clearTimeout(timer), e.code === "EPIPE" || e.code === "ECONNRESET" ? resolve({ reply: text(), closed: true }) : reject(e)));
  });
}

const http = (method: string, path: string, headers: Record<string, string>, body = MSG) =>
  `${method} ${path} HTTP/1.1\r\nHost: kas\r\nConnection: close\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join("")}\r\n${body}`;
const spamc = (command: string, headers: Record<string, string> = {}) =>
  `${command} SPAMC/1.5\r\nContent-length: ${Buffer.byteLength(MSG)}\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join("")}\r\n${MSG}`;
// SMFIC_OPTNEG: version 6, every action, every protocol step (milter protocol, libmilter mfdef.h).
const OPTNEG = (() => {
  const b = Buffer.alloc(17);
  b.writeUInt32BE(13, 0);
  b.write("O", 4, "latin1");
  b.writeUInt32BE(6, 5);
  b.writeUInt32BE(0x1ff, 9);
  b.writeUInt32BE(0x1fffff, 13);
  return b;
})();

let server: Served;
let ports: { native: number; milter: number; spamd: number; rspamd: number };

async function serve(): Promise<Served> {
  if (server) return server;
  const dir = tempDir("kas-access-");
  dirs.push(dir);
  ports = { native: 0, milter: freePort(), spamd: freePort(), rspamd: freePort() };
  const allow = JSON.stringify(["127.0.0.1/32", `${SCANNER}/32`]);
  const learn = JSON.stringify(["127.0.0.1/32"]);
  server = await startServer(dir, {
    server: `start_filters = 1\nallow = ${allow}\nlearn_allow = ${learn}\nstatus_allow = ${learn}\nlearn_secret = "${SECRET}"`,
    toml: [
      `[milter]\nlisten = ["tcp:127.0.0.1:${ports.milter}"]\nallow = ${allow}`,
      `[spamd]\nlisten = ["tcp:127.0.0.1:${ports.spamd}"]\nallow = ${allow}\nlearn_allow = ${learn}`,
      `[rspamd]\nlisten = ["tcp:127.0.0.1:${ports.rspamd}"]\nallow = ${allow}\nlearn_allow = ${learn}`,
    ].join("\n"),
  });
  servers.push(server);
  ports.native = (server.addr as { port: number }).port;
  return server;
}

const DOORS = [
  { door: "native", port: () => ports.native, request: http("POST", "/v1/scan", {}), allowed: /^HTTP\/1\.1 200 /, denied: /^HTTP\/1\.1 403 [\s\S]*"code":"forbidden"/, log: /door=native refused POST \/v1\/scan from 127\.0\.0\.3: not in \[server\] allow/ },
  { door: "milter", port: () => ports.milter, request: OPTNEG, allowed: /^[\s\S]{4}O/, denied: /^$/, log: /door=milter refused connection from 127\.0\.0\.3: not in \[milter\] allow/ },
  { door: "spamd", port: () => ports.spamd, request: spamc("CHECK"), allowed: /^SPAMD\/1\.\d 0 EX_OK/, denied: /^SPAMD\/1\.\d 77 EX_NOPERM/, log: /127\.0\.0\.3 may not use the spamd door/ },
  { door: "rspamd", port: () => ports.rspamd, request: http("POST", "/checkv2", {}), allowed: /^HTTP\/1\.1 200 /, denied: /^HTTP\/1\.1 403 /, log: /door=rspamd refused POST \/checkv2 from 127\.0\.0\.3: not in \[rspamd\] allow/ },
];

for (const d of DOORS) {
  test(`${d.door} door: a client outside its allow list is refused with a log line; one inside is served`, async () => {
    const s = await serve();
    const ok = await exchange(d.port(), SCANNER, d.request, { halfClose: d.door === "spamd", enough: d.allowed });
    expect(ok.reply).toMatch(d.allowed);
    const no = await exchange(d.port(), STRANGER, d.request, { halfClose: d.door === "spamd" });
    expect(no.closed).toBe(true);
    expect(no.reply).toMatch(d.denied);
    await s.waitLog(d.log);
  }, 60_000);
}

const LEARN = [
  { door: "native", port: () => ports.native, request: http("POST", "/v1/learn", { "X-KAS-Learn": "spam", "X-KAS-Learn-Secret": SECRET }), denied: /^HTTP\/1\.1 403 [\s\S]*"code":"forbidden"[\s\S]*learn_allow/ },
  { door: "spamd", port: () => ports.spamd, request: spamc("TELL", { "Message-class": "spam", Set: "local" }), denied: /^SPAMD\/1\.\d 77 EX_NOPERM TELL is not allowed/ },
  { door: "rspamd", port: () => ports.rspamd, request: http("POST", "/learnspam", {}), denied: /^HTTP\/1\.1 403 [\s\S]*learn_allow/ },
];

for (const d of LEARN) {
  test(`${d.door} door: a client allowed to scan but not to learn is refused learning`, async () => {
    await serve();
    expect((await exchange(d.port(), SCANNER, d.request, { halfClose: d.door === "spamd" })).reply).toMatch(d.denied);
  }, 60_000);
}

test("native learn from an allowed address: refused without the learn_secret or with a wrong one, learned with it; status only from status_allow", async () => {
  const s = await serve();
  const learn = (headers: Record<string, string>) => exchange(ports.native, "127.0.0.1", http("POST", "/v1/learn", { "X-KAS-Learn": "spam", ...headers }));
  expect((await learn({})).reply).toMatch(/^HTTP\/1\.1 403 [\s\S]*"code":"forbidden"[\s\S]*learn_secret/);
  expect((await learn({ "X-KAS-Learn-Secret": "guess" })).reply).toMatch(/^HTTP\/1\.1 403 /);
  await s.waitLog(/door=native refused learn from 127\.0\.0\.1: wrong learn secret/);
  expect((await learn({ "X-KAS-Learn-Secret": SECRET })).reply).toMatch(/^HTTP\/1\.1 200 [\s\S]*"outcome":"learned"/);
  expect((await exchange(ports.native, SCANNER, "GET /v1/status HTTP/1.1\r\nHost: kas\r\nConnection: close\r\n\r\n")).reply).toMatch(/^HTTP\/1\.1 403 [\s\S]*status_allow/);
  expect((await exchange(ports.native, "127.0.0.1", "GET /v1/status HTTP/1.1\r\nHost: kas\r\nConnection: close\r\n\r\n")).reply).toMatch(/^HTTP\/1\.1 200 /);
}, 60_000);

test("kas learn --connect sends [client] learn_secret; without it the server refuses and kas learn says why", async () => {
  await serve();
  const dir = tempDir("kas-access-cli-");
  dirs.push(dir);
  const msg = join(dir, "m.eml");
  await Bun.write(msg, MSG.replace("acc1", "acc2"));
  const cfg = (secret: string) => {
    const p = join(dir, `kas-${secret || "none"}.toml`);
    writeFileSync(p, `data_dir = ${JSON.stringify(join(dir, "data"))}\n[client]\nlearn_secret = "${secret}"\n`);
    return p;
  };
  const connect = `tcp:127.0.0.1:${ports.native}`;
  const without = await runKas(["learn", "--spam", msg, "--connect", connect, "--config", cfg("")]);
  expect(without.exitCode).not.toBe(0);
  expect(without.stderr).toMatch(/forbidden: learning needs the \[server\] learn_secret/);
  const withSecret = await runKas(["learn", "--spam", msg, "--connect", connect, "--config", cfg(SECRET)]);
  expect(withSecret.exitCode).toBe(0);
  expect(withSecret.text).toMatch(/1 learned|learned 1/);
}, 60_000);
