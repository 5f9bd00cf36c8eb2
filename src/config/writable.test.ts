import { expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError } from "../errors";
import { parseConfig } from "./load";
import { checkStateWritable, realStateFs, type StateFs } from "./writable";

/** A file system of dirs and files with owners; `writableBy` lists the paths this user may write. */
function fakeFs(entries: Record<string, { dir: boolean; uid?: number; mode?: number }>, writableBy: string[]): StateFs {
  return {
    stat: (p) => (entries[p] ? { dir: entries[p].dir, uid: entries[p].uid ?? 0, mode: entries[p].mode ?? 0o755 } : undefined),
    writable: (p) => (writableBy.includes(p) ? undefined : `EACCES: permission denied, access '${p}'`),
  };
}

const alice = { user: "alice", uid: 1000 };
const caught = (f: () => void): ConfigError => {
  try {
    f();
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error("did not throw");
};

test("defaults as a normal user: /var/lib/kas cannot be created in /var/lib; both remedies are named (exit 78)", () => {
  const fs = fakeFs({ "/": { dir: true }, "/var": { dir: true }, "/var/lib": { dir: true } }, []);
  const e = caught(() => checkStateWritable(parseConfig(""), "(built-in defaults)", fs, alice));
  expect(e.exitCode).toBe(78);
  expect(e.message).toBe("(built-in defaults): data_dir: /var/lib/kas does not exist and cannot be created in /var/lib: EACCES: permission denied, access '/var/lib' (owner uid 0, mode 0755); kas serve runs as user alice (uid 1000)");
  expect(e.hint).toContain("either set data_dir");
  expect(e.hint).toContain("`kas config defaults > kas.toml`");
  expect(e.hint).toContain("`sudo install -d -o alice -m 750 /var/lib/kas`");
  expect(e.hint).toContain("Running kas as a service");
});

test("data_dir owned by root (a root run created it): the directory and the database left in it are named", () => {
  const fs = fakeFs({ "/var/lib/kas": { dir: true }, "/var/lib/kas/license": { dir: true }, "/var/lib/kas/license/usage.sqlite": { dir: false, mode: 0o644 } }, []);
  const e = caught(() => checkStateWritable(parseConfig(""), "/etc/kas/kas.toml", fs, alice));
  expect(e.problems.map((p) => p.reason.split(";")[0])).toEqual([
    "/var/lib/kas is not writable: EACCES: permission denied, access '/var/lib/kas' (owner uid 0, mode 0755)",
    "/var/lib/kas/license/usage.sqlite is not writable: EACCES: permission denied, access '/var/lib/kas/license/usage.sqlite' (owner uid 0, mode 0644)",
  ]);
  expect(e.hint).toContain("in /etc/kas/kas.toml to a directory user alice (uid 1000) can write");
  expect(e.hint).toContain("`sudo chown -R alice /var/lib/kas`");
});

test("a pid_file set elsewhere is checked under its own key", () => {
  const fs = fakeFs({ "/srv/kas": { dir: true }, "/run": { dir: true } }, ["/srv/kas"]);
  const e = caught(() => checkStateWritable(parseConfig(`data_dir = "/srv/kas"\n[server]\npid_file = "/run/kas/kas.pid"\n`), "k.toml", fs, alice));
  expect(e.problems.map((p) => p.keyPath)).toEqual(["server.pid_file"]);
  expect(e.message).toContain("/run/kas/kas.pid does not exist and cannot be created in /run");
});

test("a data_dir that is a file is refused", () => {
  const fs = fakeFs({ "/srv/kas": { dir: false } }, ["/srv/kas"]);
  expect(caught(() => checkStateWritable(parseConfig(`data_dir = "/srv/kas"\n`), "k.toml", fs, alice)).message).toStartWith("k.toml: data_dir: /srv/kas is not a directory");
});

test("a writable data_dir (existing, or creatable in a writable parent) passes", () => {
  expect(() => checkStateWritable(parseConfig(`data_dir = "/srv/kas"\n`), "k.toml", fakeFs({ "/srv/kas": { dir: true } }, ["/srv/kas"]), alice)).not.toThrow();
  expect(() => checkStateWritable(parseConfig(`data_dir = "/srv/kas/a/b"\n`), "k.toml", fakeFs({ "/srv": { dir: true } }, ["/srv"]), alice)).not.toThrow();
});

test("the token database is checked only when filtering processes write it (autolearn)", () => {
  const fs = fakeFs({ "/srv/kas": { dir: true }, "/srv/kas/bayes": { dir: true }, "/srv/kas/bayes/bayes.sqlite": { dir: false } }, ["/srv/kas"]);
  expect(() => checkStateWritable(parseConfig(`data_dir = "/srv/kas"\n`), "k.toml", fs, alice)).not.toThrow();
  const e = caught(() => checkStateWritable(parseConfig(`data_dir = "/srv/kas"\n[bayes]\nautolearn = true\n`), "k.toml", fs, alice));
  expect(e.message).toContain("/srv/kas/bayes/bayes.sqlite is not writable");
});

test("the real probe: a path under a regular file cannot be created (ENOTDIR, also as root)", () => {
  const file = `${import.meta.dir}/writable.ts`;
  expect(() => checkStateWritable(parseConfig(`data_dir = ${JSON.stringify(`${file}/data`)}\n`), "k.toml", realStateFs, alice)).toThrow(`${file}/data cannot be created: ${file} is not a directory`);
});

test("the real probe: an existing database file of this user passes (no execute bit needed on files)", () => {
  const dir = mkdtempSync(join(tmpdir(), "kas-writable-"));
  try {
    mkdirSync(join(dir, "license"));
    writeFileSync(join(dir, "license", "usage.sqlite"), "", { mode: 0o644 });
    writeFileSync(join(dir, "kas.pid"), "1\n", { mode: 0o644 });
    expect(() => checkStateWritable(parseConfig(`data_dir = ${JSON.stringify(dir)}\n`), "k.toml", realStateFs, alice)).not.toThrow();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a user without a name in the password database is given to chown/install by uid", () => {
  const fs = fakeFs({ "/var/lib/kas": { dir: true } }, []);
  const e = caught(() => checkStateWritable(parseConfig(""), "k.toml", fs, { user: "uid 4242", uid: 4242 }));
  expect(e.message).toContain("kas serve runs as uid 4242");
  expect(e.hint).toContain("`sudo chown -R 4242 /var/lib/kas`");
});
