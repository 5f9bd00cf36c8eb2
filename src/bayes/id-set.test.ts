import { expect, test } from "bun:test";
import { IdSet } from "./id-set";
import { tokenId } from "./token-id";

test("distinct ids in first-seen order, at most max; take() empties the set for the next message", () => {
  const s = new IdSet(3);
  for (const id of [5, 2 ** 52 - 1, 5, 0, 9, 11]) s.add(id);
  expect(s.full).toBe(true);
  expect(s.take()).toEqual([5, 2 ** 52 - 1, 0]);
  expect(s.size).toBe(0);
  s.add(9);
  expect(s.take()).toEqual([9]);
});

test("thousands of token ids whose low bits collide stay distinct, and the table is clean after take()", () => {
  const s = new IdSet(3000);
  // Same low 32 bits, different high bits: every one probes the same slot first.
  const same = Array.from({ length: 50 }, (_, i) => (i + 1) * 2 ** 32 + 12345);
  const ids = [...same, ...Array.from({ length: 2950 }, (_, i) => tokenId(`t${i}`))];
  for (let round = 0; round < 3; round++) {
    for (const id of [...ids, ...ids]) s.add(id);
    expect(s.take()).toEqual(ids);
  }
});
