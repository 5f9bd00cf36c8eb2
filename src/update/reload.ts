// Step 6 of the pipeline: a running `kas serve` (found by its pid file) gets SIGHUP — it
// validates the new database itself and refuses a broken one — and is then asked for its
// status until it reports the installed version as loaded by its filtering processes. No
// server running is fine: the next start loads the installed database.
import type { StatusResult } from "../client/status";
import { BUILTIN_VERSION } from "../ruledb/builtin-macro";
import { fail, UPDATE_EXIT } from "./exit";

export interface ReloadDeps {
  /** The live server's pid, or undefined (server/pidfile.ts runningPid on the pid file). */
  serverPid(): number | undefined;
  signal(pid: number, sig: "SIGHUP"): void;
  /** GET /v1/status of the server (client/status.ts fetchStatus). */
  status(): Promise<StatusResult>;
  /** Where the status is asked, for messages. */
  target: string;
  timeoutMs: number;
  sleep(ms: number): Promise<void>;
  clock(): number;
}

const POLL_MS = 100;

/** `version` is an installed version, or BUILTIN_VERSION after a rollback past the oldest one. */
export async function reloadServer(version: string, deps: ReloadDeps): Promise<string> {
  const what = version === BUILTIN_VERSION ? "the built-in rules" : `version ${version}`;
  const done = version === BUILTIN_VERSION ? "switched to the built-in rules" : `installed version ${version}`;
  const pid = deps.serverPid();
  if (pid === undefined) return `no server running (it loads ${version === BUILTIN_VERSION ? "them" : "this version"} when it starts)`;
  const before = await deps.status();
  const refusedBefore = before.ok ? Number(before.status.reloads?.refused ?? 0) : 0;
  try {
    deps.signal(pid, "SIGHUP");
  } catch (e) {
    throw fail(UPDATE_EXIT.RELOAD, `${done}, but cannot signal the server (pid ${pid}): ${(e as NodeJS.ErrnoException).code ?? e}`, "run kas update-db as the server's user (or root), or reload it yourself: kill -HUP " + pid);
  }
  const end = deps.clock() + deps.timeoutMs;
  let last = "no answer yet";
  for (;;) {
    const r = await deps.status();
    if (r.ok) {
      const serving = String(r.status.rules?.version ?? "");
      // loaded: false = the master validated it but no filtering process of the new
      // generation has loaded it yet (servers before that member count as loaded).
      if (serving === version && r.status.rules?.loaded !== false) return `server pid ${pid} reloaded and serves ${what}`;
      const refused = Number(r.status.reloads?.refused ?? 0);
      if (refused > refusedBefore) {
        throw fail(UPDATE_EXIT.RELOAD, `${done}, but the server (pid ${pid}) refused the reload and keeps serving ${serving}: ${r.status.reloads?.last_error ?? "no reason given"}`, "see the server's log; `kas update-db --rollback` switches back");
      }
      last = `serves version ${serving || "?"}`;
    } else last = r.error;
    if (deps.clock() >= end) break;
    await deps.sleep(POLL_MS);
  }
  throw fail(UPDATE_EXIT.RELOAD, `${done}, but the server (pid ${pid}) did not confirm it within ${deps.timeoutMs / 1000}s at ${deps.target} (${last})`, "check [update] reload_connect / [client] connect_to point at this server; `kas status` shows what it serves");
}
