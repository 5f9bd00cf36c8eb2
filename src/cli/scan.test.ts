import { expect, test } from "bun:test";
import { inOrder } from "./scan";

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
