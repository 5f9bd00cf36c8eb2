import { afterAll, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { tempDir } from "./kas-binary";
import { enterRunTmp, leaveRunTmp } from "./run-tmp";

const base = mkdtempSync(join("/tmp", "kas-run-tmp-test-"));
afterAll(() => rmSync(base, { recursive: true, force: true }));

test("the preload points TMPDIR at this run's directory, so test directories go there", () => {
  expect(tmpdir()).toBe(join(process.env.TMPDIR!));
  expect(tmpdir()).toMatch(/\/kas-tests-\d+$/);
  expect(tempDir("kas-x-").startsWith(tmpdir() + "/")).toBe(true);
});

test("a run's directory is removed with its content; dead runs' directories are swept, live ones kept", () => {
  const dead = join(base, "kas-tests-999999999"); // no such pid
  const live = join(base, `kas-tests-${process.ppid}`);
  const other = join(base, "kas-tests-notapid");
  for (const d of [dead, live, other]) mkdirSync(d);
  const mine = enterRunTmp(base, 4242);
  expect(mine).toBe(join(base, "kas-tests-4242"));
  expect([existsSync(dead), existsSync(live), existsSync(other)]).toEqual([false, true, true]);
  mkdirSync(join(mine, "a/b"), { recursive: true });
  writeFileSync(join(mine, "a/b/f"), "x");
  leaveRunTmp(mine);
  expect(existsSync(mine)).toBe(false);
});
