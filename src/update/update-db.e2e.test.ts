// kas update-db end to end: the compiled binary against mirrors served over real HTTP on
// loopback (Bun.serve here). Each mirror URL names a behaviour: /ok/<mirror>/ serves the
// published files as they are; /e404, /e500, /garbage, /stall, /tamper (one byte of the
// manifest changed), /tamperfile and /truncate (a rule file altered or cut short) misbehave.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { installedDbPath, rulesRoot } from "../config/paths";
import { runKas, tempDir, writeConfig } from "../testing/kas-binary";
import { startServer, type Served } from "../testing/kas-server";
import { LICENSE_FIXTURES, TEST_ISSUER_PUB } from "../testing/license";
import { makeRules, publishRules } from "../testing/update-mirror";
import { parsePrivateKey, type PrivateKey } from "../license/keys";

let root: string;
let server: ReturnType<typeof Bun.serve>;
let base: string;
let pubText: string;
let priv: PrivateKey;

const mirrorDir = (name: string) => join(root, "m", name);
const url = (mode: string, mirror: string) => `${base}/${mode}/${mirror}/`;

beforeAll(async () => {
  root = tempDir("kas-update-e2e-");
  const k = await runKas(["update-db", "keygen", "--out", join(root, "pub")]);
  expect(k.exitCode).toBe(0);
  pubText = readFileSync(join(root, "pub.pub"), "utf8").split("\n").find((l) => l.startsWith("kas-ed25519:"))!;
  priv = parsePrivateKey(readFileSync(join(root, "pub.key"), "utf8")) as PrivateKey;
  const r1 = makeRules(join(root, "r1"), "ONE");
  const r2 = makeRules(join(root, "r2"), "TWO");
  for (const [mirror, rules, v] of [["one", r1, 1], ["two", r1, 1], ["two", r2, 2]] as const) {
    const p = await runKas(["update-db", "publish", "--key", join(root, "pub.key"), "--rules", rules, "--out", mirrorDir(mirror), "--version", String(v)]);
    expect(p.exitCode).toBe(0);
  }
  publishRules(mirrorDir("bad"), makeRules(join(root, "rbad"), "", { "10_bad.cf": "body BROKEN /unclosed(/\n" }), priv, 2, { skipLint: true });

  server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch(req) {
      const [, mode, mirror, ...rest] = new URL(req.url).pathname.split("/");
      const file = join(mirrorDir(mirror), ...rest);
      if (mode === "e404" || !existsSync(file)) return new Response("not found", { status: 404 });
      if (mode === "e500") return new Response("internal error", { status: 500 });
      if (mode === "garbage") return new Response("<html><body>Welcome to nginx!</body></html>");
      if (mode === "stall") return new Response(new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode("{")); } }));
      let body = readFileSync(file);
      const isRuleFile = rest.includes("files");
      if (mode === "tamper" && rest.join("/") === "latest.json") body = Buffer.from(body.toString().replace('"size": ', '"size":  '));
      if (mode === "tamperfile" && isRuleFile) body = Buffer.from(body.toString().replace("marker", "market"));
      if (mode === "truncate" && isRuleFile) body = body.subarray(0, body.length - 5);
      return new Response(body);
    },
  }, 30_000);
  base = `http://127.0.0.1:${server.port}`;
});
afterAll(() => {
  server?.stop(true);
  rmSync(root, { recursive: true, force: true });
});

/** A client with its own data_dir; `sources` are mirror URLs. */
function client(name: string, license = "valid-2099.key") {
  const dir = join(root, "c-" + name);
  mkdirSync(dir, { recursive: true });
  const cfg = (sources: string[]) =>
    writeConfig(dir, `[license]\nkey_file = ${JSON.stringify(join(LICENSE_FIXTURES, license))}\ntrusted_issuers = [${JSON.stringify(TEST_ISSUER_PUB)}]\n[update]\nsources = ${JSON.stringify(sources)}\ntrusted_keys = [${JSON.stringify(pubText)}]\ntimeout = 0.5\n`);
  const data = { data_dir: join(dir, "data") };
  return {
    data,
    update: (sources: string[], ...flags: string[]) => runKas(["update-db", "--config", cfg(sources), ...flags]),
    info: async () => (await runKas(["rules", "info", "--config", cfg([])])).text,
    db: () => readFileSync(installedDbPath(data)),
  };
}

describe("kas update-db", () => {
  test("a new version → 0, used by every command; the same again → 1, silently", async () => {
    const c = client("new");
    expect(await c.info()).toContain("source:  built-in");
    const r = await c.update([url("ok", "one")]);
    expect(r.stderr).toBe("");
    expect(r.text).toBe("");
    expect(r.exitCode).toBe(0);
    expect(await c.info()).toMatch(/source: +installed 1 .*\nversion: 1\n/);
    const again = await c.update([url("ok", "one")]);
    expect([again.exitCode, again.text, again.stderr]).toEqual([1, "", ""]);
    const verbose = await c.update([url("ok", "one")], "--verbose");
    expect(verbose.text).toContain("up to date");
  }, 30_000);

  test("every failure leaves the installed database byte-identical; the next mirror is tried", async () => {
    const c = client("fail");
    expect((await c.update([url("ok", "one")])).exitCode).toBe(0);
    const before = c.db();
    const cases: [string, number][] = [["tamper", 3], ["tamperfile", 4], ["truncate", 4], ["e404", 2], ["e500", 2], ["garbage", 2], ["stall", 2]];
    for (const [mode, code] of cases) {
      const r = await c.update([url(mode, "two")]);
      expect(`${mode} ${r.exitCode}`).toBe(`${mode} ${code}`);
      expect(r.stderr).toContain("kas: hint:");
      expect(c.db()).toEqual(before);
    }
    const unreachable = await c.update([`http://127.0.0.1:1/`]);
    expect(unreachable.exitCode).toBe(2);
    expect(readdirSync(rulesRoot(c.data)).sort()).toEqual(["current", "versions"]);
    const failover = await c.update([url("e500", "two"), url("stall", "two"), url("ok", "two")]);
    expect(failover.exitCode).toBe(0);
    expect(await c.info()).toContain("version: 2\n");
  }, 30_000);

  test("rules that do not compile → 5, the previous database stays", async () => {
    const c = client("bad");
    expect((await c.update([url("ok", "one")])).exitCode).toBe(0);
    const before = c.db();
    const r = await c.update([url("ok", "bad")]);
    expect(r.exitCode).toBe(5);
    expect(r.stderr).toContain("does not compile");
    expect(c.db()).toEqual(before);
    expect(await c.info()).toContain("version: 1\n");
  }, 30_000);

  test("--rollback restores the previous version and holds the newer one back", async () => {
    const c = client("rollback");
    expect((await c.update([url("ok", "one")])).exitCode).toBe(0);
    expect((await c.update([url("ok", "two")])).exitCode).toBe(0);
    const rb = await c.update([], "--rollback");
    expect([rb.exitCode, rb.stderr]).toEqual([0, ""]);
    expect(await c.info()).toContain("version: 1\n");
    expect((await c.update([url("ok", "two")])).exitCode).toBe(1);
    // From the oldest installed version: back to the built-in rules, and it says so.
    const builtin = await c.update([], "--rollback", "--verbose");
    expect(builtin.exitCode).toBe(0);
    expect(builtin.text).toContain("rolled back from version 1 to the built-in rules (no older version is installed); updates up to 2 are held back");
    expect(await c.info()).toContain("source:  built-in\nversion: builtin\n");
    const none = await c.update([], "--rollback");
    expect(none.exitCode).toBe(6);
    expect(none.stderr).toContain("nothing to roll back: no database is installed (the built-in rules are in use)");
  }, 30_000);

  test("a lock held by a live update-db → 73; a pid reused by another process is stale", async () => {
    const c = client("lock");
    const lock = join(rulesRoot(c.data), "update.lock");
    mkdirSync(rulesRoot(c.data), { recursive: true });
    // A process whose command line reads like a running `kas update-db`.
    const holder = Bun.spawn(["bash", "-c", "sleep 30; true", "update-db"], { stdout: "ignore", stderr: "ignore" });
    try {
      await Bun.sleep(100);
      writeFileSync(lock, `${holder.pid}\n`);
      const r = await c.update([url("ok", "one")]);
      expect(r.exitCode).toBe(73);
      expect(r.stderr).toContain(`pid ${holder.pid}`);
      expect(existsSync(installedDbPath(c.data))).toBe(false);
    } finally {
      holder.kill();
    }
    // The test runner is alive but is not update-db (a pid reused after a reboot).
    writeFileSync(lock, `${process.pid}\n`);
    expect((await c.update([url("ok", "one")])).exitCode).toBe(0);
    expect(existsSync(lock)).toBe(false);
  }, 30_000);

  test("two runs at once: one installs, the other waits its turn or exits 73", async () => {
    const c = client("race");
    const [a, b] = await Promise.all([c.update([url("ok", "two")]), c.update([url("ok", "two")])]);
    // Either the second run found the lock (73) or it started after the first finished (1).
    expect([[0, 1], [0, 73]]).toContainEqual([a.exitCode, b.exitCode].sort());
    expect(await c.info()).toContain("version: 2\n");
  }, 30_000);

  test("an expired license → 8, nothing downloaded or changed", async () => {
    const c = client("license", "expired-2020.key");
    const r = await c.update([url("ok", "one")]);
    expect(r.exitCode).toBe(8);
    expect(r.stderr).toContain("license");
    expect(existsSync(rulesRoot(c.data))).toBe(false);
  }, 30_000);
});

describe("kas update-db with a running kas serve", () => {
  let s: Served | undefined;
  afterAll(async () => {
    if (s && s.proc.exitCode === null) await s.stop();
  }, 30_000);

  test("the server reloads and answers with the new rules without a restart; --rollback too", async () => {
    const dir = join(root, "served");
    mkdirSync(dir, { recursive: true });
    const license = `[license]\nkey_file = ${JSON.stringify(join(LICENSE_FIXTURES, "valid-2099.key"))}\ntrusted_issuers = [${JSON.stringify(TEST_ISSUER_PUB)}]\n`;
    s = await startServer(dir, { toml: license, server: "start_filters = 1\nmin_spare_filters = 1\nmax_filters = 2" });
    const pid = s.proc.pid;
    // A second config for update-db: the same data_dir (so the same pid file), status asked at the server's address.
    const cfg = join(dir, "update.toml");
    writeFileSync(cfg, `data_dir = ${JSON.stringify(join(dir, "data"))}\n${license}[update]\nsources = [${JSON.stringify(url("ok", "two"))}]\ntrusted_keys = [${JSON.stringify(pubText)}]\nreload_connect = ${JSON.stringify(s.tcp)}\nreload_timeout = 20\n`);
    const msg = "From: a@example.org\r\nTo: b@example.com\r\nSubject: hello\r\nDate: Sat, 28 Nov 2026 08:00:00 +0000\r\nMessage-ID: <u1@example.org>\r\n\r\nupdate base marker, marker one, marker two\r\n";
    const hits = async () => ((await s!.scan(msg)).json.hits as { name: string }[]).map((h) => h.name).filter((n) => n.startsWith("KAS_UPDATE_")).sort();
    expect(await hits()).toEqual([]);

    expect((await runKas(["update-db", "--config", cfg, "--source", url("ok", "one")])).exitCode).toBe(0);
    expect((await s.status()).rules.version).toBe("1");
    expect(await hits()).toEqual(["KAS_UPDATE_BASE", "KAS_UPDATE_ONE"]);

    const r = await runKas(["update-db", "--config", cfg, "--verbose"]);
    expect(r.exitCode).toBe(0);
    expect(r.text).toContain(`server pid ${pid} reloaded and serves version 2`);
    expect((await s.status()).rules.version).toBe("2");
    expect(await hits()).toEqual(["KAS_UPDATE_BASE", "KAS_UPDATE_TWO"]);

    const rb = await runKas(["update-db", "--config", cfg, "--rollback"]);
    expect([rb.exitCode, rb.stderr]).toEqual([0, ""]);
    expect((await s.status()).rules.version).toBe("1");
    expect(await hits()).toEqual(["KAS_UPDATE_BASE", "KAS_UPDATE_ONE"]);

    // Past the oldest installed version: the server reloads onto the built-in rules.
    const builtin = await runKas(["update-db", "--config", cfg, "--rollback", "--verbose"]);
    expect(builtin.exitCode).toBe(0);
    expect(builtin.text).toContain(`to the built-in rules (no older version is installed); updates up to 2 are held back; server pid ${pid} reloaded and serves the built-in rules`);
    expect((await s.status()).rules).toMatchObject({ version: "builtin", source: "built-in" });
    expect(await hits()).toEqual([]);
    expect(s.proc.pid).toBe(pid);
    expect(s.proc.exitCode).toBeNull();
  }, 30_000);
});
