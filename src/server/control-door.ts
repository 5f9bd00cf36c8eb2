// The Control Center's listeners ([control] listen): the master opens them here (only server/
// listens, DESIGN §4) with the handler from control/. Plain HTTP, or HTTPS when tls_cert and
// tls_key are set; the client address each request came from is what [control] allow and
// metrics_allow are checked against (a Unix-socket client has none: the socket mode decides).
import type { KasConfig } from "../config/schema";
import { controlCenter, type ControlCenter, type ControlCenterOptions } from "../control/center";
import type { ScanRecord } from "../control/record";
import { readFileSync } from "node:fs";
import { ConfigError, StateError } from "../errors";
import { logger } from "../log/index";
import { parseAddress, type Address } from "../protocol/address";
import { openListener, type ListenOptions, type Listener } from "./listeners";
import { selfCommand } from "./self-exec";

export interface ControlDoor {
  record(r: ScanRecord): void;
  readonly listeners: readonly Listener[];
  stop(): Promise<void>;
}

/** [control] listen, parsed (empty: the Control Center is off). */
export function controlAddresses(config: KasConfig, source: string): Address[] {
  return config.control.listen.map((text) => {
    const a = parseAddress(text);
    if (typeof a === "string") throw new ConfigError(source, "control.listen", undefined, a);
    return a;
  });
}

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

/** Opens the Control Center when [control] listen names addresses; undefined when it is off. */
export async function openControl(config: KasConfig, source: string, deps: Omit<ControlCenterOptions, "secure">, opts: ListenOptions): Promise<ControlDoor | undefined> {
  const addrs = controlAddresses(config, source);
  if (!addrs.length) return undefined;
  const c = config.control;
  const tls = c.tls_cert && c.tls_key ? { cert: c.tls_cert, key: c.tls_key } : undefined;
  for (const [key, file] of Object.entries(tls ?? {})) {
    try {
      readFileSync(file);
    } catch (e) {
      throw new StateError(`[control] tls_${key} ${file}: ${(e as Error).message}`, "give a readable PEM file (the server's user must read it), or remove tls_cert and tls_key for plain HTTP");
    }
  }
  const center: ControlCenter = controlCenter({ runUpdate: (args) => runUpdateDb(args, deps.status().config), ...deps, secure: !!tls });
  const listeners: Listener[] = [];
  // Pages and /metrics are small; a form post (login, settings) is a few KB.
  const controlOpts: ListenOptions = { ...opts, maxRequestSize: 4 * 1024 * 1024, tls };
  try {
    for (const a of addrs) listeners.push(await openListener(a, (req, server) => center.handler(req, server.requestIP(req)?.address || undefined), controlOpts));
  } catch (e) {
    for (const l of listeners) await l.stop(true);
    center.close();
    throw e;
  }
  logger("control").info("Control Center on %s%s", listeners.map((l) => l.address).join(", "), tls ? " (HTTPS)" : "");
  return {
    record: (r) => center.record(r),
    listeners,
    async stop() {
      await Promise.all(listeners.map((l) => l.stop(true)));
      center.close();
    },
  };
}
