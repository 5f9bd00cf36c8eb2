import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ScanRecord } from "./record";
import { countsCsv, periodStart, StatsStore } from "./stats";

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), "kas-stats-"));
  dirs.push(d);
  return d;
};

const T0 = Date.UTC(2030, 4, 15, 10, 30); // a Wednesday
const rec = (o: Partial<ScanRecord> = {}): ScanRecord => ({ t: T0, id: "r1", rcpt: ["u@example.org"], status: "spam", policy: "default", score: 7, symbols: ["GTUBE"], ms: 12, ...o });

test.each([
  ["hour", Date.UTC(2030, 4, 15, 10)],
  ["day", Date.UTC(2030, 4, 15)],
  ["week", Date.UTC(2030, 4, 13)], // Monday
  ["month", Date.UTC(2030, 4, 1)],
  ["year", Date.UTC(2030, 0, 1)],
] as const)("periodStart %s", (p, want) => {
  expect(periodStart(p, T0)).toBe(want);
});

test("a Sunday belongs to the week that began the Monday before (ISO weeks)", () => {
  expect(periodStart("week", Date.UTC(2030, 4, 19, 23))).toBe(Date.UTC(2030, 4, 13));
});

test("counts per status and policy, summed into weeks and years, survive reopening; file mode 0600", () => {
  const path = join(tmp(), "stats", "stats.sqlite");
  let s = new StatsStore(path, { historySize: 100 });
  s.add(rec());
  s.add(rec({ t: T0 + 60_000, ms: 20 }));
  s.add(rec({ status: "not_detected", symbols: [] }));
  s.add(rec({ policy: "sales", t: T0 + 86_400_000 }));
  expect(s.flush(T0)).toBe(4);
  s.close();
  expect(statSync(path).mode & 0o777).toBe(0o600);
  s = new StatsStore(path, { historySize: 100 });
  expect(s.counts("hour", 0).filter((r) => r.start === Date.UTC(2030, 4, 15, 10))).toEqual([
    { start: Date.UTC(2030, 4, 15, 10), policy: "default", status: "not_detected", n: 1, ms: 12 },
    { start: Date.UTC(2030, 4, 15, 10), policy: "default", status: "spam", n: 2, ms: 32 },
  ]);
  const week = s.counts("week", 0);
  expect(week.find((r) => r.policy === "default" && r.status === "spam")).toEqual({ start: Date.UTC(2030, 4, 13), policy: "default", status: "spam", n: 2, ms: 32 });
  expect(week.find((r) => r.policy === "sales")?.n).toBe(1);
  expect(s.counts("year", 0).reduce((a, r) => a + r.n, 0)).toBe(4);
  expect(s.hits().get("GTUBE")).toBe(3);
  s.close();
});

test("hour rows older than 8 days and day rows older than 400 days are dropped; months stay", () => {
  const s = new StatsStore(":memory:", { historySize: 10 });
  s.add(rec());
  s.flush(T0);
  s.add(rec({ t: T0 + 9 * 86_400_000 }));
  s.flush(T0 + 9 * 86_400_000);
  expect(s.counts("hour", 0).map((r) => r.start)).toEqual([periodStart("hour", T0 + 9 * 86_400_000)]);
  expect(s.counts("day", 0)).toHaveLength(2);
  s.add(rec({ t: T0 + 401 * 86_400_000 }));
  s.flush(T0 + 401 * 86_400_000);
  expect(s.counts("day", 0).map((r) => r.start)).toEqual([periodStart("day", T0 + 9 * 86_400_000), periodStart("day", T0 + 401 * 86_400_000)]);
  expect(s.counts("month", 0).reduce((a, r) => a + r.n, 0)).toBe(3);
  s.close();
});

test("history keeps the last history_size scans, newest first, searchable (LIKE characters are literal)", () => {
  const s = new StatsStore(":memory:", { historySize: 3 });
  for (let i = 0; i < 5; i++) s.add(rec({ id: `r${i}`, from: i === 4 ? "100%_off@spam.example" : `a${i}@x.example`, queueId: `Q${i}`, ip: `192.0.2.${i}` }));
  s.flush(T0);
  expect(s.history().map((r) => r.id)).toEqual(["r4", "r3", "r2"]);
  expect(s.history({ q: "100%_" }).map((r) => r.id)).toEqual(["r4"]);
  expect(s.history({ q: "10%" })).toEqual([]);
  expect(s.history({ q: "192.0.2.3" })[0]).toMatchObject({ id: "r3", queueId: "Q3", from: "a3@x.example", rcpt: ["u@example.org"], symbols: ["GTUBE"], score: 7, ms: 12 });
  expect(s.history({ q: "gtube", status: "not_detected" })).toEqual([]);
  s.close();
});

test("CSV: RFC 4180 quoting, ISO times, mean ms", () => {
  expect(countsCsv([{ start: Date.UTC(2030, 0, 1), policy: 'a,"b"', status: "spam", n: 4, ms: 10 }])).toBe('start,policy,status,messages,mean_ms\r\n2030-01-01T00:00:00.000Z,"a,""b""",spam,4,3\r\n');
});
