// Test-only: moves the wall clock of a child process (the compiled `kas serve`) with
// libfaketime (Debian package `faketime`), so expiry can be tested end to end without test
// hooks in production code and without sleeping. Never imported by production code.
//
// How (libfaketime README, /usr/share/doc/faketime/README.gz, §4d and "Changing the 'x'
// modifier during run-time"): LD_PRELOAD the library; FAKETIME_TIMESTAMP_FILE names a file
// holding an offset like "+86400" (seconds); FAKETIME_NO_CACHE=1 re-reads it on every clock
// call, so rewriting the file moves the running process's clock at once.
// FAKETIME_DONT_FAKE_MONOTONIC=1 leaves CLOCK_MONOTONIC alone: Bun's timers and event loop
// keep real time, only Date (CLOCK_REALTIME) jumps. The FAKETIME variable must be unset: it
// takes priority over the file (fakeClock refuses to run while it is set).
import { existsSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { alive } from "./run-tmp";

// The MT build (libfaketime README, "pthreads"): Bun calls the clock from several threads, and
// the plain build keeps the parsed setting in static variables without a lock, which
// FAKETIME_NO_CACHE rewrites on every call. Measured here (a Bun child reading Date.now()
// while the file was rewritten thousands of times a second): with libfaketime.so.1 a few
// reads per million came back unfaked; with libfaketimeMT.so.1 none in 4 million. Such a
// read is the likely cause of the expiry e2e test's one failure on CI (2026-12-02).
const CANDIDATES = [
  "/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1",
  "/usr/lib/aarch64-linux-gnu/faketime/libfaketimeMT.so.1",
  "/usr/lib/faketime/libfaketimeMT.so.1",
  "/usr/local/lib/faketime/libfaketimeMT.so.1",
];

/** Path of libfaketimeMT.so.1; throws saying how to install it when absent (never a silent skip). */
export function libfaketime(): string {
  const found = process.env.KAS_LIBFAKETIME || CANDIDATES.find((p) => existsSync(p));
  if (!found || !existsSync(found)) {
    throw new Error(
      `libfaketime not found (looked in ${process.env.KAS_LIBFAKETIME ? `KAS_LIBFAKETIME=${process.env.KAS_LIBFAKETIME}` : CANDIDATES.join(", ")}): this test moves the server's clock with it. ` +
        "Install it: `apt-get update && apt-get install -y faketime` (Debian/Ubuntu), or set KAS_LIBFAKETIME to the path of libfaketimeMT.so.1",
    );
  }
  return found;
}

export interface FakeClock {
  /** Environment for the child process (merge into its env). */
  env: Record<string, string>;
  /** Sets the child's wall clock to `at` (it runs on in real time from there). */
  set(at: Date): void;
  /** Sets the offset from real time, in seconds. */
  offset(seconds: number): void;
}

/** A clock file in `dir`, starting at real time (offset 0). */
export function fakeClock(dir: string): FakeClock {
  if (process.env.FAKETIME) throw new Error("unset FAKETIME: it takes priority over FAKETIME_TIMESTAMP_FILE, so the test could not move the clock");
  const file = join(dir, "faketime.rc");
  const offset = (seconds: number) => writeFileSync(file, `${seconds >= 0 ? "+" : "-"}${Math.abs(Math.round(seconds))}\n`);
  offset(0);
  cleanStaleShm();
  return {
    env: { LD_PRELOAD: libfaketime(), FAKETIME_TIMESTAMP_FILE: file, FAKETIME_NO_CACHE: "1", FAKETIME_DONT_FAKE_MONOTONIC: "1" },
    offset,
    set: (at) => offset((at.getTime() - Date.now()) / 1000),
  };
}

/**
 * libfaketime keeps a semaphore and shared memory per process in /dev/shm and removes them
 * only on a normal exit; Bun exits without running the library's destructor, so they stay.
 * A later process that gets the same pid then fails ("shm_open failed: File exists", README
 * "Cleaning up shared memory"), so remove the ones whose process is gone.
 */
export function cleanStaleShm(dir = "/dev/shm"): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const m = /^(?:faketime_shm_|sem\.faketime_sem_)(\d+)$/.exec(name);
    if (m && !alive(Number(m[1]))) rmSync(join(dir, name), { force: true });
  }
}
