// Reproducible builds: the built-in database compiled from the same rules/ gives the same
// digest and the same bytes at every build; a changed rule changes the digest.
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { builtinDb } from "./builtin";
import { compileBuiltin, sourceDate } from "./builtin-macro";
import { serializeDb } from "./db";

const dir = mkdtempSync(join(tmpdir(), "kas-builtin-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const write = (name: string, text: string, mtimeS: number) => {
  writeFileSync(join(dir, name), text);
  utimesSync(join(dir, name), mtimeS, mtimeS);
};

test("two builds of the same sources give the same bytes; a changed rule changes the digest", async () => {
  write("10_a.cf", "body FOO /foo/\nscore FOO 2\n", 1_700_000_000);
  write("20_b.cf", "header BAR Subject =~ /bar/\n", 1_700_000_500);
  const first = compileBuiltin(dir);
  await Bun.sleep(5); // a build later: the clock moved on
  const second = compileBuiltin(dir);
  expect(serializeDb(second)).toEqual(serializeDb(first));
  expect(first.createdAt).toBe("2023-11-14T22:21:40.000Z"); // the newest source's mtime

  write("10_a.cf", "body FOO /foo/\nscore FOO 3\n", 1_700_000_000);
  expect(compileBuiltin(dir).digest).not.toBe(first.digest);
});

test("the digest does not depend on createdAt (SOURCE_DATE_EPOCH, or a fresh checkout's mtimes)", () => {
  write("10_a.cf", "body FOO /foo/\n", 1_700_000_000);
  const before = compileBuiltin(dir);
  write("10_a.cf", "body FOO /foo/\n", 1_800_000_000); // same content, checked out later
  const after = compileBuiltin(dir);
  expect(after.createdAt).not.toBe(before.createdAt);
  expect(after.digest).toBe(before.digest);
});

test("SOURCE_DATE_EPOCH, when set, is createdAt", () => {
  expect(sourceDate(dir, { SOURCE_DATE_EPOCH: "1764633600" })).toBe("2025-12-02T00:00:00.000Z");
  expect(sourceDate(join(dir, "missing"), {})).toBe("1970-01-01T00:00:00.000Z");
});

test("the database embedded at build time has the digest of a fresh compile of rules/", () => {
  expect(builtinDb().digest).toBe(compileBuiltin().digest);
});

test("the sources embedded for `kas rules check` are the ones the built-in database was compiled from", async () => {
  const { BUILTIN_SOURCES } = await import("./builtin-sources");
  const { compileSources } = await import("./compile");
  expect(BUILTIN_SOURCES.length).toBeGreaterThan(0);
  expect(compileSources(BUILTIN_SOURCES, { version: "builtin" }).db!.digest).toBe(builtinDb().digest);
});
