// The master in process, with fake filtering processes and injected signals: it serves over
// a Unix socket, writes its pid file, refuses a broken reload and keeps serving, rolls over
// to a new generation on a good one, and on SIGTERM drains, removes socket and pid file.
import { afterEach, expect, test } from "bun:test";
import { EventEmitter } from "node:events";
import { existsSync, mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { httpRequest } from "../client/http";
import { parseConfig } from "../config/load";
import type { KasConfig } from "../config/schema";
import { ConfigError, DataError } from "../errors";
import { fakeWorkers, until } from "../testing/fake-workers";
import { configureLog } from "../log/index";
import { reloadServer } from "../update/reload";
import { runMaster, type MasterHooks, type SignalSource } from "./master";

const T = { connectMs: 1000, dataMs: 5000 };
const running: { signals: EventEmitter; done: Promise<number> }[] = [];
afterEach(async () => {
  for (const r of running.splice(0)) {
    r.signals.emit("SIGTERM");
    await r.done;
  }
});

function start(opts: { scanMs?: number; loadMs?: () => number; server?: string; hooks?: MasterHooks; logLevel?: string } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "kas-master-"));
  const sock = join(dir, "kas.sock");
  const toml = (extra = "") => `data_dir = ${JSON.stringify(dir)}\n[log]\nlevel = "${opts.logLevel ?? "error"}"\n[server]\nlisten = ["unix:${sock}"]\nsocket_mode = "0640"\n${opts.server?.includes("start_filters") ? "" : "start_filters = 1\n"}shutdown_timeout = 5\n${opts.server ?? ""}\n${extra}`;
  const state = { text: toml(), version: "v1", brokenRules: false };
  const f = fakeWorkers({ scanMs: opts.scanMs ?? 5, version: () => state.version, loadMs: opts.loadMs });
  const signals = new EventEmitter();
  const done = runMaster({ config: parseConfig(state.text), source: "test.toml" }, {
    loadConfig: () => ({ config: parseConfig(state.text, "test.toml"), source: "test.toml" }),
    validateRules: async (_c: KasConfig) => {
      if (state.brokenRules) throw new DataError("rules/bad.cf:1: unknown rule type `bodyy`");
      return { version: state.version, digest: `digest-${state.version}`, source: "test" };
    },
    spawn: f.spawn,
    version: "kas test",
    hooks: opts.hooks,
    signals: signals as unknown as SignalSource,
  });
  running.push({ signals, done });
  const addr = { kind: "unix" as const, path: sock };
  const get = async (path: string) => JSON.parse(new TextDecoder().decode((await httpRequest(addr, { method: "GET", path }, T)).body));
  const scan = async () => {
    const r = await httpRequest(addr, { method: "POST", path: "/v1/scan", body: new TextEncoder().encode("Subject: x\r\n\r\nhi\r\n") }, T);
    return { status: r.status, json: JSON.parse(new TextDecoder().decode(r.body)) };
  };
  const statusUntil = async (cond: (s: any) => boolean) => {
    for (let i = 0; ; i++) {
      const s = await get("/v1/status");
      if (cond(s)) return s;
      if (i > 300) throw new Error(`status condition not reached: ${JSON.stringify(s)}`);
      await Bun.sleep(10);
    }
  };
  const ready = async () => {
    await until(() => existsSync(join(dir, "kas.pid")));
    await until(() => f.live().length > 0);
  };
  return { dir, sock, state, toml, f, signals, done, get, scan, ready, statusUntil, pidFile: join(dir, "kas.pid") };
}

test("serves on the Unix socket with its mode, writes the pid file, every verdict carries X-KAS-Status", async () => {
  const m = start();
  await m.ready();
  expect(readFileSync(m.pidFile, "utf8")).toBe(`${process.pid}\n`);
  expect(statSync(m.sock).mode & 0o777).toBe(0o640);
  const r = await m.scan();
  expect(r.status).toBe(200);
  expect(r.json.edits).toContainEqual({ op: "set", name: "X-KAS-Status", value: "not_detected" });
  const st = await m.get("/v1/status");
  expect(st).toMatchObject({ version: 1, generation: 1, rules: { version: "v1" }, messages: { total: 1, by_status: { not_detected: 1 } } });
});

test("SIGHUP with a broken config or rule database is refused; the old generation keeps serving", async () => {
  const m = start();
  await m.ready();
  m.state.text = m.toml("[server]\nno_such_key = 1\n"); // TOML error: [server] twice
  m.signals.emit("SIGHUP");
  let st = await m.statusUntil((s) => s.reloads.refused === 1);
  expect(st.generation).toBe(1);
  expect(st.reloads.last_error).toContain("test.toml");

  m.state.text = m.toml();
  m.state.brokenRules = true;
  m.signals.emit("SIGHUP");
  st = await m.statusUntil((s) => s.reloads.refused === 2);
  expect(st.generation).toBe(1);
  expect(st.reloads.last_error).toContain("unknown rule type");
  expect((await m.scan()).json.generation).toBe(1);
});

test("SIGHUP with keep_freed_memory changed applies the rest and warns that this key needs a restart", async () => {
  const lines: string[] = [];
  configureLog({ sink: (l) => lines.push(l) });
  try {
    const m = start({ logLevel: "warn" });
    await m.ready();
    m.state.text = m.toml('keep_freed_memory = "off"\n');
    m.signals.emit("SIGHUP");
    const st = await m.statusUntil((s) => s.reloads.ok === 1);
    expect(st.generation).toBe(2);
    expect(lines.filter((l) => l.includes("keep_freed_memory changed: restart the server"))).toHaveLength(1);
    m.signals.emit("SIGHUP"); // unchanged now: no second warning
    await m.statusUntil((s) => s.reloads.ok === 2);
    expect(lines.filter((l) => l.includes("keep_freed_memory"))).toHaveLength(1);
  } finally {
    configureLog({ level: "error", sink: (l) => process.stderr.write(l + "\n") });
  }
});

test("SIGHUP with good rules rolls the pool over: an in-flight scan finishes on the old generation, new ones use the new", async () => {
  const m = start({ scanMs: 150 });
  await m.ready();
  await until(() => m.f.live().length === 1);
  const inflight = m.scan();
  await until(() => m.f.all.some((w) => w.scanning !== undefined));
  const old = m.f.all.find((w) => w.scanning !== undefined)!;
  m.state.version = "v2";
  m.signals.emit("SIGHUP");
  const st = await m.statusUntil((s) => s.generation === 2);
  expect(st.rules.version).toBe("v2");
  const after = await m.scan();
  expect((await inflight).json.generation).toBe(1);
  expect(after.json.generation).toBe(2);
  await until(() => !old.alive); // the old process left after its scan
  expect((await m.get("/v1/status")).pool.workers.every((w: any) => w.generation === 2)).toBe(true);
});

test("SIGTERM finishes the request in flight, stops the processes, removes socket and pid file, resolves 0", async () => {
  const m = start({ scanMs: 200 });
  await m.ready();
  const inflight = m.scan();
  await until(() => m.f.all.some((w) => w.scanning !== undefined));
  m.signals.emit("SIGTERM");
  expect((await inflight).status).toBe(200);
  expect(await m.done).toBe(0);
  expect(existsSync(m.sock)).toBe(false);
  expect(existsSync(m.pidFile)).toBe(false);
  expect(m.f.live()).toEqual([]);
});

test("POST /v1/learn is a job for a filtering process: the master reads the request, a worker learns it", async () => {
  const m = start();
  await m.ready();
  const addr = { kind: "unix" as const, path: m.sock };
  const r = await httpRequest(addr, { method: "POST", path: "/v1/learn", headers: { "X-KAS-Learn": "spam" }, body: new TextEncoder().encode("Subject: x\r\n\r\nhi\r\n") }, T);
  expect(r.status).toBe(200);
  expect(JSON.parse(new TextDecoder().decode(r.body))).toEqual({ version: 1, outcome: "learned", spam: 1, ham: 0 });
  expect(m.f.learned).toEqual([{ pid: m.f.all[0].pid, op: "spam", bytes: 18 }]);
  const bad = await httpRequest(addr, { method: "POST", path: "/v1/learn", body: new Uint8Array(3) }, T);
  expect(bad.status).toBe(400);
  expect(m.f.learned).toHaveLength(1);
});

test("a config a service cannot take is refused before anything switches: old services, old generation", async () => {
  const calls: string[] = [];
  let broken = false;
  const hooks: MasterHooks = {
    prepareConfig: (c) => {
      if (broken) throw new ConfigError("test.toml", "dns.resolver", undefined, "not host:port");
      const level = c.log.level;
      calls.push(`prepare ${level}`);
      return () => void calls.push(`commit ${level}`);
    },
    onConfig: (c) => void calls.push(`onConfig ${c.log.level}`),
  };
  const m = start({ hooks });
  await m.ready();
  expect(calls).toEqual(["prepare error", "commit error", "onConfig error"]);
  broken = true;
  m.state.text = m.toml().replace('level = "error"', 'level = "warn"');
  m.signals.emit("SIGHUP");
  const st = await m.statusUntil((s) => s.reloads.refused === 1);
  expect(st).toMatchObject({ generation: 1, reloads: { ok: 0, refused: 1 } });
  expect(st.reloads.last_error).toContain("test.toml: dns.resolver: not host:port");
  expect(calls).toHaveLength(3); // nothing committed, onConfig not called
  expect((await m.scan()).json.generation).toBe(1);
  broken = false;
  m.signals.emit("SIGHUP");
  await m.statusUntil((s) => s.reloads.ok === 1 && s.generation === 2);
  expect(calls.slice(3)).toEqual(["prepare warn", "commit warn", "onConfig warn"]);
});

test("a config a service cannot take at start: runMaster fails with that error, nothing left listening", async () => {
  const m = start({ hooks: { prepareConfig: () => { throw new ConfigError("test.toml", "license.trusted_issuers", undefined, "unreadable"); } } });
  running.pop();
  const err = await m.done.then(() => undefined, (e) => e);
  expect(err).toBeInstanceOf(ConfigError);
  expect(err.exitCode).toBe(78);
  expect(existsSync(m.sock)).toBe(false);
  expect(existsSync(m.pidFile)).toBe(false);
  expect(m.f.all).toEqual([]);
});

test("status `rules` is what the serving generation's processes loaded (update-db waits for loaded: true)", async () => {
  let loadMs = 2;
  const m = start({ loadMs: () => loadMs });
  await m.ready();
  expect((await m.statusUntil((s) => s.rules.loaded)).rules).toEqual({ version: "v1", digest: "d", source: "test", loaded: true });
  loadMs = 400;
  m.state.version = "v2";
  m.signals.emit("SIGHUP");
  const st = await m.statusUntil((s) => s.generation === 2);
  expect(st.rules).toMatchObject({ version: "v2", loaded: false }); // validated by the master, no process has it yet
  expect((await m.statusUntil((s) => s.rules.loaded)).rules).toMatchObject({ version: "v2", source: "test", loaded: true });
});

test("a pool that starts processes on demand: after a reload nothing is loading, so the validated version counts as loaded", async () => {
  const m = start({ server: "start_filters = 0\nmin_spare_filters = 0" });
  await until(() => existsSync(m.pidFile));
  m.state.version = "v2";
  m.signals.emit("SIGHUP");
  const st = await m.statusUntil((s) => s.generation === 2);
  expect(st.rules).toMatchObject({ version: "v2", loaded: true });
  expect(m.f.live().length).toBe(0);
});

test("update-db's reload confirmation waits until a filtering process of the new generation loaded the version", async () => {
  const m = start({ loadMs: () => 300 });
  await m.ready();
  await m.statusUntil((s) => s.rules.loaded);
  m.state.version = "v2";
  const said = await reloadServer("v2", {
    serverPid: () => process.pid,
    signal: () => void m.signals.emit("SIGHUP"),
    status: async () => ({ ok: true, status: await m.get("/v1/status") }),
    target: `unix:${m.sock}`,
    timeoutMs: 5000,
    sleep: (ms) => Bun.sleep(ms),
    clock: () => Date.now(),
  });
  expect(said).toContain("serves version v2");
  expect((await m.get("/v1/status")).rules).toMatchObject({ version: "v2", loaded: true });
});
