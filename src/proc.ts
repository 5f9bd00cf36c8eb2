// "Is the process named in this pid file still the kas that wrote it?" — asked by the server
// (a second `kas serve`) and by `kas update-db` (its lock, and finding the server to reload).
// Here, not in server/: update/ must not depend on server/.
import { readFileSync } from "node:fs";

/** The pid in a pid or lock file (one decimal line), or undefined when absent or not a pid. */
export function readPidFile(path: string): number | undefined {
  try {
    const n = Number(readFileSync(path, "utf8").trim());
    return Number.isInteger(n) && n > 0 ? n : undefined;
  } catch {
    return undefined;
  }
}

/**
 * True when `pid` is alive (EPERM: alive, someone else's) and, where /proc exists, its command
 * line names `subcommand`. Pid files survive crashes and reboots (/var/lib, /run on disk): a
 * pid reused by an unrelated process must not count as the kas that wrote the file.
 */
export function processAlive(pid: number, subcommand: string): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").includes(subcommand);
  } catch {
    return true; // no /proc: trust the signal probe
  }
}

/**
 * The pid in `path` when that process is another live `kas <subcommand>`, else undefined.
 * Our own pid is not "another" (a pid file left before a restart that reused our pid); nor is
 * pid 1 (init).
 */
export function pidFileOwner(path: string, subcommand: string): number | undefined {
  const pid = readPidFile(path);
  if (pid === undefined || pid <= 1 || pid === process.pid) return undefined;
  return processAlive(pid, subcommand) ? pid : undefined;
}
