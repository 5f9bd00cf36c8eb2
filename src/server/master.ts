// `kas serve`: the master process. It opens the listeners, owns the pool of filtering
// processes, answers ping/status itself, and handles signals: SIGHUP reloads (new config and
// rule database are validated here first, and so are the services' new states through
// MasterHooks.prepareConfig; anything broken is refused and the old generation keeps serving
// with its old services), SIGTERM/SIGINT drain (stop accepting, finish in-flight requests within
// shutdown_timeout, stop the pool, remove sockets and the pid file). It never scans nor
// parses a message: POST /v1/learn is a job for a filtering process too (learn.ts).
import type { LoadedConfig } from "../config/load";
import { pidFilePath } from "../config/paths";
import type { KasConfig } from "../config/schema";
import type { Resolver } from "../dns/types";
import type { ScanRequest } from "../model";
import { KasError } from "../errors";
import { configureLog, logger } from "../log/index";
import { LEARN_PATH } from "../protocol/kas/learn";
import { openControl, type ControlDoor } from "./control-door";
import { makeDirect, makeHandler, type BeforeDispatch } from "./handler";
import type { Http1Direct } from "./http1";
import { makeLearnHandler } from "./learn";
import type { RulesInfo, SpfAnswer, SpfQuery } from "./ipc";
import { edgeLimits, EdgeGate } from "./limits";
import { DOOR_SECTIONS, doorAddresses, openListener, openNativeListener, openSocketListener, type Listener } from "./listeners";
import { milterSocketHandler } from "./milter";
import { spamdSocketHandler } from "./spamd";
import { rspamdSocketHandler } from "./rspamd";
import { checkNotRunning, removePidFile, writePidFile } from "./pidfile";
import { Pool, type Spawner } from "./pool";
import { loadTls, samePem, type TlsPem } from "./tls";

/** Extension points the lead wires (licensing, SPF); all optional. */
export interface MasterHooks {
  /** Called for every scan request before it is queued (licensing: pass unlicensed recipients' mail unfiltered). */
  beforeDispatch?: BeforeDispatch;
  /** Answers the workers' `spf_query` IPC requests (one DNS cache for the pool). */
  spf?: (q: SpfQuery) => Promise<SpfAnswer>;
  /** Answers the workers' `dns_query` IPC requests (DNSBL, DKIM, DMARC: the same cache). */
  dns?: Resolver;
  /** Extra members merged into GET /v1/status (e.g. license state). */
  status?: () => Record<string, unknown>;
  /**
   * Prepares the services' state for `config` (`source`: the config file, for messages)
   * WITHOUT switching to it, and returns the switch. Throws (ConfigError, StateError...) when
   * a service cannot take this config: at start the server then exits with the error's code;
   * on SIGHUP the reload is refused and the old generation keeps serving with the old
   * services. The returned function is called once the master commits; it must not throw.
   */
  prepareConfig?: (config: KasConfig, source: string) => ConfigCommit | Promise<ConfigCommit>;
  /** Called with the config at start and after every accepted reload, after prepareConfig's commit. */
  onConfig?: (config: KasConfig) => void | Promise<void>;
}
export type ConfigCommit = () => void;

/** Where SIGHUP/SIGTERM/SIGINT come from: `process` in production, an emitter in master.test.ts. */
export interface SignalSource {
  on(signal: "SIGHUP" | "SIGTERM" | "SIGINT", cb: () => void): unknown;
  off(signal: "SIGHUP" | "SIGTERM" | "SIGINT", cb: () => void): unknown;
}

export interface MasterDeps {
  /** Re-reads kas.toml (SIGHUP); throws ConfigError for a bad file. */
  loadConfig(): LoadedConfig;
  /** Loads / compiles the rule database for `config` to prove it is usable; throws a KasError if not. */
  validateRules(config: KasConfig): Promise<RulesInfo>;
  spawn: Spawner;
  version: string;
  hooks?: MasterHooks;
  /** Default: process. */
  signals?: SignalSource;
  /** One more line logged at start, after the listening line (`kas serve`: the memory mode, server/allocator.ts). */
  startNote?: string;
}

/** The doors whose TCP listeners may speak TLS, and each one's certificate pair (tls.ts). */
const TLS_DOORS = ["server", "spamd", "rspamd", "control"] as const;
type TlsDoor = (typeof TLS_DOORS)[number];
export function doorTls(config: KasConfig, source: string): Record<TlsDoor, TlsPem | undefined> {
  return { server: loadTls(config.server, "server", source), spamd: loadTls(config.spamd, "spamd", source), rspamd: loadTls(config.rspamd, "rspamd", source), control: loadTls(config.control, "control", source) };
}

/** Runs the server until SIGTERM/SIGINT; resolves with the exit code. */
export async function runMaster(initial: LoadedConfig, deps: MasterDeps): Promise<number> {
  let current = initial;
  // Before any logger() call: child loggers copy the level when they are created.
  configureLog(current.config.log);
  const log = logger("master");
  const addresses = doorAddresses(current.config, "server", current.source);
  const milterAddrs = doorAddresses(current.config, "milter", current.source);
  const spamdAddrs = doorAddresses(current.config, "spamd", current.source);
  const rspamdAddrs = doorAddresses(current.config, "rspamd", current.source);
  const tls = doorTls(current.config, current.source);
  const pidFile = pidFilePath(current.config);
  checkNotRunning(pidFile);

  let rules = await deps.validateRules(current.config);
  (await deps.hooks?.prepareConfig?.(current.config, current.source))?.();
  await deps.hooks?.onConfig?.(current.config);
  const startedAt = Date.now();
  const pool = new Pool({ spawn: deps.spawn, config: current.config, log: logger("pool"), spf: deps.hooks?.spf, dns: deps.hooks?.dns });
  const messages: Record<string, number> = {};
  /** Scans whose rule matching the time budget cut short (KAS_SCAN_TRUNCATED). */
  let truncated = 0;
  const reloads = { ok: 0, refused: 0, last_error: undefined as string | undefined, last_reload: undefined as string | undefined };
  const scanLog = logger("scan");
  // One gate for every door: connections and bytes in flight per client and in total (limits.ts).
  const gate = new EdgeGate(() => edgeLimits(current.config.server));

  const status = () => {
    const p = pool.status();
    return {
      version: 1,
      server: deps.version,
      pid: process.pid,
      started: new Date(startedAt).toISOString(),
      uptime_s: Math.round((Date.now() - startedAt) / 1000),
      config: current.source,
      listen: listeners.filter((l) => !milterListeners.includes(l) && !spamdListeners.includes(l) && !rspamdListeners.includes(l)).map((l) => l.address),
      milter_listen: milterListeners.map((l) => l.address),
      spamd_listen: spamdListeners.map((l) => l.address),
      rspamd_listen: rspamdListeners.map((l) => l.address),
      control_listen: control?.listeners.map((l) => l.address) ?? [],
      generation: p.generation,
      // What the serving generation's filtering processes loaded (update-db waits for it);
      // until one of them is ready, what the master validated, with loaded: false.
      // A pool that starts processes on demand (start_filters = min_spare_filters = 0) may have
      // none of the new generation: they will load what the master validated, so it counts.
      rules: p.workerRules ? { ...p.workerRules, loaded: true } : { ...rules, loaded: !p.workers.some((w: { generation: number; state: string }) => w.generation === p.generation && (w.state === "starting" || w.state === "idle" || w.state === "busy")) },
      pool: { ...p.states, queue: p.queue, max_filters: current.config.server.max_filters, min_spare_filters: current.config.server.min_spare_filters, workers: p.workers, last_load_error: p.lastLoadError },
      messages: { total: Object.values(messages).reduce((a, b) => a + b, 0), by_status: { ...messages }, truncated },
      counters: p.counts,
      reloads,
      limits: gate.status(),
      ...deps.hooks?.status?.(),
    };
  };

  /** The Control Center ([control] listen; statistics, history, /metrics), opened after the doors. */
  let control: ControlDoor | undefined;
  // Requests between accept and reply (including ones still sending their body): SIGTERM waits for them.
  let inflight = 0;
  // Every door (native HTTP, milter) dispatches through the same deps (dispatch.ts).
  const doors = {
    submit: (r: ScanRequest, signal?: AbortSignal) => pool.submit(r, signal),
    beforeDispatch: deps.hooks?.beforeDispatch,
    policy: () => current.config.policy,
    forwardLimit: () => current.config.scan.max_message_size,
    scanned: (r: Parameters<ControlDoor["record"]>[0]) => control?.record(r),
    onScanned(line: string, st: string, cut?: boolean) {
      messages[st] = (messages[st] ?? 0) + 1;
      if (cut) {
        truncated++;
        scanLog.warn("%s: the time budget cut rule matching short, not every rule saw this message", line);
      } else if (st === "failed") scanLog.warn(line);
      else scanLog.info(line);
    },
  };
  const nativeLog = logger("server");
  const nativeDeps = {
    ...doors,
    gate,
    config: () => current.config,
    status,
    routes: { [LEARN_PATH]: makeLearnHandler({ config: () => current.config, learn: (op, raw) => pool.learn(op, raw), log: nativeLog }) },
    log: nativeLog,
    version: deps.version,
  };
  const scanHandler = makeHandler(nativeDeps);
  const handler = async (req: Request, server: Pick<Bun.Server<undefined>, "requestIP">) => {
    inflight++;
    try {
      return await scanHandler(req, server);
    } finally {
      inflight--;
    }
  };
  // POST /v1/scan without Request/Response objects (the hot path); counted in flight the same way.
  const scanDirect = makeDirect(nativeDeps);
  const direct: Http1Direct = {
    takes: scanDirect.takes,
    async serve(input, client) {
      inflight++;
      try {
        return await scanDirect.serve(input, client);
      } finally {
        inflight--;
      }
    },
  };

  const listeners: Listener[] = [];
  const milterListeners: Listener[] = [];
  const spamdListeners: Listener[] = [];
  const rspamdListeners: Listener[] = [];
  const opts = { socketMode: current.config.server.socket_mode, socketOwner: current.config.server.socket_owner, maxRequestSize: current.config.server.max_request_size, dataTimeoutS: current.config.server.data_timeout };
  try {
    for (const a of addresses) listeners.push(await openNativeListener(a, handler, opts, tls.server, direct));
    /** A door's scan counts as in flight, so SIGTERM waits for it. */
    const track = async <T>(work: () => Promise<T>): Promise<T> => {
      inflight++;
      try {
        return await work();
      } finally {
        inflight--;
      }
    };
    const milter = milterSocketHandler({
      ...doors,
      config: () => current.config,
      log: logger("milter"),
      gate,
      track,
    });
    for (const a of milterAddrs) milterListeners.push(await openSocketListener(a, milter, opts, "milter"));
    listeners.push(...milterListeners);
    const spamd = spamdSocketHandler({
      ...doors,
      config: () => current.config,
      log: logger("spamd"),
      gate,
      learn: (op, raw) => pool.learn(op, raw),
      track,
    });
    for (const a of spamdAddrs) spamdListeners.push(await openSocketListener(a, spamd, opts, "spamd", true, tls.spamd));
    listeners.push(...spamdListeners);
    const rspamd = rspamdSocketHandler({
      ...doors,
      gate,
      config: () => current.config,
      log: logger("rspamd"),
      learn: (op, raw) => pool.learn(op, raw),
      track,
    });
    for (const a of rspamdAddrs) rspamdListeners.push(await openSocketListener(a, rspamd, opts, "rspamd", true, tls.rspamd));
    listeners.push(...rspamdListeners);
  } catch (e) {
    for (const l of listeners) await l.stop(true);
    throw e;
  }
  try {
    control = await openControl(current.config, current.source, {
      config: () => current.config,
      status,
      learn: (op, raw) => pool.learn(op, raw),
      // The Settings page's save: the same reload as SIGHUP, awaited, with its verdict.
      async reload() {
        const refused = reloads.refused;
        onHup();
        while (reloading) await reloading;
        return reloads.refused > refused ? { ok: false, error: reloads.last_error } : { ok: true, generation: pool.generation };
      },
    }, opts);
  } catch (e) {
    for (const l of listeners) await l.stop(true);
    throw e;
  }
  pool.start();
  writePidFile(pidFile);
  log.info("%s listening on %s (pid %d, rules %s from %s, %d filtering processes starting)", deps.version, [...listeners.filter((l) => !milterListeners.includes(l) && !spamdListeners.includes(l) && !rspamdListeners.includes(l)).map((l) => l.address), ...milterListeners.map((l) => `milter ${l.address}`), ...spamdListeners.map((l) => `spamd ${l.address}`), ...rspamdListeners.map((l) => `rspamd ${l.address}`)].join(", "), process.pid, rules.version, rules.source, current.config.server.start_filters);
  if (deps.startNote) log.info("%s", deps.startNote);

  // Reloads run one at a time; a SIGHUP during a reload schedules exactly one more.
  let reloading: Promise<void> | undefined;
  let again = false;
  let stopping = false;
  const reload = async () => {
    log.info("SIGHUP: reloading configuration and rule database");
    let next: LoadedConfig;
    let nextRules: RulesInfo;
    let commit: ConfigCommit | undefined;
    let nextTls: typeof tls;
    try {
      next = deps.loadConfig();
      nextRules = await deps.validateRules(next.config);
      for (const section of DOOR_SECTIONS) doorAddresses(next.config, section, next.source);
      // Renewed certificates are read and checked now: a broken pair refuses the reload.
      nextTls = doorTls(next.config, next.source);
      // The services build their new state now; nothing switches unless all of them could.
      commit = await deps.hooks?.prepareConfig?.(next.config, next.source);
    } catch (e) {
      reloads.refused++;
      reloads.last_error = e instanceof KasError ? e.message : String(e);
      log.error("reload refused, generation %d keeps serving: %s", pool.generation, reloads.last_error);
      return;
    }
    if (stopping) return; // SIGTERM arrived while the new rules were loading: nothing to roll over to
    for (const section of DOOR_SECTIONS) {
      if (JSON.stringify(next.config[section].listen) !== JSON.stringify(current.config[section].listen)) log.warn("[%s] listen changed: restart the server to apply it (reload keeps the open listeners)", section);
    }
    // Chosen once at start for every filtering process (server/allocator.ts).
    if (next.config.server.keep_freed_memory !== current.config.server.keep_freed_memory) log.warn("[server] keep_freed_memory changed: restart the server to apply it (filtering processes keep the mode chosen at start)");
    current = next;
    rules = nextRules;
    const doorListeners: Record<TlsDoor, Listener[]> = { server: listeners.filter((l) => !milterListeners.includes(l) && !spamdListeners.includes(l) && !rspamdListeners.includes(l)), spamd: spamdListeners, rspamd: rspamdListeners, control: [...(control?.listeners ?? [])] };
    for (const door of TLS_DOORS) {
      const [was, now] = [tls[door], nextTls[door]];
      if (!was !== !now) log.warn("[%s] tls_cert / tls_key %s: restart the server to apply it (reload keeps the open listeners)", door, now ? "set" : "removed");
      else if (was && now && !samePem(was, now)) {
        try {
          for (const l of doorListeners[door]) l.renewTls?.(now);
          tls[door] = now;
          log.info("[%s] new TLS certificate served on %s", door, doorListeners[door].filter((l) => l.renewTls).map((l) => l.address).join(", "));
        } catch (e) {
          log.error("[%s] renewed TLS certificate not applied: %s", door, e instanceof Error ? e.message : e);
        }
      }
    }
    try {
      commit?.();
      await deps.hooks?.onConfig?.(current.config);
    } catch (e) {
      log.error("reload: a service did not take the new configuration: %s", e instanceof Error ? e.message : e);
    }
    configureLog(current.config.log);
    const gen = pool.reload(current.config);
    reloads.ok++;
    reloads.last_error = undefined;
    reloads.last_reload = new Date().toISOString();
    log.info("reloaded: generation %d, rules %s (%s) from %s", gen, rules.version, rules.digest.slice(0, 12), rules.source);
  };
  const onHup = () => {
    if (stopping) return;
    if (reloading) return void (again = true);
    reloading = (async () => {
      do {
        again = false;
        await reload();
      } while (again);
      reloading = undefined;
    })();
  };

  const signals = deps.signals ?? process;
  return await new Promise<number>((resolve) => {
    const stop = async (sig: string) => {
      if (stopping) return;
      stopping = true;
      const t = current.config.server.shutdown_timeout;
      log.info("%s: no longer accepting; finishing in-flight requests (up to %ds)", sig, t);
      const deadline = Date.now() + t * 1000;
      for (const l of listeners) void l.stop(false);
      while (inflight > 0 && Date.now() < deadline) await Bun.sleep(20);
      await pool.stop(Math.max(0, deadline - Date.now()));
      await Promise.all(listeners.map((l) => l.stop(true)));
      await control?.stop();
      removePidFile(pidFile);
      signals.off("SIGHUP", onHup);
      signals.off("SIGTERM", onTerm);
      signals.off("SIGINT", onInt);
      log.info("stopped");
      resolve(0);
    };
    const onTerm = () => void stop("SIGTERM");
    const onInt = () => void stop("SIGINT");
    signals.on("SIGHUP", onHup);
    signals.on("SIGTERM", onTerm);
    signals.on("SIGINT", onInt);
  });
}
