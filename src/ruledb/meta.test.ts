import { describe, expect, test } from "bun:test";
import { compileMeta, metaRefs, parseMeta } from "./meta";

const evalMeta = (expr: string, values: Record<string, number>) => {
  const r = parseMeta(expr);
  if ("error" in r) throw new Error(r.error);
  const names = Object.keys(values);
  const counts = names.map((n) => values[n]);
  return compileMeta(r.ast, (n) => (names.includes(n) ? names.indexOf(n) : counts.push(0) - 1))(counts);
};

describe("meta expressions", () => {
  test.each([
    ["A && B", { A: 1, B: 1 }, 1],
    ["A && B", { A: 1, B: 0 }, 0],
    ["A || B && C", { A: 1, B: 0, C: 0 }, 1], // && binds tighter than ||
    ["(A || B) && C", { A: 1, B: 0, C: 0 }, 0],
    ["!A && B", { A: 0, B: 1 }, 1],
    ["!(A && B)", { A: 1, B: 1 }, 0],
    ["(A + B + C) > 1", { A: 1, B: 0, C: 1 }, 1],
    ["(A + B + C) > 1", { A: 1, B: 0, C: 0 }, 0],
    ["A + B * 2", { A: 1, B: 1 }, 3], // * before +
    ["A + B >= 2 && C", { A: 1, B: 1, C: 1 }, 1], // + before >=, >= before &&
    ["A - B == 0", { A: 2, B: 2 }, 1],
    ["A != 1", { A: 3 }, 1],
    ["A > 2", { A: 3 }, 1], // tflags multiple: counts
    ["A / B", { A: 1, B: 0 }, 0], // division by zero is 0, not Infinity
    ["-A + 2", { A: 1 }, 1],
    ["A || B", { A: 0, B: 3 }, 3], // Perl: || returns the operand
    ["UNDEFINED_SYMBOL || A", { A: 1 }, 1],
    ["1", {}, 1],
    ["A <= 0.5", { A: 0 }, 1],
  ])("%s with %j = %j", (expr, values, want) => {
    expect(evalMeta(expr, values)).toBe(want);
  });

  test.each([
    ["A &&", "ends too early"],
    ["(A || B", "missing )"],
    ["A B", 'unexpected "B"'],
    ["A & B", 'unexpected "&"'],
    ["A $ B", 'unexpected "$"'],
    ["", "empty"],
    [")", 'unexpected ")"'],
  ])("%p is an error: %s", (expr, why) => {
    const r = parseMeta(expr);
    expect("error" in r && r.error).toContain(why);
  });

  test("refs", () => {
    const r = parseMeta("(A + __B) > 1 && !C_D || A");
    expect("ast" in r && [...metaRefs(r.ast)].sort()).toEqual(["A", "C_D", "__B"]);
  });
});
