import { expect, test } from "bun:test";
import { inOrder, plainLine } from "./scan";

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
