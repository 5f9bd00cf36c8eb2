import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Check } from "../checks/types";
import { parseConfig } from "../config/load";
import { compileSources } from "../ruledb/compile";
import { loadRuleDb } from "../ruledb/match";
import { addressInList, normaliseAddress } from "../message/address";
import { ipInList } from "./lists";
import { scan, type Engine } from "./scan";
import type { ScanRequest } from "../model";

const RULES = `
body  MONEY   /\\bmoney\\b/i
score MONEY   3
body  PILLS   /\\bpills\\b/i
score PILLS   2.5
meta  BOTH    MONEY && PILLS && SPF_FAIL
score BOTH    1
score SPF_FAIL 1.5
`;
const db = loadRuleDb(compileSources([{ path: "t.cf", text: RULES }], { version: "t1" }).db!);
const engine = (toml = "", checks: Check[] = []): Engine => ({ config: parseConfig(toml, "test.toml"), db, checks });
const req = (body: string, env: Partial<ScanRequest["envelope"]> = {}, head = "Subject: hi\n"): ScanRequest => ({ id: "t", envelope: { rcpt: ["bob@example.net"], ...env }, raw: new TextEncoder().encode(`${head}\n${body}\n`) });
const spf = (symbols: string[], delay = 0): Check => ({ name: "spf", stage: "envelope", run: () => new Promise((r) => setTimeout(() => r({ symbols, edits: [{ op: "add", name: "Received-SPF", value: "fail" }] }), delay)) });

describe("verdicts by threshold", () => {
  test("below probable → not_detected, accept, our headers set", async () => {
    const r = await scan(engine(), req("hello"));
    expect([r.status, r.score, r.disposition]).toEqual(["not_detected", 0, "accept"]);
    expect(r.edits).toContainEqual({ op: "set", name: "X-KAS-Status", value: "not_detected" });
    expect(r.edits).toContainEqual({ op: "remove", name: "X-Spam-Flag" });
  });
  test("probable_spam and spam", async () => {
    expect((await scan(engine(), req("money"))).status).toBe("probable_spam");
    const r = await scan(engine(), req("money and pills"));
    expect([r.status, r.score]).toEqual(["spam", 5.5]);
    expect(r.hits.map((h) => h.name).sort()).toEqual(["MONEY", "PILLS"]);
    expect(r.edits).toContainEqual({ op: "set", name: "X-Spam-Flag", value: "YES" });
  });
  test("check symbols are scored and feed metas; check edits are passed on", async () => {
    const r = await scan(engine("", [spf(["SPF_FAIL"])]), req("money and pills"));
    expect(r.hits.map((h) => h.name).sort()).toEqual(["BOTH", "MONEY", "PILLS", "SPF_FAIL"]);
    expect(r.score).toBe(8);
    expect(r.edits).toContainEqual({ op: "add", name: "Received-SPF", value: "fail" });
  });
});

describe("actions", () => {
  test("prefix, reject and tempfail", async () => {
    const p = await scan(engine('[policy]\nspam_action = "prefix"'), req("money pills"));
    expect(p.edits).toContainEqual({ op: "prefix_subject", prefix: "[!! SPAM]" });
    const r = await scan(engine('[policy]\nspam_action = "reject"\nreject_text = "5.7.1 go away"'), req("money pills"));
    expect([r.disposition, r.reply]).toEqual(["reject", { code: 550, text: "5.7.1 go away" }]);
    const t = await scan(engine('[policy]\nprobable_spam_action = "tempfail"'), req("money"));
    expect([t.disposition, t.reply?.code]).toEqual(["tempfail", 451]);
  });
  test("group policy by recipient domain, keys not given come from [policy]", async () => {
    const toml = '[policy]\nspam_action = "reject"\n[[policy.group]]\nname = "sales"\nrecipients = ["@sales.example"]\nspam_score = 10\n';
    const g = await scan(engine(toml), req("money pills", { rcpt: ["Ann@Sales.Example"] }));
    expect([g.policy, g.status, g.threshold]).toEqual(["sales", "probable_spam", 10]);
    expect(g.edits).toContainEqual({ op: "set", name: "X-KAS-Policy", value: "sales" });
    const d = await scan(engine(toml), req("money pills", { rcpt: ["bob@example.net"] }));
    expect([d.policy, d.disposition]).toEqual(["default", "reject"]);
  });
});

describe("lists", () => {
  test("black list wins over white list; decided without rules", async () => {
    const toml = '[policy]\nblacklist_ips = ["203.0.113.0/24"]\nwhitelist_senders = ["@friend.example"]\n';
    const b = await scan(engine(toml), req("hello", { ip: "203.0.113.9", from: "x@friend.example" }));
    expect([b.status, b.disposition, b.hits[0].name]).toEqual(["blacklisted", "reject", "KAS_BLACKLIST_IP"]);
    const w = await scan(engine(toml), req("money pills", { ip: "198.51.100.1", from: "X@Friend.Example" }));
    expect(w.status).toBe("trusted");
  });
  test.each([
    ["192.0.2.5", "192.0.2.0/24", true],
    ["192.0.3.5", "192.0.2.0/24", false],
    ["::ffff:192.0.2.5", "192.0.2.0/25", true],
    ["2001:db8::1", "2001:db8::/32", true],
    ["2001:db9::1", "2001:db8::/32", false],
    ["10.0.0.1", "10.0.0.1", true],
    ["bogus", "10.0.0.0/8", false],
  ])("ipInList(%s, [%s]) = %p", (ip, range, want) => expect(ipInList(ip, [range])).toBe(want));
  test.each([
    ["*@example.com", "a@example.com", true],
    ["@example.com", "a@badexample.com", false],
    ["a@example.com", "A@Example.COM", true],
    ["spammer+promo@example.com", "spammer+promo@example.com", true],
    ["@bücher.de", "info@bücher.de", true],
    ["*@Example.COM.", "info@example.com.", true],
    ['"Bob"@example.com', '"Bob"@example.com', true],
    ["example.net", "x@example.net", true],
    ["news*@*.example", "newsletter@mail.example", true],
    ["news*@*.example", "info@mail.example", false],
  ])("list entry %p matches sender %p: %p", (entry, sender, want) => expect(addressInList(normaliseAddress(sender), [entry])).toBe(want));
});

describe("failures are notes, never lost scans", () => {
  test("a check that throws", async () => {
    const bad: Check = { name: "boom", stage: "content", run: () => { throw new Error("db gone"); } };
    const r = await scan(engine("", [bad]), req("money pills"));
    expect(r.status).toBe("spam");
    expect(r.notes).toEqual(["boom: failed, skipped: db gone"]);
  });
  test("a check slower than its share of the budget is cut off; the rules still run", async () => {
    const r = await scan(engine("[scan]\ntime_budget_ms = 100", [spf(["SPF_FAIL"], 5000)]), req("money"));
    expect(r.notes).toEqual(["spf: did not finish within the time budget, skipped"]);
    // A check that honours the deadline it is given answers for itself (SPF: temperror with its
    // Received-SPF field), not the engine's backstop.
    const timely: Check = { name: "spf", stage: "envelope", run: (i) => new Promise((res) => setTimeout(() => res({ symbols: ["SPF_TEMPERROR"], notes: ["spf: no answer before the deadline"] }), Math.max(0, i.deadline - performance.now()))) };
    const t = await scan(engine("[scan]\ntime_budget_ms = 100", [timely]), req("money"));
    expect(t.hits.map((h) => h.name)).toContain("SPF_TEMPERROR");
    expect(t.notes).toEqual(["spf: no answer before the deadline"]);
    expect(r.hits.map((h) => h.name)).toEqual(["MONEY"]);
  });
  test("after stage: a check sees the final verdict; its note is added, a throw is a note", async () => {
    const seen: string[] = [];
    const learner: Check = { name: "learn", stage: "content", run: () => ({ symbols: [] }), afterScan: (r) => (seen.push(`${r.status}:${r.score}`), "learned") };
    const broken: Check = { name: "broken", stage: "content", run: () => ({ symbols: [] }), afterScan: () => { throw new Error("disk full"); } };
    const r = await scan(engine("", [learner, broken]), req("money and pills"));
    expect(seen).toEqual(["spam:5.5"]);
    expect(r.notes).toEqual(["learned", "broken: after the verdict: disk full"]);
  });
  test("after stage handed to the caller (afterReply): it runs when the caller says, its notes come back instead of going into the result", async () => {
    const seen: string[] = [];
    const learner: Check = { name: "learn", stage: "content", run: () => ({ symbols: [] }), afterScan: (r) => (seen.push(`${r.status}:${r.score}`), "learned") };
    let after: (() => Promise<string[]>) | undefined;
    const r = await scan(engine("", [learner]), req("money and pills"), { afterReply: (f) => (after = f) });
    expect(seen).toEqual([]);
    expect(r.notes).toEqual([]);
    expect(await after!()).toEqual(["learned"]);
    expect(seen).toEqual(["spam:5.5"]);
    expect(r.notes).toEqual([]);
    // No check with an after stage: nothing is handed over.
    let handed = false;
    await scan(engine(""), req("money"), { afterReply: () => (handed = true) });
    expect(handed).toBe(false);
  });
  test("formal: a delivery report below the threshold", async () => {
    const head = "Subject: Undelivered\nContent-Type: multipart/report; report-type=delivery-status; boundary=b\n";
    const r = await scan(engine(), req("--b\nContent-Type: text/plain\n\nbounce\n--b--", { from: "" }, head));
    expect(r.status).toBe("formal");
  });
});

test("GTUBE with the shipped rules is spam", async () => {
  const { builtinDb } = await import("../ruledb/builtin");
  const e = { ...engine(), db: loadRuleDb(builtinDb()) };
  const r = await scan(e, { id: "g", envelope: { rcpt: [] }, raw: readFileSync(join(import.meta.dir, "../../fixtures/messages/gtube.eml")) });
  expect(r.status).toBe("spam");
  expect(r.hits.map((h) => h.name)).toContain("GTUBE");
});
