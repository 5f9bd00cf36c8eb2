// The score fitter (fit-model.ts) on small made-up hit tables: it must separate what the data
// separate, and never leave the guards (bounds, fixed rules, group caps) whatever the data say.
import { describe, expect, test } from "bun:test";
import { BAND_STEP, BAYES_ALONE_MARGIN, BAYES_BANDS, BAYES_TOP, FIT_DEFAULTS, fitScores, guardBayes, projectChain, ruleBounds, sampleScore, type FitParam, type FitSample } from "./fit-model";

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

describe("the Bayes bands", () => {
  // The hand scores of rules/60_checks.cf, the bands in order of probability, then BAYES_999.
  const HAND = [-1.8, -0.6, -0.2, -0.05, 0.4, 1.2, 2.0, 2.8, 3.4, 0.5];
  const bands = () => [...BAYES_BANDS, BAYES_TOP].map((n, i) => param(n, HAND[i]));
  const opts = { ...FIT_DEFAULTS, lambda: 0, iterations: 1500, learningRate: 0.05 };
  const B = (name: string) => [...BAYES_BANDS, BAYES_TOP].indexOf(name);
  // Data that want the order broken (the signs keep the bands under 0.5 apart from those over):
  // BAYES_60 on spam only, BAYES_80 on ham only.
  const crossing = [...many(40, [B("BAYES_60")], true), ...many(40, [B("BAYES_80")], false)];
  const rising = (w: ArrayLike<number>) => BAYES_BANDS.every((_, k) => k === 0 || w[k] >= w[k - 1] + BAND_STEP - 1e-9);

  test("guardBayes narrows no hand score out of its bounds, and its bounds still hold the hand scores", () => {
    const p = bands();
    guardBayes(p, 5);
    for (const x of p) expect(x.hand >= x.lo && x.hand <= x.hi).toBe(true);
    expect(p[B("BAYES_999")].hi + p[B("BAYES_99")].hi).toBeLessThanOrEqual(5 - BAYES_ALONE_MARGIN + 1e-9);
  });

  test("stay in order, a step apart, where the data would cross them", () => {
    const free = fitScores(crossing, bands(), [], opts);
    expect(rising(free)).toBe(false); // without the chain the data do cross them
    const p = bands();
    const w = fitScores(crossing, p, [], opts, [guardBayes(p, 5)]);
    expect(rising(w)).toBe(true);
    for (const [i, x] of p.entries()) expect(Math.sign(w[i])).toBe(Math.sign(x.hand));
  });

  test("Bayes alone never reaches the threshold, however much spam hits only BAYES_99 + BAYES_999", () => {
    // A BAYES_999 of 1 (allowed: 3.4 + 1 < 4.5) may go to 2 by its own bounds.
    const bands999 = () => bands().map((x) => (x.name === BAYES_TOP ? param(BAYES_TOP, 1) : x));
    const data = [...many(50, [B("BAYES_99"), B("BAYES_999")], true), ...many(50, [B("BAYES_00")], false)];
    const free = fitScores(data, bands999(), [], opts);
    expect(free[B("BAYES_99")] + free[B("BAYES_999")]).toBeGreaterThan(5 - BAYES_ALONE_MARGIN); // the data push past it
    const p = bands999();
    const w = fitScores(data, p, [], opts, [guardBayes(p, 5)]);
    expect(w[B("BAYES_99")] + w[B("BAYES_999")]).toBeLessThanOrEqual(5 - BAYES_ALONE_MARGIN + 1e-9);
  });

  test("a hand score that breaks the order is refused, not fitted", () => {
    const p = bands();
    p[B("BAYES_60")] = param("BAYES_60", 0.3);
    expect(() => guardBayes(p, 5)).toThrow(/BAYES_/);
  });

  test("projectChain pools the scores that cross and keeps them in their bounds", () => {
    const p = [param("A", 1), param("B", 1.5), param("C", 2)];
    const w = Float64Array.from([2, 1, 1.9]);
    projectChain(w, p, { members: [0, 1, 2], step: 0.1 });
    // A and B pooled around their mean (1.5) a step apart, C already a step above B.
    expect(w[0]).toBeCloseTo(1.45, 9);
    expect(w[1]).toBeCloseTo(1.55, 9);
    expect(w[2]).toBeCloseTo(1.9, 9);
  });
});
