// One `kas update-db` at a time per data_dir: an O_EXCL lock file holding the owner's pid.
// A lock whose pid is dead (a run killed by cron's timeout, a reboot) is stale and taken
// over; a live owner means exit 73 (cron simply tries again next time).
// The pid is written to a private file first and hard-linked into place (link(2) fails with
// EEXIST like O_EXCL), so the lock is never seen empty: a second run could otherwise read the
// file between create and write, take it for stale and break a live lock.
import { closeSync, linkSync, openSync, renameSync, unlinkSync, writeFileSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { KasError } from "../errors";
import { processAlive, readPidFile } from "../proc";
import { diskError, fail, UPDATE_EXIT } from "./exit";
import { makeStateDir } from "../config/paths";

export interface Lock {
  release(): void;
}

/**
 * True when `pid` is a live `kas update-db` (ourselves included). The lock file survives
 * reboots under /var/lib: a pid reused by an unrelated daemon must not block updates forever.
 */
export const pidAlive = (pid: number): boolean => pid === process.pid || processAlive(pid, "update-db");

export function acquireLock(path: string, alive: (pid: number) => boolean = pidAlive): Lock {
  try {
    makeStateDir(dirname(path));
  } catch (e) {
    throw diskError(`cannot create ${dirname(path)}`, e) ?? e;
  }
  for (let attempt = 0; attempt < 2; attempt++) {
    let fd: number;
    try {
      if (linkLock(path)) return held(path);
      fd = openSync(path, "wx", 0o644);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== "EEXIST") throw diskError(`cannot create the lock file ${path}`, e) ?? e;
      const owner = readPidFile(path);
      if (owner !== undefined && alive(owner)) {
        throw fail(UPDATE_EXIT.LOCKED, `another kas update-db is running (pid ${owner}, lock ${path})`, "wait for it to finish; cron will try again next time");
      }
      // Stale (or half-written by a run killed at this very step): move it aside atomically,
      // so of two runs breaking the same stale lock only one removes it.
      const aside = `${path}.stale.${process.pid}`;
      try {
        renameSync(path, aside);
        // Between our read and our rename another run may have broken the same stale lock
        // and taken a fresh one: what we moved aside must be the stale lock we read, else
        // it is that run's live lock and goes back.
        if (readPidFile(aside) !== owner) {
          try {
            linkSync(aside, path);
          } catch {}
          unlinkSync(aside);
          throw fail(UPDATE_EXIT.LOCKED, `another kas update-db took the lock ${path} while this one was breaking a stale lock`, "wait for it to finish; cron will try again next time");
        }
        unlinkSync(aside);
      } catch (e) {
        if (e instanceof KasError) throw e;
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
    return held(path);
  }
  throw fail(UPDATE_EXIT.LOCKED, `cannot take the lock ${path}: another run keeps creating it`, "wait for the other kas update-db to finish");
}

const held = (path: string): Lock => ({
  release() {
    try {
      if (readPidFile(path) === process.pid) unlinkSync(path);
    } catch {}
  },
});

/** true: the lock is ours; false: links are not supported here (use O_EXCL); throws EEXIST and disk errors. */
function linkLock(path: string): boolean {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, `${process.pid}\n`, { mode: 0o644 });
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {}
    throw e;
  }
  try {
    linkSync(tmp, path);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "EPERM" || code === "ENOTSUP" || code === "EOPNOTSUPP" || code === "ENOSYS") return false;
    throw e;
  } finally {
    try {
      unlinkSync(tmp);
    } catch {}
  }
}
