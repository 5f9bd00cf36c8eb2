// Protected recipient addresses seen, kept in one SQLite file (default
// <data_dir>/license/usage.sqlite) so admission survives restarts.
//
// First come, first licensed: addresses are numbered in the order they were first seen
// (the rowid; numbers have no gaps: `kas license-check --forget` renumbers the later ones
// down by one). With a limit of N, the
// addresses numbered 1..N are licensed and every later one is not; a new address is only
// recorded while fewer than N are, so a flood of unknown recipients cannot grow the file
// when a limit applies. Raising N admits the next new addresses; lowering it drops the
// latest-numbered ones first. The same address always gets the same answer, in every
// process and after a restart.
//
// Several processes may share the file: WAL journal (readers never block the writer),
// busy_timeout instead of "database is locked", and the count-then-insert runs in a BEGIN
// IMMEDIATE transaction, so two processes cannot both take the last slot. Known addresses
// are cached in memory: a number never changes, so the cache is never stale. So are
// addresses refused under a limit (no write transaction per message to them: the master
// asks on every scan): rows are never deleted and a new one is only added below the limit,
// so under the same limit a refused address stays refused; another limit clears the cache.
// Forgetting an address (another process: `kas license-check --forget`) bumps a generation
// number in the meta table; admit() reads it (one indexed row) at most once per FOLLOW_MS of
// its clock and drops both caches when it moved, so the running server follows within a
// second without a restart. Not on every message: in WAL mode each read takes and drops a
// lock on the -shm file and checks the file's size: 3 of the master's ~7 system calls a
// message (strace, 2026-12-03), and system calls are what the master's CPU
// goes to on a virtual machine (README, "Server performance").
// To start the count afresh: stop the server, delete the file, start it again.
// Addresses are stored with control characters escaped (escape.ts): a recipient such as
// `a%0Ab@x` from the native protocol must not put a line break into the store or its listing.
// The file and its directory are private to the server's user (0600 / 0700): it lists every
// protected address.
//
// Normalisation (normaliseAddress): the domain is lower-cased, a trailing dot dropped and an
// IDN turned into its xn-- form. The local part is lower-cased too: RFC 5321 §2.4 allows a
// case-sensitive local part, but practically every mail system treats John@ and john@ as
// one mailbox, and counting them twice would charge the customer twice. For the same reason
// a subaddress tag (RFC 5233, `user+tag@`) is dropped. Quoted local parts keep their case.
import { Database, type Statement } from "bun:sqlite";
import { chmodSync, existsSync } from "node:fs";
import { dirname } from "node:path";
import { StateError } from "../errors";
import { escapeControls } from "../escape";
import { makeStateDir } from "../config/paths";

const SCHEMA_VERSION = "1";
/** Refused addresses remembered (~100 bytes each); beyond, the cache starts afresh. */
const MAX_REFUSED_CACHED = 100_000;
/** admit() looks for another process's forget at most this often (ms of the `now` it is given). */
export const FOLLOW_MS = 1000;

export interface UsageStore {
  /**
   * For each address (already normalised), whether it is among the first `limit` distinct
   * addresses (no limit: always). Records addresses first seen while fewer than `limit` are.
   */
  admit(addresses: readonly string[], limit: number | undefined, now: Date): boolean[];
  /** For each address, whether it is already recorded among the first `limit`; records nothing. */
  lookup(addresses: readonly string[], limit: number | undefined): boolean[];
  /** Distinct addresses recorded. */
  count(): number;
  close(): void;
}

export { domainOf, normaliseAddress } from "../message/address";

export interface SqliteUsageOptions {
  /** `kas license-check` only reads: a missing file is reported, never created. */
  readonly?: boolean;
  busyTimeoutMs?: number;
}

export interface RecordedAddress {
  n: number;
  address: string;
  first_seen: string;
}

export class SqliteUsageStore implements UsageStore {
  private readonly db: Database;
  /** address → its number (1-based order of first sight). */
  private readonly known = new Map<string, number>();
  /** Addresses refused under `overLimitAt` (bounded: a flood of unknown recipients must not grow memory without end). */
  private readonly overLimit = new Set<string>();
  private overLimitAt: number | undefined;
  /** The meta generation the caches belong to (forget() bumps it). */
  private generation = "0";
  /** admit()'s clock (ms) when the generation was last read; -Infinity: read on the next call. */
  private followedAt = -Infinity;
  /** Read by admit() (at most once per FOLLOW_MS) and lookup(): prepared once (db.query looks its cache up by the SQL text each time). */
  private readonly generationNow: Statement<{ value: string }, []>;

  constructor(
    readonly path: string,
    opts: SqliteUsageOptions = {},
  ) {
    try {
      if (opts.readonly && !existsSync(path)) throw new Error("no such file");
      if (!opts.readonly) makeStateDir(dirname(path));
      const fresh = !opts.readonly && !existsSync(path);
      this.db = new Database(path, opts.readonly ? { readonly: true } : { create: true, readwrite: true });
      if (fresh) chmodSync(path, 0o600);
      this.db.run(`PRAGMA busy_timeout = ${Math.max(0, Math.round(opts.busyTimeoutMs ?? 5000))}`);
      if (!opts.readonly) {
        this.db.run("PRAGMA journal_mode = WAL");
        this.db.run("PRAGMA synchronous = NORMAL");
        this.db.transaction(() => {
          this.db.run("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID");
          this.db.run("CREATE TABLE IF NOT EXISTS addresses (n INTEGER PRIMARY KEY, address TEXT NOT NULL UNIQUE, first_seen TEXT NOT NULL)");
          this.db.run("INSERT OR IGNORE INTO meta (key, value) VALUES ('schema', ?)", [SCHEMA_VERSION]);
        }).immediate();
      }
      const v = this.db.query<{ value: string }, []>("SELECT value FROM meta WHERE key = 'schema'").get()?.value;
      if (v !== SCHEMA_VERSION) throw new Error(`schema version ${v ?? "missing"}, expected ${SCHEMA_VERSION}`);
      this.generationNow = this.db.prepare<{ value: string }, []>("SELECT value FROM meta WHERE key = 'generation'");
    } catch (e) {
      throw new StateError(`license usage store ${path}: ${e instanceof Error ? e.message : String(e)}`, "check that data_dir is writable by kas; a corrupt file can be deleted (the count starts afresh)");
    }
  }

  admit(addresses: readonly string[], limit: number | undefined, now: Date): boolean[] {
    addresses = addresses.map(escapeControls);
    this.follow(limit, now.getTime());
    const missing = [...new Set(addresses.filter((a) => !this.known.has(a) && !this.overLimit.has(a)))];
    if (missing.length) {
      this.record(missing, limit, now);
      for (const a of missing) {
        if (this.known.has(a)) continue;
        if (this.overLimit.size >= MAX_REFUSED_CACHED) this.overLimit.clear();
        this.overLimit.add(a);
      }
    }
    return addresses.map((a) => {
      const n = this.known.get(a);
      return n !== undefined && (limit === undefined || n <= limit);
    });
  }

  lookup(addresses: readonly string[], limit: number | undefined): boolean[] {
    addresses = addresses.map(escapeControls);
    this.follow(limit);
    const find = this.db.query<{ n: number }, [string]>("SELECT n FROM addresses WHERE address = ?");
    return addresses.map((a) => {
      let n = this.known.get(a);
      if (n === undefined) {
        n = find.get(a)?.n;
        if (n !== undefined) this.known.set(a, n);
      }
      return n !== undefined && (limit === undefined || n <= limit);
    });
  }

  /**
   * Drops the caches when the limit or the store's generation (forget) changed. The generation
   * is read every time without `now` (lookup), and with it (admit) once per FOLLOW_MS, or at
   * once when that clock went back or after a forget of our own.
   */
  private follow(limit: number | undefined, now?: number): void {
    if (now === undefined || now < this.followedAt || now - this.followedAt >= FOLLOW_MS) {
      if (now !== undefined) this.followedAt = now;
      const gen = this.generationNow.get()?.value ?? "0";
      if (gen !== this.generation) {
        this.generation = gen;
        this.known.clear();
        this.overLimit.clear();
      }
    }
    if (limit !== this.overLimitAt) {
      this.overLimit.clear();
      this.overLimitAt = limit;
    }
  }

  /** Every recorded address in its order (`kas license-check --addresses`). */
  list(): RecordedAddress[] {
    return this.db.query<RecordedAddress, []>("SELECT n, address, first_seen FROM addresses ORDER BY n").all();
  }

  /**
   * Removes `address` (normalised) and moves every later one up by one, so the next new
   * address can take its place; false when it was not recorded.
   */
  forget(address: string): boolean {
    address = escapeControls(address);
    let removed = false;
    this.db.transaction(() => {
      const row = this.db.query<{ n: number }, [string]>("SELECT n FROM addresses WHERE address = ?").get(address);
      if (!row) return;
      this.db.run("DELETE FROM addresses WHERE n = ?", [row.n]);
      // Two steps: a single n = n - 1 may collide with a row not yet moved.
      this.db.run("UPDATE addresses SET n = -(n - 1) WHERE n > ?", [row.n]);
      this.db.run("UPDATE addresses SET n = -n WHERE n < 0");
      this.db.run("INSERT INTO meta (key, value) VALUES ('generation', '1') ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1");
      removed = true;
    }).immediate();
    this.known.clear();
    this.overLimit.clear();
    this.followedAt = -Infinity;
    return removed;
  }

  private record(addresses: string[], limit: number | undefined, now: Date): void {
    const find = this.db.query<{ n: number }, [string]>("SELECT n FROM addresses WHERE address = ?");
    const last = this.db.query<{ n: number | null }, []>("SELECT max(n) AS n FROM addresses");
    const insert = this.db.query<{ n: number }, [number, string, string]>("INSERT INTO addresses (n, address, first_seen) VALUES (?, ?, ?) RETURNING n");
    this.db.transaction(() => {
      let top = last.get()?.n ?? 0;
      for (const a of addresses) {
        const row = find.get(a);
        if (row) this.known.set(a, row.n);
        else if (limit === undefined || top < limit) {
          top += 1;
          insert.get(top, a, now.toISOString());
          this.known.set(a, top);
        }
      }
    }).immediate();
  }

  count(): number {
    return this.db.query<{ c: number }, []>("SELECT count(*) AS c FROM addresses").get()!.c;
  }

  close(): void {
    this.db.close();
  }
}

/** The same rules in memory: for `kas license-check` without a store file, and for tests. */
export class MemoryUsageStore implements UsageStore {
  private readonly order = new Map<string, number>();

  lookup(addresses: readonly string[], limit: number | undefined): boolean[] {
    return addresses.map((a) => {
      const n = this.order.get(a);
      return n !== undefined && (limit === undefined || n <= limit);
    });
  }

  admit(addresses: readonly string[], limit: number | undefined): boolean[] {
    for (const a of addresses) if (!this.order.has(a) && (limit === undefined || this.order.size < limit)) this.order.set(a, this.order.size + 1);
    return addresses.map((a) => {
      const n = this.order.get(a);
      return n !== undefined && (limit === undefined || n <= limit);
    });
  }

  count(): number {
    return this.order.size;
  }

  close(): void {}
}
