// A filtering process (`kas _worker`, started only by the master through self-exec). It
// never listens: it gets the config snapshot from the master, loads the rule database and
// policies once, then scans the requests the master sends it, one at a time, until told to
// shut down (recycling, idle, reload, stop) or until the master goes away. The master may
// send the next job while one runs (pool.ts sendAhead): jobs run one at a time in arrival
// order, the next one starting as soon as the result of the one before is sent, so the
// process does not sit idle while the master reads a result and answers its client. It also learns
// the messages of POST /v1/learn into the server's token database (the master never parses
// messages; the scanner's `learn` opens the writer on first use and `close` closes it at exit).
// Its states: loading → serving ⇄ scanning → exiting.
import type { KasConfig } from "../config/schema";
import type { DnsAnswer, Resolver } from "../dns/types";
import type { ScanRequest, ScanResult } from "../model";
import type { ScanOptions } from "../engine/scan";
import { UsageError } from "../errors";
import { configureLog, logger } from "../log/index";
import type { RuleDb } from "../ruledb/types";
import type { LearnOp, LearnReply } from "../protocol/kas/learn";
import { isMasterMessage, masterFromWire, toWire, type LearnErrorCode, type MasterToWorker, type SpfAnswer, type SpfQuery, type WorkerToMaster } from "./ipc";

/** What the worker needs from the engine (engine/scanner.ts provides it). */
export interface WorkerScanner {
  db: Pick<RuleDb, "version" | "digest">;
  dbSource: string;
  scan(req: ScanRequest, opts?: ScanOptions): Promise<ScanResult>;
  /** Learns one message (POST /v1/learn); without it the worker answers learn_error. */
  learn?(op: LearnOp, raw: Uint8Array): Promise<LearnAnswer>;
  /** Releases what learning opened (the token database writer); called once, before exit. */
  close?(): void;
}
export type LearnAnswer = { ok: true; reply: LearnReply } | { ok: false; code: LearnErrorCode; error: string };
export type ScannerFactory = (config: KasConfig, deps: { spf: (q: SpfQuery) => Promise<SpfAnswer>; dns: Resolver }) => Promise<WorkerScanner>;

export interface Channel {
  send(m: WorkerToMaster): void;
  onMessage(cb: (m: MasterToWorker) => void): void;
  onDisconnect(cb: () => void): void;
  exit(code: number): void;
}

type State = "waiting" | "loading" | "serving" | "scanning" | "exiting";

// Resident memory ([server] max_rss, `kas status`) is read after the first scan, every
// RSS_EVERY-th after it, and after every message of RSS_LARGE bytes or more: one reading
// costs 20-25 µs in a filtering process right after a scan (measured on the evaluation
// split, 2-3 % of its CPU per message), and what max_rss guards against, a slow leak or the
// memory a large message leaves, is still seen within a few messages (a large one at once).
export const RSS_EVERY = 16;
export const RSS_LARGE = 1 << 20;

/** Serves until shutdown; `exit` is called exactly once. */
export function runWorker(ch: Channel, factory: ScannerFactory): void {
  let log: ReturnType<typeof logger> | undefined; // created after configureLog (children copy the level)
  let state: State = "waiting";
  let scanner: WorkerScanner | undefined;
  let exitAfterScan = false;
  let nextQuery = 1;
  let scans = 0;
  const pendingSpf = new Map<number, (a: { answer?: SpfAnswer; error?: string }) => void>();
  const pendingDns = new Map<number, (a: { answer?: DnsAnswer; error?: string }) => void>();

  const exit = (code: number) => {
    if (state === "exiting") return;
    state = "exiting";
    try {
      scanner?.close?.();
    } catch (e) {
      (log ?? logger("worker")).warn("closing the token database: %s", e instanceof Error ? e.message : e);
    }
    ch.exit(code);
  };

  // SPF goes through the master so the pool shares one DNS cache (wired in by the lead).
  const spf = (query: SpfQuery) =>
    new Promise<SpfAnswer>((resolve, reject) => {
      const queryId = nextQuery++;
      pendingSpf.set(queryId, (a) => (a.answer ? resolve(a.answer) : reject(new Error(a.error ?? "SPF service failed"))));
      ch.send({ type: "spf_query", queryId, query });
    });
  // Every other check's DNS (DNSBL, DKIM keys, DMARC records) asks the same cache, one question at a time.
  const dns: Resolver = {
    query: (name, qtype) =>
      new Promise<DnsAnswer>((resolve, reject) => {
        const queryId = nextQuery++;
        pendingDns.set(queryId, (a) => (a.answer ? resolve(a.answer) : reject(new Error(a.error ?? "DNS service failed"))));
        ch.send({ type: "dns_query", queryId, name, qtype });
      }),
  };

  async function load(config: KasConfig) {
    state = "loading";
    configureLog(config.log);
    log = logger("worker");
    const t0 = performance.now();
    try {
      scanner = await factory(config, { spf, dns });
    } catch (e) {
      ch.send({ type: "failed", error: e instanceof Error ? e.message : String(e) });
      return exit(1);
    }
    if (exitAfterScan) return exit(0);
    state = "serving";
    ch.send({ type: "ready", rules: { version: scanner.db.version, digest: scanner.db.digest, source: scanner.dbSource }, loadMs: Math.round(performance.now() - t0) });
  }

  /** Jobs received while one runs (the master sends at most one ahead), oldest first. */
  const queued: { jobId: number; work: (s: WorkerScanner) => Promise<void> }[] = [];

  /** Refused unless loaded; run now when serving, else after the jobs before it. */
  function runJob(jobId: number, refuse: (why: string) => void, work: (s: WorkerScanner) => Promise<void>) {
    if (!scanner || (state !== "serving" && state !== "scanning")) return refuse(`filtering process not ready (${state})`);
    queued.push({ jobId, work });
    if (state === "serving") void drain(scanner);
  }
  /** Runs every held job, one at a time; then exits if asked to (shutdown drains them all), else serves again. */
  async function drain(s: WorkerScanner) {
    state = "scanning";
    for (let next = queued.shift(); next; next = queued.shift()) await next.work(s);
    if (exitAfterScan) return exit(0);
    state = "serving";
  }
  // IPC may deliver a Buffer or a plain view; the engine wants a Uint8Array.
  const asBytes = (b: unknown) => (b instanceof Uint8Array ? b : new Uint8Array(b as ArrayBufferLike));
  const failure = (e: unknown) => (e instanceof Error ? (e.stack ?? e.message) : e);

  const scan = (jobId: number, request: ScanRequest) =>
    runJob(
      jobId,
      (error) => ch.send({ type: "scan_error", jobId, error }),
      async (s) => {
        try {
          // CPU, not wall time: on a busy host the wall clock also counts other processes' turns.
          const c0 = process.cpuUsage();
          let after: (() => Promise<string[]>) | undefined;
          const result = await s.scan({ ...request, raw: asBytes(request.raw) }, { afterReply: (f) => (after = f) });
          const c = process.cpuUsage(c0);
          const rssKiB = ++scans % RSS_EVERY === 1 || request.raw.byteLength >= RSS_LARGE ? Math.round(process.memoryUsage.rss() / 1024) : undefined;
          ch.send({ type: "result", jobId, result, cpuMs: (c.user + c.system) / 1000, rssKiB });
          // Auto-learning needs the verdict, not the client: it runs once the result is on its
          // way, before the next job (one token writer per process); its notes go to the log.
          if (after) for (const note of await after()) (log ?? logger("worker")).info("%s: %s", request.id, note);
        } catch (e) {
          (log ?? logger("worker")).error("scan %s failed: %s", request.id, failure(e));
          ch.send({ type: "scan_error", jobId, error: e instanceof Error ? e.message : String(e) });
        }
      },
    );

  const learn = (jobId: number, op: LearnOp, bytes: Uint8Array) =>
    runJob(
      jobId,
      (error) => ch.send({ type: "learn_error", jobId, code: "internal", error }),
      async (s) => {
        if (!s.learn) return ch.send({ type: "learn_error", jobId, code: "unavailable", error: "this server cannot learn" });
        try {
          const a = await s.learn(op, asBytes(bytes));
          ch.send(a.ok ? { type: "learn_result", jobId, reply: a.reply } : { type: "learn_error", jobId, code: a.code, error: a.error });
        } catch (e) {
          (log ?? logger("worker")).error("learning failed: %s", failure(e));
          ch.send({ type: "learn_error", jobId, code: "internal", error: e instanceof Error ? e.message : String(e) });
        }
      },
    );

  ch.onMessage((m) => {
    if (!isMasterMessage(m)) return;
    switch (m.type) {
      case "init":
        if (state === "waiting") void load(m.config);
        return;
      case "scan":
        scan(m.jobId, m.request);
        return;
      case "learn":
        learn(m.jobId, m.op, m.raw);
        return;
      case "cancel": {
        // The client of a job sent ahead went away: drop it unless it has started (then its result comes as usual).
        const i = queued.findIndex((j) => j.jobId === m.jobId);
        if (i >= 0) {
          queued.splice(i, 1);
          ch.send({ type: "cancelled", jobId: m.jobId });
        }
        return;
      }
      case "spf_answer":
        pendingSpf.get(m.queryId)?.({ answer: m.answer, error: m.error });
        pendingSpf.delete(m.queryId);
        return;
      case "dns_answer":
        pendingDns.get(m.queryId)?.({ answer: m.answer, error: m.error });
        pendingDns.delete(m.queryId);
        return;
      case "shutdown":
        if (state === "scanning" || state === "loading") exitAfterScan = true;
        else exit(0);
        return;
    }
  });
  // The master is gone (crashed or killed -9): nobody can use our answers.
  ch.onDisconnect(() => exit(0));
}

/** The production channel: Bun's IPC to the parent. Also makes the worker ignore terminal signals: the master coordinates shutdown. */
export function processChannel(): Channel {
  if (!process.send) throw new UsageError("kas _worker is a filtering process of `kas serve`: it has no IPC channel when run by hand", "start the server with `kas serve`");
  // Ctrl-C in a terminal signals the whole process group: let the master drain us instead.
  process.on("SIGINT", () => {});
  process.on("SIGHUP", () => {});
  return {
    send: (m) => void process.send!(toWire(m)),
    onMessage: (cb) => void process.on("message", (m) => cb(masterFromWire(m) as MasterToWorker)),
    onDisconnect: (cb) => void process.on("disconnect", cb),
    exit: (code) => process.exit(code),
  };
}
