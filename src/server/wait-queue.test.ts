import { expect, test } from "bun:test";
import { WaitQueue } from "./wait-queue";

interface J {
  n: number;
  timer?: ReturnType<typeof setTimeout>;
}
const o = { front: false, size: 2, timeoutMs: 30 };

test("bounded: a full queue refuses new jobs but always takes a retry at the front", () => {
  const q = new WaitQueue<J>(() => {});
  expect([q.add({ n: 1 }, o), q.add({ n: 2 }, o), q.add({ n: 3 }, o)]).toEqual([true, true, false]);
  expect(q.add({ n: 0 }, { ...o, front: true })).toBe(true);
  const taken: number[] = [];
  q.drainInto((j) => (taken.push(j.n), clearTimeout(j.timer), true));
  expect(taken).toEqual([0, 1, 2]);
  expect(q.length).toBe(0);
});

test("a job whose deadline passes is removed and reported; drainInto stops at the first job declined", async () => {
  const expired: number[] = [];
  const q = new WaitQueue<J>((j) => expired.push(j.n));
  q.add({ n: 1 }, o);
  q.add({ n: 2 }, { ...o, timeoutMs: 5000 });
  q.drainInto(() => false);
  expect(q.length).toBe(2);
  await Bun.sleep(60);
  expect(expired).toEqual([1]);
  expect(q.clear().map((j) => j.n)).toEqual([2]);
});
