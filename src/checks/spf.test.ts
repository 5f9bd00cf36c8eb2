import { expect, test } from "bun:test";
import type { SpfAnswer, SpfQuery } from "../spf/types";
import { createSpfCheck } from "./spf";
import { createFacts } from "../engine/context";
import type { CheckInput } from "./types";

const input = (env: Partial<CheckInput["envelope"]>, deadline = performance.now() + 5000): CheckInput => ({
  id: "m1", envelope: { ip: "192.0.2.1", helo: "mx.example.org", from: "a@example.com", rcpt: ["b@example.net"], ...env }, raw: new Uint8Array(), deadline, facts: createFacts([]),
});
const answers = (mf: string, helo: string) => async (q: SpfQuery): Promise<SpfAnswer> => {
  const r = q.identity === "helo" ? helo : mf;
  return { result: r, receivedSpf: `${r} (x) identity=${q.identity ?? "mailfrom"}` };
};

test.each([
  ["pass", "none", ["SPF_PASS", "SPF_HELO_NONE"]],
  ["fail", "fail", ["SPF_FAIL", "SPF_HELO_FAIL"]],
  ["softfail", "neutral", ["SPF_SOFTFAIL", "SPF_HELO_NEUTRAL"]],
  ["permerror", "temperror", ["SPF_PERMERROR", "SPF_HELO_TEMPERROR"]],
  ["none", "pass", ["SPF_NONE", "SPF_HELO_PASS"]],
])("MAIL FROM %s, HELO %s → %o", async (mf, helo, symbols) => {
  const out = await createSpfCheck({ ask: answers(mf, helo), helo: true }).run(input({}));
  expect(out.symbols).toEqual(symbols);
  expect(out.edits).toEqual([
    { op: "add", name: "Received-SPF", value: `${mf} (x) identity=mailfrom` },
    { op: "add", name: "Received-SPF", value: `${helo} (x) identity=helo` },
  ]);
});

test("helo = false checks only MAIL FROM; the query carries the envelope", async () => {
  const seen: SpfQuery[] = [];
  const out = await createSpfCheck({ ask: async (q) => (seen.push(q), { result: "pass" }), helo: false }).run(input({ from: "" }));
  expect(out.symbols).toEqual(["SPF_PASS"]);
  expect(seen).toEqual([{ ip: "192.0.2.1", from: "", helo: "mx.example.org" }]);
});

test("a service that does not answer before the deadline gives temperror, with a header", async () => {
  const never = () => new Promise<SpfAnswer>(() => {});
  const out = await createSpfCheck({ ask: never, helo: true, receiver: "filter.test" }).run(input({}, performance.now() + 30));
  expect(out.symbols).toEqual(["SPF_TEMPERROR", "SPF_HELO_TEMPERROR"]);
  expect(out.edits?.[0]).toMatchObject({ op: "add", name: "Received-SPF" });
  expect((out.edits?.[0] as { value: string }).value).toStartWith("temperror (filter.test: error in processing during lookup of a@example.com) client-ip=192.0.2.1;");
  expect(out.notes?.[0]).toContain("deadline");
});

test("a failing service is temperror, never a thrown scan", async () => {
  const out = await createSpfCheck({ ask: async () => { throw new Error("no SPF service"); }, helo: false }).run(input({}));
  expect(out.symbols).toEqual(["SPF_TEMPERROR"]);
  expect(out.notes).toEqual(["spf (mailfrom): SPF service failed: no SPF service"]);
});

test("no client IP: nothing to check", async () => {
  const out = await createSpfCheck({ ask: answers("pass", "pass"), helo: true }).run(input({ ip: undefined }));
  expect(out.symbols).toEqual([]);
});

test("an unknown result string is treated as temperror", async () => {
  const out = await createSpfCheck({ ask: async () => ({ result: "weird" }), helo: false }).run(input({}));
  expect(out.symbols).toEqual(["SPF_TEMPERROR"]);
});

test("the MAIL FROM result is the scan's spf fact (DMARC aligns with its domain); a bounce gives the HELO name", async () => {
  const check = createSpfCheck({ ask: async (q) => ({ result: q.identity === "helo" ? "fail" : "pass", sender: q.from || `postmaster@${q.helo}` }), helo: true });
  for (const [from, domain] of [["a@Example.COM", "example.com"], ["", "mx.example.org"]]) {
    const facts = createFacts([check]);
    await check.run({ ...input({ from }), facts });
    expect(await facts.get("spf")).toMatchObject({ result: "pass", domain });
  }
});
