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
import { DataError } from "../errors";
import { fakeWorkers, until } from "../testing/fake-workers";
import { runMaster, type SignalSource } from "./master";

const T = { connectMs: 1000, dataMs: 5000 };
const running: { signals: EventEmitter; done: Promise<number> }[] = [];
afterEach(async () => {
  for (const r of running.splice(0)) {
    r.signals.emit("SIGTERM");
    await r.done;
  }
});

function start(opts: { scanMs?: number; server?: string } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "kas-master-"));
  const sock = join(dir, "kas.sock");
  const toml = (extra = "") => `data_dir = ${JSON.stringify(dir)}\n[log]\nlevel = "error"\n[server]\nlisten = ["unix:${sock}"]\nsocket_mode = "0640"\nstart_filters = 1\nshutdown_timeout = 5\n${opts.server ?? ""}\n${extra}`;
  const state = { text: toml(), version: "v1", brokenRules: false };
  const f = fakeWorkers({ scanMs: opts.scanMs ?? 5, version: () => state.version });
  const signals = new EventEmitter();
  const done = runMaster({ config: parseConfig(state.text), source: "test.toml" }, {
    loadConfig: () => ({ config: parseConfig(state.text, "test.toml"), source: "test.toml" }),
    validateRules: async (_c: KasConfig) => {
      if (state.brokenRules) throw new DataError("rules/bad.cf:1: unknown rule type `bodyy`");
      return { version: state.version, digest: `digest-${state.version}`, source: "test" };
    },
    spawn: f.spawn,
    version: "kas test",
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
