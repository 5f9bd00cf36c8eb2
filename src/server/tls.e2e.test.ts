// TLS on the doors' TCP listeners (issue 15 §3), against the compiled `kas serve`, with a
// private CA made by openssl in the test's directory: `kas filter` over tls:host:port with
// [client] tls_ca, the real spamc -S, the Rspamd door over HTTPS (rspamc 3.4 has no TLS
// option: it only encrypts with HTTPCrypt keys, which kas does not speak), a client that does
// not trust the certificate refused, and a renewed certificate served after SIGHUP while a
// broken renewal is refused and the old one keeps serving.
import { afterAll, expect, test } from "bun:test";
import { X509Certificate } from "node:crypto";
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runKas, tempDir, writeConfig } from "../testing/kas-binary";
import { controlHash } from "../testing/control-center";
import { freePort, startServer, type Served } from "../testing/kas-server";

const dir = tempDir("kas-tls-");
const servers: Served[] = [];
afterAll(() => {
  for (const s of servers) if (s.proc.exitCode === null) s.proc.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

/** A fresh directory inside `dir` (removed with it). */
let subs = 0;
const sub = (name: string) => {
  const p = join(dir, `${name}-${++subs}`);
  mkdirSync(p);
  return p;
};

const MSG = "From: a@example.org\r\nTo: b@example.com\r\nSubject: hello\r\nMessage-ID: <tls1@example.org>\r\n\r\nJust a note.\r\n";

function openssl(...args: string[]): void {
  const r = Bun.spawnSync(["openssl", ...args], { cwd: dir, stdout: "pipe", stderr: "pipe" });
  if (r.exitCode !== 0) throw new Error(`openssl ${args.join(" ")}: ${r.stderr.toString()}`);
}
/** A server certificate for 127.0.0.1 / localhost signed by the test CA, as name.crt / name.key. */
function serverCert(name: string): string {
  writeFileSync(join(dir, "san.cnf"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
  openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", `${name}.key`, "-out", `${name}.csr`, "-subj", `/CN=${name}`);
  openssl("x509", "-req", "-in", `${name}.csr`, "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-days", "2", "-extfile", "san.cnf", "-out", `${name}.crt`);
  return fingerprint(readFileSync(join(dir, `${name}.crt`), "utf8"));
}
const fingerprint = (pem: string) => new X509Certificate(pem).fingerprint256;

openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "2", "-subj", "/CN=kas test CA");
const first = serverCert("first");
const second = serverCert("second");
// The files the server is configured with; a renewal overwrites them.
copyFileSync(join(dir, "first.crt"), join(dir, "server.crt"));
copyFileSync(join(dir, "first.key"), join(dir, "server.key"));
const CA = join(dir, "ca.crt");
const tlsKeys = `tls_cert = ${JSON.stringify(join(dir, "server.crt"))}\ntls_key = ${JSON.stringify(join(dir, "server.key"))}`;

let server: Served;
let ports: { native: number; spamd: number; rspamd: number; control: number };
async function serve(): Promise<Served> {
  if (server) return server;
  ports = { native: 0, spamd: freePort(), rspamd: freePort(), control: freePort() };
  const hash = await controlHash();
  server = await startServer(sub("server"), {
    server: `start_filters = 1\n${tlsKeys}`,
    toml: `[spamd]\nlisten = ["tcp:127.0.0.1:${ports.spamd}"]\n${tlsKeys}\n[rspamd]\nlisten = ["tcp:127.0.0.1:${ports.rspamd}"]\n${tlsKeys}\n[control]\nlisten = ["tcp:127.0.0.1:${ports.control}"]\npassword_hash = "${hash}"\n${tlsKeys}`,
    tlsCa: CA,
  });
  servers.push(server);
  ports.native = (server.addr as { port: number }).port;
  return server;
}

/** The SHA-256 fingerprint of the certificate served on `port` (checked against the test CA). */
function servedCert(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    Bun.connect({
      hostname: "127.0.0.1",
      port,
      tls: { ca: readFileSync(CA, "utf8"), serverName: "localhost" },
      socket: {
        data() {},
        handshake(s, ok, err) {
          const peer = (s as unknown as { getPeerCertificate(): { fingerprint256: string } | undefined }).getPeerCertificate();
          s.end();
          if (!ok) reject(err);
          else resolve(peer?.fingerprint256 ?? "no certificate");
        },
        error: (_s, e) => reject(e),
        connectError: (_s, e) => reject(e),
      },
    }).catch(reject);
  });
}

test("kas filter reaches the native door over tls:host:port with [client] tls_ca; without the CA it is refused and on_error applies", async () => {
  await serve();
  const cfg = (extra: string) => writeConfig(sub("client"), `[client]\nconnect_to = ["tls:127.0.0.1:${ports.native}"]\nconnect_timeout = 5\n${extra}\n`);
  const ok = await runKas(["filter", "--config", cfg(`tls_ca = ${JSON.stringify(CA)}`)], { stdin: MSG });
  expect(ok.exitCode).toBe(0);
  expect(ok.text).toMatch(/X-KAS-Status: not_detected\r\n/);
  const untrusted = await runKas(["filter", "--config", cfg('on_error = "tempfail"')], { stdin: MSG });
  expect(untrusted.exitCode).toBe(75);
  expect(untrusted.stderr).toMatch(/tls:127\.0\.0\.1:\d+: (connect|closed): .*(certificate|self.signed|issuer|verify)/i);
  // A plain-TCP client on the TLS port gets no verdict either (nothing is sent in clear).
  const plain = await runKas(["filter", "--config", writeConfig(sub("client"), `[client]\nconnect_to = ["tcp:127.0.0.1:${ports.native}"]\ndata_timeout = 2\n`)], { stdin: MSG });
  expect(plain.exitCode).toBe(75);
}, 60_000);

test("the real spamc -S checks a message over the spamd door's TLS", async () => {
  await serve();
  const p = Bun.spawn(["spamc", "-S", "--ssl-ca-file", CA, "-d", "127.0.0.1", "-p", String(ports.spamd), "-c", "-x"], { stdin: new TextEncoder().encode(MSG), stdout: "pipe", stderr: "pipe" });
  const [out, err] = [await new Response(p.stdout).text(), await new Response(p.stderr).text()];
  expect({ code: await p.exited, out, err }).toMatchObject({ code: 0, out: expect.stringMatching(/^-?\d+(\.\d+)?\/5(\.0)?\n$/) });
}, 60_000);

test("the Rspamd door over HTTPS: /checkv2 answers with the Rspamd reply", async () => {
  await serve();
  const r = await fetch(`https://127.0.0.1:${ports.rspamd}/checkv2`, { method: "POST", body: MSG, tls: { ca: readFileSync(CA, "utf8") } } as RequestInit);
  expect(r.status).toBe(200);
  expect((await r.json()).action).toBe("no action");
}, 60_000);

/**
 * Connects to `port` over and over until stopped; counts connections refused (ECONNREFUSED: no
 * listener on the port). A reset (ECONNRESET: the connection was queued on the listener that
 * closed) is not counted: Linux does not move queued connections to the new listener.
 */
function connectLoop(port: number) {
  let stop = false;
  let refused = 0;
  let connected = 0;
  const count = (e: { code?: string }) => void (e.code === "ECONNREFUSED" && refused++);
  const one = () =>
    new Promise<void>((resolve) => {
      Bun.connect({ hostname: "127.0.0.1", port, socket: { open: (s) => (connected++, s.end(), resolve()), data() {}, close: () => resolve(), error: () => resolve(), connectError: (_s, e) => (count(e), resolve()) } }).catch((e) => (count(e), resolve()));
    });
  const running = (async () => {
    while (!stop) await one();
  })();
  return async () => ((stop = true), await running, { refused, connected });
}

test("SIGHUP serves a renewed certificate on every TLS door; a broken renewal is refused and the old one keeps serving", async () => {
  const s = await serve();
  for (const port of Object.values(ports)) expect(await servedCert(port)).toBe(first);
  // A renewal whose key is not the certificate's: the reload is refused.
  copyFileSync(join(dir, "second.crt"), join(dir, "server.crt"));
  s.proc.kill("SIGHUP");
  await s.waitLog(/reload refused.*tls_cert .* are not a usable pair/);
  for (const port of Object.values(ports)) expect(await servedCert(port)).toBe(first);
  copyFileSync(join(dir, "second.key"), join(dir, "server.key"));
  s.proc.kill("SIGHUP");
  await s.waitLog(/\[rspamd\] new TLS certificate served/);
  await s.waitLog(/\[control\] new TLS certificate served/);
  for (const port of Object.values(ports)) expect(await servedCert(port)).toBe(second);
  // The Control Center re-bound (Bun.serve) still answers its pages over the new certificate.
  const page = await fetch(`https://127.0.0.1:${ports.control}/login`, { tls: { ca: readFileSync(CA, "utf8"), serverName: "localhost" } });
  expect(page.status).toBe(200);
  // Still serving scans after the re-bind.
  expect((await s.scan(MSG)).status).toBe(200);
}, 60_000);

test("a renewal never leaves the port without a listener: no connection is refused while certificates change", async () => {
  const s = await serve();
  const renewals = () => s.log.filter((l) => /\[server\] new TLS certificate served/.test(l)).length;
  const stopLoop = connectLoop(ports.native);
  let last = "";
  for (let i = 0; i < 8; i++) {
    const before = renewals();
    // Always the pair not served now (this test may run alone or after the one above).
    const pair = (await servedCert(ports.native)) === first ? "second" : "first";
    last = pair === "first" ? first : second;
    copyFileSync(join(dir, `${pair}.crt`), join(dir, "server.crt"));
    copyFileSync(join(dir, `${pair}.key`), join(dir, "server.key"));
    s.proc.kill("SIGHUP");
    for (const end = Date.now() + 10_000; renewals() === before; await Bun.sleep(5)) if (Date.now() > end) throw new Error(`renewal ${i} not logged:\n${s.log.join("\n")}`);
  }
  const loop = await stopLoop();
  expect(loop.connected).toBeGreaterThan(0);
  expect(loop.refused).toBe(0);
  expect(await servedCert(ports.native)).toBe(last);
}, 60_000);
