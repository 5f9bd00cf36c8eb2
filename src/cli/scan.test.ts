import { expect, test } from "bun:test";
import { inOrder, plainLine, scanSummary } from "./scan";

test("inOrder keeps input order with N in flight, and never more than N", async () => {
  let inFlight = 0;
  let most = 0;
  const out: number[] = [];
  await inOrder(
    [50, 10, 30, 5, 20, 1, 15],
    3,
    async (ms, seq) => {
      most = Math.max(most, ++inFlight);
      await Bun.sleep(ms);
      inFlight--;
      return seq;
    },
    (r) => out.push(r),
  );
  expect(out).toEqual([0, 1, 2, 3, 4, 5, 6]);
  expect(most).toBe(3);
});

test("inOrder with one job runs sequentially", async () => {
  let inFlight = 0;
  let most = 0;
  const out: string[] = [];
  await inOrder(["a", "b", "c"], 1, async (x) => {
    most = Math.max(most, ++inFlight);
    await Bun.sleep(1);
    inFlight--;
    return x.toUpperCase();
  }, (r) => out.push(r));
  expect(out).toEqual(["A", "B", "C"]);
  expect(most).toBe(1);
});

test.each([
  [2.96, "not_detected", "2.9"],
  [4.95, "probable_spam", "4.9"],
  [5, "spam", "5.0"],
  [-0.15, "not_detected", "-0.2"],
])("the plain line shows %p (%s) as %p: never across a threshold the verdict did not cross", (score, status, shown) => {
  const line = plainLine({ path: "m.eml", status, score, hits: [{ name: "A", score }], notes: [], thresholds: { spam: 5, probable: 3 } });
  expect(line).toBe(`m.eml\t${status}\t${shown}\tA\n`);
});

test("the summary line: counts per status in verdict order, elapsed, rate, skipped and unscanned", () => {
  const byStatus = new Map([["not_detected", 7], ["unscanned", 1], ["spam", 2]]);
  expect(scanSummary({ byStatus, failed: 1, skipped: 3 }, 2000)).toBe("kas scan: 10 messages in 2.00 s (5.0 messages/s): spam 2, not_detected 7, unscanned 1; 3 skipped (not messages); 1 not scanned (their lines say why)");
  expect(scanSummary({ byStatus: new Map([["spam", 1]]), failed: 0, skipped: 0 }, 12_345)).toBe("kas scan: 1 message in 12.3 s (0.1 messages/s): spam 1");
  expect(scanSummary({ byStatus: new Map(), failed: 0, skipped: 0 }, 0)).toBe("kas scan: 0 messages in 0.00 s (-)");
});
