import { describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseConfig } from "../config/load";
import { DataError, KasError } from "../errors";
import { loadActiveDb } from "./active";
import { checkRulesDir } from "./check";
import { compileSources } from "./compile";
import { serializeDb } from "./db";

const FIXTURES = join(import.meta.dir, "../../fixtures/rules");
const config = (dataDir: string, rulesDir = "") => parseConfig(`data_dir = ${JSON.stringify(dataDir)}\n[scan]\nrules_dir = ${JSON.stringify(rulesDir)}\n`);
const tmp = () => mkdtempSync(join(tmpdir(), "kas-ruledb-"));

function install(dataDir: string, version: string, bytes: Uint8Array): string {
  const dir = join(dataDir, "rules/versions", version);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "rules.kasdb"), bytes);
  symlinkSync(join("versions", version), join(dataDir, "rules/current"));
  return dir;
}

describe("loadActiveDb", () => {
  test("nothing installed, no rules_dir: the built-in database", () => {
    const { db, source } = loadActiveDb(config(tmp()));
    expect(source).toBe("built-in");
    expect(db.version).toBe("builtin");
  });

  test("the installed database (through the current symlink)", () => {
    const data = tmp();
    const compiled = compileSources([{ path: "a.cf", text: "body FOO /foo/\n" }], { version: "2026112201" }).db!;
    const dir = install(data, "2026112201", serializeDb(compiled));
    const { db, source } = loadActiveDb(config(data));
    expect(source).toBe(`installed 2026112201 (${dir})`);
    expect(db.digest).toBe(compiled.digest);
    expect(db.ruleCount).toBe(1);
  });

  test("a corrupt installed database is a DataError, not a silent fallback", () => {
    const data = tmp();
    const text = new TextDecoder().decode(serializeDb(compileSources([{ path: "a.cf", text: "body FOO /foo/\n" }], { version: "v1" }).db!));
    expect(text).toContain('"re":"foo"');
    install(data, "v1", new TextEncoder().encode(text.replace('"re":"foo"', '"re":"fox"')));
    expect(() => loadActiveDb(config(data))).toThrow(/rule database .*rules\.kasdb is corrupt: digest mismatch/);
  });

  test("rules_dir wins over an installed database", () => {
    const data = tmp();
    install(data, "v1", serializeDb(compileSources([{ path: "a.cf", text: "body FOO /foo/\n" }], { version: "v1" }).db!));
    const dir = join(FIXTURES, "good");
    const { db, source } = loadActiveDb(config(data, dir));
    expect(source).toBe(`rules_dir ${dir}`);
    expect(db.ruleCount).toBe(9);
  });

  test("a broken rules_dir is a DataError listing file:line: reason", () => {
    const dir = join(FIXTURES, "broken");
    let err: unknown;
    try {
      loadActiveDb(config(tmp(), dir));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DataError);
    const msg = (err as DataError).message;
    expect(msg).toContain(`rules in ${dir} do not compile (3 errors)`);
    expect(msg).toContain(`${dir}/10_broken.cf:3: body BAD_REGEX: missing )`);
    expect(msg).toContain(`${dir}/10_broken.cf:4: header BAD_HEADER`);
    expect(msg).toContain(`${dir}/10_broken.cf:5: meta BAD_META`);
  });
});

describe("checkRulesDir", () => {
  test("good → warnings returned; broken → DataError 65; missing → 66", async () => {
    expect(await checkRulesDir(join(FIXTURES, "good"))).toEqual([]);
    await expect(checkRulesDir(join(FIXTURES, "broken"))).rejects.toThrow("10_broken.cf:3: body BAD_REGEX");
    await expect(checkRulesDir(join(FIXTURES, "broken"))).rejects.toBeInstanceOf(DataError);
    try {
      await checkRulesDir("/nonexistent/dir");
      throw new Error("no error");
    } catch (e) {
      expect((e as KasError).exitCode).toBe(66);
    }
  });
});
