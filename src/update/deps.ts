// The real I/O behind the update pipeline (the CLI's wiring): mirrors with [update] timeout,
// the license gate, the running server found by its pid file and asked over its status
// endpoint, and a progress bar on a terminal.
import pkg from "../../package.json";
import { fetchStatus } from "../client/status";
import { pidFilePath } from "../config/paths";
import type { KasConfig } from "../config/schema";
import { updatePermission } from "../license/permission";
import { pidFileOwner } from "../proc";
import type { UpdateDeps, UpdateLog } from "./pipeline";
import { reloadServer } from "./reload";
import { openSource } from "./source";

export function makeDeps(config: KasConfig, configFile: string, log: UpdateLog, progressBar: boolean): UpdateDeps {
  const target = config.update.reload_connect || config.client.connect_to[0] || "";
  // Polled every 100 ms: a short connect timeout keeps one dead poll from eating the budget.
  const statusTimeouts = { connect_timeout: Math.min(config.client.connect_timeout, 2), data_timeout: Math.min(config.client.data_timeout, 5), tls_ca: config.client.tls_ca };
  return {
    openSource: (spec) => openSource(spec, config.update.timeout, fetch, { followRedirects: config.update.follow_redirects, onRedirect: (from, to) => log.info(`${from}: redirected to ${to}`) }),
    license: (c) => updatePermission(c, { configFile }),
    reload: async (version) => {
      if (config.scan.rules_dir) return "the server uses [scan] rules_dir, not the installed database: not reloaded";
      return reloadServer(version, {
        serverPid: () => pidFileOwner(pidFilePath(config), "serve"),
        signal: (pid, sig) => process.kill(pid, sig),
        status: () => (target ? fetchStatus(target, statusTimeouts) : Promise.resolve({ ok: false as const, error: "no [update] reload_connect or [client] connect_to" })),
        target: target || "(none)",
        timeoutMs: config.update.reload_timeout * 1000,
        sleep: (ms) => Bun.sleep(ms),
        clock: () => Date.now(),
      });
    },
    kasVersion: pkg.version,
    now: () => new Date(),
    log,
    progress: progressBar ? progress : undefined,
    configFile,
  };
}

/** `name  [#########.........]  12.0/20.0 KiB` on one terminal line, ended when complete. */
function progress(name: string, got: number, total: number): void {
  const width = 24;
  const done = total > 0 ? Math.min(1, got / total) : 1;
  const bar = "#".repeat(Math.round(done * width)).padEnd(width, ".");
  const kib = (n: number) => (n / 1024).toFixed(1);
  process.stderr.write(`\r${name.padEnd(24).slice(0, 24)} [${bar}] ${kib(got)}/${kib(total)} KiB${got >= total ? "\n" : ""}`);
}
