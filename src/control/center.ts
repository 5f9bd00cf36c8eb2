// The Control Center as the master runs it: the scan metrics (in memory), the statistics and
// history store (SQLite under data_dir), the flush timer, and the HTTP handler. The master
// calls record() for every finished request (dispatch → onScanned); record() only counts in
// memory and queues the row, the timer writes the rows a second later in one transaction.
import { join } from "node:path";
import type { KasConfig } from "../config/schema";
import { logger } from "../log/index";
import { ScanMetrics } from "./metrics";
import type { ScanRecord } from "./record";
import { makeControlHandler, type ControlDeps } from "./routes";
import { StatsStore } from "./stats";

export const statsPath = (config: Pick<KasConfig, "data_dir">) => join(config.data_dir, "stats", "stats.sqlite");
const FLUSH_MS = 1000;

export interface ControlCenterOptions extends Pick<ControlDeps, "config" | "status" | "reload" | "learn" | "runUpdate" | "events"> {
  secure: boolean;
}

export interface ControlCenter {
  record(r: ScanRecord): void;
  handler: (req: Request, ip: string | undefined) => Promise<Response>;
  metrics: ScanMetrics;
  stats: StatsStore;
  close(): void;
}

export function controlCenter(o: ControlCenterOptions): ControlCenter {
  const log = logger("control");
  const metrics = new ScanMetrics();
  const stats = new StatsStore(statsPath(o.config()), { historySize: o.config().control.history_size });
  let failing = false;
  const flush = () => {
    try {
      stats.flush();
      if (failing) log.info("statistics store writable again");
      failing = false;
    } catch (e) {
      // Disk full or the file removed: say so once, keep scanning (statistics never stop mail).
      if (!failing) log.error("cannot write statistics to %s: %s", statsPath(o.config()), (e as Error).message);
      failing = true;
    }
  };
  const timer = setInterval(flush, FLUSH_MS);
  timer.unref?.();
  const handle = makeControlHandler({ ...o, metrics, stats, log });
  return {
    metrics,
    stats,
    record(r) {
      metrics.observe(r);
      stats.add(r);
    },
    async handler(req, ip) {
      try {
        return await handle(req, ip);
      } catch (e) {
        log.error("%s %s: %s", req.method, req.url, e instanceof Error ? (e.stack ?? e.message) : e);
        return new Response("500 internal error (see the server log)\n", { status: 500, headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" } });
      }
    },
    close() {
      clearInterval(timer);
      try {
        stats.close();
      } catch (e) {
        log.error("closing the statistics store: %s", (e as Error).message);
      }
    },
  };
}
