// The in-memory copy a filtering process reads must answer exactly what the SQLite store
// answers after every kind of change another connection commits: learn, relearn, forget,
// expiry (a full reload) and enough changes to merge the overlay.
import { expect, test } from "bun:test";
import { join } from "node:path";
import { tempDir } from "../testing/kas-binary";
import { SnapshotTokenStore } from "./snapshot";
import { tokenId } from "./token-id";
import { openSqliteStore } from "./sqlite-store";

/** countsInto (the scan path) as a lookup() answer: the known ids and their counts. */
function viaArrays(snap: SnapshotTokenStore, ids: number[]) {
  const spam = new Uint32Array(ids.length);
  const ham = new Uint32Array(ids.length);
  const totals = snap.countsInto(ids, spam, ham);
  const counts = Object.fromEntries(ids.flatMap((id, i) => (spam[i] || ham[i] ? [[id, { spam: spam[i], ham: ham[i] }]] : [])));
  return { totals, counts };
}

test("the snapshot follows another connection's learn, relearn, forget, expiry and merges", async () => {
  const path = join(tempDir("kas-snap-"), "bayes.sqlite");
  const writer = openSqliteStore(path);
  await writer.learn([{ digest: "seed", op: "ham", tokens: [1] }]);
  const reader = openSqliteStore(path, { readonly: true });
  const snap = new SnapshotTokenStore(openSqliteStore(path, { readonly: true }), 3);
  const ids = Array.from({ length: 40 }, (_, i) => i + 1);
  const same = async () => {
    const [a, b] = await Promise.all([snap.lookup(ids), reader.lookup(ids)]);
    expect(a.totals).toEqual(b.totals);
    expect(Object.fromEntries(a.counts)).toEqual(Object.fromEntries(b.counts));
    expect(viaArrays(snap, ids)).toEqual({ totals: b.totals, counts: Object.fromEntries(b.counts) });
    return a;
  };
  expect((await same()).counts.get(1)).toEqual({ spam: 0, ham: 1 });

  await writer.learn([{ digest: "a", op: "spam", tokens: [1, 2, 3] }, { digest: "b", op: "ham", tokens: [3, 4] }]);
  expect((await same()).counts.get(3)).toEqual({ spam: 1, ham: 1 });
  await writer.learn([{ digest: "a", op: "ham", tokens: [1, 2, 3] }]); // relearn
  expect((await same()).totals).toEqual({ nspam: 0, nham: 3 });
  await writer.learn([{ digest: "b", op: "forget", tokens: [3, 4] }]);
  const l = await same();
  expect(l.counts.has(4)).toBe(false); // forgotten down to 0/0 = absent

  // Many small batches: the overlay (merge threshold 3 here) is merged into the arrays.
  for (let i = 5; i <= 30; i++) await writer.learn([{ digest: `m${i}`, op: i % 2 ? "spam" : "ham", tokens: [i, i + 1] }]);
  await same();
  // Expiry deletes rows: the next refresh reloads everything.
  expect(await writer.expire(10_000)).toBe(1); // the 0/0 row of token 4
  for (let i = 31; i <= 40; i++) await writer.learn([{ digest: `n${i}`, op: "spam", tokens: [i] }]);
  await same();
  for (const s of [writer, reader, snap]) s.close();
});

test("a full load of thousands of 52-bit ids (growing the arrays) answers like SQLite, present and absent ids alike", async () => {
  const path = join(tempDir("kas-snap-"), "bayes.sqlite");
  const writer = openSqliteStore(path);
  const ids = Array.from({ length: 5000 }, (_, i) => tokenId(`token-${i}`));
  await writer.learn([{ digest: "a", op: "spam", tokens: ids.slice(0, 3000) }, { digest: "b", op: "ham", tokens: ids.slice(2000) }]);
  const snap = new SnapshotTokenStore(openSqliteStore(path, { readonly: true }));
  const probe = [...ids.filter((_, i) => i % 7 === 0), ...Array.from({ length: 300 }, (_, i) => tokenId(`absent-${i}`)), 2 ** 52 - 1];
  const [a, b] = await Promise.all([snap.lookup(probe), writer.lookup(probe)]);
  expect(a.counts.size).toBe(Math.ceil(5000 / 7));
  expect(Object.fromEntries(a.counts)).toEqual(Object.fromEntries(b.counts));
  expect(a.counts.get(ids[2002])).toEqual({ spam: 1, ham: 1 });
  expect(a.totals).toEqual({ nspam: 1, nham: 1 });
  expect(viaArrays(snap, probe)).toEqual({ totals: b.totals, counts: Object.fromEntries(b.counts) });
  writer.close();
  snap.close();
});
