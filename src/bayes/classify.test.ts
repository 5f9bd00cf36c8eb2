import { expect, test } from "bun:test";
import { bandSymbols, chi2Q, classify, classifyArrays, DEFAULT_PARAMS, strongest, probabilityOf } from "./classify";

test("chi2Q matches known values of the chi-square upper tail", () => {
  expect(chi2Q(0, 10)).toBeCloseTo(1, 10);
  expect(chi2Q(2, 2)).toBeCloseTo(Math.exp(-1), 10); // 2 degrees of freedom: e^(-x/2)
  expect(chi2Q(18.307, 10)).toBeCloseTo(0.05, 3); // table value
  expect(chi2Q(5000, 300)).toBeCloseTo(0, 10); // deep tail underflows to 0, not NaN
});

test("token probability: unseen = x; rare tokens shrink towards x; frequent ones follow the ratio", () => {
  expect(probabilityOf(0, 0, 100, 100, DEFAULT_PARAMS)).toBe(0.5);
  const rare = probabilityOf(1, 0, 100, 100, DEFAULT_PARAMS);
  const often = probabilityOf(50, 0, 100, 100, DEFAULT_PARAMS);
  expect(rare).toBeGreaterThan(0.5);
  expect(often).toBeGreaterThan(rare);
  // Class sizes are normalised: 10 of 100 spam vs 10 of 1000 ham is spammy.
  expect(probabilityOf(10, 10, 100, 1000, DEFAULT_PARAMS)).toBeGreaterThan(0.85);
});

test("classify: spammy tokens → near 1, hammy → near 0, conflicting or none → near 0.5", () => {
  const spammy = Array.from({ length: 40 }, () => ({ spam: 80, ham: 1 }));
  const hammy = Array.from({ length: 40 }, () => ({ spam: 1, ham: 80 }));
  expect(classify(spammy, 100, 100).probability).toBeGreaterThan(0.99);
  expect(classify(hammy, 100, 100).probability).toBeLessThan(0.01);
  const mixed = classify([...spammy, ...hammy], 100, 100).probability;
  expect(mixed).toBeGreaterThan(0.3);
  expect(mixed).toBeLessThan(0.7);
  expect(classify([], 100, 100)).toEqual({ probability: 0.5, used: 0 });
});

test("only maxTokens of the strongest tokens are combined", () => {
  const many = Array.from({ length: 1000 }, (_, i) => ({ spam: i % 2 ? 50 : 1, ham: i % 2 ? 1 : 50 }));
  expect(classify(many, 100, 100).used).toBe(DEFAULT_PARAMS.maxTokens);
});

test.each([
  [0, ["BAYES_00"]],
  [0.009, ["BAYES_00"]],
  [0.01, ["BAYES_05"]],
  [0.3, ["BAYES_40"]],
  [0.5, ["BAYES_50"]],
  [0.94, ["BAYES_80"]],
  [0.97, ["BAYES_95"]],
  [0.995, ["BAYES_99"]],
  [0.9995, ["BAYES_99", "BAYES_999"]],
  [1, ["BAYES_99", "BAYES_999"]],
])("bandSymbols(%p)", (p, want) => {
  expect(bandSymbols(p)).toEqual(want);
});

test("classifyArrays (the scan path) gives classify's probability to the last bit; 0/0 is an unknown token", () => {
  let x = 7;
  const rnd = (n: number) => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 8) % n;
  for (const size of [0, 5, 250, 301, 1200]) {
    const spam = new Uint32Array(size);
    const ham = new Uint32Array(size);
    for (let i = 0; i < size; i++) {
      spam[i] = rnd(4) === 0 ? 0 : rnd(300);
      ham[i] = rnd(4) === 0 ? 0 : rnd(300);
    }
    const known = Array.from(spam, (s, i) => ({ spam: s, ham: ham[i] })).filter((c) => c.spam || c.ham);
    expect(classifyArrays(spam, ham, size, 1500, 1700)).toEqual(classify(known, 1500, 1700));
  }
});

test("strongest() is a stable sort by strength and a cut, ties (f and 1 - f, equal f) included", () => {
  let x = 3;
  const rnd = (n: number) => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 8) % n;
  const byStrength = (a: number, b: number) => Math.abs(b - 0.5) - Math.abs(a - 0.5);
  for (const size of [301, 302, 500, 1000, 3000]) {
    // Few distinct values, so most strengths tie: 0.2 and 0.8 are equally strong.
    const probs = Array.from({ length: size }, () => [0.05, 0.2, 0.8, 0.95, 0.3, 0.7, 0.35, 0.65 + rnd(3) / 100][rnd(8)]);
    const want = [...probs].sort(byStrength).slice(0, 300);
    expect(strongest(probs, 300)).toEqual(want);
  }
});

test("classifyArrays remembers per count pair, and forgets when the totals change", () => {
  const spam = Uint32Array.from([5, 0, 9, 5]);
  const ham = Uint32Array.from([1, 7, 9, 1]);
  const objs = Array.from(spam, (s, i) => ({ spam: s, ham: ham[i] }));
  for (const [ns, nh] of [[100, 100], [100, 100], [10, 1000], [100, 100]]) expect(classifyArrays(spam, ham, 4, ns, nh)).toEqual(classify(objs, ns, nh));
  const p = { ...DEFAULT_PARAMS, s: 3 };
  expect(classifyArrays(spam, ham, 4, 100, 100, p)).toEqual(classify(objs, 100, 100, p));
});
