import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { installedDbPath, rulesRoot, rulesVersionsDir } from "../config/paths";
import { parseConfig } from "../config/load";
import { loadActiveDb, parseDb } from "../ruledb/index";
import { tempDir } from "../testing/kas-binary";
import { makeKeys, makeRules, publishRules, type TestKeys } from "../testing/update-mirror";
import { UPDATE_EXIT } from "./exit";
import { currentVersion, heldVersion, installedVersions } from "./install";
import { acquireLock } from "./lock";
import { rollbackDb, updateDb, type UpdateDeps } from "./pipeline";
import { openSource } from "./source";
import { exitCodeOf } from "../testing/exit-code";

let dir: string;
let keys: TestKeys;
let mirror: string;
let lines: string[];

const config = (extra = "", sources?: string[]) =>
  parseConfig(`data_dir = ${JSON.stringify(join(dir, "data"))}\n[update]\nsources = ${JSON.stringify(sources ?? [mirror])}\ntrusted_keys = [${JSON.stringify(keys.pubText)}]\n${extra}`);

const deps = (over: Partial<UpdateDeps> = {}): UpdateDeps => ({
  openSource: (s) => openSource(s, 2),
  license: () => ({ allowed: true }),
  reload: async (v) => `reloaded ${v}`,
  kasVersion: "0.1.0",
  now: () => new Date("2026-11-28T12:00:00Z"),
  log: { info: (m) => lines.push(m), warn: (m) => lines.push("warn " + m), debug: (m) => lines.push("debug " + m) },
  ...over,
});

const code = exitCodeOf;

const dbBytes = (c: ReturnType<typeof config>) => readFileSync(installedDbPath(c));

beforeEach(() => {
  dir = tempDir("kas-update-");
  keys = makeKeys(dir);
  mirror = join(dir, "mirror");
  lines = [];
  publishRules(mirror, makeRules(join(dir, "r1"), "ONE"), keys.priv, 1);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("updateDb", () => {
  test("installs a new version, then is up to date", async () => {
    const c = config();
    const r = await updateDb(c, deps());
    expect(r).toMatchObject({ code: 0, version: 1 });
    expect(r.message).toContain("reloaded 1");
    expect(currentVersion(c)).toBe(1);
    expect(parseDb(dbBytes(c), "db").version).toBe("1");
    expect(readlinkSync(join(rulesRoot(c), "current"))).toBe("versions/1");
    const again = await updateDb(c, deps());
    expect(again.code).toBe(1);
    expect(existsSync(join(rulesRoot(c), "update.lock"))).toBe(false);
  });

  test("the current version's database damaged on disk: installed again from the mirror, not 'up to date'", async () => {
    const c = config();
    await updateDb(c, deps());
    const bytes = dbBytes(c);
    bytes[bytes.length >> 1] ^= 0x20;
    writeFileSync(installedDbPath(c), bytes);
    expect(() => loadActiveDb(c)).toThrow("corrupt");
    lines = [];
    const r = await updateDb(c, deps());
    expect(r).toMatchObject({ code: 0, version: 1 });
    expect(lines.join("\n")).toContain("warn installed version 1 is damaged (the database file is corrupt");
    // Its sources were intact: checked against the signed manifest and reused, none downloaded.
    expect(lines.join("\n")).toContain("0 file(s) downloaded");
    expect(loadActiveDb(c).db.version).toBe("1");
    expect((await updateDb(c, deps())).code).toBe(1);
  });

  test("the current version damaged and the mirror offering only an older one: 9 with the way out, not 'up to date'", async () => {
    const mirror2 = join(dir, "mirror2");
    publishRules(mirror2, makeRules(join(dir, "r2"), "TWO"), keys.priv, 2);
    const c = config("", [mirror2]);
    await updateDb(c, deps());
    expect(currentVersion(c)).toBe(2);
    const bytes = dbBytes(c);
    bytes[bytes.length >> 1] ^= 0x20;
    writeFileSync(installedDbPath(c), bytes);
    // Only the first mirror (version 1) is named: nothing it offers can repair version 2.
    const e = await updateDb(config("", [mirror]), deps()).catch((x) => x);
    expect(e.exitCode).toBe(UPDATE_EXIT.DAMAGED);
    expect(e.message).toContain("offers version 1, older than the installed version 2, which is damaged");
    expect(e.hint).toContain("kas update-db --rollback");
    expect(currentVersion(c)).toBe(2);
    // With the second mirror after it, version 2 is installed again.
    const r = await updateDb(config("", [mirror, mirror2]), deps());
    expect(r).toMatchObject({ code: 0, version: 2 });
    expect(loadActiveDb(c).db.version).toBe("2");
  });

  test("downloads only changed files; reuses the rest by digest", async () => {
    const c = config();
    await updateDb(c, deps());
    publishRules(mirror, makeRules(join(dir, "r2"), "TWO"), keys.priv, 2);
    lines = [];
    expect((await updateDb(c, deps())).code).toBe(0);
    expect(lines.join("\n")).toContain("1 file(s) downloaded");
    expect(lines.join("\n")).toContain("1 reused");
    expect(parseDb(dbBytes(c), "db").version).toBe("2");
  });

  test("a manifest signed by an unknown key → 3, nothing installed", async () => {
    const other = makeKeys(dir, "other");
    const c = parseConfig(`data_dir = ${JSON.stringify(join(dir, "data"))}\n[update]\nsources = [${JSON.stringify(mirror)}]\ntrusted_keys = [${JSON.stringify(other.pubPath)}]\n`);
    expect(await code(updateDb(c, deps()))).toBe(UPDATE_EXIT.SIGNATURE);
    expect(installedVersions(c)).toEqual([]);
  });

  test("a manifest whose signature file is missing → 3 (signature), not 2 (source unreachable); nothing installed", async () => {
    const c = config();
    rmSync(join(mirror, "1", "manifest.json.sig"));
    const err = await updateDb(c, deps()).then(() => undefined, (e) => e);
    expect(await code(Promise.reject(err))).toBe(UPDATE_EXIT.SIGNATURE);
    expect(err.message).toContain("has no signature file 1/manifest.json.sig");
    expect(installedVersions(c)).toEqual([]);
  });

  test("an edited manifest → 3; an edited or truncated file → 4; the installed db stays byte-identical", async () => {
    const c = config();
    await updateDb(c, deps());
    const before = dbBytes(c);
    publishRules(mirror, makeRules(join(dir, "r2"), "TWO"), keys.priv, 2);
    const latest = join(mirror, "latest.json");
    const good = readFileSync(latest, "utf8");
    writeFileSync(latest, good.replace('"size": ', '"size":  '));
    expect(await code(updateDb(c, deps()))).toBe(UPDATE_EXIT.SIGNATURE);
    writeFileSync(latest, good);
    const file = join(mirror, "2", "files", "20_tag.cf");
    const text = readFileSync(file, "utf8");
    writeFileSync(file, text.replace("TWO", "TWX"));
    expect(await code(updateDb(c, deps()))).toBe(UPDATE_EXIT.DIGEST);
    writeFileSync(file, text.slice(0, 10));
    expect(await code(updateDb(c, deps()))).toBe(UPDATE_EXIT.DIGEST);
    writeFileSync(file, text + "# more\n");
    expect(await code(updateDb(c, deps()))).toBe(UPDATE_EXIT.DIGEST);
    expect(dbBytes(c)).toEqual(before);
    expect(currentVersion(c)).toBe(1);
    expect(existsSync(join(rulesRoot(c), `staging-${process.pid}`))).toBe(false);
  });

  test("rules that do not compile → 5, the installed db stays", async () => {
    const c = config();
    await updateDb(c, deps());
    const before = dbBytes(c);
    publishRules(mirror, makeRules(join(dir, "bad"), "", { "10_bad.cf": "body BROKEN /unclosed(/\nscore BROKEN 1\n" }), keys.priv, 2, { skipLint: true });
    expect(await code(updateDb(c, deps()))).toBe(UPDATE_EXIT.COMPILE);
    expect(dbBytes(c)).toEqual(before);
    expect(installedVersions(c)).toEqual([1]);
  });

  test("a bundle needing a newer kas → 5", async () => {
    publishRules(mirror, makeRules(join(dir, "r2"), "TWO"), keys.priv, 2, { kasVersion: "99.0.0" });
    expect(await code(updateDb(config(), deps()))).toBe(UPDATE_EXIT.COMPILE);
  });

  test("no source reachable → 2; the next source is tried after a broken one", async () => {
    const missing = join(dir, "nowhere");
    expect(await code(updateDb(config("", [missing]), deps()))).toBe(UPDATE_EXIT.UNREACHABLE);
    const garbage = join(dir, "garbage");
    mkdirSync(garbage);
    writeFileSync(join(garbage, "latest.json"), "<html>502 Bad Gateway</html>");
    const c = config("", [missing, garbage, `file://${mirror}`]);
    expect((await updateDb(c, deps())).code).toBe(0);
    expect(lines.filter((l) => l.includes("trying the next source"))).toHaveLength(2);
  });

  test("license refused → 8 before any download", async () => {
    const c = config();
    let opened = 0;
    const d = deps({ license: () => ({ allowed: false, reason: "license expired on 2026-01-01" }), openSource: (s) => (opened++, openSource(s, 2)) });
    expect(await code(updateDb(c, d))).toBe(UPDATE_EXIT.LICENSE);
    expect(opened).toBe(0);
  });

  test("no sources or no trusted keys → config error 78", async () => {
    expect(await code(updateDb(config("", []), deps()))).toBe(UPDATE_EXIT.CONFIG);
    const c = parseConfig(`data_dir = ${JSON.stringify(join(dir, "data"))}\n[update]\nsources = [${JSON.stringify(mirror)}]\n`);
    expect(await code(updateDb(c, deps()))).toBe(UPDATE_EXIT.CONFIG);
  });

  test("a held lock → 73; a stale lock is taken over", async () => {
    const c = config();
    mkdirSync(rulesRoot(c), { recursive: true });
    const lock = acquireLock(join(rulesRoot(c), "update.lock"));
    expect(await code(updateDb(c, deps()))).toBe(UPDATE_EXIT.LOCKED);
    lock.release();
    writeFileSync(join(rulesRoot(c), "update.lock"), "999999999\n");
    expect((await updateDb(c, deps())).code).toBe(0);
  });

  test("a target that cannot be written → 6, nothing half-installed", async () => {
    const c = config();
    await updateDb(c, deps());
    const before = dbBytes(c);
    publishRules(mirror, makeRules(join(dir, "r2"), "TWO"), keys.priv, 2);
    // versions/ replaced by a plain file: every write into it fails (ENOTDIR), as on a broken mount.
    rmSync(join(rulesVersionsDir(c), "1"), { recursive: true });
    rmSync(rulesVersionsDir(c), { recursive: true });
    writeFileSync(rulesVersionsDir(c), "");
    expect(await code(updateDb(c, deps()))).toBe(UPDATE_EXIT.INSTALL);
    expect(readlinkSync(join(rulesRoot(c), "current"))).toBe("versions/1");
    expect(before.length).toBeGreaterThan(0);
  });

  test("a failed reload is reported after the install (7)", async () => {
    const c = config();
    const { fail } = await import("./exit");
    expect(await code(updateDb(c, deps({ reload: async () => { throw fail(UPDATE_EXIT.RELOAD, "no confirmation"); } })))).toBe(UPDATE_EXIT.RELOAD);
    expect(currentVersion(c)).toBe(1);
  });

  test("keeps `keep` versions; rollback switches back and holds the newer version", async () => {
    const c = config("keep = 2");
    await updateDb(c, deps());
    for (const v of [2, 3]) {
      publishRules(mirror, makeRules(join(dir, `r${v}`), `V${v}`), keys.priv, v);
      expect((await updateDb(c, deps())).code).toBe(0);
    }
    expect(installedVersions(c)).toEqual([3, 2]);
    const rb = await rollbackDb(c, deps());
    expect(rb).toMatchObject({ code: 0, version: 2 });
    expect(parseDb(dbBytes(c), "db").version).toBe("2");
    expect(heldVersion(c)).toBe(3);
    expect((await updateDb(c, deps())).code).toBe(1);
    // From the oldest kept version: back to the built-in rules; the hold stays at 3, not 2.
    const builtin = await rollbackDb(c, deps());
    expect(builtin).toMatchObject({ code: 0, version: undefined });
    expect(builtin.message).toContain("rolled back from version 2 to the built-in rules");
    expect(builtin.message).toContain("reloaded builtin");
    expect(heldVersion(c)).toBe(3);
    expect((await updateDb(c, deps())).code).toBe(1);
    expect(await code(rollbackDb(c, deps()))).toBe(UPDATE_EXIT.INSTALL);
    publishRules(mirror, makeRules(join(dir, "r4"), "V4"), keys.priv, 4);
    expect((await updateDb(c, deps())).code).toBe(0);
    expect(heldVersion(c)).toBeUndefined();
    expect(installedVersions(c)).toEqual([4, 3]);
  });

  test("rollback with one installed version goes back to the built-in rules, which the loader then uses", async () => {
    const c = config();
    await updateDb(c, deps());
    expect(loadActiveDb(c).source).toStartWith("installed 1 ");
    const rb = await rollbackDb(c, deps());
    expect(rb.code).toBe(0);
    expect(rb.message).toBe("rolled back from version 1 to the built-in rules (no older version is installed); updates up to 1 are held back; reloaded builtin");
    expect(existsSync(join(rulesRoot(c), "current"))).toBe(false);
    expect(installedVersions(c)).toEqual([1]); // kept, not deleted
    expect(loadActiveDb(c)).toMatchObject({ source: "built-in", db: { version: "builtin" } });
    expect(currentVersion(c)).toBeUndefined();
    expect((await updateDb(c, deps())).code).toBe(1); // held back
    const again = await rollbackDb(c, deps()).catch((e) => e);
    expect([again.exitCode, again.message]).toEqual([UPDATE_EXIT.INSTALL, "nothing to roll back: no database is installed (the built-in rules are in use)"]);
  });

  test("rolling back twice keeps the newest version held back", async () => {
    const c = config("keep = 3");
    await updateDb(c, deps());
    for (const v of [2, 3]) {
      publishRules(mirror, makeRules(join(dir, `r${v}`), `V${v}`), keys.priv, v);
      await updateDb(c, deps());
    }
    await rollbackDb(c, deps());
    await rollbackDb(c, deps());
    expect(currentVersion(c)).toBe(1);
    expect(heldVersion(c)).toBe(3);
    expect((await updateDb(c, deps())).code).toBe(1);
  });
});
