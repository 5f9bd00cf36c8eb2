// What the last `kas update-db` run (not --rollback) ended with, for the server's monitoring:
// the Control Center's metrics (update result and age) and its "update-db keeps failing"
// event. cron mails each failure on its own; only a record across runs can tell one flaky
// mirror from an update that has not worked for days. Written best-effort: a failure to
// write it must never change what update-db reports.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../atomic-write";
import type { KasConfig } from "../config/schema";
import { UPDATE_EXIT } from "./exit";
import { makeStateDir } from "../config/paths";

export interface LastRun {
  /** ISO 8601 time the run ended. */
  at: string;
  /** update-db's exit code (UPDATE_EXIT). */
  code: number;
  message: string;
  /** Failed runs in a row, this one included (0 after a success). */
  failures: number;
  /** When the last successful run ended (installed or up to date). */
  last_ok?: string;
}

/** Beside data_dir's contents, not under rules/: that directory holds installed versions only (update-db's own tests list it). */
const file = (config: Pick<KasConfig, "data_dir">) => join(config.data_dir, "update-last-run.json");
/** Installed, up to date, or another run held the lock (that one records its own outcome). */
export const runFailed = (code: number) => code !== UPDATE_EXIT.INSTALLED && code !== UPDATE_EXIT.UP_TO_DATE && code !== UPDATE_EXIT.LOCKED;

export function readLastRun(config: Pick<KasConfig, "data_dir">): LastRun | undefined {
  try {
    const v = JSON.parse(readFileSync(file(config), "utf8"));
    return typeof v?.code === "number" && typeof v?.at === "string" ? v : undefined;
  } catch {
    return undefined;
  }
}

export function recordRun(config: Pick<KasConfig, "data_dir">, code: number, message: string, now = new Date()): void {
  if (code === UPDATE_EXIT.LOCKED) return;
  const prev = readLastRun(config);
  const failed = runFailed(code);
  const run: LastRun = { at: now.toISOString(), code, message: message.slice(0, 2000), failures: failed ? (prev?.failures ?? 0) + 1 : 0, last_ok: failed ? prev?.last_ok : now.toISOString() };
  try {
    makeStateDir(config.data_dir);
    writeFileAtomic(file(config), JSON.stringify(run) + "\n");
  } catch {}
}
