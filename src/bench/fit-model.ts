// The optimiser of `bun run fit` (fit.ts), pure: no files, no corpus. Like SpamAssassin's
// score generator (masses/perceptron.c) it is a single-layer perceptron with a logistic output
// trained by gradient descent on labelled messages' rule hits, with three differences that
// matter for a product used on today's mail rather than on the fitting corpus:
//   - every score stays inside bounds given per rule (fit.ts: never a sign change, within a
//     factor of the hand score): a corpus of 2002 mail may not silence or inflate a rule;
//   - an L2 pull towards the hand score (not towards zero as in weight decay), so a rule the
//     corpus says little about stays where a person put it;
//   - score groups (`group_max`, ruledb/match.ts) are part of the model: a group's positive
//     hits add up to at most its cap, so a capped group gives no gradient to its members;
//   - chains: scores that must rise in a given order (the Bayes bands, by probability) are
//     projected back onto that order after every step (guardBayes).
// Errors on ham cost more than misses through the samples' weights (fit.ts sets them).
import { DATE_SKEW_SYMBOLS } from "../checks/date-skew";

export interface FitParam {
  name: string;
  /** The score a person wrote (rules/*.cf): the start and the pull of the fit. */
  hand: number;
  lo: number;
  hi: number;
  /** Index into the caps of the score group the rule belongs to, or -1. */
  group: number;
}

export interface FitSample {
  /** Indices of the params that hit (each at most once: the engine scores a rule once). */
  hits: number[];
  spam: boolean;
  /** Share of the loss: fit.ts gives ham errors the larger weight. */
  weight: number;
}

export interface FitOptions {
  /** The verdict threshold the fit separates at (policy spam_score). */
  threshold: number;
  /** Strength of the pull towards the hand scores. */
  lambda: number;
  /** Width of the logistic step around the threshold, in score points. */
  temperature: number;
  iterations: number;
  learningRate: number;
}

/** The generated rules file (after every hand-written one, so its `score` lines win). */
export const FITTED_FILE = "95_fitted_scores.cf";
/** The Bayes bands in order of probability (bayes/classify.ts); BAYES_999 hits on top of BAYES_99. */
export const BAYES_BANDS: readonly string[] = ["BAYES_00", "BAYES_05", "BAYES_20", "BAYES_40", "BAYES_50", "BAYES_60", "BAYES_80", "BAYES_95", "BAYES_99"];
export const BAYES_TOP = "BAYES_999";
/** A band scores at least this much more than the band below it (so the file's two decimals keep them apart). */
export const BAND_STEP = 0.05;
/**
 * Bayes alone (BAYES_99 + BAYES_999) stays this far under the spam threshold: a content rule
 * worth at least this much has to agree (rules/60_checks.cf: protection against a poisoned
 * token database).
 */
export const BAYES_ALONE_MARGIN = 0.5;

/** Scores that must rise along `members` (indices into the params), each at least `step` above the one before. */
export interface Chain {
  members: number[];
  step: number;
}

/**
 * The check symbols fitted: the Bayes bands (their hand scores were set by eye from `eval --cv`),
 * the date-skew check's, and the free-mailbox pair (header rules until the phishing check's one
 * list of free mailboxes took them over), which the corpus exercises as well as any header rule.
 * Every other check symbol keeps its hand score.
 */
export const FITTED_SYMBOLS: readonly string[] = [...BAYES_BANDS, BAYES_TOP, ...DATE_SKEW_SYMBOLS, "FROM_FREEMAIL", "REPLYTO_FREEMAIL"];
/** Rules defined in these files keep their hand scores: the corpus of 2002 cannot exercise them (GTUBE; DNS lists, SPF, DKIM, DMARC; today's phishing). */
export const KEEP_FILES: readonly string[] = ["10_gtube.cf", "60_checks.cf", "62_phishing.cf"];
/** Rules with fewer hits on the training messages keep their hand scores. */
export const MIN_HITS = 10;
/** ruleBounds' limits for the fitted rules. */
export const BOUNDS = { low: 0.25, high: 2, cap: 3.5 } as const;

export const FIT_DEFAULTS: FitOptions = { threshold: 5, lambda: 0.1, temperature: 1, iterations: 1500, learningRate: 0.02 };

/**
 * Bounds for a rule with hand score `hand`: same sign, between `low` and `high` times the hand
 * score, and never beyond `cap` in size unless the hand score already was (so the fit cannot
 * make one rule decide a verdict on its own). A zero hand score stays zero.
 */
export function ruleBounds(hand: number, o: { low: number; high: number; cap: number }): [number, number] {
  if (hand === 0) return [0, 0];
  const a = Math.abs(hand);
  const big = Math.max(a, Math.min(a * o.high, o.cap));
  const small = a * o.low;
  return hand > 0 ? [small, big] : [-big, -small];
}

/**
 * Narrows the bounds of the Bayes bands found in `params` (in place) so that every score within
 * them keeps the bands rising by BAND_STEP and BAYES_99 + BAYES_999 at most threshold −
 * BAYES_ALONE_MARGIN, and returns the chain fitScores keeps them on. The hand scores must
 * already obey both (rules/60_checks.cf): they are the fit's start.
 */
export function guardBayes(params: FitParam[], threshold: number): Chain {
  const at = (name: string) => params.findIndex((p) => p.name === name);
  const members = BAYES_BANDS.map(at).filter((i) => i >= 0);
  // lo rises by at least a step from one band to the next, and hi falls by one going down:
  // then every value inside the bounds has a neighbour inside its own bounds a step away.
  for (let k = 1; k < members.length; k++) {
    const [a, b] = [params[members[k - 1]], params[members[k]]];
    b.lo = Math.max(b.lo, a.lo + BAND_STEP);
  }
  for (let k = members.length - 2; k >= 0; k--) {
    const [a, b] = [params[members[k]], params[members[k + 1]]];
    a.hi = Math.min(a.hi, b.hi - BAND_STEP);
  }
  const top = params[at(BAYES_TOP)];
  const b99 = params[at("BAYES_99")];
  if (top && b99) top.hi = Math.min(top.hi, threshold - BAYES_ALONE_MARGIN - b99.hi);
  const eps = 1e-12;
  for (const [k, i] of members.entries()) {
    const p = params[i];
    const below = k > 0 ? params[members[k - 1]] : undefined;
    if (below && p.hand < below.hand + BAND_STEP - eps)
      throw new Error(`the hand score of ${p.name} (${p.hand}) is not ${BAND_STEP} above ${below.name}'s (${below.hand}): fix rules/60_checks.cf`);
  }
  for (const p of params)
    if (p.lo > p.hi + eps || p.hand < p.lo - eps || p.hand > p.hi + eps)
      throw new Error(`the hand score of ${p.name} (${p.hand}) breaks the order or the limit of the Bayes bands (bounds ${p.lo} to ${p.hi}): fix rules/60_checks.cf`);
  return { members, step: BAND_STEP };
}

/**
 * Projects the chain's scores onto "rising by `step`" within their bounds: with y_k = w_k − k·step
 * the order is y non-decreasing, whose projection is pool-adjacent-violators; guardBayes's bounds
 * rise along the chain in y too, so clamping the pooled values keeps the order.
 */
export function projectChain(w: Float64Array, params: readonly FitParam[], chain: Chain): void {
  const y = chain.members.map((i, k) => w[i] - k * chain.step);
  const blocks: { sum: number; n: number }[] = [];
  for (const v of y) {
    blocks.push({ sum: v, n: 1 });
    while (blocks.length > 1 && blocks[blocks.length - 2].sum / blocks[blocks.length - 2].n > blocks[blocks.length - 1].sum / blocks[blocks.length - 1].n) {
      const last = blocks.pop()!;
      blocks[blocks.length - 1].sum += last.sum;
      blocks[blocks.length - 1].n += last.n;
    }
  }
  let k = 0;
  for (const b of blocks)
    for (let j = 0; j < b.n; j++, k++) {
      const i = chain.members[k];
      w[i] = clamp(b.sum / b.n + k * chain.step, params[i].lo, params[i].hi);
    }
}

/** The score of a sample under scores `w`, as the engine adds it up (groups capped). */
export function sampleScore(s: FitSample, w: ArrayLike<number>, params: readonly FitParam[], caps: readonly number[]): number {
  return scoreAndCapped(s, w, params, caps, new Float64Array(caps.length)).score;
}

function scoreAndCapped(s: FitSample, w: ArrayLike<number>, params: readonly FitParam[], caps: readonly number[], sums: Float64Array) {
  sums.fill(0);
  let score = 0;
  for (const i of s.hits) {
    const g = params[i].group;
    if (g >= 0 && w[i] > 0) sums[g] += w[i];
    else score += w[i];
  }
  for (let g = 0; g < caps.length; g++) score += Math.min(sums[g], caps[g]);
  return { score, sums };
}

/**
 * Fits the scores: minimises Σ weight × logistic loss of (score − threshold) / temperature
 * plus lambda × Σ ((w − hand) / max(|hand|, 0.5))², by Adam with projection onto the bounds
 * after every step (and onto the chains' order). Deterministic: full batch, fixed start (the hand scores), fixed steps.
 */
export function fitScores(samples: readonly FitSample[], params: readonly FitParam[], caps: readonly number[], opts: FitOptions = FIT_DEFAULTS, chains: readonly Chain[] = []): Float64Array {
  const n = params.length;
  const w = Float64Array.from(params, (p) => clamp(p.hand, p.lo, p.hi));
  const m = new Float64Array(n);
  const v = new Float64Array(n);
  const grad = new Float64Array(n);
  const sums = new Float64Array(caps.length);
  const [b1, b2, eps] = [0.9, 0.999, 1e-8];
  for (let t = 1; t <= opts.iterations; t++) {
    grad.fill(0);
    for (const s of samples) {
      const { score } = scoreAndCapped(s, w, params, caps, sums);
      const p = 1 / (1 + Math.exp(-(score - opts.threshold) / opts.temperature));
      const d = (s.weight * (p - (s.spam ? 1 : 0))) / opts.temperature;
      for (const i of s.hits) {
        const g = params[i].group;
        // A capped group's total does not move when one member's score does.
        if (g >= 0 && w[i] > 0 && sums[g] > caps[g]) continue;
        grad[i] += d;
      }
    }
    for (let i = 0; i < n; i++) {
      const p = params[i];
      if (p.lo === p.hi) continue;
      const scale = Math.max(Math.abs(p.hand), 0.5);
      const gi = grad[i] + (2 * opts.lambda * (w[i] - p.hand)) / (scale * scale);
      m[i] = b1 * m[i] + (1 - b1) * gi;
      v[i] = b2 * v[i] + (1 - b2) * gi * gi;
      const step = (opts.learningRate * (m[i] / (1 - b1 ** t))) / (Math.sqrt(v[i] / (1 - b2 ** t)) + eps);
      w[i] = clamp(w[i] - step, p.lo, p.hi);
    }
    for (const c of chains) projectChain(w, params, c);
  }
  return w;
}

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));
