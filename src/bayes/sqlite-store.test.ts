import { expect, test } from "bun:test";
import { rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "../testing/kas-binary";
import { MemoryTokenStore } from "./memory-store";
import { openSqliteStore } from "./sqlite-store";
import { BayesStoreError, type TokenStore } from "./store";

const stores: Array<[string, () => TokenStore]> = [
  ["sqlite", () => openSqliteStore(join(tempDir("kas-bayes-"), "bayes", "bayes.sqlite"))],
  ["memory", () => new MemoryTokenStore()],
];

test.each(stores)("%s: learning twice counts once; relearning moves; forgetting undoes", async (_, make) => {
  const s = make();
  const A = { digest: "a", tokens: [1, 2, 3] };
  expect(await s.learn([{ ...A, op: "spam" }])).toEqual(["learned"]);
  expect(await s.learn([{ ...A, op: "spam" }])).toEqual(["already"]);
  let l = await s.lookup([1, 2, 3, 99]);
  expect(l.totals).toEqual({ nspam: 1, nham: 0 });
  expect(l.counts.get(1)).toEqual({ spam: 1, ham: 0 });
  expect(l.counts.has(99)).toBe(false);

  expect(await s.learn([{ ...A, op: "ham" }])).toEqual(["relearned"]);
  l = await s.lookup([1, 2, 3]);
  expect(l.totals).toEqual({ nspam: 0, nham: 1 });
  expect(l.counts.get(2)).toEqual({ spam: 0, ham: 1 });

  // A second message sharing a token; then forget the first.
  expect(await s.learn([{ digest: "b", op: "ham", tokens: [3, 4] }])).toEqual(["learned"]);
  expect(await s.learn([{ ...A, op: "forget" }, { digest: "zzz", op: "forget", tokens: [5] }])).toEqual(["forgotten", "unknown"]);
  l = await s.lookup([1, 2, 3, 4]);
  expect(l.totals).toEqual({ nspam: 0, nham: 1 });
  expect(l.counts.has(1)).toBe(false); // rows that reach 0/0 are dropped
  expect(l.counts.get(3)).toEqual({ spam: 0, ham: 1 });
  expect((await s.stats()).tokens).toBe(2);
  s.close();
});

test.each(stores)("%s: expiry keeps the most recently learned tokens", async (_, make) => {
  const s = make();
  await s.learn([{ digest: "old", op: "spam", tokens: [1, 2, 3, 4, 5, 6] }], 1000);
  await s.learn([{ digest: "new", op: "ham", tokens: [7, 8, 9, 10] }], 2000);
  expect(await s.expire(100)).toBe(0);
  expect(await s.expire(5)).toBe(6); // down to 90% of 5 = 4 tokens
  const l = await s.lookup([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  expect([...l.counts.keys()].sort((a, b) => a - b)).toEqual([7, 8, 9, 10]);
  expect(l.totals).toEqual({ nspam: 1, nham: 1 }); // the totals row is never expired
  s.close();
});

test("a missing database opened for reading is a 'missing' error with a hint", () => {
  const path = join(tempDir("kas-bayes-"), "nope.sqlite");
  const e = (() => {
    try {
      openSqliteStore(path, { readonly: true });
    } catch (e) {
      return e;
    }
  })();
  expect(e).toBeInstanceOf(BayesStoreError);
  expect((e as BayesStoreError).failure).toBe("missing");
  expect((e as BayesStoreError).hint).toContain("kas learn");
});

test("a corrupt database is a 'corrupt' error whose hint says remove and relearn", () => {
  const path = join(tempDir("kas-bayes-"), "bayes.sqlite");
  writeFileSync(path, "this is not a database, just text that is long enough to be looked at ".repeat(100));
  for (const readonly of [true, false]) {
    let err: unknown;
    try {
      openSqliteStore(path, { readonly });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(BayesStoreError);
    expect((err as BayesStoreError).failure).toBe("corrupt");
    expect((err as BayesStoreError).hint).toContain(`remove ${path}`);
    expect((err as BayesStoreError).exitCode).toBe(65);
  }
});

test("ids up to 2^52 round-trip exactly; one lookup returns totals and counts", async () => {
  const s = openSqliteStore(join(tempDir("kas-bayes-"), "b.sqlite"));
  const big = 2 ** 52 - 1;
  await s.learn([{ digest: "x", op: "spam", tokens: [big, 4503599627370000] }]);
  const l = await s.lookup([big, 4503599627370000]);
  expect(l.counts.get(big)).toEqual({ spam: 1, ham: 0 });
  expect(l.counts.get(4503599627370000)).toEqual({ spam: 1, ham: 0 });
  expect(l.totals.nspam).toBe(1);
  s.close();
});

test("a new token database is 0600 in a 0700 directory (the tokens are words of the mail seen)", () => {
  const d = tempDir("kas-bayes-");
  try {
    const path = join(d, "bayes", "bayes.sqlite");
    openSqliteStore(path).close();
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(join(d, "bayes")).mode & 0o777).toBe(0o700);
  } finally {
    rmSync(d, { recursive: true, force: true });
  }
});
