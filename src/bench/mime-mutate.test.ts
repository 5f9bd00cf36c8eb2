import { describe, expect, test } from "bun:test";
import { fuzzInput, MUTATIONS, mutate } from "./mime-mutate";
import { createRng } from "./mime-rng";

const msg = (s: string) => new Uint8Array(Buffer.from(s, "latin1"));
const MULTI = msg('From: a@b\nContent-Type: multipart/mixed; boundary="zz"\nContent-Transfer-Encoding: 7bit\n\n--zz\nContent-Type: text/plain; charset=utf-8\n\nhello\n--zz--\n');
const OTHER = msg("From: c@d\nSubject: other\n\nsecond message body\n");
const text = (b: Uint8Array) => Buffer.from(b).toString("latin1");

describe("mutate", () => {
  test("the same seed gives the same bytes and the same operations", () => {
    for (let seed = 0; seed < 50; seed++) {
      const a = mutate(createRng(seed), MULTI, OTHER);
      const b = mutate(createRng(seed), MULTI, OTHER);
      expect(text(b.raw)).toBe(text(a.raw));
      expect(b.ops).toEqual(a.ops);
      expect(a.ops.length).toBeGreaterThanOrEqual(1);
      expect(a.ops.length).toBeLessThanOrEqual(3);
    }
  });
  test("the input is not changed in place", () => {
    const before = text(MULTI);
    for (let seed = 0; seed < 50; seed++) mutate(createRng(seed), MULTI, OTHER);
    expect(text(MULTI)).toBe(before);
  });
  test.each(MUTATIONS)("%s changes the message (for some seed) and is all it does when chosen alone", (op) => {
    let changed = 0;
    for (let seed = 0; seed < 40; seed++) {
      const m = mutate(createRng(seed), MULTI, OTHER, [op]);
      expect(m.ops.every((o) => o === op)).toBe(true);
      if (text(m.raw) !== text(MULTI)) changed++;
    }
    expect(changed).toBeGreaterThan(0);
  });
  test("deep-nesting wraps the message at least ten times", () => {
    const m = mutate(createRng(3), MULTI, OTHER, ["deep-nesting"]);
    expect((text(m.raw).match(/^Content-Type: (multipart\/mixed|message\/rfc822)/gm) ?? []).length).toBeGreaterThanOrEqual(10);
  });
  test("boundary-damage always changes a message that has a boundary", () => {
    for (let seed = 0; seed < 30; seed++) expect(text(mutate(createRng(seed), MULTI, OTHER, ["boundary-damage"]).raw)).not.toBe(text(MULTI));
  });
  test("fuzzInput is a function of seed and index", () => {
    const corpus = [MULTI, OTHER];
    expect(text(fuzzInput(9, 17, corpus).raw)).toBe(text(fuzzInput(9, 17, corpus).raw));
    expect(fuzzInput(9, 17, corpus).id).toBe("fuzz:9:17");
    const differ = Array.from({ length: 20 }, (_, i) => text(fuzzInput(9, i, corpus).raw));
    expect(new Set(differ).size).toBeGreaterThan(10);
  });
});
