import { afterEach, expect, test } from "bun:test";
import { parseConfig } from "../config/load";
import type { ScanRequest } from "../model";
import { fakeWorkers as fakes, until } from "../testing/fake-workers";
import { Pool, RECLAIM_AFTER_MS, scanWatchdogMs, type Dispatched } from "./pool";

const req = (i: number): ScanRequest => ({ id: `m${i}`, envelope: { rcpt: ["a@b.c"] }, raw: new TextEncoder().encode(`Subject: ${i}\r\n\r\nhi\r\n`) });
const quiet = { info() {}, warn() {}, error() {}, debug() {} };
const config = (server: string) => parseConfig(`[server]\n${server}\n`);

let pools: Pool[] = [];
afterEach(async () => {
  await Promise.all(pools.map((p) => p.stop(100)));
  pools = [];
});
function pool(server: string, f = fakes()) {
  const p = new Pool({ spawn: f.spawn, config: config(server), log: quiet, random: () => 0 });
  pools.push(p);
  p.start();
  return p;
}

test("answers every request and grows to max_filters under load, queueing the rest", async () => {
  const f = fakes({ scanMs: 30 });
  const p = pool("start_filters = 1\nmin_spare_filters = 0\nmax_filters = 4", f);
  const rs = await Promise.all(Array.from({ length: 20 }, (_, i) => p.submit(req(i))));
  expect(rs.every((r) => r.ok)).toBe(true);
  expect(f.all.length).toBe(4);
  expect(p.status().workers.length).toBe(4);
});

test("a full queue and an expired queue wait both give an explicit temporary failure", async () => {
  const f = fakes({ scanMs: 400 });
  const p = pool("start_filters = 1\nmin_spare_filters = 0\nmax_filters = 1\nqueue_size = 1\nqueue_timeout = 0.15", f);
  await until(() => p.status().states.idle === 1);
  const rs = await Promise.all([p.submit(req(1)), p.submit(req(2)), p.submit(req(3)), p.submit(req(4))]);
  expect(rs[0].ok).toBe(true);
  expect(rs[1].ok).toBe(true); // sent ahead to the busy process: runs after the first
  expect(rs[2]).toMatchObject({ ok: false, code: "busy" }); // waited queue_timeout
  expect(rs[3]).toMatchObject({ ok: false, code: "busy" }); // queue full at once
  expect((rs[3] as { message: string }).message).toContain("queue is full");
  expect((rs[2] as { message: string }).message).toContain("queue_timeout");
});

test("a pool at max_filters sends one waiting job ahead to each busy process, which starts it as it answers the one before", async () => {
  const f = fakes({ scanMs: 40 });
  const p = pool("start_filters = 2\nmin_spare_filters = 0\nmax_filters = 2", f);
  await until(() => p.status().states.idle === 2);
  const rs = Array.from({ length: 5 }, (_, i) => p.submit(req(i)));
  // Two running, two sent ahead (one per process), the fifth waits in the queue.
  expect(f.all.map((x) => x.queued.length)).toEqual([1, 1]);
  expect(p.status().queue).toBe(1);
  expect((await Promise.all(rs)).every((r) => r.ok)).toBe(true);
  expect(f.all.flatMap((x) => x.started).sort()).toEqual(["m0", "m1", "m2", "m3", "m4"]);
});

test("a pool that may still grow starts a process for a waiting job rather than sending it ahead", async () => {
  const f = fakes({ scanMs: 40 });
  const p = pool("start_filters = 1\nmin_spare_filters = 0\nmax_filters = 2", f);
  await until(() => p.status().states.idle === 1);
  const rs = [p.submit(req(1)), p.submit(req(2))];
  expect(f.all[0].queued).toEqual([]);
  expect(f.all.length).toBe(2);
  expect((await Promise.all(rs)).map((r) => r.ok && r.workerPid)).toEqual([f.all[0].pid, f.all[1].pid]);
});

test("a process killed holding a running job and one sent ahead: both are retried on another process and answered", async () => {
  const f = fakes({ scanMs: 60 });
  const p = pool("start_filters = 2\nmin_spare_filters = 0\nmax_filters = 2", f);
  await until(() => p.status().states.idle === 2);
  const rs = Array.from({ length: 4 }, (_, i) => p.submit(req(i)));
  const victim = f.all[0];
  expect([victim.scanning, victim.queued.length]).toEqual([expect.any(Number), 1]);
  victim.die("SIGKILL");
  const out = (await Promise.all(rs)) as Extract<Dispatched, { ok: true }>[];
  expect(out.every((r) => r.ok && r.workerPid !== victim.pid)).toBe(true);
  expect(p.status().counts).toMatchObject({ retried: 2, crashed: 1, answered: 4 });
});

test("the watchdog times a job sent ahead from when its process starts it, not from when it was sent", async () => {
  // Watchdog 700 ms (budget 200 ms + 500). m1 takes 500 ms; m2, sent ahead at once, hangs:
  // it starts at 500 ms, so its process is killed at 1 200 ms, not at 700 (timed from the send).
  const f = fakes({ scanMsOf: (id) => (id === "m2" ? 60_000 : 500) });
  const p = new Pool({ spawn: f.spawn, config: parseConfig("[scan]\ntime_budget_ms = 200\n[client]\ndata_timeout = 2\n[server]\nstart_filters = 1\nmin_spare_filters = 0\nmax_filters = 1\n"), log: quiet, random: () => 0 });
  pools.push(p);
  p.start();
  await until(() => p.status().states.idle === 1);
  const t0 = performance.now();
  const [first, second] = [p.submit(req(1)), p.submit(req(2))];
  expect(f.all[0].queued.length).toBe(1);
  expect(await first).toMatchObject({ ok: true });
  await until(() => p.status().counts.crashed === 1);
  expect(performance.now() - t0).toBeGreaterThan(1100);
  expect(await second).toMatchObject({ ok: false, code: "internal" }); // it hung again on its retry
});

test("a job sent ahead of a long scan is asked back for a process that went idle, and answered long before the scan ends", async () => {
  const f = fakes({ scanMsOf: (id) => (id === "m0" ? 800 : 10) });
  const p = pool("start_filters = 2\nmin_spare_filters = 0\nmax_filters = 2", f);
  await until(() => p.status().states.idle === 2);
  const t0 = performance.now();
  const long = p.submit(req(0));
  await until(() => f.all.some((x) => x.scanning !== undefined));
  const slow = f.all.find((x) => x.scanning !== undefined)!;
  const m1 = p.submit(req(1)); // the other, idle process
  const m2 = p.submit(req(2)); // both busy: sent ahead to the one whose scan started first
  expect(slow.queued.length).toBe(1);
  const r2 = (await m2) as Extract<Dispatched, { ok: true }>;
  expect(r2.ok).toBe(true);
  expect(r2.workerPid).not.toBe(slow.pid);
  expect(performance.now() - t0).toBeLessThan(600); // not behind m0's 800 ms
  expect(slow.started).toEqual(["m0"]);
  expect(p.status().counts).toMatchObject({ reclaimed: 1, retried: 0, crashed: 0 });
  expect((await Promise.all([long, m1])).every((r) => r.ok)).toBe(true);
});

test("a job sent ahead of a scan shorter than RECLAIM_AFTER_MS is not asked back: it runs where it was sent", async () => {
  const f = fakes({ scanMsOf: (id) => (id === "m0" ? 8 : 1) });
  const p = pool("start_filters = 2\nmin_spare_filters = 0\nmax_filters = 2", f);
  await until(() => p.status().states.idle === 2);
  const first = p.submit(req(0));
  await until(() => f.all.some((x) => x.scanning !== undefined));
  const busy = f.all.find((x) => x.scanning !== undefined)!;
  const rest = [p.submit(req(1)), p.submit(req(2))];
  expect(busy.queued.length).toBe(1);
  const out = (await Promise.all([first, ...rest])) as Extract<Dispatched, { ok: true }>[];
  expect(out[2].workerPid).toBe(busy.pid);
  await Bun.sleep(RECLAIM_AFTER_MS + 20); // the timer set when the other went idle finds nothing to ask back
  expect(p.status().counts).toMatchObject({ reclaimed: 0, answered: 3 });
});

test("reload while a process holds a running job and one sent ahead: both finish on the old generation", async () => {
  const f = fakes({ scanMs: 60 });
  const p = pool("start_filters = 1\nmin_spare_filters = 0\nmax_filters = 1", f);
  await until(() => p.status().states.idle === 1);
  const held = [p.submit(req(1)), p.submit(req(2))];
  expect(f.all[0].queued.length).toBe(1);
  p.reload(config("start_filters = 1\nmin_spare_filters = 0\nmax_filters = 1"));
  const fresh = p.submit(req(3));
  const out = (await Promise.all([...held, fresh])) as Extract<Dispatched, { ok: true }>[];
  expect(out.map((r) => r.generation)).toEqual([1, 1, 2]);
  await until(() => f.live().length === 1 && f.live()[0].pid !== f.all[0].pid);
});

test("recycling with jobs sent ahead: the old process answers what it holds before it leaves, nothing is lost", async () => {
  const f = fakes({ loadMs: 50, scanMs: 10 });
  const p = pool("start_filters = 1\nmin_spare_filters = 0\nmax_filters = 1\nmax_messages = 3\nrand_messages = 0", f);
  await until(() => p.status().states.idle === 1);
  const out = await Promise.all(Array.from({ length: 30 }, (_, i) => p.submit(req(i))));
  expect(out.every((r) => r.ok)).toBe(true);
  expect(p.status().counts.recycled).toBeGreaterThanOrEqual(2);
  expect(p.status().counts).toMatchObject({ crashed: 0, retried: 0, answered: 30 });
});

test("a process killed while busy: its request is retried on another and answered; it is replaced", async () => {
  const f = fakes({ scanMs: 50 });
  const p = pool("start_filters = 2\nmin_spare_filters = 2\nmax_filters = 3", f);
  await until(() => p.status().states.idle === 2);
  const pending = p.submit(req(1));
  await until(() => f.all.some((x) => x.scanning !== undefined));
  const victim = f.all.find((x) => x.scanning !== undefined)!;
  victim.die("SIGKILL");
  const r = (await pending) as Extract<Dispatched, { ok: true }>;
  expect(r.ok).toBe(true);
  expect(r.workerPid).not.toBe(victim.pid);
  expect(p.status().counts).toMatchObject({ retried: 1, crashed: 1 });
  await until(() => p.status().states.idle === 2 && f.live().length === 2);
});

test("a message that kills two processes is answered with an internal error, not lost", async () => {
  const f = fakes({ scanMs: 1000 });
  const p = pool("start_filters = 2\nmin_spare_filters = 0\nmax_filters = 2", f);
  await until(() => p.status().states.idle === 2);
  const pending = p.submit(req(1));
  for (let i = 0; i < 2; i++) {
    await until(() => f.live().some((x) => x.scanning !== undefined));
    f.live().find((x) => x.scanning !== undefined)!.die("SIGSEGV");
  }
  expect(await pending).toMatchObject({ ok: false, code: "internal" });
});

test("recycles a process after max_messages: it serves on until its replacement has loaded, so no request waits for a load", async () => {
  const f = fakes({ loadMs: 60, scanMs: 5 });
  const p = pool("start_filters = 1\nmin_spare_filters = 1\nmax_filters = 1\nmax_messages = 3\nrand_messages = 0", f);
  await until(() => p.status().states.idle === 1);
  const served = new Map<number, number>();
  let most = 0;
  for (let i = 0; i < 40; i++) {
    // One request at a time: each finds a loaded process idle, none waits for a load.
    expect(p.status().states.idle).toBe(1);
    const r = await p.submit(req(i));
    if (r.ok) served.set(r.workerPid, (served.get(r.workerPid) ?? 0) + 1);
    most = Math.max(most, working(p));
  }
  expect(served.size).toBeGreaterThanOrEqual(3);
  // Every process but the last served at least max_messages before it left.
  expect([...served.values()].slice(0, -1).every((n) => n >= 3)).toBe(true);
  expect(p.status().counts.recycled).toBeGreaterThanOrEqual(2);
  // While a replacement loads the pool holds one process more than max_filters, never two.
  expect(most).toBe(2);
  await until(() => f.live().length === 1 && p.status().states.idle === 1);
});
/** Processes not on their way out (a draining one finishes its last message and exits). */
const working = (p: Pool) => p.status().workers.filter((w) => w.state !== "draining").length;

test("processes reaching max_messages together are replaced one at a time: never more than max_filters + 1 processes", async () => {
  const f = fakes({ loadMs: 40, scanMs: 5 });
  const p = pool("start_filters = 3\nmin_spare_filters = 0\nmax_filters = 3\nmax_messages = 2\nrand_messages = 0", f);
  await until(() => p.status().states.idle === 3);
  let most = 0;
  let next = 0;
  await Promise.all(Array.from({ length: 3 }, async () => {
    while (next < 60) {
      next++;
      expect(await p.submit(req(next))).toMatchObject({ ok: true });
      most = Math.max(most, working(p));
    }
  }));
  expect(most).toBe(4);
  expect(p.status().counts.recycled).toBeGreaterThanOrEqual(3);
});

test("the scan watchdog fires so that a message and its one retry both end before the client's data_timeout", async () => {
  const cfg = (scan: string, client: string) => parseConfig(`[scan]\n${scan}\n[client]\n${client}\n`);
  expect(scanWatchdogMs(cfg("", ""))).toBe(10_000); // defaults: budget 5 s, data_timeout 30 s
  // A small budget still leaves the parse (not cut by the budget) 2 s when the client waits long enough.
  expect(scanWatchdogMs(cfg("time_budget_ms = 50", ""))).toBe(2050);
  for (const [budget, timeout] of [[5000, 30], [5000, 12], [20_000, 30], [200, 1], [50, 30], [50, 4]]) {
    const wd = scanWatchdogMs(cfg(`time_budget_ms = ${budget}`, `data_timeout = ${timeout}`));
    expect(wd).toBeGreaterThan(budget);
    if (2 * wd < timeout * 1000) continue;
    // Only a budget the client's timeout cannot hold gets less: never below budget + 0.5 s.
    expect(wd).toBe(budget + 500);
  }
  // A process that hangs is killed and the message retried within the client's patience.
  const f = fakes({ scanMs: 60_000 });
  const p = new Pool({ spawn: f.spawn, config: cfg("time_budget_ms = 200", "data_timeout = 2"), log: quiet, random: () => 0 });
  pools.push(p);
  p.start();
  const t0 = performance.now();
  expect(await p.submit(req(1))).toMatchObject({ ok: false, code: "internal" });
  expect(performance.now() - t0).toBeLessThan(2000);
});

test("a request whose client went away is not scanned, whether it waits in the queue or was sent ahead; one already running finishes", async () => {
  const f = fakes({ scanMs: 150 });
  const p = pool("start_filters = 1\nmin_spare_filters = 0\nmax_filters = 1", f);
  await until(() => p.status().states.idle === 1);
  const inProcess = new AbortController();
  const ahead = new AbortController();
  const waiting = new AbortController();
  const first = p.submit(req(1), inProcess.signal);
  const second = p.submit(req(2), ahead.signal);
  const third = p.submit(req(3), waiting.signal);
  const fourth = p.submit(req(4));
  expect(p.status().queue).toBe(2); // the second was sent ahead to the busy process
  expect(f.all[0].queued.length).toBe(1);
  waiting.abort();
  ahead.abort();
  inProcess.abort();
  // The process dropped the second; the fourth took its place ahead.
  expect(p.status().queue).toBe(0);
  expect(f.all[0].queued.length).toBe(1);
  expect(await second).toMatchObject({ ok: false, message: expect.stringContaining("client went away") });
  expect(await third).toMatchObject({ ok: false, message: expect.stringContaining("client went away") });
  expect(await first).toMatchObject({ ok: true });
  expect(await fourth).toMatchObject({ ok: true });
  expect(f.all[0].started).toEqual(["m1", "m4"]);
  expect(p.status().counts).toMatchObject({ abandoned: 2, answered: 2 });
  // Gone before it was submitted: never queued.
  expect(await p.submit(req(5), AbortSignal.abort())).toMatchObject({ ok: false });
  expect(p.status().counts.abandoned).toBe(3);
});

test("a process grown past max_rss is replaced like at max_messages", async () => {
  let rss = 100 * 1024;
  const f = fakes({ rssKiB: () => rss });
  const p = pool("start_filters = 1\nmin_spare_filters = 1\nmax_filters = 1\nmax_rss = 150", f);
  await until(() => p.status().states.idle === 1);
  const first = f.live()[0].pid;
  for (let i = 0; i < 3; i++) expect(await p.submit(req(i))).toMatchObject({ workerPid: first });
  expect(p.status().workers[0]).toMatchObject({ rss_mb: 100 });
  rss = 151 * 1024;
  await p.submit(req(9));
  await until(() => f.live().length === 1 && f.live()[0].pid !== first && p.status().states.idle === 1);
  expect(p.status().counts.recycled).toBe(1);
});

test("a replacement that cannot load leaves the recycled process serving", async () => {
  let broken = false;
  const f = fakes({ failLoad: () => broken });
  const p = pool("start_filters = 1\nmin_spare_filters = 1\nmax_filters = 1\nmax_messages = 2\nrand_messages = 0\nqueue_timeout = 0.5", f);
  await until(() => p.status().states.idle === 1);
  broken = true;
  const first = f.live()[0].pid;
  for (let i = 0; i < 6; i++) expect(await p.submit(req(i))).toMatchObject({ ok: true, workerPid: first });
});

test("idle processes above min_spare_filters exit after max_idle", async () => {
  const f = fakes({ scanMs: 40 });
  const p = pool("start_filters = 1\nmin_spare_filters = 1\nmax_filters = 4\nmax_idle = 1", f);
  await Promise.all(Array.from({ length: 8 }, (_, i) => p.submit(req(i))));
  expect(f.live().length).toBe(4);
  await until(() => f.live().length === 1, 4000);
  expect(p.status().counts.idleExited).toBe(3);
});

test("reload starts a new generation; in-flight requests finish on the old one", async () => {
  let version = "v1";
  const f = fakes({ scanMs: 80, version: () => version });
  const p = pool("start_filters = 2\nmin_spare_filters = 1\nmax_filters = 4", f);
  await until(() => p.status().states.idle === 2);
  const old = p.submit(req(1));
  await Bun.sleep(10);
  version = "v2";
  expect(p.reload(config("start_filters = 2\nmin_spare_filters = 1\nmax_filters = 4"))).toBe(2);
  const fresh = p.submit(req(2));
  const [a, b] = (await Promise.all([old, fresh])) as Extract<Dispatched, { ok: true }>[];
  expect([a.generation, a.result.score]).toEqual([1, 1]);
  expect([b.generation, b.result.score]).toEqual([2, 2]);
  await until(() => p.status().workers.every((w) => w.generation === 2));
  expect(p.status().workerRules?.version).toBe("v2");
});

test("processes that cannot load are backed off; waiting requests get `unavailable` naming the cause", async () => {
  const f = fakes({ failLoad: () => true });
  const p = pool("start_filters = 1\nmin_spare_filters = 1\nmax_filters = 2\nqueue_timeout = 0.5", f);
  const r = await p.submit(req(1));
  expect(r).toMatchObject({ ok: false, code: "unavailable" });
  expect((r as { message: string }).message).toContain("database broken");
  // Back-off doubles from 100 ms, so half a second sees a handful of attempts, not hundreds.
  expect(f.all.length).toBeLessThan(8);
});

test("stop finishes in-flight requests, then stops every process", async () => {
  const f = fakes({ scanMs: 60 });
  const p = pool("start_filters = 2\nmin_spare_filters = 0\nmax_filters = 2", f);
  await until(() => p.status().states.idle === 2);
  const inflight = [p.submit(req(1)), p.submit(req(2)), p.submit(req(3))];
  await Bun.sleep(5);
  await p.stop(2000);
  expect((await Promise.all(inflight)).every((r) => r.ok)).toBe(true);
  expect(f.live().length).toBe(0);
  expect(await p.submit(req(4))).toMatchObject({ ok: false, code: "shutting_down" });
});

test("recycling limits get max_messages plus random jitter up to rand_messages", async () => {
  const f = fakes();
  const rolls = [0, 0.5, 0.999];
  const p = new Pool({ spawn: f.spawn, config: config("start_filters = 3\nmin_spare_filters = 0\nmax_filters = 3\nmax_messages = 100\nrand_messages = 10"), log: quiet, random: () => rolls.shift() ?? 0 });
  pools.push(p);
  p.start();
  expect(p.status().workers.map((w) => w.max_messages)).toEqual([100, 105, 110]);
});

test("an idle process that crashes is replaced after a back-off, keeping min_spare_filters", async () => {
  const f = fakes();
  const p = pool("start_filters = 1\nmin_spare_filters = 1\nmax_filters = 2", f);
  await until(() => p.status().states.idle === 1);
  const first = f.live()[0];
  first.die("SIGSEGV");
  await until(() => p.status().counts.crashed === 1);
  await until(() => p.status().states.idle === 1 && f.live().length === 1);
  expect(f.live()[0].pid).not.toBe(first.pid);
  expect((await p.submit(req(1))).ok).toBe(true);
});

test("learn jobs go to filtering processes like scans: they wait in the same queue and come back by job id", async () => {
  const f = fakes({ scanMs: 40 });
  const p = pool("start_filters = 1\nmin_spare_filters = 0\nmax_filters = 1", f);
  const bytes = new TextEncoder().encode("Subject: learn me\r\n\r\nx\r\n");
  const [scan, learned] = await Promise.all([p.submit(req(1)), p.learn("ham", bytes)]);
  expect(scan.ok).toBe(true);
  expect(learned).toMatchObject({ ok: true, reply: { version: 1, outcome: "learned", ham: 1 }, generation: 1, workerPid: f.all[0].pid });
  expect(f.learned).toEqual([{ pid: f.all[0].pid, op: "ham", bytes: bytes.byteLength }]);
  expect(p.status().counts).toMatchObject({ requests: 2, answered: 2 });
});
