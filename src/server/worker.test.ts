import { expect, test } from "bun:test";
import { defaults } from "../config/load";
import type { ScanResult } from "../model";
import type { MasterToWorker, WorkerToMaster } from "./ipc";
import { RSS_EVERY, RSS_LARGE, runWorker, type Channel, type ScannerFactory } from "./worker";
import { isCompiled, selfCommand } from "./self-exec";

function channel() {
  const sent: WorkerToMaster[] = [];
  let deliver!: (m: MasterToWorker) => void;
  let disconnect!: () => void;
  const exits: number[] = [];
  const ch: Channel = { send: (m) => void sent.push(m), onMessage: (cb) => void (deliver = cb), onDisconnect: (cb) => void (disconnect = cb), exit: (c) => void exits.push(c) };
  return { ch, sent, exits, deliver: (m: MasterToWorker) => deliver(m), disconnect: () => disconnect() };
}
const tick = (ms = 5) => Bun.sleep(ms);
const result = (id: string): ScanResult => ({ id, status: "not_detected", score: 0, threshold: 5, policy: "default", hits: [], disposition: "accept", edits: [], timings: { parseMs: 0, checksMs: 0, rulesMs: 0, totalMs: 0 }, notes: [] });
const factory = (scanMs = 0): ScannerFactory => async () => ({ db: { version: "v9", digest: "abc" }, dbSource: "builtin", scan: async (r) => (await Bun.sleep(scanMs), result(r.id)) });
const init: MasterToWorker = { type: "init", workerId: 1, generation: 1, config: defaults() };
const scan = (jobId: number): MasterToWorker => ({ type: "scan", jobId, request: { id: `m${jobId}`, envelope: { rcpt: [] }, raw: new Uint8Array([65]) } });

test("loads once from the config snapshot, reports its rules, scans requests", async () => {
  const c = channel();
  runWorker(c.ch, factory());
  c.deliver(init);
  await tick();
  expect(c.sent[0]).toMatchObject({ type: "ready", rules: { version: "v9", digest: "abc", source: "builtin" } });
  c.deliver(scan(7));
  await tick();
  expect(c.sent[1]).toMatchObject({ type: "result", jobId: 7, result: { id: "m7" } });
  expect(c.exits).toEqual([]);
});

test("shutdown while scanning finishes the scan, then exits 0", async () => {
  const c = channel();
  runWorker(c.ch, factory(30));
  c.deliver(init);
  await tick();
  c.deliver(scan(1));
  c.deliver({ type: "shutdown", reason: "max_messages" });
  expect(c.exits).toEqual([]);
  await tick(50);
  expect(c.sent.map((m) => m.type)).toEqual(["ready", "result"]);
  expect(c.exits).toEqual([0]);
});

test("a database that does not load is reported and the process exits 1", async () => {
  const c = channel();
  runWorker(c.ch, async () => {
    throw new Error("rules.kasdb: digest mismatch");
  });
  c.deliver(init);
  await tick();
  expect(c.sent).toEqual([{ type: "failed", error: "rules.kasdb: digest mismatch" }]);
  expect(c.exits).toEqual([1]);
});

test("a scan that throws becomes scan_error, and the process keeps serving", async () => {
  const c = channel();
  let n = 0;
  runWorker(c.ch, async () => ({ db: { version: "v", digest: "d" }, dbSource: "x", scan: async (r) => { if (n++ === 0) throw new Error("boom"); return result(r.id); } }));
  c.deliver(init);
  await tick();
  c.deliver(scan(1));
  await tick();
  c.deliver(scan(2));
  await tick();
  expect(c.sent.slice(1)).toMatchObject([{ type: "scan_error", jobId: 1, error: "boom" }, { type: "result", jobId: 2 }]);
});

test("SPF queries go to the master and come back by query id", async () => {
  const c = channel();
  let answer: unknown;
  runWorker(c.ch, async (_cfg, deps) => ({ db: { version: "v", digest: "d" }, dbSource: "x", scan: async (r) => ((answer = await deps.spf({ ip: "192.0.2.1", from: "a@example.org" })), result(r.id)) }));
  c.deliver(init);
  await tick();
  c.deliver(scan(1));
  await tick();
  expect(c.sent[1]).toEqual({ type: "spf_query", queryId: 1, query: { ip: "192.0.2.1", from: "a@example.org" } });
  c.deliver({ type: "spf_answer", queryId: 1, answer: { result: "pass" } });
  await tick();
  expect(answer).toEqual({ result: "pass" });
  expect(c.sent[2]).toMatchObject({ type: "result", jobId: 1 });
});

test("the master going away ends the process", async () => {
  const c = channel();
  runWorker(c.ch, factory());
  c.deliver(init);
  await tick();
  c.disconnect();
  expect(c.exits).toEqual([0]);
});

test("self-exec: the compiled binary runs itself; from source, bun gets the script path", () => {
  expect(isCompiled("/$bunfs/root/kas")).toBe(true);
  expect(selfCommand(["_worker"], "/$bunfs/root/kas", "/usr/local/bin/kas")).toEqual(["/usr/local/bin/kas", "_worker"]);
  expect(isCompiled("/work/kas/src/main.ts")).toBe(false);
  expect(selfCommand(["_worker"], "/work/kas/src/main.ts", "/usr/bin/bun")).toEqual(["/usr/bin/bun", "/work/kas/src/main.ts", "_worker"]);
});

test("learn: the scanner's learner answers learn_result, its failures learn_error; the learner is closed at exit", async () => {
  const c = channel();
  const seen: string[] = [];
  runWorker(c.ch, async () => ({
    ...(await factory()(init.config, { spf: async () => ({ result: "none" }), dns: { query: async () => ({ status: "nxdomain" }) } })),
    learn: async (op, raw) => {
      seen.push(`${op} ${raw.byteLength}`);
      return op === "forget" ? { ok: false, code: "busy", error: "database is locked" } : { ok: true, reply: { version: 1, outcome: "learned", spam: 1, ham: 0 } };
    },
    close: () => void seen.push("closed"),
  }));
  c.deliver(init);
  await tick();
  c.deliver({ type: "learn", jobId: 3, op: "spam", raw: new Uint8Array([1, 2, 3]) });
  await tick();
  c.deliver({ type: "learn", jobId: 4, op: "forget", raw: new Uint8Array([1]) });
  await tick();
  expect(c.sent.slice(1)).toEqual([
    { type: "learn_result", jobId: 3, reply: { version: 1, outcome: "learned", spam: 1, ham: 0 } },
    { type: "learn_error", jobId: 4, code: "busy", error: "database is locked" },
  ]);
  c.deliver({ type: "shutdown", reason: "test" });
  expect(seen).toEqual(["spam 3", "forget 1", "closed"]);
  expect(c.exits).toEqual([0]);
});

test("dns_query: the scanner's resolver asks the master and gets its answer (or its error) back by query id", async () => {
  const c = channel();
  let dns!: Parameters<ScannerFactory>[1]["dns"];
  runWorker(c.ch, async (config, deps) => ((dns = deps.dns), factory()(config, deps)));
  c.deliver(init);
  await tick();
  const a = dns.query("2.0.0.127.zen.example", "A");
  const b = dns.query("sel._domainkey.example.com", "TXT");
  const asked = c.sent.filter((m) => m.type === "dns_query");
  expect(asked.map((m) => m.type === "dns_query" && [m.name, m.qtype])).toEqual([["2.0.0.127.zen.example", "A"], ["sel._domainkey.example.com", "TXT"]]);
  const [qa, qb] = asked.map((m) => (m as { queryId: number }).queryId);
  c.deliver({ type: "dns_answer", queryId: qb, error: "no DNS service in this server" });
  c.deliver({ type: "dns_answer", queryId: qa, answer: { status: "ok", records: [{ type: "A", ttl: 60, address: "127.0.0.2" }] } });
  expect(await a).toEqual({ status: "ok", records: [{ type: "A", ttl: 60, address: "127.0.0.2" }] });
  await expect(b).rejects.toThrow("no DNS service");
});

test("a job sent while one runs waits and starts as soon as the first is answered; shutdown answers both, then exits 0", async () => {
  const c = channel();
  runWorker(c.ch, factory(30));
  c.deliver(init);
  await tick();
  c.deliver(scan(1));
  c.deliver(scan(2));
  c.deliver({ type: "shutdown", reason: "generation rolled over" });
  await tick(45);
  expect(c.sent.slice(1)).toMatchObject([{ type: "result", jobId: 1 }]); // the second runs now
  expect(c.exits).toEqual([]);
  await tick(40);
  expect(c.sent.slice(1)).toMatchObject([{ type: "result", jobId: 1 }, { type: "result", jobId: 2 }]);
  expect(c.exits).toEqual([0]);
});

test("cancel drops a job that has not started (answered `cancelled`); a started one finishes", async () => {
  const c = channel();
  const scanned: string[] = [];
  runWorker(c.ch, async () => ({ db: { version: "v", digest: "d" }, dbSource: "x", scan: async (r) => (scanned.push(r.id), await Bun.sleep(30), result(r.id)) }));
  c.deliver(init);
  await tick();
  c.deliver(scan(1));
  c.deliver(scan(2));
  c.deliver(scan(3));
  c.deliver({ type: "cancel", jobId: 2 });
  c.deliver({ type: "cancel", jobId: 1 });
  await tick(100);
  expect(c.sent.slice(1)).toMatchObject([{ type: "cancelled", jobId: 2 }, { type: "result", jobId: 1 }, { type: "result", jobId: 3 }]);
  expect(scanned).toEqual(["m1", "m3"]);
});

test("auto-learning (the scan's after stage) runs once the result is sent, before the next job starts", async () => {
  const c = channel();
  const events: string[] = [];
  let release!: () => void;
  const learning = new Promise<void>((r) => (release = r));
  runWorker(c.ch, async () => ({
    db: { version: "v", digest: "d" },
    dbSource: "x",
    scan: async (r, o) => {
      events.push(`scan ${r.id}`);
      o?.afterReply?.(async () => (events.push(`learn ${r.id}`), await learning, ["bayes: autolearned as spam"]));
      return result(r.id);
    },
  }));
  c.deliver(init);
  await tick();
  c.deliver(scan(1));
  c.deliver(scan(2));
  await tick();
  // m1's result left before its learning finished; m2 waits for it (one token writer per process).
  expect(c.sent.slice(1)).toMatchObject([{ type: "result", jobId: 1, result: { notes: [] } }]);
  expect(events).toEqual(["scan m1", "learn m1"]);
  release();
  await tick();
  expect(events).toEqual(["scan m1", "learn m1", "scan m2", "learn m2"]);
  expect(c.sent.slice(1)).toMatchObject([{ type: "result", jobId: 1 }, { type: "result", jobId: 2 }]);
});

test("resident memory is read after the first scan, every RSS_EVERY-th, and after every large message", async () => {
  const c = channel();
  runWorker(c.ch, factory());
  c.deliver(init);
  await tick();
  const n = 2 * RSS_EVERY + 1;
  for (let i = 1; i <= n; i++) c.deliver(i === 5 ? { type: "scan", jobId: i, request: { id: `m${i}`, envelope: { rcpt: [] }, raw: new Uint8Array(RSS_LARGE) } } : scan(i));
  await tick(50);
  const results = c.sent.slice(1) as Extract<WorkerToMaster, { type: "result" }>[];
  expect(results.map((m) => m.jobId)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
  expect(results.filter((m) => m.rssKiB !== undefined).map((m) => m.jobId)).toEqual([1, 5, RSS_EVERY + 1, 2 * RSS_EVERY + 1]);
  expect(results[0].rssKiB).toBeGreaterThan(1024);
  expect(results.every((m) => typeof m.cpuMs === "number")).toBe(true);
});
