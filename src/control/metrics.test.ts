import { expect, test } from "bun:test";
import { parsePrometheus, sampleValue } from "../testing/prometheus";
import { renderMetrics, ScanMetrics } from "./metrics";
import type { ScanRecord } from "./record";

const rec = (o: Partial<ScanRecord>): ScanRecord => ({ t: 0, id: "x", rcpt: [], status: "spam", policy: "default", score: 0, symbols: [], ms: 3, ...o });

const STATUS = {
  uptime_s: 5,
  pool: { starting: 0, idle: 2, busy: 1, draining: 0, queue: 4, max_filters: 10 },
  counters: { spawned: 3, crashed: 1, recycled: 0, idleExited: 0, retried: 0, refused: 2, queuedTimeout: 0, reclaimed: 4, requests: 9 },
  reloads: { ok: 1, refused: 0 },
  rules_freshness: { version: "12", ageDays: 2.5, stale: false },
  license: { verdict: "expiring", days_left: 6, addresses_used: 40, max_addresses: 50 },
  spf: { cacheHits: 7, cacheMisses: 3 },
  update_run: { at: "2030-01-01T00:00:10.000Z", code: 2, failures: 3, last_ok: "2029-12-30T00:00:00.000Z" },
};

test("scans by status and policy, errors by kind, latency histogram, pool, rules, license, DNS cache", () => {
  const m = new ScanMetrics();
  m.observe(rec({ ms: 3 }));
  m.observe(rec({ ms: 40, policy: 'sales "EU"\\x' }));
  m.observe(rec({ status: "failed", policy: "-", ms: 30_500, error: "busy" }));
  const f = parsePrometheus(renderMetrics(m, STATUS));
  expect(f.get("kas_scans_total")?.type).toBe("counter");
  expect(sampleValue(f, "kas_scans_total", { status: "spam", policy: "default" })).toBe(1);
  expect(sampleValue(f, "kas_scans_total", { status: "spam", policy: 'sales "EU"\\x' })).toBe(1);
  expect(sampleValue(f, "kas_errors_total", { kind: "busy" })).toBe(1);
  expect(f.get("kas_scan_duration_seconds")?.type).toBe("histogram");
  expect(sampleValue(f, "kas_scan_duration_seconds_bucket", { le: "0.005" })).toBe(1);
  expect(sampleValue(f, "kas_scan_duration_seconds_bucket", { le: "0.05" })).toBe(2);
  expect(sampleValue(f, "kas_scan_duration_seconds_bucket", { le: "30" })).toBe(2);
  expect(sampleValue(f, "kas_scan_duration_seconds_bucket", { le: "+Inf" })).toBe(3);
  expect(sampleValue(f, "kas_scan_duration_seconds_sum")).toBeCloseTo(30.543);
  expect(sampleValue(f, "kas_queue_length")).toBe(4);
  expect(sampleValue(f, "kas_filter_processes", { state: "busy" })).toBe(1);
  expect(sampleValue(f, "kas_filter_process_events_total", { event: "crashed" })).toBe(1);
  expect(sampleValue(f, "kas_filter_process_events_total", { event: "refused_queue_full" })).toBe(2);
  expect(sampleValue(f, "kas_filter_process_events_total", { event: "reclaimed" })).toBe(4);
  expect(sampleValue(f, "kas_rules_age_days")).toBe(2.5);
  expect(sampleValue(f, "kas_license_days_left")).toBe(6);
  expect(sampleValue(f, "kas_license_addresses_used")).toBe(40);
  expect(sampleValue(f, "kas_license_valid", { verdict: "expiring" })).toBe(1);
  expect(sampleValue(f, "kas_dns_cache_hits_total")).toBe(7);
  expect(sampleValue(f, "kas_dns_cache_misses_total")).toBe(3);
  expect(sampleValue(f, "kas_update_last_exit_code")).toBe(2);
  expect(sampleValue(f, "kas_update_consecutive_failures")).toBe(3);
  expect(sampleValue(f, "kas_update_last_run_timestamp_seconds")).toBe(Date.UTC(2030, 0, 1, 0, 0, 10) / 1000);
  expect(sampleValue(f, "kas_update_last_success_timestamp_seconds")).toBe(Date.UTC(2029, 11, 30) / 1000);
});

test("a member the status lacks leaves its metrics out instead of inventing zeros", () => {
  const f = parsePrometheus(renderMetrics(new ScanMetrics(), {}));
  expect(f.has("kas_license_days_left")).toBe(false);
  expect(f.has("kas_dns_cache_hits_total")).toBe(false);
  expect(sampleValue(f, "kas_scan_duration_seconds_count")).toBe(0);
});

test("lastHour: per-minute counts of the last 60 minutes, older minutes forgotten", () => {
  const m = new ScanMetrics();
  const now = 10_000 * 60_000;
  m.observe(rec({ t: now - 61 * 60_000 }));
  m.observe(rec({ t: now - 30_000, ms: 10 }));
  m.observe(rec({ t: now, ms: 30 }));
  const h = m.lastHour(now);
  expect(h).toHaveLength(60);
  expect(h.reduce((a, x) => a + x.n, 0)).toBe(2);
  expect(h[59]).toEqual({ minute: now, n: 1, meanMs: 30 });
});

// The parser is what the e2e tests trust: it must reject what a scraper rejects.
test.each([
  ["no final newline", "a 1"],
  ["bad value", "a x\n"],
  ["unquoted label", "a{b=c} 1\n"],
  ["bad escape", 'a{b="\\t"} 1\n'],
  ["TYPE after samples", "a 1\n# TYPE a gauge\n"],
  ["a split family", "# TYPE a gauge\na 1\n# TYPE b gauge\nb 1\na{x=\"1\"} 2\n"],
  ["duplicate sample", "a 1\na 2\n"],
  ["histogram not cumulative", '# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_sum 1\nh_count 1\n'],
  ["histogram +Inf differs from _count", '# TYPE h histogram\nh_bucket{le="+Inf"} 2\nh_sum 1\nh_count 1\n'],
])("the test parser refuses %s", (_why, text) => {
  expect(() => parsePrometheus(text)).toThrow();
});
