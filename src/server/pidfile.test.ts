import { expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkNotRunning, removePidFile, runningPid, writePidFile } from "./pidfile";

const dir = mkdtempSync(join(tmpdir(), "kas-pid-"));

test("a pid file of a dead process or of a process that is not a kas server is stale", () => {
  const p = join(dir, "stale.pid");
  writeFileSync(p, "999999999\n");
  expect(runningPid(p)).toBeUndefined();
  writeFileSync(p, `${process.ppid}\n`); // alive, but not `serve`
  expect(runningPid(p)).toBeUndefined();
  expect(() => checkNotRunning(p)).not.toThrow();
});

test("a live `serve` process in the pid file refuses a second server", async () => {
  const p = join(dir, "live.pid");
  // `sh -c CMD serve` keeps "serve" in its argv (as $0), like `kas serve`; "; :" stops sh
  // from exec-ing sleep in its own place (which would drop "serve" from /proc/PID/cmdline).
  const sh = Bun.spawn(["sh", "-c", "sleep 5; :", "serve"]);
  // Between fork and exec the child's cmdline is still ours: wait for the exec.
  for (let i = 0; i < 200 && !readFileSync(`/proc/${sh.pid}/cmdline`, "utf8").includes("serve"); i++) await Bun.sleep(10);
  writeFileSync(p, `${sh.pid}\n`);
  expect(runningPid(p)).toBe(sh.pid);
  expect(() => checkNotRunning(p)).toThrow(`already running (pid ${sh.pid}`);
  sh.kill();
  await sh.exited;
});

test("write then remove; removal leaves another server's pid file alone", () => {
  const p = join(dir, "sub", "kas.pid");
  writePidFile(p);
  expect(readFileSync(p, "utf8")).toBe(`${process.pid}\n`);
  removePidFile(p);
  expect(existsSync(p)).toBe(false);
  writeFileSync(p, "12345\n");
  removePidFile(p);
  expect(existsSync(p)).toBe(true);
});
