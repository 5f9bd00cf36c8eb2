// The embedded token store: one SQLite file (default <data_dir>/bayes/bayes.sqlite).
// Many filtering processes read while one `kas learn` (or an auto-learning scan) writes:
// - WAL journal: readers never block the writer and the writer never blocks readers; a
//   reader sees the last committed batch.
// - busy_timeout on every connection, so the rare moments a lock is needed (WAL recovery,
//   two writers) wait a bounded time instead of failing with "database is locked".
// - Write transactions are BEGIN IMMEDIATE (take the write lock first, so two writers queue
//   on busy_timeout instead of one failing on a lock upgrade) and bounded: the learner hands
//   batches of a few hundred messages, each one short transaction.
// - Token rows are (id INTEGER PRIMARY KEY, spam, ham, seq): the 52-bit token id is the
//   rowid itself. Row 0 holds the totals (messages learned as spam / ham) and, in seq, the
//   number of the last batch committed.
// - seq is the batch that last changed a row. It orders expiry (`expire` keeps the most
//   recently learned tokens) and lets a reader keep an in-memory copy current by reading
//   only the rows changed since it last looked (snapshot.ts: `changesSince`). Scans never
//   write: that would turn every filtering process into a writer.
// - A row forgotten down to 0/0 stays (with its seq, so readers see the change) and counts
//   as absent; `expire` removes such rows and notes it in meta expire_seq, which tells
//   readers to reload everything (deletions are not visible as changed rows).
import { Database, type Statement } from "bun:sqlite";
import { chmodSync, existsSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { errnoText } from "../errors";
import type { TokenCounts } from "./classify";
import { BayesStoreError, type LearnItem, type LearnOutcome, type Lookup, type StoreStats, type TokenStore } from "./store";
import { makeStateDir } from "../config/paths";

const SCHEMA_VERSION = "2";
/** Rows per query when a reader loads the whole table: bounds the memory of one step. */
const PAGE = 50_000;
const TOTALS_ID = 0;

export interface SqliteStoreOptions {
  /** Scanners open read-only: a missing file is an error, not silently created. */
  readonly?: boolean;
  /** How long a statement waits for a lock before failing (ms). */
  busyTimeoutMs?: number;
}

export function openSqliteStore(path: string, opts: SqliteStoreOptions = {}): SqliteTokenStore {
  return guard(path, () => new SqliteTokenStore(path, opts));
}

type Row = { id: number; spam: number; ham: number };

/** What changed since a reader last looked: `full` = every row was passed (in id order), not only the changed ones. */
export interface Changes {
  seq: number;
  full: boolean;
}

/** Receives rows [id, spam, ham]; id 0 is the totals row. */
export type RowSink = (id: number, spam: number, ham: number) => void;

export class SqliteTokenStore implements TokenStore {
  private readonly db: Database;
  private readonly lookupQ: Statement<Row, [string]>;
  private readonly versionQ: Statement<unknown, []>;

  constructor(
    readonly location: string,
    private readonly opts: SqliteStoreOptions,
  ) {
    if (opts.readonly && !existsSync(location)) throw new BayesStoreError("missing", location, "no such file");
    // Private to the server's user: the tokens are words of the mail it has seen.
    if (!opts.readonly) makeStateDir(dirname(location));
    const fresh = !opts.readonly && !existsSync(location);
    this.db = new Database(location, opts.readonly ? { readonly: true } : { create: true, readwrite: true });
    if (fresh) chmodSync(location, 0o600);
    this.db.run(`PRAGMA busy_timeout = ${Math.max(0, Math.round(opts.busyTimeoutMs ?? 5000))}`);
    if (!opts.readonly) this.init();
    const version = this.db.query<{ value: string }, []>("SELECT value FROM meta WHERE key = 'schema'").get()?.value;
    if (version !== SCHEMA_VERSION) throw new BayesStoreError("corrupt", location, `schema version ${version ?? "missing"}, expected ${SCHEMA_VERSION}`);
    this.versionQ = this.db.prepare("PRAGMA data_version");
    this.lookupQ = this.db.query<Row, [string]>("SELECT id, spam, ham FROM tokens WHERE id IN (SELECT value FROM json_each(?)) AND (id = 0 OR spam > 0 OR ham > 0)");
  }

  private init(): void {
    this.db.run("PRAGMA journal_mode = WAL");
    // NORMAL with WAL: a power loss may lose the last batches learned, never corrupt the file.
    this.db.run("PRAGMA synchronous = NORMAL");
    this.db.transaction(() => {
      this.db.run("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID");
      this.db.run("CREATE TABLE IF NOT EXISTS tokens (id INTEGER PRIMARY KEY, spam INTEGER NOT NULL, ham INTEGER NOT NULL, seq INTEGER NOT NULL)");
      this.db.run("CREATE INDEX IF NOT EXISTS tokens_seq ON tokens (seq)");
      this.db.run("CREATE TABLE IF NOT EXISTS learned (digest TEXT PRIMARY KEY, class TEXT NOT NULL, at INTEGER NOT NULL) WITHOUT ROWID");
      this.db.run("INSERT OR IGNORE INTO meta (key, value) VALUES ('schema', ?)", [SCHEMA_VERSION]);
      this.db.run("INSERT OR IGNORE INTO meta (key, value) VALUES ('expire_seq', '0')");
      this.db.run("INSERT OR IGNORE INTO tokens (id, spam, ham, seq) VALUES (?, 0, 0, 0)", [TOTALS_ID]);
    }).immediate();
  }

  async lookup(ids: readonly number[]): Promise<Lookup> {
    return guard(this.location, () => {
      const rows = this.lookupQ.all(JSON.stringify([TOTALS_ID, ...ids]));
      const counts = new Map<number, TokenCounts>();
      let totals = { nspam: 0, nham: 0 };
      for (const r of rows) {
        if (r.id === TOTALS_ID) totals = { nspam: r.spam, nham: r.ham };
        else counts.set(r.id, { spam: r.spam, ham: r.ham });
      }
      return { totals, counts };
    });
  }

  async learn(items: readonly LearnItem[], now = Math.floor(Date.now() / 1000)): Promise<LearnOutcome[]> {
    if (this.opts.readonly) throw new BayesStoreError("io", this.location, "opened read-only");
    return guard(this.location, () => this.db.transaction(() => this.applyBatch(items, now)).immediate());
  }

  private applyBatch(items: readonly LearnItem[], now: number): LearnOutcome[] {
    const seq = this.db.query<{ seq: number }, []>("SELECT seq FROM tokens WHERE id = 0").get()!.seq + 1;
    const getClass = this.db.query<{ class: string }, [string]>("SELECT class FROM learned WHERE digest = ?");
    const setClass = this.db.query("INSERT INTO learned (digest, class, at) VALUES (?, ?, ?) ON CONFLICT(digest) DO UPDATE SET class = excluded.class, at = excluded.at");
    const delClass = this.db.query("DELETE FROM learned WHERE digest = ?");
    // Deltas are summed per token over the batch first: one row write per distinct token.
    const delta = new Map<number, [number, number]>();
    let dspam = 0;
    let dham = 0;
    const add = (tokens: readonly number[], cls: string, sign: number) => {
      const i = cls === "spam" ? 0 : 1;
      for (const id of tokens) {
        if (id === TOTALS_ID) continue;
        let d = delta.get(id);
        if (!d) delta.set(id, (d = [0, 0]));
        d[i] += sign;
      }
      if (i === 0) dspam += sign;
      else dham += sign;
    };
    const outcomes = items.map((it): LearnOutcome => {
      const prev = getClass.get(it.digest)?.class;
      if (it.op === "forget") {
        if (!prev) return "unknown";
        add(it.tokens, prev, -1);
        delClass.run(it.digest);
        return "forgotten";
      }
      if (prev === it.op) return "already";
      if (prev) add(it.tokens, prev, -1);
      add(it.tokens, it.op, +1);
      setClass.run(it.digest, it.op, now);
      return prev ? "relearned" : "learned";
    });
    const upsert = this.db.query(
      "INSERT INTO tokens (id, spam, ham, seq) VALUES (?1, max(?2, 0), max(?3, 0), ?4) " +
        "ON CONFLICT(id) DO UPDATE SET spam = max(spam + ?2, 0), ham = max(ham + ?3, 0), seq = ?4",
    );
    for (const [id, [s, h]] of delta) if (s !== 0 || h !== 0) upsert.run(id, s, h, seq);
    this.db.run("UPDATE tokens SET spam = max(spam + ?, 0), ham = max(ham + ?, 0), seq = ? WHERE id = ?", [dspam, dham, seq, TOTALS_ID]);
    return outcomes;
  }

  async expire(maxTokens: number): Promise<number> {
    return guard(this.location, () =>
      this.db
        .transaction(() => {
          // Rows forgotten down to 0/0 go first; they are absent for every reader already.
          let dropped = this.db.run("DELETE FROM tokens WHERE id <> 0 AND spam = 0 AND ham = 0").changes;
          const n = this.db.query<{ n: number }, []>("SELECT count(*) AS n FROM tokens WHERE id <> 0").get()!.n;
          if (n > maxTokens) {
            // Expire down to 90% of the limit, so expiry does not run again after every batch.
            const drop = n - Math.floor(maxTokens * 0.9);
            this.db.run("DELETE FROM tokens WHERE id IN (SELECT id FROM tokens WHERE id <> 0 ORDER BY seq ASC LIMIT ?)", [drop]);
            dropped += drop;
          }
          if (dropped) {
            const seq = this.db.query<{ seq: number }, []>("UPDATE tokens SET seq = seq + 1 WHERE id = 0 RETURNING seq").get()!.seq;
            this.db.run("UPDATE meta SET value = ? WHERE key = 'expire_seq'", [String(seq)]);
          }
          return dropped;
        })
        .immediate(),
    );
  }

  /** PRAGMA data_version: changes whenever another connection committed (a cheap "anything new?"). */
  dataVersion(): number {
    try {
      return (this.versionQ.values() as number[][])[0][0];
    } catch (e) {
      return guard(this.location, () => {
        throw e;
      });
    }
  }

  /**
   * Passes the rows changed after batch `since` to the sink `sinkFor(full)` returns (full:
   * every row, in id order, because since < 0 or tokens were deleted since), in one read
   * transaction. A full pass reads
   * pages of PAGE rows, so a reader's memory peak is its copy plus one page.
   */
  changesSince(since: number, sinkFor: (full: boolean) => RowSink): Changes {
    return guard(this.location, () =>
      this.db.transaction(() => {
        const seq = this.db.query<{ seq: number }, []>("SELECT seq FROM tokens WHERE id = 0").get()!.seq;
        const expireSeq = Number(this.db.query<{ value: string }, []>("SELECT value FROM meta WHERE key = 'expire_seq'").get()?.value ?? 0);
        const full = since < 0 || expireSeq > since || seq < since;
        const onRow = sinkFor(full);
        if (full) {
          const page = this.db.query<[number, number, number], [number, number]>("SELECT id, spam, ham FROM tokens WHERE id > ? ORDER BY id LIMIT ?");
          for (let last = -1; ; ) {
            const got = page.values(last, PAGE) as Array<[number, number, number]>;
            for (const r of got) onRow(r[0], r[1], r[2]);
            if (got.length < PAGE) break;
            last = got[got.length - 1][0];
          }
        } else if (seq > since) {
          for (const r of this.db.query<[number, number, number], [number]>("SELECT id, spam, ham FROM tokens WHERE seq > ?").values(since) as Array<[number, number, number]>) onRow(r[0], r[1], r[2]);
        }
        return { seq, full };
      })(),
    );
  }

  async stats(): Promise<StoreStats> {
    return guard(this.location, () => {
      const t = this.db.query<Row, []>("SELECT id, spam, ham FROM tokens WHERE id = 0").get();
      const tokens = this.db.query<{ n: number }, []>("SELECT count(*) AS n FROM tokens WHERE id <> 0 AND (spam > 0 OR ham > 0)").get()!.n;
      const size = (p: string) => (existsSync(p) ? statSync(p).size : 0);
      return { nspam: t?.spam ?? 0, nham: t?.ham ?? 0, tokens, bytes: size(this.location) + size(`${this.location}-wal`), location: this.location };
    });
  }

  close(): void {
    try {
      this.db.close();
    } catch {
      // closing a broken handle: nothing left to release
    }
  }
}

/** Run a store operation, turning SQLite failures into a BayesStoreError that says how to recover. */
function guard<T>(location: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof BayesStoreError) throw e;
    const code = String((e as { code?: unknown }).code ?? "");
    const msg = errnoText(e);
    if (/NOTADB|CORRUPT/.test(code) || /not a database|malformed|no such table/i.test(msg)) throw new BayesStoreError("corrupt", location, msg);
    if (/BUSY|LOCKED/.test(code) || /database is locked/i.test(msg)) throw new BayesStoreError("busy", location, msg);
    throw new BayesStoreError("io", location, msg);
  }
}
