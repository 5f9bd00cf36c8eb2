// The Control Center over HTTPS ([control] tls_cert / tls_key) through the compiled binary:
// pages and /metrics answer over TLS, the session cookie is Secure; an unreadable
// certificate stops the start with the key named.
import { afterAll, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { runKas, tempDir, writeConfig } from "../testing/kas-binary";
import { CONTROL_PASSWORD as PASSWORD, controlHash } from "../testing/control-center";
import { freePort, startServer, type Served } from "../testing/kas-server";

const dirs: string[] = [];
const servers: Served[] = [];
afterAll(() => {
  for (const s of servers) if (s.proc.exitCode === null) s.proc.kill("SIGKILL");
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

test("HTTPS with a Secure session cookie; a missing certificate file refuses the start naming tls_cert", async () => {
  const dir = tempDir("kas-control-tls-");
  dirs.push(dir);
  const cert = join(dir, "cert.pem");
  const key = join(dir, "key.pem");
  const ossl = Bun.spawnSync(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"], { stderr: "pipe" });
  expect(ossl.exitCode).toBe(0);
  const hash = await controlHash();
  const port = freePort();
  const toml = `[control]\nlisten = ["tcp:127.0.0.1:${port}"]\npassword_hash = "${hash}"\ntls_cert = ${JSON.stringify(cert)}\ntls_key = ${JSON.stringify(key)}\n`;
  const s = await startServer(dir, { toml, server: "start_filters = 1" });
  servers.push(s);
  expect(await s.waitLog(/Control Center on tcp:127\.0\.0\.1:\d+ \(HTTPS\)/)).toBeTruthy();
  const tls = { ca: await Bun.file(cert).text() };
  const login = await fetch(`https://127.0.0.1:${port}/login`, { method: "POST", body: new URLSearchParams({ password: PASSWORD }), redirect: "manual", tls });
  expect(login.status).toBe(303);
  expect(login.headers.get("set-cookie")).toMatch(/^kas_session=[\w-]+; Path=\/; HttpOnly; SameSite=Strict; Secure$/);
  const metrics = await fetch(`https://127.0.0.1:${port}/metrics`, { tls });
  expect(metrics.status).toBe(200);
  expect(await metrics.text()).toContain("kas_queue_length 0\n");
  // Plain HTTP on the HTTPS port gets no page.
  expect(await fetch(`http://127.0.0.1:${port}/login`).then((r) => r.status, () => "refused")).not.toBe(200);
  expect(await s.stop()).toBe(0);

  const bad = writeConfig(tempDir("kas-control-tls-bad-"), `[control]\nlisten = ["tcp:127.0.0.1:${freePort()}"]\npassword_hash = "${hash}"\ntls_cert = ${JSON.stringify(join(dir, "nope.pem"))}\ntls_key = ${JSON.stringify(key)}\n[spf]\nenabled = false\n[server]\nlisten = ["tcp:127.0.0.1:${freePort()}"]\nstart_filters = 0\nmin_spare_filters = 0\n`);
  dirs.push(join(bad, ".."));
  const r = await runKas(["serve", "--config", bad]);
  expect(r.exitCode).toBe(73);
  expect(r.stderr).toContain(`[control] tls_cert ${join(dir, "nope.pem")}`);
}, 60_000);
