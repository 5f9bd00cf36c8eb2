// Lint and prefilter facts computed from a parsed regex (regex-parse.ts): catastrophic
// backtracking shapes (errors), quadratic starts (warnings), and the literals every match
// must contain (the matcher's prefilter).
import { emit, type Node } from "./regex-parse";

/** Can this node match the empty string? */
function canEmpty(n: Node): boolean {
  if (n.t === "assert" || (n.t === "group" && n.kind === "look")) return true;
  if (n.t === "quant") return n.min === 0 || canEmpty(n.node);
  if (n.t === "group") return n.alts.some((a) => a.every(canEmpty));
  return false;
}
/** Does this node repeat without bound somewhere inside? */
function unbounded(n: Node): boolean {
  if (n.t === "quant") return n.max > 16 || unbounded(n.node);
  if (n.t === "group") return n.alts.some((a) => a.some(unbounded));
  return false;
}

/**
 * Nested unbounded repetition where one iteration can be split into several in many ways:
 * (a+)+, (.*)*, (\w+\s?)+, (\s*\w+)*, (x+x+)+. A group repeated without bound is dangerous
 * when one of its alternatives repeats without bound itself and what it must consume is
 * nothing or one repeated atom. ([a-z]+\.)+ and ([a-z]+\s+)+ pass: the required separator
 * fixes where each iteration ends. (A heuristic: overlapping alternations are not caught.)
 */
export function findDanger(nodes: Node[]): string | undefined {
  for (const n of nodes) {
    if (n.t === "quant") {
      if (n.max > 16 && n.node.t === "group") {
        for (const alt of n.node.alts) {
          if (!alt.some(unbounded)) continue;
          // What one iteration must consume; if that is a single repeated thing (or nothing),
          // the outer and inner repetitions can share out a run of it in exponentially many ways.
          const must = alt.filter((x) => !canEmpty(x));
          const same = must.every((x) => x.t === "quant" && x.max > 16 && emit(x.node) === emit((must[0] as typeof x).node));
          if (must.length === 0 || same) return emit(n);
        }
      }
      const d = findDanger([n.node]);
      if (d) return d;
    } else if (n.t === "group") {
      for (const a of n.alts) {
        const d = findDanger(a);
        if (d) return d;
      }
    }
  }
  return undefined;
}

/** Most literals in one rule's any-of set: more would make the prefilter cost more than it saves. */
export const MAX_LITS = 32;

/** Which of two candidate sets filters better: longer shortest member, then fewer members. */
function better(a: string[] | undefined, b: string[] | undefined): string[] | undefined {
  if (!a) return b;
  if (!b) return a;
  const la = Math.min(...a.map((x) => x.length)), lb = Math.min(...b.map((x) => x.length));
  return lb > la || (lb === la && b.length < a.length) ? b : a;
}

/**
 * A set of ASCII literals such that every match contains at least one of them (compared
 * lower-cased, so it holds for case-insensitive parts too): foo(bar|baz) → ["foo"] and
 * (cheap|discount) meds → [" meds"], (viagra|cialis) → ["viagra", "cialis"].
 * ASCII only: in non-unicode mode a case-insensitive regex never matches a non-ASCII
 * character to an ASCII one, so lower-casing the target cannot hide a match.
 */
export function requiredLiterals(alts: Node[][]): string[] | undefined {
  if (alts.length > 1) {
    const all = new Set<string>();
    for (const a of alts) {
      const l = requiredLiterals([a]);
      if (!l) return undefined;
      for (const x of l) all.add(x);
    }
    return all.size <= MAX_LITS ? [...all] : undefined;
  }
  let best: string[] | undefined;
  let run = "";
  const end = () => {
    if (run.length >= 2) best = better(best, [run.toLowerCase()]);
    run = "";
  };
  const isLit = (n: Node): n is Node & { t: "lit" } => n.t === "lit" && n.ch.charCodeAt(0) < 128;
  const walk = (seq: Node[]): void => {
    for (const n of seq) {
      if (isLit(n)) run += n.ch;
      else if (n.t === "assert" || (n.t === "group" && n.kind === "look")) continue;
      else if (n.t === "group" && n.alts.length === 1) walk(n.alts[0]);
      else if (n.t === "quant" && n.min >= 1 && isLit(n.node)) {
        // x+ : the first x ends what came before, the last x starts what follows.
        run += n.node.ch;
        end();
        run = n.node.ch;
      } else {
        end();
        const g = n.t === "group" ? n : n.t === "quant" && n.min >= 1 && n.node.t === "group" ? n.node : undefined;
        if (g && g.kind !== "look") {
          if (g.alts.length === 1) {
            walk(g.alts[0]);
            end();
          } else {
            const l = requiredLiterals(g.alts);
            if (l && l.every((x) => x.length >= 2)) best = better(best, l);
          }
        }
      }
    }
  };
  walk(alts[0]);
  end();
  return best;
}

/**
 * A leading unbounded wildcard that crosses lines (`[\s\S]*`, `.*` with /s, `[^x]*`, also
 * inside a leading lookahead) rescans the rest of the text from every start position: time
 * grows with the square of the text, and body/full texts are long.
 */
export function quadraticStart(alts: Node[][], flags: string): boolean {
  const crossesLines = (n: Node) =>
    n.t === "atom" && (/^\[(\\s\\S|\\S\\s|\\d\\D|\\w\\W)\]$/.test(n.s) || (n.s === "." && flags.includes("s")) || (n.s.startsWith("[^") && !n.s.includes("\\n")));
  const starts = (seq: Node[]): boolean => {
    for (const n of seq) {
      // ^ without /m and \A anchor the match at one position: linear.
      if (n.t === "assert" && ((n.s === "^" && !flags.includes("m")) || n.s === "(?<![\\s\\S])")) return false;
      if (n.t === "assert") continue;
      if (n.t === "quant") return n.max === Infinity && crossesLines(n.node);
      if (n.t === "group") return n.alts.some(starts);
      return false;
    }
    return false;
  };
  return alts.some(starts);
}
