// The combining method: Robinson's per-token probability f(w) with Fisher's chi-square
// combining (Robinson 2003, "A statistical approach to the spam problem"; the method of
// SpamAssassin's Bayes and SpamBayes). Why this one and not naive Bayes or OSB/Winnow:
// - f(w) shrinks rarely seen tokens towards "unknown" (x) with strength s, so one spam
//   containing a word does not make that word proof of spam;
// - chi-square combining tests two hypotheses ("these tokens are not spammy", "... not
//   hammy") and reports the difference. Unlike naive Bayes' product, which saturates at
//   0 or 1 on almost every message, it stays near 0.5 when the evidence conflicts: exactly
//   the uncertain messages the rule scores must decide, which matters most for the
//   false-positive target on hard ham (newsletters and commercial mail people asked for).
// - it needs only per-token (spam, ham) counts: one indexed lookup per message, which a
//   SQL or Redis store answers equally well.
// Only tokens far enough from 0.5 (minStrength) count, at most maxTokens of the strongest:
// neutral tokens only add noise to the chi-square degrees of freedom. The parameters were
// chosen by cross-validation on the training split (`bun run eval --cv`).

export interface ClassifierParams {
  /** Robinson's s: strength of the prior for a token, in messages. */
  s: number;
  /** Robinson's x: probability assumed for an unseen token. */
  x: number;
  /** Tokens with |f(w) - 0.5| below this are ignored. */
  minStrength: number;
  /** At most this many of the strongest tokens are combined. */
  maxTokens: number;
}

export const DEFAULT_PARAMS: ClassifierParams = { s: 0.45, x: 0.5, minStrength: 0.1, maxTokens: 300 };

export interface TokenCounts {
  spam: number;
  ham: number;
}

/** Robinson's f(w) for a token seen in `spam` of `nspam` spam and `ham` of `nham` ham messages. */
export function tokenProbability(c: TokenCounts, nspam: number, nham: number, p: ClassifierParams): number {
  const rs = c.spam / Math.max(nspam, 1);
  const rh = c.ham / Math.max(nham, 1);
  if (rs + rh === 0) return p.x;
  const prob = rs / (rs + rh);
  const n = c.spam + c.ham;
  return (p.s * p.x + n * prob) / (p.s + n);
}

/** Upper tail of the chi-square distribution with even degrees of freedom `v` (series form). */
export function chi2Q(x2: number, v: number): number {
  const m = x2 / 2;
  let term = Math.exp(-m);
  let sum = term;
  for (let i = 1; i < v / 2; i++) {
    term *= m / i;
    sum += term;
  }
  return Math.min(sum, 1);
}

export interface Classification {
  /** Spam probability 0..1; 0.5 when no token was significant. */
  probability: number;
  /** Tokens that took part in the combination. */
  used: number;
}

/** Combine the token counts of one message into a spam probability. */
export function classify(counts: Iterable<TokenCounts>, nspam: number, nham: number, p: ClassifierParams = DEFAULT_PARAMS): Classification {
  const probs: number[] = [];
  for (const c of counts) {
    const f = tokenProbability(c, nspam, nham, p);
    if (Math.abs(f - 0.5) >= p.minStrength) probs.push(f);
  }
  if (probs.length === 0) return { probability: 0.5, used: 0 };
  if (probs.length > p.maxTokens) {
    probs.sort((a, b) => Math.abs(b - 0.5) - Math.abs(a - 0.5));
    probs.length = p.maxTokens;
  }
  let lnHam = 0; // Σ ln f: very negative when many tokens are hammy (f near 0)
  let lnSpam = 0; // Σ ln (1 - f): very negative when many tokens are spammy
  for (const f of probs) {
    // Clamp: a token with f exactly 0 or 1 would make a logarithm infinite.
    const g = Math.min(Math.max(f, 1e-6), 1 - 1e-6);
    lnHam += Math.log(g);
    lnSpam += Math.log(1 - g);
  }
  const n = probs.length;
  // S near 1 when the product of (1 - f) is improbably small under "not spammy"; H likewise.
  const S = 1 - chi2Q(-2 * lnSpam, 2 * n);
  const H = 1 - chi2Q(-2 * lnHam, 2 * n);
  return { probability: (1 + S - H) / 2, used: n };
}

/** The rule symbols of a probability: SpamAssassin's bands, plus BAYES_999 on top of BAYES_99. */
export const BANDS: ReadonlyArray<readonly [upper: number, symbol: string]> = [
  [0.01, "BAYES_00"],
  [0.05, "BAYES_05"],
  [0.2, "BAYES_20"],
  [0.4, "BAYES_40"],
  [0.6, "BAYES_50"],
  [0.8, "BAYES_60"],
  [0.95, "BAYES_80"],
  [0.99, "BAYES_95"],
  [Infinity, "BAYES_99"],
];

export function bandSymbols(probability: number): string[] {
  const band = BANDS.find(([upper]) => probability < upper)![1];
  return band === "BAYES_99" && probability >= 0.999 ? [band, "BAYES_999"] : [band];
}
