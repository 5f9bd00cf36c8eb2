// GET /metrics in the Prometheus text exposition format 0.0.4
// (https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format).
// Counters that only the scan path sees (scans by status and policy, the latency histogram,
// errors by kind) are kept here, fed by observe(); everything else is read from the master's
// status report at scrape time, so /metrics and `kas status` never disagree. Counters start at
// zero with each server start, as Prometheus expects (rate() handles the reset).
import type { ScanRecord } from "./record";

/** Scan latency buckets (seconds): a scan usually takes milliseconds; the budget defaults to 5 s. */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] as const;

export class ScanMetrics {
  readonly scans = new Map<string, number>();
  readonly errors = new Map<string, number>();
  readonly buckets = new Array<number>(LATENCY_BUCKETS.length).fill(0);
  count = 0;
  sumS = 0;
  /** Finished requests of the last hour, per minute (for the dashboard's throughput line). */
  private readonly minutes = new Map<number, { n: number; ms: number }>();

  observe(r: ScanRecord): void {
    const key = JSON.stringify([r.status, r.policy]);
    this.scans.set(key, (this.scans.get(key) ?? 0) + 1);
    if (r.error) this.errors.set(r.error, (this.errors.get(r.error) ?? 0) + 1);
    const s = r.ms / 1000;
    this.count++;
    this.sumS += s;
    // Stored per bucket (not cumulative); render() sums, so le="+Inf" equals _count.
    const i = LATENCY_BUCKETS.findIndex((b) => s <= b);
    if (i >= 0) this.buckets[i]++;
    const m = Math.floor(r.t / 60_000);
    const slot = this.minutes.get(m) ?? { n: 0, ms: 0 };
    slot.n++;
    slot.ms += r.ms;
    this.minutes.set(m, slot);
    if (this.minutes.size > 61) for (const k of this.minutes.keys()) if (k < m - 60) this.minutes.delete(k);
  }

  /** The last 60 minutes up to `now`, oldest first: messages and mean ms per minute. */
  lastHour(now: number): { minute: number; n: number; meanMs: number }[] {
    const end = Math.floor(now / 60_000);
    return Array.from({ length: 60 }, (_, i) => {
      const minute = end - 59 + i;
      const s = this.minutes.get(minute);
      return { minute: minute * 60_000, n: s?.n ?? 0, meanMs: s && s.n ? s.ms / s.n : 0 };
    });
  }
}

/** The parts of the master's status report /metrics reads (all optional: a member missing is a metric left out). */
export interface MetricsStatus {
  uptime_s?: number;
  pool?: Record<string, unknown> & { queue?: number; max_filters?: number };
  counters?: Record<string, number>;
  reloads?: { ok: number; refused: number };
  rules?: { version?: string };
  rules_freshness?: { version?: string; ageDays?: number; stale?: boolean };
  license?: { verdict?: string; days_left?: number | null; addresses_used?: number | null; max_addresses?: number | null };
  spf?: { cacheHits?: number; cacheMisses?: number; queries?: number; entries?: number };
  /** The last `kas update-db` run (update/last-run.ts). */
  update_run?: { at: string; code: number; failures: number; last_ok?: string };
  bayes?: { spam?: number; ham?: number; tokens?: number; error?: string };
}

const POOL_STATES = ["starting", "idle", "busy", "draining"] as const;
/** Pool counters (server/pool.ts) → metric label. */
const POOL_EVENTS: Record<string, string> = { spawned: "spawned", crashed: "crashed", recycled: "recycled", idleExited: "idle_exited", retried: "retried", refused: "refused_queue_full", queuedTimeout: "queue_timeout", reclaimed: "reclaimed" };

const esc = (v: string) => v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
const labels = (l: Record<string, string>) => {
  const parts = Object.entries(l).map(([k, v]) => `${k}="${esc(v)}"`);
  return parts.length ? `{${parts.join(",")}}` : "";
};
const num = (n: number) => (Number.isFinite(n) ? String(n) : n > 0 ? "+Inf" : n < 0 ? "-Inf" : "NaN");

class Out {
  readonly lines: string[] = [];
  family(name: string, type: "counter" | "gauge" | "histogram", help: string, samples: [Record<string, string>, number][]): void {
    if (!samples.length) return;
    this.lines.push(`# HELP ${name} ${help.replace(/\\/g, "\\\\").replace(/\n/g, "\\n")}`, `# TYPE ${name} ${type}`);
    for (const [l, v] of samples) this.lines.push(`${name}${labels(l)} ${num(v)}`);
  }
}

export function renderMetrics(m: ScanMetrics, st: MetricsStatus): string {
  const o = new Out();
  o.family("kas_scans_total", "counter", "Scan requests finished, by status (failed = no verdict) and policy applied.", [...m.scans].map(([k, n]) => {
    const [status, policy] = JSON.parse(k) as [string, string];
    return [{ status, policy }, n];
  }));
  o.family("kas_errors_total", "counter", "Scan requests that failed, by kind (busy = queue full or no free process in time, timeout, unavailable, internal...).", [...m.errors].map(([kind, n]) => [{ kind }, n]));
  // A histogram family: cumulative buckets, then _sum and _count (text format 0.0.4).
  o.lines.push("# HELP kas_scan_duration_seconds Time from accepting a scan request to its verdict.", "# TYPE kas_scan_duration_seconds histogram");
  let cum = 0;
  for (const [i, b] of LATENCY_BUCKETS.entries()) o.lines.push(`kas_scan_duration_seconds_bucket{le="${b}"} ${(cum += m.buckets[i])}`);
  o.lines.push(`kas_scan_duration_seconds_bucket{le="+Inf"} ${m.count}`, `kas_scan_duration_seconds_sum ${num(m.sumS)}`, `kas_scan_duration_seconds_count ${m.count}`);

  if (st.uptime_s !== undefined) o.family("kas_uptime_seconds", "gauge", "Seconds since kas serve started.", [[{}, st.uptime_s]]);
  const pool = st.pool;
  if (pool) {
    o.family("kas_queue_length", "gauge", "Requests waiting for a free filtering process.", [[{}, pool.queue ?? 0]]);
    o.family("kas_filter_processes", "gauge", "Filtering processes by state.", POOL_STATES.map((s) => [{ state: s }, Number(pool[s] ?? 0)]));
    if (pool.max_filters !== undefined) o.family("kas_filter_processes_max", "gauge", "[server] max_filters.", [[{}, pool.max_filters]]);
  }
  if (st.counters) o.family("kas_filter_process_events_total", "counter", "Pool events: processes spawned, crashed, recycled, exited idle; requests retried, refused (queue full), timed out in the queue.", Object.entries(POOL_EVENTS).filter(([k]) => k in st.counters!).map(([k, event]) => [{ event }, st.counters![k]]));
  if (st.reloads) o.family("kas_reloads_total", "counter", "Configuration reloads (SIGHUP), by result.", [[{ result: "ok" }, st.reloads.ok], [{ result: "refused" }, st.reloads.refused]]);
  const f = st.rules_freshness;
  if (f) {
    o.family("kas_rules_info", "gauge", "The rule database in use (value 1).", [[{ version: String(st.rules?.version ?? f.version ?? "") }, 1]]);
    if (f.ageDays !== undefined) o.family("kas_rules_age_days", "gauge", "Days since the publisher created the installed rule database.", [[{}, f.ageDays]]);
    o.family("kas_rules_stale", "gauge", "1 when the rule database is older than [update] max_age_days (or no update is installed while mirrors are configured).", [[{}, f.stale ? 1 : 0]]);
  }
  if (st.bayes && typeof st.bayes.spam === "number") {
    o.family("kas_bayes_learned_messages", "gauge", "Messages the Bayes classifier has learned, by class.", [[{ class: "spam" }, st.bayes.spam], [{ class: "ham" }, st.bayes.ham ?? 0]]);
    o.family("kas_bayes_tokens", "gauge", "Tokens in the Bayes database.", [[{}, st.bayes.tokens ?? 0]]);
  }
  const u = st.update_run;
  if (u) {
    o.family("kas_update_last_run_timestamp_seconds", "gauge", "When the last kas update-db run ended (Unix time).", [[{}, Date.parse(u.at) / 1000]]);
    o.family("kas_update_last_exit_code", "gauge", "Exit code of the last kas update-db run (0 installed, 1 up to date, else failed: kas update-db --help).", [[{}, u.code]]);
    o.family("kas_update_consecutive_failures", "gauge", "Failed kas update-db runs in a row.", [[{}, u.failures]]);
    if (u.last_ok) o.family("kas_update_last_success_timestamp_seconds", "gauge", "When kas update-db last succeeded (Unix time).", [[{}, Date.parse(u.last_ok) / 1000]]);
  }
  const l = st.license;
  if (l) {
    o.family("kas_license_valid", "gauge", "1 when the license filters mail (valid or expiring), else 0.", [[{ verdict: String(l.verdict ?? "missing") }, l.verdict === "valid" || l.verdict === "expiring" ? 1 : 0]]);
    if (typeof l.days_left === "number") o.family("kas_license_days_left", "gauge", "Days until the license expires (negative: expired).", [[{}, l.days_left]]);
    if (typeof l.addresses_used === "number") o.family("kas_license_addresses_used", "gauge", "Protected addresses seen (counted against the license).", [[{}, l.addresses_used]]);
    if (typeof l.max_addresses === "number") o.family("kas_license_addresses_allowed", "gauge", "Protected addresses the license allows.", [[{}, l.max_addresses]]);
  }
  const spf = st.spf;
  if (spf && typeof spf.cacheHits === "number") {
    o.family("kas_dns_cache_hits_total", "counter", "DNS answers the shared SPF/DNS service served from its cache.", [[{}, spf.cacheHits]]);
    o.family("kas_dns_cache_misses_total", "counter", "DNS questions the shared SPF/DNS service could not answer from its cache.", [[{}, spf.cacheMisses ?? 0]]);
  }
  return o.lines.join("\n") + "\n";
}

export const METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
