// The master's handle on one filtering process: how it is started (init message with the
// config snapshot, a load deadline, its recycling limit with jitter), asked to leave, and
// watched while it scans; plus the row `kas status` shows for it. The pool (pool.ts) decides
// when; this file knows how. Spawning itself is injected (spawn.ts; fakes in tests).
import type { KasConfig } from "../config/schema";
import type { Resolver } from "../dns/types";
import type { MasterToWorker, RulesInfo, SpfAnswer, SpfQuery, WorkerState, WorkerToMaster } from "./ipc";

export interface WorkerProc {
  readonly pid: number;
  send(m: MasterToWorker): void;
  kill(signal?: NodeJS.Signals): void;
}
/** Starts one filtering process; the pool gets its messages and its exit through the callbacks. */
export type Spawner = (events: { message(m: WorkerToMaster): void; exit(code: number | null, signal: string | null): void }) => WorkerProc;

export interface WorkerHandle<J> {
  id: number;
  proc: WorkerProc;
  generation: number;
  state: WorkerState;
  messages: number;
  /** max_messages plus this process's share of rand_messages. */
  limit: number;
  startedAt: number;
  idleSince: number;
  /** The job it runs, until its answer arrives. */
  job?: J;
  /** A job sent ahead while `job` runs (pool.ts sendAhead): the process starts it when it answers `job`. */
  next?: J;
  /** `next` was asked back to run on an idle process (pool.ts reclaimAhead); its answer is awaited. */
  reclaiming?: boolean;
  rules?: RulesInfo;
  /** We asked it to exit (recycle, idle, reload, stop): its exit is not a crash. */
  retiring: boolean;
  /** Recycling: the id of the process loading to take its place (it serves on until that one is ready). */
  successor?: number;
  /** The process this one was started to replace (recycling). */
  replaces?: number;
  /** Resident memory after its last scan, KiB. */
  rssKiB?: number;
  /** Load deadline while starting; scan deadline while busy (an engine bug must not hold a request forever). */
  watchdog?: ReturnType<typeof setTimeout>;
}

/** Loading compiles scan.rules_dir when set: generous, but bounded. */
const START_TIMEOUT_MS = 120_000;

/** Spawns a process and sends it `init`; throws when it cannot be started. */
export function startHandle<J>(
  o: { id: number; generation: number; config: KasConfig; random: () => number; spawn: Spawner; onKill(why: string): void },
  events: (h: WorkerHandle<J>) => Parameters<Spawner>[0],
): WorkerHandle<J> {
  const s = o.config.server;
  const now = Date.now();
  const h: WorkerHandle<J> = {
    id: o.id, generation: o.generation, state: "starting", messages: 0, startedAt: now, idleSince: now, retiring: false,
    // Jitter so processes started together do not all recycle together.
    limit: s.max_messages + Math.floor(o.random() * (s.rand_messages + 1)),
    proc: undefined as unknown as WorkerProc,
  };
  h.proc = o.spawn(events(h));
  h.proc.send({ type: "init", workerId: o.id, generation: o.generation, config: o.config });
  // A process that never finishes loading would hold a max_filters slot forever.
  watch(h, START_TIMEOUT_MS, () => h.state === "starting", () => o.onKill(`did not load within ${START_TIMEOUT_MS / 1000} s`));
  return h;
}

/** Kills the process with SIGKILL after `ms` unless `still()` is false by then; `why` is logged by the caller first. */
export function watch(h: WorkerHandle<unknown>, ms: number, still: () => boolean, why: () => void): void {
  clearTimeout(h.watchdog);
  h.watchdog = setTimeout(() => {
    if (!still()) return;
    why();
    h.proc.kill("SIGKILL");
  }, ms);
}

/** Asks the process to finish what it holds and exit 0. */
export function retire(h: WorkerHandle<unknown>, reason: string): void {
  h.retiring = true;
  h.state = "draining";
  try {
    h.proc.send({ type: "shutdown", reason });
  } catch {
    h.proc.kill("SIGTERM");
  }
}

/** Answers a process's SPF question with the master's shared SPF service (one DNS cache for the pool). */
export function relaySpf(h: WorkerHandle<unknown>, m: Extract<WorkerToMaster, { type: "spf_query" }>, spf?: (q: SpfQuery) => Promise<SpfAnswer>): void {
  const answer = (r: MasterToWorker) => {
    if (h.state !== "dead") h.proc.send(r);
  };
  if (!spf) return answer({ type: "spf_answer", queryId: m.queryId, error: "no SPF service in this server" });
  spf(m.query).then(
    (a) => answer({ type: "spf_answer", queryId: m.queryId, answer: a }),
    (e) => answer({ type: "spf_answer", queryId: m.queryId, error: e instanceof Error ? e.message : String(e) }),
  );
}

/** Answers a process's DNS question with the master's shared caching resolver (dns_query). */
export function relayDns(h: WorkerHandle<unknown>, m: Extract<WorkerToMaster, { type: "dns_query" }>, dns?: Resolver): void {
  const answer = (r: MasterToWorker) => {
    if (h.state !== "dead") h.proc.send(r);
  };
  if (!dns) return answer({ type: "dns_answer", queryId: m.queryId, error: "no DNS service in this server" });
  dns.query(m.name, m.qtype).then(
    (a) => answer({ type: "dns_answer", queryId: m.queryId, answer: a }),
    (e) => answer({ type: "dns_answer", queryId: m.queryId, error: e instanceof Error ? e.message : String(e) }),
  );
}

/** One row of `kas status`. */
export function handleRow(h: WorkerHandle<unknown>) {
  return {
    id: h.id,
    pid: h.proc.pid,
    generation: h.generation,
    state: h.state,
    messages: h.messages,
    max_messages: h.limit,
    ...(h.rssKiB ? { rss_mb: Math.round(h.rssKiB / 1024) } : {}),
    started: new Date(h.startedAt).toISOString(),
    ...(h.state === "idle" ? { idle_s: Math.round((Date.now() - h.idleSince) / 100) / 10 } : {}),
    // A replacement still loading while the recycled process serves on (pool.ts recycle()).
    ...(h.state === "starting" && h.replaces !== undefined ? { replaces: h.replaces } : {}),
  };
}
