// The literal prefilter of a regex: from its parsed tree (regex-parse.ts), literals a text
// must contain for the regex to match anywhere in it. The matcher finds every rule's literals
// in one pass over a long target (literal-scan.ts) and runs a rule's regex only when its
// prefilter holds, so the prefilter may only reject texts the regex cannot match.
//
// Form: a disjunction of conjunctions of any-of sets. One alternative of the pattern gives
// one conjunction: every literal run and required group along it is required, so a match
// holds one member of EACH of its sets; of them the MAX_AND rarest are kept (literal-rarity.ts):
// a rule like /next\s+of\s+kin|transfer\s+of\s+funds/ gets (next AND kin) OR (transfer AND
// funds), so neither a common "next" nor "of" alone lets it run. Measured on the training
// split (src/bench/prefilter-stats.ts), before: a rule's rarest-looking single set, chosen
// by length, which for many rules was a word nearly every message holds.
//
// Two readings of the text (Mode). `lits` / `pre` are searched in the lower-cased text as it
// is (a kas that predates the literal scanner uses `includes`). `wpre` is for the literal
// scanner, which reads every run of whitespace as one space (literal-scan.ts): there a
// whitespace repeat of the pattern (\s{1,3}, \s+, [ \t]*) is one space or nothing, so
// "next\s{1,3}of\s{1,3}kin" gives the one literal "next of kin" where the plain reading
// gives next AND of AND kin; and with one pass finding every literal, a rule may have more of
// them (WPRE_MAX_LITS). Measured on the training split (prefilter-stats.ts): regex runs of
// rules that then did not match fell by a third.
import { setPresence } from "./literal-rarity";
import type { Node } from "./regex-parse";

/** At least one member of an any-of set is present (lower-cased ASCII literals). */
export type AnyOf = string[];
/** Every one of its sets holds. */
export type AllOf = AnyOf[];
/** One of its conjunctions holds. */
export type Prefilter = AllOf[];

/** Most literals in one any-of set (and in a rule's `lits`): more would make the prefilter cost more than it saves. */
export const MAX_LITS = 32;
/** Most sets kept in one conjunction: past the rarest few, another set rejects little more. */
export const MAX_AND = 3;
/** Most conjunctions in one rule's prefilter. */
export const MAX_OR = 32;
/** Longest literal taken from one repeated character (x{20,} gives 16 x's). */
const MAX_RUN_LIT = 16;
/** Most spellings one literal run may branch into through small classes and groups ([e3], (?:p|br)). */
const MAX_VARIANTS = 8;
/** `wpre`: most literals in one any-of set; the scan finds them all in one pass whatever their number. */
export const WPRE_MAX_LITS = 64;
/**
 * `wpre`: characters rare enough in mail text to be a literal on their own, for a pattern
 * that has no longer one (\$\d{1,4} gets "$", (?:@|%40) gets "@" | "%40"). Not the frequent
 * punctuation (. , - / : ; ! ? ' " ( )), which nearly every text holds.
 */
const RARE_CHARS = new Set("$@%#&*+=~^|\\{}[]_<>");

/**
 * How the text is read: `spaced` (the scanner's reading, `wpre`) folds each whitespace run
 * to one space; `maxLits` bounds one any-of set.
 */
interface Mode {
  spaced: boolean;
  maxLits: number;
}
const PLAIN: Mode = { spaced: false, maxLits: MAX_LITS };
const SPACED: Mode = { spaced: true, maxLits: WPRE_MAX_LITS };
/** JavaScript's \s (ASCII part): the characters the spaced reading folds into one space. */
const WS = /\s+/g;

/**
 * Estimated share of texts on which `p` lets the regex run (sets and conjunctions taken as
 * independent; a sum, not capped at 1, so two prefilters that both look weak still compare).
 */
export function prefilterPresence(p: Prefilter): number {
  let sum = 0;
  for (const conj of p) sum += conj.reduce((a, s) => a * setPresence(s), 1);
  return sum;
}

/** The rarest set of a conjunction. */
function rarest(conj: AllOf): AnyOf {
  return conj.reduce((a, b) => (setPresence(b) < setPresence(a) || (setPresence(b) === setPresence(a) && b.length < a.length) ? b : a));
}

/** A prefilter as one any-of set (each conjunction's rarest set, united): what `lits` holds. */
export function flatten(p: Prefilter, maxLits = MAX_LITS): AnyOf | undefined {
  const all = new Set<string>();
  for (const conj of p) for (const l of rarest(conj)) all.add(l);
  return all.size <= maxLits ? [...all] : undefined;
}

/** Keep a conjunction's MAX_AND rarest distinct sets (the pattern's order for ties). */
function trim(conj: AllOf): AllOf {
  const seen = new Set<string>();
  // A set with a one-character literal (wpre's RARE_CHARS) only when there is nothing else:
  // the scan records every occurrence of that character.
  const weak = (s: AnyOf) => s.some((l) => l.length < 2);
  const strong = conj.some((s) => !weak(s));
  const distinct = conj.filter((s) => !(strong && weak(s))).filter((s) => {
    const k = [...s].sort().join("\0");
    return seen.has(k) ? false : (seen.add(k), true);
  });
  // Common words are kept when there is nothing rarer: measured, "of" or "this" still
  // rejects a segment now and then, which pays for its records in the literal scan.
  return distinct
    .map((s, i) => ({ s, i, p: setPresence(s) }))
    .sort((a, b) => a.p - b.p || a.i - b.i)
    .slice(0, MAX_AND)
    .map((x) => x.s);
}

/** ASCII letters, digits and punctuation: what a class may be written with to be spelt out. */
const SIMPLE_CLASS = /^\[(?!\^)(?:[\x20-\x5b\x5d-\x7e]|\\[^A-Za-z0-9])+\]$/;
/** The spaced reading may also spell a class holding \s, \t, \n, \r, \f, \v: each whitespace character is one space there. */
const SPACED_CLASS = /^\[(?!\^)(?:[\x20-\x5b\x5d-\x7e]|\\[^A-Za-z0-9]|\\[stnrfv])+\]$/;
const ASCII = Array.from({ length: 128 }, (_, c) => String.fromCharCode(c));

/**
 * The lower-cased characters a small class matches ([e3] → e, 3; [.\-*_] → . - * _), or
 * undefined. Only classes written with plain ASCII characters, ranges and escaped
 * punctuation, not negated: in non-unicode mode such a class matches no non-ASCII character,
 * even case-insensitively (ES Canonicalize never maps one to ASCII), so testing the 128 ASCII
 * characters finds all it matches. Tested case-insensitively: lower-cased, that is the same
 * set with or without the i flag.
 */
function spellings(n: Node & { t: "atom" }, mode: Mode): string[] | undefined {
  // \s (in the spaced reading): every character it matches, ASCII or not, is read as a space.
  if (n.s === "\\s") return mode.spaced ? [" "] : undefined;
  if (!(mode.spaced ? SPACED_CLASS : SIMPLE_CLASS).test(n.s)) return undefined;
  // A class holding \s matches non-ASCII spaces, which the spaced reading turns into " ";
  // every other non-ASCII character stays out, as above.
  const re = new RegExp(`^${n.s}$`, "i");
  const out = new Set(ASCII.filter((c) => re.test(c)).map((c) => (mode.spaced ? c.replace(WS, " ") : c).toLowerCase()));
  return out.size && out.size <= MAX_VARIANTS ? [...out] : undefined;
}

/** The spellings of one repeat of `n` (a literal, or a class spellings() can spell out). */
function unitSpellings(n: Node, mode: Mode): string[] | undefined {
  if (n.t === "lit") return n.ch.charCodeAt(0) < 128 ? [mode.spaced ? n.ch.replace(WS, " ") : n.ch] : undefined;
  return n.t === "atom" ? spellings(n, mode) : undefined;
}

/**
 * Every string `n` can match, when they are few (at most MAX_VARIANTS): literals, small
 * classes, zero-width assertions, groups and bounded repeats of such (\.(?:php|cgi)|\/ is
 * .php, .cgi or /). Atomic groups and backreferences are left out, as in the walk below.
 */
function finite(n: Node, mode: Mode): string[] | undefined {
  switch (n.t) {
    case "lit":
    case "atom":
      return unitSpellings(n, mode);
    case "assert":
      return [""];
    case "backref":
      return undefined;
    case "group": {
      if (n.kind === "look") return [""];
      if (n.kind === "atomic") return undefined;
      const out = new Set<string>();
      for (const alt of n.alts) {
        let strs = [""];
        for (const x of alt) {
          const f = finite(x, mode);
          if (!f || strs.length * f.length > MAX_VARIANTS) return undefined;
          strs = strs.flatMap((a) => f.map((b) => a + b));
        }
        for (const str of strs) out.add(str);
        if (out.size > MAX_VARIANTS) return undefined;
      }
      return [...out];
    }
    case "quant": {
      const f = n.max <= MAX_VARIANTS ? finite(n.node, mode) : undefined;
      if (!f) return undefined;
      const out = new Set<string>();
      let strs = [""];
      for (let k = 0; k <= n.max; k++) {
        if (k >= n.min) for (const str of strs) out.add(str);
        if (out.size > MAX_VARIANTS || strs.length * f.length > MAX_VARIANTS * MAX_VARIANTS) return undefined;
        strs = strs.flatMap((a) => f.map((b) => a + b));
      }
      return out.size <= MAX_VARIANTS ? [...out] : undefined;
    }
  }
}

/** Every concatenation of `k` of the spellings, or undefined past MAX_VARIANTS. */
function power(xs: string[], k: number): string[] | undefined {
  if (xs.length > 1 && xs.length ** k > MAX_VARIANTS) return undefined;
  let out = [""];
  for (let i = 0; i < k; i++) out = out.flatMap((a) => xs.map((x) => a + x));
  return out;
}

/**
 * The prefilter of an alternation: one alternative without one leaves the whole without one.
 * Past MAX_OR conjunctions, those that are one any-of set each are united into one set (the
 * same test: any of their literals), so a long list of words ("micr0soft|m1crosoft|…") keeps
 * a prefilter as long as the set stays within the mode's maxLits.
 */
export function prefilterOf(alts: Node[][], mode: Mode = PLAIN): Prefilter | undefined {
  const out: Prefilter = [];
  for (const a of alts) {
    const p = sequence(a, mode);
    if (!p) return undefined;
    out.push(...p);
  }
  if (out.length <= MAX_OR) return out;
  const single = out.filter((c) => c.length === 1);
  const union = [...new Set(single.flatMap((c) => c[0]))];
  if (single.length < 2 || union.length > mode.maxLits) return undefined;
  const merged: Prefilter = [...out.filter((c) => c.length !== 1), [union]];
  return merged.length <= MAX_OR ? merged : undefined;
}

/**
 * One alternative: the literal runs along it (lower-cased, ASCII only: in non-unicode mode a
 * case-insensitive regex never matches a non-ASCII character to an ASCII one, so the
 * lower-cased target cannot hide a match) and the groups it must pass through. Of the groups
 * with alternatives, one may stay a disjunction (its conjunctions each get the sequence's
 * other sets added); the rest count as one any-of set each.
 */
function sequence(seq: Node[], mode: Mode): Prefilter | undefined {
  const sets: AllOf = [];
  const groups: Prefilter[] = [];
  // The run of literal text so far, in each of its spellings: "fr[e3]" is fre or fr3.
  let run = [""];
  const end = () => {
    // Spaced: "a" + \s? + " " + "b" is "a b" either way (whitespace runs are one space).
    const spelt = [...new Set(run.map((r) => (mode.spaced ? r.replace(/ {2,}/g, " ") : r).toLowerCase()))];
    // A spelling holding another is redundant in an any-of set (fund|funds is fund).
    const long = (r: string) => r.length >= 2 || (mode.spaced && RARE_CHARS.has(r));
    if (spelt.every(long)) sets.push(spelt.filter((r) => !spelt.some((o) => o !== r && r.includes(o))));
    run = [""];
  };
  /** Continue the run with one of `next`; false (run unchanged) when that would branch too far. */
  const extend = (next: string[]): boolean => {
    if (run.length * next.length > MAX_VARIANTS) return false;
    run = run.flatMap((r) => next.map((x) => r + x));
    return true;
  };
  const isLit = (n: Node): n is Node & { t: "lit" } => n.t === "lit" && n.ch.charCodeAt(0) < 128;
  const lit = (ch: string) => (mode.spaced ? ch.replace(WS, " ") : ch);
  /** Spaced: the spellings of a repeat that is whitespace only (\s+, [ \t]{0,3}): one space, or nothing when it may be empty. */
  const spaceRepeat = (n: Node & { t: "quant" }) => {
    const u = mode.spaced ? unitSpellings(n.node, mode) : undefined;
    return u && u.length === 1 && u[0] === " " ? (n.min >= 1 ? [" "] : ["", " "]) : undefined;
  };
  const walk = (nodes: Node[]): void => {
    for (const n of nodes) {
      let u: string[] | undefined;
      if (isLit(n)) extend([lit(n.ch)]);
      else if (n.t === "assert" || (n.t === "group" && n.kind === "look")) continue;
      else if (n.t === "group" && n.alts.length === 1) walk(n.alts[0]);
      else if (n.t === "quant" && (u = spaceRepeat(n))) {
        // However long the whitespace run, the spaced reading holds one space for it.
        if (!extend(u)) end();
      } else if (n.t === "quant" && n.min >= 1 && (u = unitSpellings(n.node, mode)) && power(u, Math.min(n.min, MAX_RUN_LIT))) {
        // x{m,} : the first m x's end what came before, the last m start what follows (so
        // \*{20,} gives "****...", which a text without such a run lacks); [o0]{2} is oo,
        // o0, 0o or 00.
        const xs = power(u, Math.min(n.min, MAX_RUN_LIT))!;
        if (n.max === n.min && n.min <= MAX_RUN_LIT && extend(xs)) continue;
        if (!extend(xs)) end();
        end();
        run = xs;
      } else if (n.t === "quant" && n.min === 0 && n.max === 1 && (u = unitSpellings(n.node, mode)) && extend(["", ...u])) continue;
      else if (n.t === "atom" && (u = spellings(n, mode)) && extend(u)) continue;
      else if (n.t === "group" && n.kind !== "atomic" && (u = finite(n, mode)) && extend(u)) continue;
      else if (n.t === "quant" && n.node.t === "group" && (u = finite(n, mode)) && extend(u)) continue;
      else {
        end();
        const g = n.t === "group" ? n : n.t === "quant" && n.min >= 1 && n.node.t === "group" ? n.node : undefined;
        if (g && g.kind !== "look") {
          if (g.alts.length === 1) {
            walk(g.alts[0]);
            end();
          } else {
            const p = prefilterOf(g.alts, mode);
            if (p) groups.push(p);
          }
        }
      }
    }
  };
  walk(seq);
  end();
  // Every way of keeping at most one group a disjunction; the one estimated rarest wins.
  const flat = groups.map((g) => flatten(g, mode.maxLits));
  let best: Prefilter | undefined;
  // On a tie the disjunction wins: it keeps each alternative's own sets, never fewer.
  const consider = (p: Prefilter, tieWins: boolean) => {
    if (!p.length || p.some((c) => !c.length)) return;
    const d = best ? prefilterPresence(p) - prefilterPresence(best) : -1;
    if (d < 0 || (tieWins && d <= 1e-12)) best = p;
  };
  const plain = [...sets, ...flat.filter((s): s is AnyOf => s !== undefined)];
  consider([trim(plain)], false);
  groups.forEach((g, k) => {
    // A group of one set per alternative loses nothing flattened (and stays smaller), unless
    // it had too many literals to flatten.
    if (g.every((c) => c.length === 1) && flat[k]) return;
    const others = [...sets, ...flat.filter((s, j): s is AnyOf => j !== k && s !== undefined)];
    consider(g.map((conj) => trim([...conj, ...others])), true);
  });
  return best;
}

/**
 * A rule's prefilter in the database's two fields: `lits`, one any-of set (what a kas that
 * predates `pre` reads), and `pre` when it says more than `lits`.
 */
export function prefilterFields(alts: Node[][]): { lits?: string[]; pre?: Prefilter } {
  const p = prefilterOf(alts);
  if (!p) return {};
  const lits = flatten(p);
  const pre = p.some((c) => c.length > 1) ? p : undefined;
  return { ...(lits ? { lits } : {}), ...(pre ? { pre } : {}) };
}

/**
 * The prefilter in the scanner's spaced reading (`wpre`), or undefined when there is none or
 * when it says no more than `lits` / `pre` (`plain`) already do.
 */
export function spacedPrefilter(alts: Node[][], plain: { lits?: string[]; pre?: Prefilter }): Prefilter | undefined {
  const p = prefilterOf(alts, SPACED);
  if (!p) return undefined;
  const same = plain.pre ?? (plain.lits ? [[plain.lits]] : undefined);
  return same && JSON.stringify(same) === JSON.stringify(p) ? undefined : p;
}
