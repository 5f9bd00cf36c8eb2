// The server's pid file ([server] pid_file, else <data_dir>/kas.pid): written once the
// listeners are open, so `kas update-db` only signals a server that is ready; removed at
// stop. A pid file naming a live process means a server is already running.
import { mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { StateError } from "../errors";

/** The pid in the file if that process is alive and a `serve`, else undefined. */
export function runningPid(path: string): number | undefined {
  let pid: number;
  try {
    pid = Number(readFileSync(path, "utf8").trim());
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 1 || pid === process.pid) return undefined;
  try {
    process.kill(pid, 0);
  } catch (e) {
    // EPERM: alive but someone else's process.
    return (e as NodeJS.ErrnoException).code === "EPERM" ? pid : undefined;
  }
  try {
    // After a crash and a reboot the pid may belong to an unrelated process now.
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").includes("serve") ? pid : undefined;
  } catch {
    return pid; // no /proc: trust the signal probe
  }
}

export function checkNotRunning(path: string): void {
  const pid = runningPid(path);
  if (pid !== undefined) throw new StateError(`a kas server is already running (pid ${pid}, from ${path})`, "stop it (kill -TERM) or reload it (kill -HUP); `kas status` shows it");
}

export function writePidFile(path: string): void {
  try {
    mkdirSync(dirname(path), { recursive: true });
    // Write then rename: a reader never sees a half-written pid.
    writeFileSync(`${path}.tmp`, `${process.pid}\n`);
    renameSync(`${path}.tmp`, path);
  } catch (e) {
    throw new StateError(`cannot write pid file ${path}: ${(e as NodeJS.ErrnoException).code ?? e}`, "set [server] pid_file or data_dir to a writable place");
  }
}

/** Removes the pid file if it is still ours. */
export function removePidFile(path: string): void {
  try {
    if (Number(readFileSync(path, "utf8").trim()) === process.pid) unlinkSync(path);
  } catch {}
}
