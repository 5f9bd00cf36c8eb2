import { expect, test } from "bun:test";
import { parseConfig } from "../../config/load";
import { detect, repeatMs, type MonitorMemory } from "./events";

const c = parseConfig(`[notify]\ncrash_loop = 3\nupdate_failures = 2\ninterval = 600\n`);
const OK = { pool: { idle: 2, busy: 0, queue: 0 }, counters: { crashed: 0, refused: 0 }, rules_freshness: { stale: false }, license: { verdict: "valid", days_left: 200, addresses_used: 10, max_addresses: 100 } };
const kinds = (st: Record<string, any>, lastRun?: any, mem: MonitorMemory = { crashes: [] }, now = 0) => detect(now, st, lastRun, c, mem).map((e) => e.kind);

test("a healthy server raises nothing", () => {
  expect(kinds(OK, { at: "x", code: 1, message: "up to date", failures: 0 })).toEqual([]);
});

test.each([
  ["cannot_start", { ...OK, pool: { idle: 0, busy: 0, last_load_error: "rule database unreadable" } }],
  ["rules_stale", { ...OK, rules_freshness: { stale: true, warning: "rules version 3 is 9 days old" } }],
  ["license_expired", { ...OK, license: { verdict: "expired", days_left: -2 } }],
  ["license_invalid", { ...OK, license: { verdict: "missing", message: "no license key file" } }],
  ["license_30", { ...OK, license: { verdict: "expiring", days_left: 30 } }],
  ["license_7", { ...OK, license: { verdict: "expiring", days_left: 5 } }],
  ["license_1", { ...OK, license: { verdict: "expiring", days_left: 0 } }],
  ["address_limit", { ...OK, license: { ...OK.license, addresses_used: 91 } }],
] as const)("%s", (kind, st) => {
  expect(kinds(st)).toEqual([kind]);
});

test("the address limit warns above 90 %, not at it", () => {
  expect(kinds({ ...OK, license: { ...OK.license, addresses_used: 90 } })).toEqual([]);
});

test("update-db failing: from update_failures failed runs in a row", () => {
  expect(kinds(OK, { at: "t", code: 2, message: "no mirror", failures: 1 })).toEqual([]);
  expect(kinds(OK, { at: "t", code: 2, message: "no mirror", failures: 2 })).toEqual(["update_failing"]);
});

test("crash loop: crash_loop crashes within 10 minutes, not spread wider", () => {
  const mem: MonitorMemory = { crashes: [] };
  const at = (min: number, crashed: number) => kinds({ ...OK, counters: { crashed, refused: 0 } }, undefined, mem, min * 60_000);
  expect(at(0, 0)).toEqual([]);
  expect(at(5, 2)).toEqual([]);
  expect(at(9, 3)).toEqual(["crash_loop"]);
  expect(at(16, 4)).toEqual([]); // the window now starts at minute 9 (3 crashes): one more in 7 minutes
  expect(at(18, 7)).toEqual(["crash_loop"]);
});

test("queue full: raised when the refused counter grew since the last look", () => {
  const mem: MonitorMemory = { crashes: [] };
  expect(kinds({ ...OK, counters: { crashed: 0, refused: 4 } }, undefined, mem)).toEqual([]); // first look: a baseline
  expect(kinds({ ...OK, counters: { crashed: 0, refused: 4 } }, undefined, mem)).toEqual([]);
  expect(kinds({ ...OK, counters: { crashed: 0, refused: 9 } }, undefined, mem)).toEqual(["queue_full"]);
});

test("license countdowns repeat at most daily, other kinds every [notify] interval", () => {
  expect(repeatMs("license_7", c)).toBe(86_400_000);
  expect(repeatMs("queue_full", c)).toBe(600_000);
});
