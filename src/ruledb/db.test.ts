import { describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { DataError } from "../errors";
import { compileSources } from "./compile";
import { canonicalJson, parseDb, serializeDb } from "./db";

const db = compileSources([{ path: "a.cf", text: "body FOO /foo/\nscore FOO 2\n" }], { version: "2026112201" }).db!;

describe("database file", () => {
  test("serialize → parse round-trips and keeps the digest", () => {
    const back = parseDb(serializeDb(db));
    expect(back).toEqual(db);
    expect(back.digest).toMatch(/^[0-9a-f]{64}$/);
  });

  test("canonical JSON sorts keys at every level and drops undefined", () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: undefined, w: 3 }], c: "s" } })).toBe('{"a":{"c":"s","d":[1,{"w":3,"y":2}]},"b":1}');
  });

  test("the same contents give the same digest", () => {
    const opts = { version: "v", createdAt: "2026-11-22T00:00:00.000Z" };
    const a = compileSources([{ path: "x/a.cf", text: "body FOO /foo/\n" }], opts).db!;
    const b = compileSources([{ path: "y/a.cf", text: "body  FOO   /foo/ # same rule\n" }], opts).db!;
    expect(a.digest).toBe(b.digest);
  });

  test("the digest is over the content: compiled at another time, same digest; a changed rule, another", () => {
    const src = [{ path: "a.cf", text: "body FOO /foo/\nscore FOO 2\n" }];
    const a = compileSources(src, { version: "v", createdAt: "2026-11-22T00:00:00.000Z" }).db!;
    const b = compileSources(src, { version: "v", createdAt: "2027-01-01T12:00:00.000Z" }).db!;
    expect(b.digest).toBe(a.digest);
    const c = compileSources([{ path: "a.cf", text: "body FOO /foo/\nscore FOO 2.5\n" }], { version: "v", createdAt: "2026-11-22T00:00:00.000Z" }).db!;
    expect(c.digest).not.toBe(a.digest);
  });

  test("a database written when the digest covered createdAt still loads", () => {
    const { format, version, createdAt, rules } = db;
    const legacy = { ...db, digest: createHash("sha256").update(canonicalJson({ format, version, createdAt, rules })).digest("hex") };
    expect(legacy.digest).not.toBe(db.digest);
    expect(parseDb(serializeDb(legacy)).digest).toBe(legacy.digest);
  });

  test("a changed byte anywhere in the rules is refused", () => {
    const bytes = serializeDb(db);
    const text = new TextDecoder().decode(bytes);
    const i = text.indexOf('"score":2');
    const tampered = new TextEncoder().encode(text.slice(0, i) + '"score":9' + text.slice(i + 9));
    expect(() => parseDb(tampered)).toThrow("database file is corrupt: digest mismatch");
    try {
      parseDb(tampered);
    } catch (e) {
      expect(e).toBeInstanceOf(DataError);
      expect((e as DataError).exitCode).toBe(65);
      expect((e as DataError).hint).toContain("kas update-db");
    }
  });

  test.each([
    ["truncated", (b: Uint8Array) => b.slice(0, b.length - 10), "not valid JSON"],
    ["not JSON", () => new TextEncoder().encode("hello"), "not valid JSON"],
    ["invalid UTF-8", () => new Uint8Array([0xff, 0xfe]), "not valid JSON"],
    ["another format", (b: Uint8Array) => edit(b, (d) => (d.format = 99)), "has format 99; this kas reads formats 1 and 2"],
    ["no rule list", (b: Uint8Array) => edit(b, (d) => (d.rules = {})), "no rule list"],
    ["bad score groups", (b: Uint8Array) => edit(b, (d) => ((d.format = 2), (d.rules.groups = [{ name: "G", max: "2", members: 5 }]))), "bad score groups"],
    ["a negative cap", (b: Uint8Array) => edit(b, (d) => ((d.format = 2), (d.rules.groups = [{ name: "G", max: -1, members: ["A"] }]))), "bad score groups"],
    ["a rule in two groups", (b: Uint8Array) => edit(b, (d) => ((d.format = 2), (d.rules.groups = [{ name: "G", max: 1, members: ["A"] }, { name: "H", max: 1, members: ["A"] }]))), "bad score groups"],
    ["groups in a format 1 file", (b: Uint8Array) => edit(b, (d) => ((d.format = 1), (d.rules.groups = [{ name: "G", max: 1, members: ["A"] }]))), "bad score groups"],
    ["not a database", () => new TextEncoder().encode("[1,2]"), "not a kas rule database"],
  ])("%s is refused", (_, mutate, why) => {
    expect(() => parseDb(mutate(serializeDb(db)))).toThrow(why);
  });
});

function edit(b: Uint8Array, f: (d: any) => void): Uint8Array {
  const d = JSON.parse(new TextDecoder().decode(b));
  f(d);
  return new TextEncoder().encode(JSON.stringify(d));
}
