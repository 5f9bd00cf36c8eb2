// The optimiser of `bun run fit` (fit.ts), pure: no files, no corpus. Like SpamAssassin's
// score generator (masses/perceptron.c) it is a single-layer perceptron with a logistic output
// trained by gradient descent on labelled messages' rule hits, with three differences that
// matter for a product used on today's mail rather than on the fitting corpus:
//   - every score stays inside bounds given per rule (fit.ts: never a sign change, within a
//     factor of the hand score): a corpus of 2002 mail may not silence or inflate a rule;
//   - an L2 pull towards the hand score (not towards zero as in weight decay), so a rule the
//     corpus says little about stays where a person put it;
//   - score groups (`group_max`, ruledb/match.ts) are part of the model: a group's positive
//     hits add up to at most its cap, so a capped group gives no gradient to its members.
// Errors on ham cost more than misses through the samples' weights (fit.ts sets them).

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
 * after every step. Deterministic: full batch, fixed start (the hand scores), fixed steps.
 */
export function fitScores(samples: readonly FitSample[], params: readonly FitParam[], caps: readonly number[], opts: FitOptions = FIT_DEFAULTS): Float64Array {
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
  }
  return w;
}

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));
