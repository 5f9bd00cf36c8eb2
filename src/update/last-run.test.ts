import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { UPDATE_EXIT } from "./exit";
import { readLastRun, recordRun } from "./last-run";

const dir = mkdtempSync(join(tmpdir(), "kas-last-run-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("failed runs are counted in a row, a success resets the count and is remembered; a locked run records nothing", () => {
  const c = { data_dir: dir };
  expect(readLastRun(c)).toBeUndefined();
  const t = (m: number) => new Date(Date.UTC(2030, 0, 1, 0, m));
  recordRun(c, UPDATE_EXIT.INSTALLED, "installed version 3", t(0));
  expect(readLastRun(c)).toEqual({ at: t(0).toISOString(), code: 0, message: "installed version 3", failures: 0, last_ok: t(0).toISOString() });
  recordRun(c, UPDATE_EXIT.UNREACHABLE, "no mirror", t(1));
  recordRun(c, UPDATE_EXIT.LOCKED, "locked", t(2));
  recordRun(c, UPDATE_EXIT.SIGNATURE, "bad signature", t(3));
  expect(readLastRun(c)).toEqual({ at: t(3).toISOString(), code: 3, message: "bad signature", failures: 2, last_ok: t(0).toISOString() });
  recordRun(c, UPDATE_EXIT.UP_TO_DATE, "up to date", t(4));
  expect(readLastRun(c)).toMatchObject({ code: 1, failures: 0, last_ok: t(4).toISOString() });
});

test("update-db from cron, the first to run on a new host, creates data_dir as 0700 (kas serve warns when others can enter it), whatever the umask", () => {
  const data = join(dir, "new", "var", "lib", "kas");
  const old = process.umask(0o022);
  try {
    recordRun({ data_dir: data }, UPDATE_EXIT.UNREACHABLE, "no mirror");
  } finally {
    process.umask(old);
  }
  expect(readLastRun({ data_dir: data })?.code).toBe(UPDATE_EXIT.UNREACHABLE);
  for (const d of [data, join(dir, "new")]) expect(statSync(d).mode & 0o777).toBe(0o700);
});
