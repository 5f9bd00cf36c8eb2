import { expect, test } from "bun:test";
import { bandSymbols, chi2Q, classify, DEFAULT_PARAMS, tokenProbability } from "./classify";

test("chi2Q matches known values of the chi-square upper tail", () => {
  expect(chi2Q(0, 10)).toBeCloseTo(1, 10);
  expect(chi2Q(2, 2)).toBeCloseTo(Math.exp(-1), 10); // 2 degrees of freedom: e^(-x/2)
  expect(chi2Q(18.307, 10)).toBeCloseTo(0.05, 3); // table value
  expect(chi2Q(5000, 300)).toBeCloseTo(0, 10); // deep tail underflows to 0, not NaN
});

test("token probability: unseen = x; rare tokens shrink towards x; frequent ones follow the ratio", () => {
  expect(tokenProbability({ spam: 0, ham: 0 }, 100, 100, DEFAULT_PARAMS)).toBe(0.5);
  const rare = tokenProbability({ spam: 1, ham: 0 }, 100, 100, DEFAULT_PARAMS);
  const often = tokenProbability({ spam: 50, ham: 0 }, 100, 100, DEFAULT_PARAMS);
  expect(rare).toBeGreaterThan(0.5);
  expect(often).toBeGreaterThan(rare);
  // Class sizes are normalised: 10 of 100 spam vs 10 of 1000 ham is spammy.
  expect(tokenProbability({ spam: 10, ham: 10 }, 100, 1000, DEFAULT_PARAMS)).toBeGreaterThan(0.85);
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
