// The server's pid file ([server] pid_file, else <data_dir>/kas.pid): written once the
// listeners are open, so `kas update-db` only signals a server that is ready; removed at
// stop. A pid file naming a live process means a server is already running.
import { mkdirSync, unlinkSync } from "node:fs";
import { dirname } from "node:path";
import { writeFileAtomic } from "../atomic-write";
import { StateError } from "../errors";
import { pidFileOwner, readPidFile } from "../proc";

/** The pid in the file if that process is alive and a `serve` (after a reboot the pid may be another process's), else undefined. */
export const runningPid = (path: string): number | undefined => pidFileOwner(path, "serve");

export function checkNotRunning(path: string): void {
  const pid = runningPid(path);
  if (pid !== undefined) throw new StateError(`a kas server is already running (pid ${pid}, from ${path})`, "stop it (kill -TERM) or reload it (kill -HUP); `kas status` shows it");
}

export function writePidFile(path: string): void {
  try {
    mkdirSync(dirname(path), { recursive: true });
    // A reader never sees a half-written pid.
    writeFileAtomic(path, `${process.pid}\n`);
  } catch (e) {
    throw new StateError(`cannot write pid file ${path}: ${(e as NodeJS.ErrnoException).code ?? e}`, "set [server] pid_file or data_dir to a writable place");
  }
}

/** Removes the pid file if it is still ours. */
export function removePidFile(path: string): void {
  try {
    if (readPidFile(path) === process.pid) unlinkSync(path);
  } catch {}
}
