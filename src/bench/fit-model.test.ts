// The score fitter (fit-model.ts) on small made-up hit tables: it must separate what the data
// separate, and never leave the guards (bounds, fixed rules, group caps) whatever the data say.
import { describe, expect, test } from "bun:test";
import { FIT_DEFAULTS, fitScores, ruleBounds, sampleScore, type FitParam, type FitSample } from "./fit-model";

const BOUNDS = { low: 0.25, high: 2, cap: 3.5 };
function param(name: string, hand: number, group = -1, fixed = false): FitParam {
  const [lo, hi] = fixed ? [hand, hand] : ruleBounds(hand, BOUNDS);
  return { name, hand, lo, hi, group };
}
/** `count` copies of one hit pattern. */
const many = (count: number, hits: number[], spam: boolean, weight = 1): FitSample[] => Array.from({ length: count }, () => ({ hits, spam, weight }));

describe("ruleBounds", () => {
  test.each([
    [1, [0.25, 2]],
    [2.5, [0.625, 3.5]],
    [4, [1, 4]],
    [-1, [-2, -0.25]],
    [0, [0, 0]],
  ] as const)("hand %p → %p", (hand, want) => {
    expect(ruleBounds(hand, BOUNDS)).toEqual([...want]);
  });
});

describe("sampleScore", () => {
  test("a group's positive hits add up to its cap at most; negative members are not capped", () => {
    const params = [param("A", 1.5, 0), param("B", 1.5, 0), param("C", -0.5, 0), param("D", 2)];
    const w = params.map((p) => p.hand);
    expect(sampleScore({ hits: [0, 1, 3], spam: true, weight: 1 }, w, params, [2])).toBeCloseTo(4);
    expect(sampleScore({ hits: [0, 2], spam: true, weight: 1 }, w, params, [2])).toBeCloseTo(1);
    expect(sampleScore({ hits: [0, 1, 2], spam: true, weight: 1 }, w, params, [2])).toBeCloseTo(1.5);
  });
});

describe("fitScores", () => {
  const opts = { ...FIT_DEFAULTS, lambda: 0.001, iterations: 800 };

  test("raises a rule only spam hits and lowers one ham hits too, inside the bounds", () => {
    // A: spam only; B: spam and ham alike; C: base evidence every spam carries.
    const params = [param("A", 1), param("B", 2), param("C", 3, -1, true)];
    const samples = [...many(50, [0, 2], true, 1 / 100), ...many(50, [1, 2], true, 1 / 100), ...many(50, [1], false, 10 / 50)];
    const w = fitScores(samples, params, [], opts);
    expect(w[0]).toBeGreaterThan(1.5);
    expect(w[0]).toBeLessThanOrEqual(2);
    expect(w[1]).toBeLessThan(2);
    expect(w[1]).toBeGreaterThanOrEqual(0.5);
    expect(w[2]).toBe(3);
  });

  test("never changes a sign or leaves the bounds, however hard the data push", () => {
    // NICE hits only spam, BAD only ham: the data want both signs flipped.
    const params = [param("NICE", -1), param("BAD", 1)];
    const samples = [...many(20, [0], true), ...many(20, [1], false)];
    const w = fitScores(samples, params, [], { ...opts, iterations: 2000, learningRate: 0.1 });
    expect(w[0]).toBeCloseTo(-0.25, 6);
    expect(w[1]).toBeCloseTo(0.25, 6);
  });

  test("the pull towards the hand score holds a rule the data say little about", () => {
    const params = [param("A", 1), param("RARE", 1)];
    const samples = [...many(40, [0], true), ...many(40, [], false), { hits: [1], spam: false, weight: 1 }];
    const strong = fitScores(samples, params, [], { ...opts, lambda: 10 });
    const weak = fitScores(samples, params, [], { ...opts, lambda: 0 });
    expect(Math.abs(strong[1] - 1)).toBeLessThan(0.1);
    expect(weak[1]).toBeLessThan(strong[1]);
  });

  test("a heavier cost of ham errors gives a rule that hits both a lower score", () => {
    const params = [param("BASE", 4, -1, true), param("MIXED", 1)];
    const samples = (hamWeight: number) => [...many(30, [0, 1], true, 1 / 30), ...many(30, [0], true, 1 / 30), ...many(10, [0, 1], false, hamWeight / 10)];
    const cheap = fitScores(samples(0.2), params, [], opts);
    const dear = fitScores(samples(5), params, [], opts);
    expect(dear[1]).toBeLessThan(cheap[1]);
  });

  test("members of a capped group get no push from messages where the cap holds", () => {
    // Every message hits both members; the cap (1) is below their sum, so the data cannot move them.
    const params = [param("G1", 1, 0), param("G2", 1, 0)];
    const samples = [...many(20, [0, 1], true), ...many(20, [], false)];
    const w = fitScores(samples, params, [1], opts);
    expect([...w]).toEqual([1, 1]);
  });

  test("is deterministic", () => {
    const params = [param("A", 1), param("B", 0.5)];
    const samples = [...many(10, [0], true), ...many(5, [0, 1], false, 3), ...many(7, [1], true)];
    expect([...fitScores(samples, params, [], opts)]).toEqual([...fitScores(samples, params, [], opts)]);
  });
});
