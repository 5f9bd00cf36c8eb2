import { expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "../testing/kas-binary";
import { UPDATE_EXIT } from "./exit";
import { exitCodeOf } from "../testing/exit-code";
import { acquireLock } from "./lock";

test("a held lock refuses a second run with the lock code; release frees it; no temp files left", async () => {
  const dir = tempDir();
  const path = join(dir, "update.lock");
  const a = acquireLock(path);
  expect(readFileSync(path, "utf8")).toBe(`${process.pid}\n`);
  expect(await exitCodeOf(() => acquireLock(path, () => true))).toBe(UPDATE_EXIT.LOCKED);
  a.release();
  expect(existsSync(path)).toBe(false);
  expect(readdirSync(dir)).toEqual([]);
});

test("a stale lock (dead pid, or empty) is taken over", () => {
  const dir = tempDir();
  const path = join(dir, "update.lock");
  writeFileSync(path, "999999999\n");
  const l = acquireLock(path, () => false);
  expect(readFileSync(path, "utf8")).toBe(`${process.pid}\n`);
  l.release();
  writeFileSync(path, "");
  acquireLock(path, () => false).release();
  expect(readdirSync(dir)).toEqual([]);
});

test("breaking a stale lock never removes a live lock another run took meanwhile", async () => {
  const dir = tempDir();
  const path = join(dir, "update.lock");
  writeFileSync(path, "999999999\n");
  // Another run breaks the stale lock and takes a fresh one between our read and our rename:
  // simulated by the liveness probe, which runs after our read of the stale pid.
  const locked = () =>
    acquireLock(path, (pid) => {
      if (pid === 999999999) writeFileSync(path, "4242\n");
      return false;
    });
  expect(await exitCodeOf(locked)).toBe(UPDATE_EXIT.LOCKED);
  expect(readFileSync(path, "utf8")).toBe("4242\n");
  expect(readdirSync(dir)).toEqual(["update.lock"]);
});
