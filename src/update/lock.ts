// One `kas update-db` at a time per data_dir: an O_EXCL lock file holding the owner's pid.
// A lock whose pid is dead (a run killed by cron's timeout, a reboot) is stale and taken
// over; a live owner means exit 73 (cron simply tries again next time).
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { diskError, fail, UPDATE_EXIT } from "./exit";

export interface Lock {
  release(): void;
}

/**
 * True when `pid` is a live `kas update-db` (EPERM: alive, someone else's). The lock file
 * survives reboots under /var/lib: a pid reused by an unrelated daemon must not block updates
 * forever, so where /proc exists the command line has to name update-db.
 */
export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").includes("update-db");
  } catch {
    return true; // no /proc: trust the signal probe
  }
}

export function acquireLock(path: string, alive: (pid: number) => boolean = pidAlive): Lock {
  try {
    mkdirSync(dirname(path), { recursive: true });
  } catch (e) {
    throw diskError(`cannot create ${dirname(path)}`, e) ?? e;
  }
  for (let attempt = 0; attempt < 2; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, "wx", 0o644);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== "EEXIST") throw diskError(`cannot create the lock file ${path}`, e) ?? e;
      const owner = readPid(path);
      if (owner !== undefined && alive(owner)) {
        throw fail(UPDATE_EXIT.LOCKED, `another kas update-db is running (pid ${owner}, lock ${path})`, "wait for it to finish; cron will try again next time");
      }
      // Stale (or half-written by a run killed at this very step): move it aside atomically,
      // so of two runs breaking the same stale lock only one removes it.
      try {
        const aside = `${path}.stale.${process.pid}`;
        renameSync(path, aside);
        unlinkSync(aside);
      } catch (e) {
        // ENOENT: another run removed it first. Anything else (a read-only data_dir) would
        // otherwise loop into a misleading "another run keeps creating it".
        if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw diskError(`cannot remove the stale lock ${path} (pid ${owner ?? "none"})`, e) ?? e;
      }
      continue;
    }
    try {
      writeSync(fd, `${process.pid}\n`);
    } catch (e) {
      // A full disk: a lock file without a pid must not be left behind for the next run.
      closeSync(fd);
      try {
        unlinkSync(path);
      } catch {}
      throw diskError(`cannot write the lock file ${path}`, e) ?? e;
    }
    closeSync(fd);
    return {
      release() {
        try {
          if (readPid(path) === process.pid) unlinkSync(path);
        } catch {}
      },
    };
  }
  throw fail(UPDATE_EXIT.LOCKED, `cannot take the lock ${path}: another run keeps creating it`, "wait for the other kas update-db to finish");
}

function readPid(path: string): number | undefined {
  try {
    const n = Number(readFileSync(path, "utf8").trim());
    return Number.isInteger(n) && n > 0 ? n : undefined;
  } catch {
    return undefined;
  }
}
