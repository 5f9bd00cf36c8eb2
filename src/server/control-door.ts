// The Control Center's listeners ([control] listen) and the monitor ([notify]): the master
// opens them here (only server/ listens or spawns, DESIGN §4) with the handler from control/. Plain HTTP, or HTTPS when tls_cert and
// tls_key are set; the client address each request came from is what [control] allow and
// metrics_allow are checked against (a Unix-socket client has none: the socket mode decides).
import type { KasConfig } from "../config/schema";
import { controlCenter, type ControlCenter, type ControlCenterOptions } from "../control/center";
import type { ScanRecord } from "../control/record";
import { logger } from "../log/index";
import { sendNotification } from "../control/notify/mail";
import { Notifier } from "../control/notify/notifier";
import { readLastRun } from "../update/last-run";
import { doorAddresses, openListener, type ListenOptions, type Listener } from "./listeners";
import { selfCommand } from "./self-exec";
import { loadTls, type TlsPem } from "./tls";

export interface ControlDoor {
  record(r: ScanRecord): void;
  readonly listeners: readonly Listener[];
  stop(): Promise<void>;
}

/** [control] listen, parsed (empty: the Control Center is off). */

/** The longest an update started from the Rules page may run (mirrors × [update] timeout, then the reload wait). */
const UPDATE_LIMIT_MS = 15 * 60_000;

/**
 * `kas update-db ARGS` as cron runs it, with the server's config file: the child installs,
 * then tells this server to reload and waits for it, exactly as from the command line.
 */
export async function runUpdateDb(args: string[], configFile: unknown): Promise<{ code: number; output: string }> {
  const config = typeof configFile === "string" && !configFile.startsWith("(") ? ["--config", configFile] : [];
  const p = Bun.spawn(selfCommand(["update-db", ...args, ...config]), { stdin: "ignore", stdout: "pipe", stderr: "pipe", env: { ...process.env, NO_COLOR: "1" }, timeout: UPDATE_LIMIT_MS });
  const [out, err] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text()]);
  const code = await p.exited;
  return { code, output: (out + err).slice(-20_000) };
}

/** The monitor's first look comes soon after the start (a license expiring tomorrow is news now), then every 30 s. */
export const MONITOR_FIRST_MS = 2000;
export const MONITOR_EVERY_MS = 30_000;
/** Shutdown waits this long for notification mails still being submitted. */
const MAIL_DRAIN_MS = 5000;

/**
 * Starts the monitor (notifications: log, dashboard, mail to [notify] admin; always on) and,
 * when [control] listen names addresses, the Control Center's listeners.
 */
export async function openControl(config: KasConfig, source: string, deps: Omit<ControlCenterOptions, "secure" | "events">, opts: ListenOptions): Promise<ControlDoor> {
  const addrs = doorAddresses(config, "control", source);
  const notifier = new Notifier({ config: deps.config, status: deps.status, lastRun: () => readLastRun(deps.config()), send: sendNotification, log: logger("notify") });
  const look = () => {
    try {
      notifier.tick();
    } catch (e) {
      logger("notify").error("monitoring failed: %s", e instanceof Error ? (e.stack ?? e.message) : e);
    }
  };
  let timer: ReturnType<typeof setTimeout> = setTimeout(function again() {
    look();
    timer = setTimeout(again, MONITOR_EVERY_MS);
    timer.unref?.();
  }, MONITOR_FIRST_MS);
  timer.unref?.();
  const stopMonitor = async () => {
    clearTimeout(timer);
    await Promise.race([Promise.all(notifier.pending), Bun.sleep(MAIL_DRAIN_MS)]);
  };
  if (!addrs.length) return { record() {}, listeners: [], stop: stopMonitor };

  const c = config.control;
  let tls: TlsPem | undefined;
  try {
    tls = loadTls(c, "control", source);
  } catch (e) {
    await stopMonitor();
    throw e;
  }
  const events = () => ({ active: notifier.active, recent: notifier.recent });
  const center: ControlCenter = controlCenter({ runUpdate: (args) => runUpdateDb(args, deps.status().config), ...deps, events, secure: !!tls });
  const listeners: Listener[] = [];
  // Pages and /metrics are small; a form post (settings, a key, a message to learn) a few MB at most.
  const controlOpts: ListenOptions = { ...opts, maxRequestSize: 4 * 1024 * 1024, tls };
  try {
    for (const a of addrs) listeners.push(await openListener(a, (req, server) => center.handler(req, server.requestIP(req)?.address || undefined), controlOpts));
  } catch (e) {
    for (const l of listeners) await l.stop(true);
    center.close();
    await stopMonitor();
    throw e;
  }
  logger("control").info("Control Center on %s%s", listeners.map((l) => l.address).join(", "), tls ? " (HTTPS)" : "");
  return {
    record: (r) => center.record(r),
    listeners,
    async stop() {
      await Promise.all(listeners.map((l) => l.stop(true)));
      center.close();
      await stopMonitor();
    },
  };
}
