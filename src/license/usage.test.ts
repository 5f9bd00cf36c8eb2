import { describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { existsSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { licenseUsagePath } from "../config/paths";
import { StateError } from "../errors";
import { tempDir } from "../testing/kas-binary";
import { domainOf, FOLLOW_MS, MemoryUsageStore, normaliseAddress, SqliteUsageStore, type UsageStore } from "./usage";

const NOW = new Date("2026-11-28T12:00:00Z");

test.each([
  ["John.Doe@Example.COM", "john.doe@example.com"],
  ["<user@example.com>", "user@example.com"],
  ["user+tag@example.com", "user@example.com"],
  ["+only@example.com", "+only@example.com"],
  ['"Quoted Name"@Example.com', '"Quoted Name"@example.com'],
  ["user@example.com.", "user@example.com"],
  ["user@bücher.example", "user@xn--bcher-kva.example"],
  ["Postmaster", "postmaster"],
])("normaliseAddress(%p) = %p", (raw, norm) => expect(normaliseAddress(raw)).toBe(norm));

test("domainOf", () => {
  expect(domainOf("a@b.example")).toBe("b.example");
  expect(domainOf("postmaster")).toBe("");
});

test("licenseUsagePath: usage_file, else under data_dir", () => {
  expect(licenseUsagePath({ data_dir: "/var/lib/kas", license: { usage_file: "" } })).toBe("/var/lib/kas/license/usage.sqlite");
  expect(licenseUsagePath({ data_dir: "/d", license: { usage_file: "/x/u.db" } })).toBe("/x/u.db");
});

/** The same rules hold for both stores. */
function contract(name: string, make: () => UsageStore) {
  describe(`${name}: first come, first licensed`, () => {
    test("with a limit of 3, the first 3 addresses are licensed, later ones not", () => {
      const s = make();
      expect(s.admit(["a", "b"], 3, NOW)).toEqual([true, true]);
      expect(s.admit(["c", "d", "e"], 3, NOW)).toEqual([true, false, false]);
      expect(s.admit(["e", "a", "d"], 3, NOW)).toEqual([false, true, false]);
      expect(s.count()).toBe(3); // refused addresses are not recorded
    });
    test("the same address twice in one call takes one slot", () => {
      const s = make();
      expect(s.admit(["a", "a", "b"], 2, NOW)).toEqual([true, true, true]);
      expect(s.count()).toBe(2);
    });
    test("raising the limit admits the next new addresses; lowering it drops the latest first", () => {
      const s = make();
      s.admit(["a", "b", "c"], 3, NOW);
      expect(s.admit(["d"], 3, NOW)).toEqual([false]);
      expect(s.admit(["d"], 4, NOW)).toEqual([true]);
      expect(s.admit(["a", "b", "c", "d"], 2, NOW)).toEqual([true, true, false, false]);
    });
    test("no limit: every address is licensed and recorded", () => {
      const s = make();
      expect(s.admit(["a", "b", "c", "d"], undefined, NOW)).toEqual([true, true, true, true]);
      expect(s.count()).toBe(4);
    });
  });
}

let n = 0;
const dir = tempDir("kas-usage-");
contract("SqliteUsageStore", () => new SqliteUsageStore(join(dir, `u${n++}`, "usage.sqlite")));
contract("MemoryUsageStore", () => new MemoryUsageStore());

describe("SqliteUsageStore persistence", () => {
  test("survives a restart: the same addresses get the same answers", () => {
    const path = join(tempDir("kas-usage-"), "license", "usage.sqlite");
    const a = new SqliteUsageStore(path);
    a.admit(["a@x", "b@x", "c@x", "d@x"], 3, NOW);
    a.close();
    const b = new SqliteUsageStore(path);
    expect(b.count()).toBe(3);
    expect(b.admit(["d@x", "c@x", "e@x"], 3, NOW)).toEqual([false, true, false]);
    b.close();
  });

  test("an address refused under a limit is answered from memory (no write transaction per message) until the limit changes", () => {
    const path = join(tempDir("kas-usage-"), "usage.sqlite");
    const a = new SqliteUsageStore(path, { busyTimeoutMs: 0 });
    expect(a.admit(["a", "b", "c"], 2, NOW)).toEqual([true, true, false]);
    // Another process holds the write lock: a store that opened a transaction again would fail "database is locked".
    const other = new Database(path);
    other.run("BEGIN IMMEDIATE");
    expect(a.admit(["c", "a"], 2, NOW)).toEqual([false, true]);
    other.run("ROLLBACK");
    other.close();
    // Raising the limit asks the file again: c is admitted now.
    expect(a.admit(["c"], 3, NOW)).toEqual([true]);
    expect(a.count()).toBe(3);
    a.close();
  });

  test("two open stores on one file cannot both take the last slot", () => {
    const path = join(tempDir("kas-usage-"), "usage.sqlite");
    const a = new SqliteUsageStore(path);
    const b = new SqliteUsageStore(path);
    a.admit(["a", "b"], 3, NOW);
    expect(b.admit(["c"], 3, NOW)).toEqual([true]);
    expect(a.admit(["d"], 3, NOW)).toEqual([false]);
    expect(a.admit(["c"], 3, NOW)).toEqual([true]);
    a.close();
    b.close();
  });

  test("read-only: counts, never creates the file", () => {
    const d = tempDir("kas-usage-");
    const path = join(d, "usage.sqlite");
    expect(() => new SqliteUsageStore(path, { readonly: true })).toThrow(StateError);
    expect(existsSync(path)).toBe(false);
    const w = new SqliteUsageStore(path);
    w.admit(["a", "b"], undefined, NOW);
    const r = new SqliteUsageStore(path, { readonly: true });
    expect(r.count()).toBe(2);
    r.close();
    w.close();
  });

  test("a file that is not a usage store is a StateError that says what to do", () => {
    const path = join(tempDir("kas-usage-"), "usage.sqlite");
    writeFileSync(path, "not a database at all, just text that is long enough to be a header....\n".repeat(20));
    expect(() => new SqliteUsageStore(path)).toThrow(/license usage store .*usage\.sqlite/);
  });
});

describe("SqliteUsageStore: listing, forgetting, hostile addresses, file modes", () => {
  test("forget removes an address and moves the later ones up: the next new address takes its place, in a running store too", () => {
    const path = join(tempDir("kas-usage-"), "license", "usage.sqlite");
    const server = new SqliteUsageStore(path);
    expect(server.admit(["a", "b", "c", "d"], 3, NOW)).toEqual([true, true, true, false]);
    const admin = new SqliteUsageStore(path); // kas license-check --forget, another process
    expect(admin.forget("b")).toBe(true);
    expect(admin.forget("b")).toBe(false);
    expect(admin.list().map((r) => [r.n, r.address])).toEqual([[1, "a"], [2, "c"]]);
    admin.close();
    // The server's caches (b known as 2, d refused) follow the store's generation within
    // FOLLOW_MS of admit()'s clock: until then its answers are those of before the forget
    // (so the master reads no SQLite per message), from then on the renumbered ones.
    expect(server.admit(["b", "d"], 3, new Date(NOW.getTime() + FOLLOW_MS - 1))).toEqual([true, false]);
    expect(server.count()).toBe(2);
    const later = new Date(NOW.getTime() + FOLLOW_MS);
    expect(server.admit(["b", "d", "c", "a"], 3, later)).toEqual([true, false, true, true]);
    expect(server.list().map((r) => [r.n, r.address])).toEqual([[1, "a"], [2, "c"], [3, "b"]]);
    expect(server.lookup(["d", "c", "b", "zz"], 3)).toEqual([false, true, true, false]);
    expect(server.count()).toBe(3); // lookup records nothing
    server.close();
  });

  test("a clock that went back reads the generation at once: a forget is never hidden for longer than FOLLOW_MS", () => {
    const path = join(tempDir("kas-usage-"), "usage.sqlite");
    const server = new SqliteUsageStore(path);
    expect(server.admit(["a", "b"], 1, NOW)).toEqual([true, false]);
    const admin = new SqliteUsageStore(path);
    expect(admin.forget("a")).toBe(true);
    admin.close();
    // One second earlier (the wall clock stepped back): read, so b now takes the freed place.
    expect(server.admit(["b"], 1, new Date(NOW.getTime() - 1000))).toEqual([true]);
    server.close();
  });

  test("control characters in an address are stored escaped (no line break in the store or its listing)", () => {
    const path = join(tempDir("kas-usage-"), "usage.sqlite");
    const s = new SqliteUsageStore(path);
    expect(s.admit(["a\n2026 [scan] forged@x", "b\r@x"], undefined, NOW)).toEqual([true, true]);
    const stored = new Database(path, { readonly: true }).query<{ address: string }, []>("SELECT address FROM addresses ORDER BY n").all().map((r) => r.address);
    expect(stored).toEqual(["a\\n2026 [scan] forged@x", "b\\r@x"]);
    expect(s.admit(["a\n2026 [scan] forged@x"], 2, NOW)).toEqual([true]); // the same address, the same answer
    s.close();
  });

  test("a new store file is 0600 in a 0700 directory: it lists every protected address", () => {
    const path = join(tempDir("kas-usage-"), "license", "usage.sqlite");
    new SqliteUsageStore(path).close();
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(join(path, "..")).mode & 0o777).toBe(0o700);
  });
});
