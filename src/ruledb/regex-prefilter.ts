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
export function flatten(p: Prefilter): AnyOf | undefined {
  const all = new Set<string>();
  for (const conj of p) for (const l of rarest(conj)) all.add(l);
  return all.size <= MAX_LITS ? [...all] : undefined;
}

/** Keep a conjunction's MAX_AND rarest distinct sets (the pattern's order for ties). */
function trim(conj: AllOf): AllOf {
  const seen = new Set<string>();
  const distinct = conj.filter((s) => {
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
const ASCII = Array.from({ length: 128 }, (_, c) => String.fromCharCode(c));

/**
 * The lower-cased characters a small class matches ([e3] → e, 3; [.\-*_] → . - * _), or
 * undefined. Only classes written with plain ASCII characters, ranges and escaped
 * punctuation, not negated: in non-unicode mode such a class matches no non-ASCII character,
 * even case-insensitively (ES Canonicalize never maps one to ASCII), so testing the 128 ASCII
 * characters finds all it matches. Tested case-insensitively: lower-cased, that is the same
 * set with or without the i flag.
 */
function spellings(n: Node & { t: "atom" }): string[] | undefined {
  if (!SIMPLE_CLASS.test(n.s)) return undefined;
  const re = new RegExp(`^${n.s}$`, "i");
  const out = new Set(ASCII.filter((c) => re.test(c)).map((c) => c.toLowerCase()));
  return out.size && out.size <= MAX_VARIANTS ? [...out] : undefined;
}

/** The prefilter of an alternation: one alternative without one leaves the whole without one. */
export function prefilterOf(alts: Node[][]): Prefilter | undefined {
  const out: Prefilter = [];
  for (const a of alts) {
    const p = sequence(a);
    if (!p) return undefined;
    out.push(...p);
  }
  return out.length <= MAX_OR ? out : undefined;
}

/**
 * One alternative: the literal runs along it (lower-cased, ASCII only: in non-unicode mode a
 * case-insensitive regex never matches a non-ASCII character to an ASCII one, so the
 * lower-cased target cannot hide a match) and the groups it must pass through. Of the groups
 * with alternatives, one may stay a disjunction (its conjunctions each get the sequence's
 * other sets added); the rest count as one any-of set each.
 */
function sequence(seq: Node[]): Prefilter | undefined {
  const sets: AllOf = [];
  const groups: Prefilter[] = [];
  // The run of literal text so far, in each of its spellings: "fr[e3]" is fre or fr3.
  let run = [""];
  const end = () => {
    if (run.every((r) => r.length >= 2)) sets.push([...new Set(run.map((r) => r.toLowerCase()))]);
    run = [""];
  };
  /** Continue the run with one of `next`; false (run unchanged) when that would branch too far. */
  const extend = (next: string[]): boolean => {
    if (run.length * next.length > MAX_VARIANTS) return false;
    run = run.flatMap((r) => next.map((x) => r + x));
    return true;
  };
  const isLit = (n: Node): n is Node & { t: "lit" } => n.t === "lit" && n.ch.charCodeAt(0) < 128;
  const walk = (nodes: Node[]): void => {
    for (const n of nodes) {
      if (isLit(n)) extend([n.ch]);
      else if (n.t === "assert" || (n.t === "group" && n.kind === "look")) continue;
      else if (n.t === "group" && n.alts.length === 1) walk(n.alts[0]);
      else if (n.t === "quant" && n.min >= 1 && isLit(n.node)) {
        // x{m,} : the first m x's end what came before, the last m start what follows (so
        // \*{20,} gives "****...", which a text without such a run lacks).
        const xs = n.node.ch.repeat(Math.min(n.min, MAX_RUN_LIT));
        extend([xs]);
        if (n.max === n.min && n.min <= MAX_RUN_LIT) continue;
        end();
        run = [xs];
      } else if (n.t === "atom" && spellings(n) && extend(spellings(n)!)) continue;
      else if (n.t === "group" && n.kind !== "atomic" && n.alts.every((a) => a.every(isLit)) && extend(n.alts.map((a) => a.map((x) => (x as { ch: string }).ch).join("")))) continue;
      else {
        end();
        const g = n.t === "group" ? n : n.t === "quant" && n.min >= 1 && n.node.t === "group" ? n.node : undefined;
        if (g && g.kind !== "look") {
          if (g.alts.length === 1) {
            walk(g.alts[0]);
            end();
          } else {
            const p = prefilterOf(g.alts);
            if (p) groups.push(p);
          }
        }
      }
    }
  };
  walk(seq);
  end();
  // Every way of keeping at most one group a disjunction; the one estimated rarest wins.
  const flat = groups.map(flatten);
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
    // A group of one set per alternative loses nothing flattened (and stays smaller).
    if (g.every((c) => c.length === 1)) return;
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
