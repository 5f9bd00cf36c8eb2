import { expect, test } from "bun:test";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Bayes } from "../bayes/bayes";
import { openSqliteStore } from "../bayes/sqlite-store";
import { defaults } from "../config/load";
import type { KasConfig } from "../config/schema";
import type { ScanResult } from "../model";
import { tempDir } from "../testing/kas-binary";
import { parsed } from "../testing/parsed";
import { bayesDbPath, createBayesCheck } from "./bayes";
import type { CheckInput } from "./types";
import { createFacts, runCheck } from "../engine/context";

function config(over: Partial<KasConfig["bayes"]> = {}) {
  return { data_dir: tempDir("kas-bayes-check-"), bayes: { ...defaults().bayes, min_spam: 3, min_ham: 3, ...over } };
}
const spam = (i: number) => parsed({ messageId: `s${i}@x`, headers: { Subject: `cheap pills offer ${i}` }, body: `buy cheap viagra pills now, limited offer, click here ${i}`, uris: ["http://pills.example.biz/buy"] });
const ham = (i: number) => parsed({ messageId: `h${i}@x`, headers: { Subject: `meeting notes ${i}` }, body: `the patch for the build system is attached, please review before the meeting ${i}` });
const input = (id: string, message = spam(99)): CheckInput => ({ id, envelope: { rcpt: [] }, message, raw: new Uint8Array(), deadline: performance.now() + 1000, facts: createFacts([]) });

async function train(c: ReturnType<typeof config>, n: number) {
  const store = openSqliteStore(bayesDbPath(c));
  const b = new Bayes(store, { minSpam: 1, minHam: 1 });
  await b.learn(Array.from({ length: n }, (_, i) => spam(i)), "spam");
  await b.learn(Array.from({ length: n }, (_, i) => ham(i)), "ham");
  store.close();
}

test("abstains with a note until min_spam/min_ham are learned, then names a band", async () => {
  const c = config();
  await train(c, 2);
  const check = createBayesCheck(c);
  const early = await check.run(input("m1"));
  expect(early.symbols).toEqual([]);
  expect(early.notes?.[0]).toContain("not enough learned yet (learned 2 spam and 2 ham, needs 3 and 3)");
  check.close();

  await train({ ...c }, 5); // the first two are already known: 5 of each now
  const ready = createBayesCheck(c);
  expect((await ready.run(input("m2", spam(100)))).symbols[0]).toBe("BAYES_99");
  expect((await ready.run(input("m3", ham(100)))).symbols).toEqual(["BAYES_00"]);
  ready.close();
});

test("a missing database: no symbols, a note naming the path and how to start learning", async () => {
  const c = config();
  const out = await createBayesCheck(c).run(input("m"));
  expect(out.symbols).toEqual([]);
  expect(out.notes?.[0]).toContain(`no token database at ${bayesDbPath(c)}`);
  expect(out.notes?.[0]).toContain("kas learn");
});

test("a corrupt database: scanning goes on without Bayes; the note says remove and relearn", async () => {
  const c = config();
  mkdirSync(join(c.data_dir, "bayes"), { recursive: true });
  writeFileSync(bayesDbPath(c), "garbage ".repeat(1000));
  const out = await createBayesCheck(c).run(input("m"));
  expect(out.symbols).toEqual([]);
  expect(out.notes?.[0]).toContain("is corrupt");
  expect(out.notes?.[0]).toContain(`remove ${bayesDbPath(c)}`);
});

test("a database removed and relearned while the check is open is picked up; each state change is told once", async () => {
  const c = config();
  await train(c, 5);
  const told: string[] = [];
  let clock = 0;
  const check = createBayesCheck(c, { onStateChange: (n) => told.push(n), now: () => (clock += 1500) }); // a stat per scan
  expect((await check.run(input("a"))).symbols[0]).toBe("BAYES_99");
  for (const s of ["", "-wal", "-shm"]) rmSync(bayesDbPath(c) + s, { force: true });
  expect((await check.run(input("b"))).notes?.[0]).toContain("no token database");
  expect((await check.run(input("b2"))).notes?.[0]).toContain("no token database");
  await train(c, 4);
  const out = await check.run(input("c"));
  expect(out.symbols[0]).toBe("BAYES_99");
  expect(out.notes).toEqual([]);
  await check.run(input("d"));
  expect(told).toHaveLength(2);
  expect(told[0]).toContain("no token database");
  expect(told[1]).toContain("usable, classifying");
  check.close();
});

test("before the first learning the database is looked for once a second, not at every scan (a stat each), and found within the second it appears", async () => {
  const c = config();
  let clock = 10_000;
  const check = createBayesCheck(c, { now: () => clock });
  expect((await check.run(input("a"))).notes?.[0]).toContain("no token database");
  await train(c, 5);
  clock += 500; // within the second: the last look stands
  expect((await check.run(input("b"))).notes?.[0]).toContain("no token database");
  clock += 600;
  expect((await check.run(input("c"))).symbols[0]).toBe("BAYES_99");
  check.close();
});

test("a scan sees what another connection learned since its last scan", async () => {
  const c = config();
  await train(c, 3);
  const check = createBayesCheck(c);
  const viagra = parsed({ messageId: "v@x", body: "zanzibar quokka" });
  expect((await check.run(input("a", viagra))).symbols).toEqual(["BAYES_50"]);
  const store = openSqliteStore(bayesDbPath(c));
  await new Bayes(store, { minSpam: 1, minHam: 1 }).learn([0, 1, 2, 3].map((i) => parsed({ messageId: `q${i}@x`, body: `zanzibar quokka ${i}` })), "spam");
  store.close();
  expect((await check.run(input("b", viagra))).symbols[0]).toMatch(/^BAYES_(95|99)$/);
  check.close();
});

const result = (id: string, hits: Array<[string, number]>): ScanResult => ({
  id,
  status: "not_detected",
  score: hits.reduce((s, [, v]) => s + v, 0),
  threshold: 5,
  policy: "default",
  hits: hits.map(([name, score]) => ({ name, score })),
  disposition: "accept",
  edits: [],
  timings: { parseMs: 0, checksMs: 0, rulesMs: 0, totalMs: 0 },
  notes: [],
});

test("autolearn learns clear verdicts by the score without BAYES_* hits, once; off by default", async () => {
  const c = config({ autolearn: true, autolearn_spam_score: 10, autolearn_ham_score: -1 });
  const check = createBayesCheck(c);
  // As the engine does: run() on the message, then afterScan() with the verdict ("after" stage).
  const scores: Record<string, Array<[string, number]>> = { s1: [["RULE", 12]], s2: [["RULE", 6], ["BAYES_99", 5]], h1: [["RULE", -2]] };
  // The tokens travel in the scan's facts, so two scans in flight never mix (no state keyed by id in the check).
  const scan = async (id: string) => {
    const n = Number(id.slice(1));
    const i = { ...input(id, id.startsWith("s") ? spam(n) : ham(n)), facts: createFacts([check]) };
    await runCheck(check, i, i.facts);
    return check.afterScan(result(id, scores[id]), i.facts);
  };
  expect(await scan("s1")).toBe("bayes: autolearned as spam (score without Bayes 12.0)");
  // 11 with Bayes, 6 without: not learned (Bayes must not teach itself).
  expect(await scan("s2")).toBeUndefined();
  expect(await scan("h1")).toBe("bayes: autolearned as ham (score without Bayes -2.0)");
  check.close();
  const s = openSqliteStore(bayesDbPath(c), { readonly: true });
  expect(await s.stats()).toMatchObject({ nspam: 1, nham: 1 });
  s.close();

  // autolearn off (the default): nothing happens after the verdict.
  const offCheck = createBayesCheck(config());
  const off = { ...input("s9", spam(9)), facts: createFacts([offCheck]) };
  await runCheck(offCheck, off, off.facts);
  expect(await offCheck.afterScan(result("s9", [["RULE", 50]]), off.facts)).toBeUndefined();
  expect(await off.facts.get("bayes")).toBeUndefined(); // nothing kept when nothing will be learned
  offCheck.close();
});
