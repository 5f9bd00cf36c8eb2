// The pool of filtering processes, as the master keeps it. The master never scans: every
// request (a scan or a learn job, job.ts) goes to an idle filtering process of the current
// generation; when none is idle a new one is started (up to max_filters), beyond that
// requests wait in a bounded queue with a deadline and then get an explicit temporary
// failure, never a hang. A process that dies holding a request has that request retried
// once on another process. When every process is busy and the pool is at max_filters, a
// waiting request is sent ahead to a busy process (at most one per process), which starts it
// the moment it answers the one it runs: it never idles while the master reads its result and
// answers the client (measured: 1.1 ms of wall time per message on an idle 2-CPU machine).
// Processes are recycled after max_messages (+ jitter) or above
// max_rss, their replacement loading first; idle
// ones above min_spare_filters exit after max_idle. reload() starts a new generation:
// in-flight requests finish on the old one. Spawning is injected (spawn.ts in production,
// fakes in pool.test.ts).
import type { KasConfig } from "../config/schema";
import type { Resolver } from "../dns/types";
import type { ScanRequest, ScanTimings } from "../model";
import type { LearnOp } from "../protocol/kas/learn";
import { WORKER_STATES, type SpfAnswer, type SpfQuery, type WorkerToMaster } from "./ipc";
import { asDispatched, asLearned, jobLabel, jobMessage, settleWith, type Answer, type Dispatched, type Job, type Learned, type Work } from "./job";
import { WaitQueue } from "./wait-queue";
import { handleRow, relayDns, relaySpf, retire, startHandle, watch, type Spawner, type WorkerHandle } from "./worker-handle";

export type { Dispatched, Learned } from "./job";
export type { Spawner, WorkerProc } from "./worker-handle";

export type PoolLog = Record<"info" | "warn" | "error" | "debug", (msg: string, ...a: unknown[]) => void>;

type Handle = WorkerHandle<Job>;

export interface PoolOptions {
  spawn: Spawner;
  config: KasConfig;
  log: PoolLog;
  random?: () => number;
  /** The master's SPF service (wired by the lead); without it workers get an error answer. */
  spf?: (q: SpfQuery) => Promise<SpfAnswer>;
  /** The master's caching resolver for the checks' `dns_query` (DNSBL, DKIM, DMARC). */
  dns?: Resolver;
}

/** Time left past a small budget for the MIME parse, which the budget does not cut (scanWatchdogMs). */
const PARSE_SLACK_MS = 2000;

/**
 * How long a filtering process may hold one scan before it is killed (and the message retried
 * once elsewhere). The engine stops matching at time_budget_ms, so twice that is generous
 * slack, and at least PARSE_SLACK_MS more: the budget cuts rule matching, not the MIME parse,
 * which for a message near max_message_size takes a few hundred ms on an idle 2-core host and
 * several times that on a loaded one (with the 50 ms budget, 550 ms killed a 14 MB HTML
 * message twice and answered 500). But a client gives up after [client] data_timeout, and an
 * answer it no longer waits for helps nobody: the watchdog fires so that both attempts end
 * before that, and never sooner than half a second past the budget.
 */
export function scanWatchdogMs(c: Pick<KasConfig, "scan" | "client">): number {
  const budget = c.scan.time_budget_ms;
  const generous = Math.max(budget * 2, budget + PARSE_SLACK_MS);
  return Math.max(budget + 500, Math.min(generous, (c.client.data_timeout * 1000 - 2000) / 2));
}

/**
 * A job sent ahead waits for the scan before it. Most scans take about a millisecond, but a
 * large or hostile message can hold its process up to the watchdog (seconds): once the scan
 * in front has run this long and another process is idle with nothing waiting, the job is
 * asked back (`cancel`; the process gives it up only if it has not started it) and runs on
 * the idle one. Twenty times a typical scan, so a busy pool does not churn; under the p99
 * goal of 50 ms, so one slow message does not make the next one slow too.
 */
export const RECLAIM_AFTER_MS = 20;

/** Back-off after a crash or failed load: 100 ms doubling to 10 s, reset by a process that becomes ready. */
const backoffMs = (failures: number) => Math.min(10_000, 100 * 2 ** Math.max(0, failures - 1));

/**
 * Asks `h` to drop `job`, sent ahead, unless it has started it (it answers `cancelled` only if
 * it dropped it). A process whose channel is gone is about to exit, and its exit hands back
 * what it held.
 */
function cancel(h: WorkerHandle<Job>, job: Job): void {
  try {
    h.proc.send({ type: "cancel", jobId: job.seq });
  } catch {}
}

export class Pool {
  generation = 1;
  private config: KasConfig;
  private readonly handles = new Map<number, Handle>();
  private readonly queue = new WaitQueue<Job>((job) => this.expired(job));
  private nextId = 1;
  private nextSeq = 1;
  private failures = 0;
  private spawnNotBefore = 0;
  private spawnTimer?: ReturnType<typeof setTimeout>;
  private reaper?: ReturnType<typeof setInterval>;
  private reclaimTimer?: ReturnType<typeof setTimeout>;
  private stopping = false;
  private lastLoadError?: string;
  readonly counts = {
    requests: 0, answered: 0, retried: 0, failed: 0, queuedTimeout: 0, refused: 0, abandoned: 0, spawned: 0, crashed: 0, recycled: 0, idleExited: 0, reclaimed: 0,
    // Cumulative milliseconds, for the per-message breakdown of bench:serve and /v1/status: the
    // engine's own (wall) timers of each scan and the CPU time the scan took in its process,
    // the master's job-started-to-result wall time (the scan plus IPC and the process's work
    // around it; a job sent ahead starts when the result before it arrives), and the
    // filtering processes' load times.
    scanMs: 0, scanCpuMs: 0, parseMs: 0, checksMs: 0, rulesMs: 0, roundTripMs: 0, loadMs: 0,
  };
  private readonly random: () => number;

  constructor(private readonly opts: PoolOptions) {
    this.config = opts.config;
    this.random = opts.random ?? Math.random;
  }

  private get s() {
    return this.config.server;
  }

  start(): void {
    const n = Math.min(this.s.max_filters, Math.max(this.s.start_filters, this.s.min_spare_filters));
    for (let i = 0; i < n; i++) this.spawnOne();
    const tick = Math.max(50, Math.min(1000, (this.s.max_idle * 1000) / 4));
    this.reaper = setInterval(() => this.reapIdle(), tick);
  }

  /**
   * Hands a request to a filtering process; always settles (queue_timeout bounds the wait).
   * `signal`: the client's connection; when it closes while the request still waits, the
   * request leaves the queue unscanned (nobody would read the verdict, and under overload a
   * queue of abandoned requests would make every live one wait longer).
   */
  submit(request: ScanRequest, signal?: AbortSignal): Promise<Dispatched> {
    return this.run({ kind: "scan", request }, signal).then(asDispatched);
  }

  /** POST /v1/learn: a filtering process parses the message and writes the token database, like a scan. */
  learn(op: LearnOp, raw: Uint8Array): Promise<Learned> {
    return this.run({ kind: "learn", id: `learn-${this.nextSeq}`, op, raw }).then(asLearned);
  }

  private run(work: Work, signal?: AbortSignal): Promise<Answer> {
    this.counts.requests++;
    if (this.stopping) return Promise.resolve({ ok: false, code: "shutting_down", message: "server is shutting down" });
    const gone: Answer = { ok: false, code: "busy", message: "the client went away while the request waited; not scanned" };
    if (signal?.aborted) return (this.counts.abandoned++, Promise.resolve(gone));
    return new Promise<Answer>((resolve) => {
      let settled = false;
      const abandon = () => {
        if (!this.queue.remove(job) && !this.cancelAhead(job)) return; // already started in a process: its scan finishes
        this.counts.abandoned++;
        job.settle(gone);
      };
      const job: Job = { seq: this.nextSeq++, work, attempts: 0, settle: (d) => {
        if (settled) return;
        settled = job.settled = true;
        clearTimeout(job.timer);
        signal?.removeEventListener("abort", abandon);
        this.counts[d.ok ? "answered" : "failed"]++;
        resolve(d);
      } };
      signal?.addEventListener("abort", abandon, { once: true });
      if (!this.assign(job)) this.enqueue(job);
      this.maintain();
    });
  }

  private enqueue(job: Job, front = false): void {
    if (this.queue.add(job, { front, size: this.s.queue_size, timeoutMs: this.s.queue_timeout * 1000 })) return;
    this.counts.refused++;
    job.settle({ ok: false, code: "busy", message: `all ${this.live().length} filtering processes are busy and the queue is full (queue_size ${this.s.queue_size})` });
  }

  private expired(job: Job): void {
    this.counts.queuedTimeout++;
    const why = this.lastLoadError ? `; last filtering process failed to load: ${this.lastLoadError}` : "";
    job.settle({ ok: false, code: this.lastLoadError ? "unavailable" : "busy", message: `no filtering process became free within queue_timeout ${this.s.queue_timeout}s${why}` });
  }

  private assign(job: Job): boolean {
    let best: Handle | undefined;
    for (const h of this.handles.values()) if (h.state === "idle" && h.generation === this.generation && (!best || h.idleSince > best.idleSince)) best = h;
    // Most recently idle first: keeps the others idle long enough for max_idle to shrink the pool.
    if (!best) return this.sendAhead(job);
    best.state = "busy";
    best.job = job;
    this.started(best, job);
    this.send(best, job);
    return true;
  }

  /**
   * No process is idle: `job` goes to a busy one to run next, unless the pool may still grow
   * (then a new process takes it, as before). At most one job ahead per process, and only to
   * a process of the current generation that is not leaving; the one whose current job
   * started first gets it (likely the first to finish).
   */
  private sendAhead(job: Job): boolean {
    if (this.tally().working < this.s.max_filters) return false;
    let best: Handle | undefined;
    for (const h of this.handles.values()) {
      if (h.state !== "busy" || h.generation !== this.generation || h.next || !h.job) continue;
      if (!best || (h.job.sentAt ?? 0) < (best.job!.sentAt ?? 0)) best = h;
    }
    if (!best) return false;
    best.next = job;
    clearTimeout(job.timer); // no longer waiting in the queue: the watchdog takes over once it starts
    job.timer = undefined;
    this.send(best, job);
    return true;
  }

  /** `h` starts `job` now: its watchdog runs from here, not from when the job was sent. */
  private started(h: Handle, job: Job): void {
    clearTimeout(job.timer);
    job.timer = undefined;
    job.sentAt = performance.now();
    const limitMs = scanWatchdogMs(this.config);
    watch(h, limitMs, () => h.job === job, () => this.opts.log.error("filtering process #%d (pid %d) exceeded %d ms on message %s: killing it", h.id, h.proc.pid, limitMs, jobLabel(job)));
  }

  private send(h: Handle, job: Job): void {
    try {
      h.proc.send(jobMessage(job));
    } catch {
      h.proc.kill("SIGKILL"); // the exit handler retries its requests elsewhere
    }
  }

  /** The client of a job sent ahead went away: the process drops it unless it has started it. */
  private cancelAhead(job: Job): boolean {
    for (const h of this.handles.values()) {
      if (h.next !== job) continue;
      cancel(h, job);
      return true;
    }
    return false;
  }

  private pump(): void {
    this.queue.drainInto((job) => this.assign(job));
    if (this.queue.length === 0) this.reclaimAhead();
    this.maintain();
  }

  /**
   * Nothing waits in the queue: jobs sent ahead of scans that have run RECLAIM_AFTER_MS are
   * asked back for the idle processes (their `cancelled` answer requeues them). Jobs whose
   * scan in front is younger are looked at again when it comes of age, by one timer.
   */
  private reclaimAhead(): void {
    let idle = 0;
    let ahead = false;
    for (const h of this.handles.values()) {
      if (h.state === "idle" && h.generation === this.generation) idle++;
      if (h.next && !h.reclaiming) ahead = true;
    }
    if (!idle || !ahead) return;
    const now = performance.now();
    let soonest = Infinity;
    for (const h of this.handles.values()) {
      if (!h.next || h.reclaiming || h.next.settled || h.job?.sentAt === undefined) continue;
      const due = h.job.sentAt + RECLAIM_AFTER_MS - now;
      if (due > 0) {
        soonest = Math.min(soonest, due);
        continue;
      }
      h.reclaiming = true;
      this.opts.log.debug("filtering process #%d has scanned message %s for %d ms: asking back %s, sent ahead, for an idle process", h.id, jobLabel(h.job), Math.round(now - h.job.sentAt), jobLabel(h.next));
      cancel(h, h.next);
      if (--idle === 0) return;
    }
    if (soonest < Infinity && !this.reclaimTimer) {
      this.reclaimTimer = setTimeout(() => {
        this.reclaimTimer = undefined;
        if (this.queue.length === 0) this.reclaimAhead();
      }, Math.ceil(soonest));
      this.reclaimTimer.unref?.();
    }
  }

  private live(): Handle[] {
    return [...this.handles.values()].filter((h) => h.state !== "dead");
  }

  /** Processes not leaving (any generation); starting and idle ones of the current generation. One pass: it runs for every job. */
  private tally(): { working: number; starting: number; idle: number } {
    let working = 0, starting = 0, idle = 0;
    for (const h of this.handles.values()) {
      if (h.state !== "draining" && h.state !== "dead") working++;
      if (h.generation !== this.generation) continue;
      if (h.state === "starting") starting++;
      else if (h.state === "idle") idle++;
    }
    return { working, starting, idle };
  }

  /** Start processes for waiting requests and to keep min_spare_filters ready, within max_filters and the back-off. */
  private maintain(): void {
    const { working, starting, idle } = this.tally();
    const forQueue = Math.max(0, this.queue.length - starting);
    const forSpare = this.stopping ? 0 : Math.max(0, this.s.min_spare_filters - idle - starting - forQueue);
    const want = Math.min(forQueue + forSpare, this.s.max_filters - working);
    if (want <= 0) return;
    const wait = this.spawnNotBefore - Date.now();
    if (wait > 0) {
      if (!this.spawnTimer) this.spawnTimer = setTimeout(() => ((this.spawnTimer = undefined), this.maintain()), wait);
      return;
    }
    for (let i = 0; i < want; i++) this.spawnOne();
  }

  /**
   * max_messages reached: a replacement is started and `h` serves on until it is ready, so no
   * request waits while a process loads its rules. One replacement loads at a time (the pool
   * holds at most one process more than max_filters); a process whose turn has not come, or
   * within the crash back-off, serves on and asks again after its next message.
   */
  private recycle(h: Handle): void {
    if (this.stopping || h.generation !== this.generation || Date.now() < this.spawnNotBefore) return;
    for (const x of this.handles.values()) if (x.state === "starting" && x.replaces !== undefined) return;
    this.counts.recycled++;
    const next = this.spawnOne();
    if (!next) return;
    h.successor = next.id;
    next.replaces = h.id;
  }

  /** Grown past [server] max_rss: a leak, or a huge message whose memory the heap keeps. */
  private overRss(h: Handle): boolean {
    return this.s.max_rss > 0 && (h.rssKiB ?? 0) > this.s.max_rss * 1024;
  }

  private spawnOne(): Handle | undefined {
    const id = this.nextId++;
    this.counts.spawned++;
    try {
      const h: Handle = startHandle<Job>(
        { id, generation: this.generation, config: this.config, random: this.random, spawn: this.opts.spawn, onKill: (why) => this.opts.log.error("filtering process #%d (pid %d) %s: killing it", id, h.proc.pid, why) },
        (h) => ({ message: (m) => this.onMessage(h, m), exit: (code, signal) => this.onExit(h, code, signal) }),
      );
      this.handles.set(id, h);
      this.opts.log.debug("started filtering process #%d (pid %d, generation %d)", id, h.proc.pid, h.generation);
      return h;
    } catch (e) {
      this.opts.log.error("cannot start a filtering process: %s", e instanceof Error ? e.message : e);
      this.failures++;
      this.spawnNotBefore = Date.now() + backoffMs(this.failures);
    }
  }

  private onMessage(h: Handle, m: WorkerToMaster): void {
    switch (m.type) {
      case "ready": {
        clearTimeout(h.watchdog);
        h.rules = m.rules;
        this.counts.loadMs += m.loadMs;
        this.failures = 0;
        this.lastLoadError = undefined;
        if (h.state !== "starting") return; // reload or stop retired it meanwhile
        h.state = "idle";
        h.idleSince = Date.now();
        this.opts.log.debug("filtering process #%d ready in %d ms (rules %s)", h.id, m.loadMs, m.rules.version);
        const old = h.replaces === undefined ? undefined : this.handles.get(h.replaces);
        if (old && old.successor === h.id && !old.retiring) {
          this.opts.log.info("filtering process #%d (pid %d) recycled after %d messages (%d MiB resident); #%d takes its place", old.id, old.proc.pid, old.messages, Math.round((old.rssKiB ?? 0) / 1024), h.id);
          if (old.state === "busy") old.state = "draining"; // retired when its result arrives
          else retire(old, "max_messages reached");
        }
        return this.pump();
      }
      case "failed":
        this.lastLoadError = m.error;
        this.opts.log.error("filtering process #%d failed to load: %s", h.id, m.error);
        return;
      case "cancelled": {
        const job = h.next;
        if (job?.seq !== m.jobId) return;
        const asked = h.reclaiming;
        h.next = undefined;
        h.reclaiming = false;
        // Dropped because its client went away (cancelAhead, which settles it), or asked back.
        if (asked && !job.settled) {
          // Asked back from behind a long scan (reclaimAhead): first in line for the idle process.
          this.counts.reclaimed++;
          this.enqueue(job, true);
        }
        return this.pump(); // its place ahead is free for the next waiting job
      }
      case "result":
      case "scan_error":
      case "learn_result":
      case "learn_error": {
        const job = h.job;
        if (!job || job.seq !== m.jobId) return;
        clearTimeout(h.watchdog);
        h.job = undefined;
        h.messages++;
        if (m.type === "result") {
          this.time(job, m.result.timings, m.cpuMs);
          if (m.rssKiB) h.rssKiB = m.rssKiB;
        }
        const error = settleWith(job, m, { generation: h.generation, workerPid: h.proc.pid });
        if (error) this.opts.log.error("%s (filtering process #%d)", error, h.id);
        if (h.next) {
          // The process started its next job as it sent this answer (a `cancel` asking it back
          // came too late and is ignored there).
          h.job = h.next;
          h.next = undefined;
          h.reclaiming = false;
          this.started(h, h.job);
          if (h.state === "busy" && (h.messages >= h.limit || this.overRss(h))) this.recycle(h);
        } else if (h.state === "draining") {
          if (!h.retiring) retire(h, h.successor ? "max_messages reached" : "generation rolled over");
        } else {
          h.state = "idle";
          h.idleSince = Date.now();
          if (h.messages >= h.limit || this.overRss(h)) this.recycle(h);
        }
        return this.pump();
      }
      case "spf_query":
        return relaySpf(h, m, this.opts.spf);
      case "dns_query":
        return relayDns(h, m, this.opts.dns);
    }
  }

  private time(job: Job, t: ScanTimings | undefined, cpuMs = 0): void {
    const c = this.counts;
    if (job.sentAt !== undefined) c.roundTripMs += performance.now() - job.sentAt;
    c.scanCpuMs += cpuMs;
    if (!t) return;
    c.scanMs += t.totalMs;
    c.parseMs += t.parseMs;
    c.checksMs += t.checksMs;
    c.rulesMs += t.rulesMs;
  }

  private onExit(h: Handle, code: number | null, signal: string | null): void {
    const was = h.state;
    clearTimeout(h.watchdog);
    h.state = "dead";
    this.handles.delete(h.id);
    const crashed = !h.retiring || code !== 0;
    if (crashed && !this.stopping) {
      this.counts.crashed++;
      this.failures++;
      this.spawnNotBefore = Date.now() + backoffMs(this.failures);
      const how = signal ? `killed by ${signal}` : `exit code ${code}`;
      this.opts.log.warn("filtering process #%d (pid %d) died (%s) while %s; replacing it after %d ms", h.id, h.proc.pid, how, was, backoffMs(this.failures));
    }
    // The job sent ahead goes back first, so the one it was running stays in front of it.
    const [running, ahead] = [h.job, h.next];
    h.job = h.next = undefined;
    if (ahead) this.lost(ahead, false);
    if (running) this.lost(running, true);
    this.pump();
  }

  /**
   * A process died holding `job`: retried once on another process. A job sent ahead that had
   * not started does not count as a try, but a message that keeps coming back (3 processes)
   * is given up all the same.
   */
  private lost(job: Job, running: boolean): void {
    if (job.settled) return; // its client went away meanwhile
    if (running) job.attempts++;
    else job.bounced = (job.bounced ?? 0) + 1;
    if (job.attempts <= 1 && (job.bounced ?? 0) < 3) {
      this.counts.retried++;
      this.opts.log.warn("retrying message %s on another filtering process", jobLabel(job));
      this.enqueue(job, true);
    } else job.settle({ ok: false, code: "internal", message: job.attempts > 1 ? "two filtering processes died scanning this message" : "filtering processes holding this message died three times" });
  }

  private reapIdle(): void {
    const now = Date.now();
    const idle = [...this.handles.values()].filter((h) => h.state === "idle" && h.generation === this.generation).sort((a, b) => a.idleSince - b.idleSince);
    let excess = idle.length - this.s.min_spare_filters;
    for (const h of idle) {
      if (excess <= 0) break;
      if (now - h.idleSince < this.s.max_idle * 1000) break;
      this.counts.idleExited++;
      this.opts.log.info("filtering process #%d (pid %d) idle for %ds: exiting", h.id, h.proc.pid, Math.round((now - h.idleSince) / 1000));
      retire(h, "max_idle");
      excess--;
    }
  }

  /** New config (already validated by the caller): new generation; old processes finish what they hold, then exit. */
  reload(config: KasConfig): number {
    this.config = config;
    this.generation++;
    for (const h of this.handles.values()) {
      if (h.generation === this.generation || h.state === "dead" || h.state === "draining") continue;
      if (h.state === "busy") h.state = "draining"; // retired when its result arrives
      else retire(h, "generation rolled over");
    }
    this.failures = 0;
    this.spawnNotBefore = 0;
    const n = Math.min(this.s.max_filters, Math.max(this.s.start_filters, this.s.min_spare_filters, this.queue.length ? 1 : 0));
    for (let i = 0; i < n; i++) this.spawnOne();
    this.maintain();
    return this.generation;
  }

  /** Finish queued and in-flight requests (bounded by timeoutMs), then stop every process. */
  async stop(timeoutMs: number): Promise<void> {
    this.stopping = true;
    clearInterval(this.reaper);
    clearTimeout(this.reclaimTimer);
    clearTimeout(this.spawnTimer);
    const deadline = Date.now() + timeoutMs;
    while ((this.queue.length || this.live().some((h) => h.job || h.next)) && Date.now() < deadline) await Bun.sleep(20);
    for (const job of this.queue.clear()) job.settle({ ok: false, code: "shutting_down", message: "server stopped before a filtering process was free" });
    for (const h of this.live()) {
      for (const job of [h.job, h.next]) job?.settle({ ok: false, code: "shutting_down", message: `server stopped: scan not finished within shutdown_timeout` });
      h.job = h.next = undefined;
      if (!h.retiring) retire(h, "server stopping");
    }
    const killAt = Date.now() + 2000;
    while (this.live().length && Date.now() < killAt) await Bun.sleep(20);
    for (const h of this.live()) h.proc.kill("SIGKILL");
    while (this.live().length && Date.now() < killAt + 1000) await Bun.sleep(20);
  }

  status() {
    const workers = [...this.handles.values()].map(handleRow);
    const states = Object.fromEntries(WORKER_STATES.filter((s) => s !== "dead").map((s) => [s, workers.filter((w) => w.state === s).length]));
    const rules = [...this.handles.values()].find((h) => h.generation === this.generation && h.rules)?.rules;
    return { generation: this.generation, states, queue: this.queue.length, workers, counts: { ...this.counts }, workerRules: rules, lastLoadError: this.lastLoadError };
  }
}
