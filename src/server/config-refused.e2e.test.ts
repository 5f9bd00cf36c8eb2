// A configuration one of the master's services cannot take (here: a trusted_issuers file
// that is not a public key, which only the license service notices) against the compiled
// `kas serve`: on SIGHUP it is refused and counted as refused, the old generation and the
// old license keep serving; at start the server exits 78 naming the real config file.
import { afterAll, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { REPO, runKas, tempDir } from "../testing/kas-binary";
import { startServer, untilStatus, type Served } from "../testing/kas-server";

const servers: Served[] = [];
afterAll(() => {
  for (const s of servers) if (s.proc.exitCode === null) s.proc.kill("SIGKILL");
});

const FIX = join(REPO, "fixtures/license");

test("SIGHUP with a config the license service cannot take is refused; `kas serve` with it exits 78 naming the file", async () => {
  const dir = tempDir("kas-refused-");
  const bad = join(dir, "bad.pub");
  writeFileSync(bad, "this is not a public key\n");
  const good = join(FIX, "test-issuer.pub");
  const toml = `[license]\nkey_file = ${JSON.stringify(join(FIX, "test-server-2099.key"))}\ntrusted_issuers = [${JSON.stringify(good)}]\n`;
  const s = await startServer(dir, { toml, server: "start_filters = 1" });
  servers.push(s);
  await untilStatus(s, (st) => st.rules?.loaded === true);
  writeFileSync(s.configPath, readFileSync(s.configPath, "utf8").replace(JSON.stringify(good), JSON.stringify(bad)));
  s.proc.kill("SIGHUP");
  const st = await untilStatus(s, (x) => x.reloads.refused === 1);
  expect(st).toMatchObject({ generation: 1, reloads: { ok: 0, refused: 1 }, license: { verdict: "valid" } });
  expect(st.reloads.last_error).toContain(s.configPath);
  await s.waitLog(/reload refused, generation 1 keeps serving: .*license\.trusted_issuers/);
  const r = await s.scan("Subject: hi\r\n\r\nhello\r\n", { "X-KAS-Rcpt": "x@example.com" });
  expect(r.status).toBe(200);
  expect(r.json.generation).toBe(1);
  expect(r.json.status).not.toBe("unlicensed");
  expect(await s.stop()).toBe(0);

  const started = await runKas(["serve", "--config", s.configPath], { timeoutMs: 20_000 });
  expect(started.exitCode).toBe(78);
  expect(started.stderr).toContain(`${s.configPath}: license.trusted_issuers`);
}, 60_000);
