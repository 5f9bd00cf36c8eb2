import { expect, test } from "bun:test";
import type { FactKey } from "../checks/facts";
import type { Check, CheckInput } from "../checks/types";
import { createFacts, runCheck, validateOrder } from "./context";

const input = (facts: CheckInput["facts"], ms = 500): CheckInput => ({ id: "m", envelope: { rcpt: [] }, raw: new Uint8Array(), deadline: performance.now() + ms, facts });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function check(name: string, o: { stage?: Check["stage"]; needs?: FactKey[]; provides?: FactKey[]; ms?: number; log: string[]; fail?: boolean }): Check {
  return {
    name,
    stage: o.stage ?? "content",
    needs: o.needs,
    provides: o.provides,
    async run(i) {
      const seen = await Promise.all((o.needs ?? []).map(async (k) => `${k}=${(await i.facts.get(k))?.result ?? "missing"}`));
      o.log.push(`start ${name}${seen.length ? ` (${seen.join(", ")})` : ""}`);
      await sleep(o.ms ?? 0);
      if (o.fail) throw new Error("boom");
      if (o.provides?.includes("spf")) i.facts.set("spf", { result: "pass", domain: "example.com" });
      if (o.provides?.includes("dkim")) i.facts.set("dkim", { signatures: [] });
      if (o.provides?.includes("dmarc")) i.facts.set("dmarc", { result: "pass" });
      o.log.push(`end ${name}`);
      return { symbols: [name.toUpperCase()] };
    },
  };
}

test("a check runs once the facts it needs are known; independent checks overlap", async () => {
  const log: string[] = [];
  const checks = [check("dmarc", { needs: ["spf", "dkim"], provides: ["dmarc"], log }), check("spf", { stage: "envelope", provides: ["spf"], ms: 40, log }), check("dkim", { provides: ["dkim"], ms: 20, log })];
  validateOrder(checks);
  const facts = createFacts(checks);
  const outs = await Promise.all(checks.map((c) => runCheck(c, input(facts), facts)));
  expect(outs.map((o) => o.symbols[0])).toEqual(["DMARC", "SPF", "DKIM"]);
  // spf and dkim both start before either ends (concurrent); dmarc starts after both ended and sees spf's fact.
  expect(log.slice(0, 2).sort()).toEqual(["start dkim", "start spf"]);
  expect(log.indexOf("start dmarc (spf=pass, dkim=missing)")).toBeGreaterThan(log.indexOf("end spf"));
  expect(await facts.get("dmarc")).toEqual({ result: "pass" });
});

test("a fact nobody provides, or whose provider failed or ran out of time, is missing and the needer still runs", async () => {
  const log: string[] = [];
  const checks = [check("spf", { provides: ["spf"], fail: true, log }), check("dkim", { provides: ["dkim"], ms: 5000, log }), check("dmarc", { needs: ["spf", "dkim", "arc"], provides: ["dmarc"], log })];
  const facts = createFacts(checks);
  const t0 = performance.now();
  const outs = await Promise.all(checks.map((c) => runCheck(c, input(facts, 100), facts)));
  expect(performance.now() - t0).toBeLessThan(1000);
  expect(outs[0].notes?.[0]).toContain("spf: failed, skipped: boom");
  expect(outs[1].notes?.[0]).toContain("dkim: did not finish within the time budget");
  // dmarc starts past the deadline (it waited for dkim's cut-off): skipped with a note, never a hang.
  expect(outs[2].notes?.[0]).toContain("dmarc: no time left in the budget");
  expect(await facts.get("arc")).toBeUndefined();
});

test("a check that runs late (Check.runsLate) still runs when its inputs arrive past the deadline, and gets the grace to answer; others are skipped", async () => {
  const log: string[] = [];
  const late = (name: string, runsLate: boolean): Check => ({ ...check(name, { needs: ["dkim"], log }), runsLate });
  const checks = [check("dkim", { provides: ["dkim"], ms: 150, log }), late("writer", true), late("other", false)];
  const facts = createFacts(checks);
  const outs = await Promise.all(checks.map((c) => runCheck(c, input(facts, 50), facts)));
  expect(outs[1].symbols).toEqual(["WRITER"]);
  expect(outs[2].notes?.[0]).toContain("other: no time left in the budget");
  // One that runs late but does not answer within the grace is cut off.
  const slow: Check = { ...check("slow", { ms: 2000, log }), runsLate: true };
  const f2 = createFacts([slow]);
  const t0 = performance.now();
  expect((await runCheck(slow, input(f2, -10), f2)).notes?.[0]).toContain("slow: did not finish within the time budget");
  expect(performance.now() - t0).toBeLessThan(1000);
});

test("validateOrder refuses cycles, a fact provided twice and an envelope check needing a content fact", () => {
  const log: string[] = [];
  expect(() => validateOrder([check("a", { needs: ["dkim"], provides: ["spf"], log }), check("b", { needs: ["spf"], provides: ["dkim"], log })])).toThrow(/cycle: a → b → a/);
  expect(() => validateOrder([check("a", { provides: ["spf"], log }), check("b", { provides: ["spf"], log })])).toThrow(/both provide the fact "spf"/);
  expect(() => validateOrder([check("a", { stage: "envelope", needs: ["dkim"], log }), check("b", { provides: ["dkim"], log })])).toThrow(/envelope check a needs "dkim"/);
  expect(() => validateOrder([check("a", { needs: ["arc"], log })])).not.toThrow();
});

test("a check that answers at once runs at once and gets no timer; one that returns a promise gets the deadline's", async () => {
  const real = globalThis.setTimeout;
  let timers = 0;
  globalThis.setTimeout = ((...a: Parameters<typeof setTimeout>) => (timers++, real(...a))) as typeof setTimeout;
  try {
    let ran = false;
    const sync: Check = { name: "sync", stage: "envelope", run: () => ((ran = true), { symbols: ["SYNC"] }) };
    const facts = createFacts([sync]);
    const out = runCheck(sync, input(facts), facts);
    // Started before the caller goes on (an envelope check's I/O overlaps the parse that follows).
    expect(ran).toBe(true);
    expect(await out).toEqual({ symbols: ["SYNC"] });
    expect(timers).toBe(0);
    const thrown: Check = { name: "thrown", stage: "content", run: () => { throw new Error("sync boom"); } };
    expect((await runCheck(thrown, input(facts), facts)).notes?.[0]).toBe("thrown: failed, skipped: sync boom");
    expect(timers).toBe(0);
    const log: string[] = [];
    const slow = check("slow", { ms: 5000, log });
    expect((await runCheck(slow, input(facts, 30), facts)).notes?.[0]).toContain("slow: did not finish within the time budget");
    expect(timers).toBe(2); // the backstop, and the check's own sleep
  } finally {
    globalThis.setTimeout = real;
  }
});
