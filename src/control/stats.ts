// Statistics and history of the Control Center, in SQLite under data_dir (bun:sqlite).
//   counts:  messages per period start × policy × status, for three periods: hour rows are
//            kept 8 days, day rows 400 days, month rows for ever, so a year is at most
//            ~190 hour + 400 day + 12 month rows per status and policy (a few hundred KB);
//            weeks are summed from days, years from months.
//   history: the last [control] history_size scans (no bodies);
//   hits:    how often each rule symbol fired (the Rules page), since the file was created.
// The master calls add() from the scan path; add() only queues. Rows are written by flush()
// in one transaction, from a timer, after the replies went out: a slow disk never delays a
// scan, and a crash loses at most one flush interval.
import { Database } from "bun:sqlite";
import { chmodSync } from "node:fs";
import { dirname } from "node:path";
import type { ScanRecord } from "./record";
import { makeStateDir } from "../config/paths";

export type Period = "hour" | "day" | "week" | "month" | "year";
export const PERIODS: readonly Period[] = ["hour", "day", "week", "month", "year"];
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const KEEP = { hour: 8 * DAY, day: 400 * DAY } as const;

/** Start (UTC, ms) of the period holding t. Weeks start on Monday (ISO 8601). */
export function periodStart(period: Period, t: number): number {
  const d = new Date(t);
  switch (period) {
    case "hour":
      return t - (t % HOUR);
    case "day":
      return t - (t % DAY);
    case "week": {
      const day = t - (t % DAY);
      return day - ((d.getUTCDay() + 6) % 7) * DAY;
    }
    case "month":
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
    case "year":
      return Date.UTC(d.getUTCFullYear(), 0, 1);
  }
}

/** The stored period a view sums from: weeks from days, years from months. */
const SOURCE: Record<Period, "hour" | "day" | "month"> = { hour: "hour", day: "day", week: "day", month: "month", year: "month" };

export interface CountRow {
  start: number;
  policy: string;
  status: string;
  n: number;
  ms: number;
}

export interface HistoryRow extends Omit<ScanRecord, "rcpt" | "symbols"> {
  rcpt: string[];
  symbols: string[];
}

export interface HistoryQuery {
  /** Matched (case-insensitive substring) against id, queue id, IP, sender, recipients, symbols. */
  q?: string;
  status?: string;
  limit?: number;
}

export class StatsStore {
  private readonly db: Database;
  private pending: ScanRecord[] = [];
  private readonly historySize: number;

  constructor(path: string, opts: { historySize: number }) {
    if (path !== ":memory:") makeStateDir(dirname(path));
    this.db = new Database(path, { create: true });
    // Client IPs and addresses are personal data: only the server's user may read them.
    if (path !== ":memory:") chmodSync(path, 0o600);
    this.db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;");
    this.db.exec(`CREATE TABLE IF NOT EXISTS counts (period TEXT NOT NULL, start INTEGER NOT NULL, policy TEXT NOT NULL, status TEXT NOT NULL, n INTEGER NOT NULL, ms INTEGER NOT NULL, PRIMARY KEY (period, start, policy, status)) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS history (seq INTEGER PRIMARY KEY AUTOINCREMENT, t INTEGER NOT NULL, id TEXT NOT NULL, qid TEXT, ip TEXT, sender TEXT, rcpt TEXT NOT NULL, status TEXT NOT NULL, policy TEXT NOT NULL, score REAL NOT NULL, symbols TEXT NOT NULL, ms INTEGER NOT NULL, error TEXT);
      CREATE TABLE IF NOT EXISTS hits (symbol TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;`);
    this.historySize = opts.historySize;
  }

  /** Queues one record; written by the next flush(). */
  add(r: ScanRecord): void {
    this.pending.push(r);
  }

  /** Writes every queued record in one transaction and drops what the retention rules let go. */
  flush(now = Date.now()): number {
    const batch = this.pending;
    if (!batch.length) return 0;
    this.pending = [];
    const count = this.db.prepare("INSERT INTO counts VALUES (?, ?, ?, ?, 1, ?) ON CONFLICT DO UPDATE SET n = n + 1, ms = ms + excluded.ms");
    const hist = this.db.prepare("INSERT INTO history (t, id, qid, ip, sender, rcpt, status, policy, score, symbols, ms, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    const hit = this.db.prepare("INSERT INTO hits VALUES (?, 1) ON CONFLICT DO UPDATE SET n = n + 1");
    this.db.transaction(() => {
      for (const r of batch) {
        for (const p of ["hour", "day", "month"] as const) count.run(p, periodStart(p, r.t), r.policy, r.status, Math.round(r.ms));
        if (this.historySize > 0) hist.run(r.t, r.id, r.queueId ?? null, r.ip ?? null, r.from ?? null, r.rcpt.join(" "), r.status, r.policy, r.score, r.symbols.join(" "), Math.round(r.ms), r.error ?? null);
        for (const s of r.symbols) hit.run(s);
      }
      this.db.prepare("DELETE FROM counts WHERE period = 'hour' AND start < ?").run(now - KEEP.hour);
      this.db.prepare("DELETE FROM counts WHERE period = 'day' AND start < ?").run(now - KEEP.day);
      this.db.prepare("DELETE FROM history WHERE seq <= (SELECT MAX(seq) FROM history) - ?").run(this.historySize);
    })();
    return batch.length;
  }

  /** Counts per period start from `since` on (UTC ms), one row per start × policy × status. */
  counts(period: Period, since: number): CountRow[] {
    const rows = this.db.query<CountRow, [string, number]>("SELECT start, policy, status, n, ms FROM counts WHERE period = ? AND start >= ? ORDER BY start").all(SOURCE[period], since);
    if (SOURCE[period] === period) return rows;
    const sum = new Map<string, CountRow>();
    for (const r of rows) {
      const start = periodStart(period, r.start);
      const key = `${start}\0${r.policy}\0${r.status}`;
      const o = sum.get(key);
      if (o) (o.n += r.n), (o.ms += r.ms);
      else sum.set(key, { ...r, start });
    }
    return [...sum.values()].sort((a, b) => a.start - b.start);
  }

  history(query: HistoryQuery = {}): HistoryRow[] {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (query.status) where.push("status = ?"), args.push(query.status);
    if (query.q) {
      // LIKE with an escape: a search for "100%" or "a_b" means those characters.
      const like = `%${query.q.toLowerCase().replace(/[\\%_]/g, (c) => "\\" + c)}%`;
      where.push("(" + ["id", "qid", "ip", "sender", "rcpt", "symbols"].map((c) => `lower(coalesce(${c}, '')) LIKE ? ESCAPE '\\'`).join(" OR ") + ")");
      args.push(...Array(6).fill(like));
    }
    args.push(Math.max(1, Math.min(query.limit ?? 100, 1000)));
    const rows = this.db.query<Record<string, any>, (string | number)[]>(`SELECT * FROM history ${where.length ? "WHERE " + where.join(" AND ") : ""} ORDER BY seq DESC LIMIT ?`).all(...args);
    return rows.map((r) => ({
      t: r.t, id: r.id, queueId: r.qid ?? undefined, ip: r.ip ?? undefined, from: r.sender ?? undefined, rcpt: r.rcpt ? r.rcpt.split(" ") : [],
      status: r.status, policy: r.policy, score: r.score, symbols: r.symbols ? r.symbols.split(" ") : [], ms: r.ms, error: r.error ?? undefined,
    }));
  }

  /** Rule symbol → times it fired. */
  hits(): Map<string, number> {
    return new Map(this.db.query<{ symbol: string; n: number }, []>("SELECT symbol, n FROM hits").all().map((r) => [r.symbol, r.n]));
  }

  close(): void {
    this.flush();
    this.db.close();
  }
}

/** CSV (RFC 4180) of count rows: start as ISO 8601 UTC, policy, status, messages, mean ms. */
export function countsCsv(rows: readonly CountRow[]): string {
  const q = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  return ["start,policy,status,messages,mean_ms", ...rows.map((r) => [new Date(r.start).toISOString(), q(r.policy), q(r.status), r.n, r.n ? Math.round(r.ms / r.n) : 0].join(","))].join("\r\n") + "\r\n";
}
