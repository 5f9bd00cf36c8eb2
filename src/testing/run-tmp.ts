// Test-only: every temporary file of one `bun test` run lives under one directory, removed
// when the run ends (issue 12 item 3: a run used to leave ~140 /tmp/kas-* directories behind).
// The preload (src/testing/preload.ts) points TMPDIR at it before any test file loads, so
// tempDir(), mkdtempSync(tmpdir()) and the kas processes the e2e tests start (they inherit the
// environment) all write there. A run killed before its end leaves its directory; the next run
// removes directories of runs whose process is gone. Never imported by production code.
import { mkdirSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";

const PREFIX = "kas-tests-";

/** Is there a process with this pid (ours or another user's)? */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Creates `<base>/kas-tests-<pid>`, removes the directories of dead earlier runs, and returns the new one. */
export function enterRunTmp(base: string, pid = process.pid): string {
  for (const name of readdirSync(base)) {
    if (!name.startsWith(PREFIX)) continue;
    const owner = Number(name.slice(PREFIX.length));
    if (Number.isInteger(owner) && owner !== pid && !alive(owner)) rmSync(join(base, name), { recursive: true, force: true });
  }
  const dir = join(base, `${PREFIX}${pid}`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

/** Removes the run's directory with everything in it. */
export function leaveRunTmp(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
