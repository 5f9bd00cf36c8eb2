// kas update-db against a data_dir that is full or read-only, with a `kas serve` running on
// it: data_dir is a small tmpfs of its own (mount needs root). Each failure must exit 6 with
// a message that says what to fix, leave `current` and its rules.kasdb byte-identical and
// nothing behind (no staging directory filling the disk, no lock), and the server must go on
// answering with the installed version. The server's own writable state (pid file, license
// usage store) lives outside the tmpfs: an open SQLite file would keep it from being
// remounted read-only, and would make the free-space figures drift.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, statfsSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { currentRulesLink, DB_FILE, rulesRoot } from "../config/paths";
import { runKas, tempDir } from "../testing/kas-binary";
import { startServer, type Served } from "../testing/kas-server";
import { LICENSE_FIXTURES, TEST_ISSUER_PUB } from "../testing/license";
import { makeKeys, makeRules, publishRules } from "../testing/update-mirror";

const SIZE_KB = 256;
const BIG_BYTES = 1024 * 1024; // a version 2 rule file four times the size of the whole data_dir

let root = "";
let mnt = "";
let mounted = false;
let http: ReturnType<typeof Bun.serve> | undefined;
let s: Served | undefined;
let cfg = "";
const data = () => ({ data_dir: mnt });
const url = (mirror: string) => `http://127.0.0.1:${http!.port}/${mirror}/`;

function sh(...cmd: string[]): void {
  const r = Bun.spawnSync(cmd, { stdout: "pipe", stderr: "pipe" });
  if (r.exitCode !== 0) throw new Error(`${cmd.join(" ")} failed (${r.exitCode}): ${r.stderr.toString().trim()}`);
}

beforeAll(async () => {
  if (process.getuid?.() !== 0) {
    throw new Error("update-db-disk.e2e.test.ts needs root: it mounts a small tmpfs as data_dir (mount -t tmpfs) to fill it up and remount it read-only. Run it as root (CI does); it is never skipped.");
  }
  root = tempDir("kas-update-disk-");
  mnt = join(root, "data");
  mkdirSync(mnt);
  sh("mount", "-t", "tmpfs", "-o", `size=${SIZE_KB}k,mode=0755`, "tmpfs", mnt);
  mounted = true;

  const keys = makeKeys(root);
  const r1 = makeRules(join(root, "r1"), "ONE");
  const r2 = makeRules(join(root, "r2"), "TWO");
  const big = makeRules(join(root, "rbig"), "TWO");
  writeFileSync(join(big, "90_big.cf"), "# padding that makes the bundle larger than the disk\n".repeat(Math.ceil(BIG_BYTES / 53)));
  for (const [mirror, rules, v] of [["v1", r1, 1], ["big", r1, 1], ["big", big, 2], ["v2", r1, 1], ["v2", r2, 2]] as const) {
    publishRules(join(root, "m", mirror), rules, keys.priv, v);
  }
  http = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch(req) {
      const file = join(root, "m", ...new URL(req.url).pathname.split("/").filter(Boolean));
      return existsSync(file) ? new Response(readFileSync(file)) : new Response("not found", { status: 404 });
    },
  });

  const srv = join(root, "srv");
  mkdirSync(srv);
  const license = `[license]\nkey_file = ${JSON.stringify(join(LICENSE_FIXTURES, "valid-2099.key"))}\ntrusted_issuers = [${JSON.stringify(TEST_ISSUER_PUB)}]\nusage_file = ${JSON.stringify(join(srv, "usage.sqlite"))}\n`;
  const pidFile = `pid_file = ${JSON.stringify(join(srv, "kas.pid"))}\n`;
  s = await startServer(srv, { toml: `data_dir = ${JSON.stringify(mnt)}\n${license}`, server: `${pidFile}start_filters = 1\nmin_spare_filters = 1\nmax_filters = 2` });
  // update-db's config: the same data_dir and pid file, status asked at the server's address.
  cfg = join(srv, "update.toml");
  writeFileSync(cfg, `data_dir = ${JSON.stringify(mnt)}\n${license}[server]\n${pidFile}[update]\nsources = [${JSON.stringify(url("v1"))}]\ntrusted_keys = [${JSON.stringify(keys.pubText)}]\nreload_connect = ${JSON.stringify(s.tcp)}\nreload_timeout = 20\n`);
  const first = await runKas(["update-db", "--config", cfg]);
  expect([first.exitCode, first.stderr]).toEqual([0, ""]);
  expect((await s.status()).rules.version).toBe("1");
}, 60_000);

afterAll(async () => {
  try {
    if (s && s.proc.exitCode === null) await s.stop();
  } finally {
    http?.stop(true);
    if (mounted) {
      // A failed assertion may have left it read-only or full: unmount regardless, lazily if busy.
      if (Bun.spawnSync(["umount", mnt]).exitCode !== 0) Bun.spawnSync(["umount", "-l", mnt]);
    }
    if (root) rmSync(root, { recursive: true, force: true });
  }
}, 30_000);

const update = (mirror: string) => runKas(["update-db", "--config", cfg, "--source", url(mirror)]);

/** Every path under <data_dir>/rules with its symlink target: staging, lock or half-installed files show up here. */
function tree(dir = rulesRoot(data())): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    const name = relative(rulesRoot(data()), p);
    if (e.isSymbolicLink()) return [`${name} -> ${readlinkSync(p)}`];
    return e.isDirectory() ? [name + "/", ...tree(p)] : [name];
  });
}

/** What is installed: where `current` points, its database bytes, the tree, the free blocks. */
function installed() {
  return { link: readlinkSync(currentRulesLink(data())), db: readFileSync(join(currentRulesLink(data()), DB_FILE)), tree: tree(), free: statfsSync(mnt).bfree };
}

const msg = "From: a@example.org\r\nTo: b@example.com\r\nSubject: hello\r\nDate: Sat, 28 Nov 2026 08:00:00 +0000\r\nMessage-ID: <d1@example.org>\r\n\r\nupdate base marker, marker one, marker two\r\n";

/** The server is alive, reports `version` and scans with its rules. */
async function expectServing(version: string, tag: string) {
  expect(s!.proc.exitCode).toBeNull();
  expect((await s!.status()).rules.version).toBe(version);
  const hits = ((await s!.scan(msg)).json.hits as { name: string }[]).map((h) => h.name).filter((n) => n.startsWith("KAS_UPDATE_"));
  expect(hits.sort()).toEqual(["KAS_UPDATE_BASE", `KAS_UPDATE_${tag}`]);
}

describe("kas update-db on a full or read-only data_dir, with kas serve running", () => {
  test("a bundle larger than the free space → 6; nothing changed or left behind; the server serves version 1", async () => {
    const before = installed();
    expect(before.link).toBe("versions/1");
    const r = await update("big");
    expect(r.exitCode).toBe(6);
    expect(r.stderr).toContain("no space left on the file system (ENOSPC); the installed database is unchanged");
    expect(r.stderr).toContain("kas: hint: free space on the file system holding data_dir");
    expect(installed()).toEqual(before);
    await expectServing("1", "ONE");
  }, 60_000);

  test("a disk that is already full → 6 before anything is written; no empty lock file left", async () => {
    const before = installed();
    const filler = join(mnt, "filler");
    try {
      expect(() => writeFileSync(filler, Buffer.alloc(SIZE_KB * 1024, 1))).toThrow(/ENOSPC/);
      const r = await update("v2");
      expect(r.exitCode).toBe(6);
      expect(r.stderr).toContain(`cannot create the lock file ${join(rulesRoot(data()), "update.lock")}: no space left on the file system (ENOSPC)`);
      expect(r.stderr).not.toContain("internal error");
      expect({ ...installed(), free: 0 }).toEqual({ ...before, free: 0 });
      await expectServing("1", "ONE");
    } finally {
      rmSync(filler, { force: true });
    }
    expect(installed()).toEqual(before);
  }, 60_000);

  test("a read-only data_dir → 6 saying so, also with a stale lock to break; the server serves version 1", async () => {
    const before = installed();
    const lock = join(rulesRoot(data()), "update.lock");
    try {
      sh("mount", "-o", "remount,ro", mnt);
      const r = await update("v2");
      expect(r.exitCode).toBe(6);
      expect(r.stderr).toContain(`cannot create the lock file ${lock}: the file system is mounted read-only (EROFS); the installed database is unchanged`);
      expect(r.stderr).toContain("kas: hint: remount it read-write");
      expect(installed()).toEqual(before);
      await expectServing("1", "ONE");

      // A lock left by a killed run cannot be removed either: say why, not "another run keeps creating it".
      sh("mount", "-o", "remount,rw", mnt);
      writeFileSync(lock, "999999999\n");
      sh("mount", "-o", "remount,ro", mnt);
      const stale = await update("v2");
      expect(stale.exitCode).toBe(6);
      expect(stale.stderr).toContain(`cannot create the lock file ${lock}: the file system is mounted read-only (EROFS)`);
      await expectServing("1", "ONE");
    } finally {
      sh("mount", "-o", "remount,rw", mnt);
      rmSync(lock, { force: true });
    }
    expect(installed()).toEqual(before);
  }, 60_000);

  test("once the disk is writable again, the next run installs and the server reloads", async () => {
    const r = await update("v2");
    expect([r.exitCode, r.stderr]).toEqual([0, ""]);
    expect(readlinkSync(currentRulesLink(data()))).toBe("versions/2");
    expect(tree().filter((p) => /staging|lock|tmp/.test(p))).toEqual([]);
    await expectServing("2", "TWO");
  }, 60_000);
});
