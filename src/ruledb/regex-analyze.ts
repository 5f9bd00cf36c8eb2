// Lint facts computed from a parsed regex (regex-parse.ts): catastrophic backtracking shapes
// (errors); quadratic starts, and \b beside letters beyond ASCII or beside characters that are
// never word characters (warnings); repeats that can backtrack over a run (sent to the
// linear-time engine). The literals every match must contain (the matcher's prefilter) are
// found in regex-prefilter.ts.
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

/** Characters that stand for the whole alphabet when comparing character sets. */
const SAMPLE = [...Array.from({ length: 128 }, (_, c) => String.fromCharCode(c)), "\u00a0", "\u00e9", "\u00ff", "\u0130", "\u017f", "\u2028", "\u3000", "\u212a", "\ufeff"];

/** The sample characters one node can consume (for a group: any of its atoms and literals). */
function charsOf(n: Node, flags: string): Set<string> {
  const out = new Set<string>();
  const add = (src: string) => {
    let re: RegExp;
    try {
      re = new RegExp(`^(?:${src})$`, flags.replace(/[gmy]/g, ""));
    } catch {
      for (const c of SAMPLE) out.add(c); // unknown: assume anything
      return;
    }
    for (const c of SAMPLE) if (re.test(c)) out.add(c);
  };
  const walk = (x: Node): void => {
    if (x.t === "lit" || x.t === "atom") add(x.s);
    else if (x.t === "quant") walk(x.node);
    else if (x.t === "group" && x.kind !== "look") for (const a of x.alts) a.forEach(walk);
  };
  walk(n);
  return out;
}

const WORD = /\w/;
/** Can `n` match characters of `run` only (or nothing), with its assertions true inside the run? */
function fits(n: Node, run: Set<string>, flags: string): boolean {
  switch (n.t) {
    case "lit":
    case "atom":
      return [...charsOf(n, flags)].some((c) => run.has(c));
    case "quant":
      return n.min === 0 || fits(n.node, run, flags);
    case "backref": {
      // The text a backreference repeats is what its group matched.
      const g = captures.get(n.s);
      return g ? fits(g, run, flags) : true;
    }
    case "group":
      if (n.kind !== "look") return n.alts.some((a) => a.every((x) => fits(x, run, flags)));
      // (?<!x) where every character of the run is an x: no start inside the run.
      if (n.open === "(?<!" && n.alts.length === 1 && n.alts[0].length === 1) {
        const not = charsOf(n.alts[0][0], flags);
        return ![...run].every((c) => not.has(c));
      }
      return true;
    case "assert":
      if (n.s === "(?<![\\s\\S])" || (n.s === "^" && !flags.includes("m"))) return false;
      // ^ with /m: only after a line end. Counted: \n, which ends every line kas builds
      // (headers joined, body paragraphs); JS also starts a line after a bare \r, U+2028 or
      // U+2029, which a crafted text can use: such a run is bounded by the segment size.
      if (n.s === "^") return run.has("\n");
      // \b inside a run needs word and non-word characters both in it.
      if (n.s === "\\b") return [...run].some((c) => WORD.test(c)) && [...run].some((c) => !WORD.test(c));
      return true;
  }
}

/** Backreference text (as regex-parse writes it: \1, \k<name>) → its group, for the pattern being analysed. */
let captures = new Map<string, Node>();
function indexCaptures(alts: Node[][]): Map<string, Node> {
  const out = new Map<string, Node>();
  let n = 0;
  const walk = (x: Node): void => {
    if (x.t === "quant") walk(x.node);
    if (x.t !== "group") return;
    if (x.kind === "cap") {
      out.set(`\\${++n}`, x);
      const name = /^\(\?<(\w+)>$/.exec(x.open);
      if (name) out.set(`\\k<${name[1]}>`, x);
    }
    for (const a of x.alts) a.forEach(walk);
  };
  for (const a of alts) a.forEach(walk);
  return out;
}

/** The sample characters a match of `n` can begin with (`end`: end with). */
function edgeChars(n: Node, flags: string, end: boolean): Set<string> {
  if (n.t === "quant") return edgeChars(n.node, flags, end);
  if (n.t !== "group" || n.kind === "look") return n.t === "lit" || n.t === "atom" ? charsOf(n, flags) : new Set();
  const out = new Set<string>();
  for (const a of n.alts)
    for (const x of end ? [...a].reverse() : a) {
      for (const c of edgeChars(x, flags, end)) out.add(c);
      if (!canEmpty(x)) break;
    }
  return out;
}

/**
 * Is there, before the repeat (through nodes that fit its run), another unbounded repeat
 * whose last characters it could take over, with what lies between matching them too?
 */
function repeatBefore(prefix: Node[], repeat: Node, flags: string, after: Node[] = []): boolean {
  const run = charsOf(repeat, flags);
  const first = edgeChars(repeat, flags, false);
  for (let k = prefix.length - 1; k >= 0; k--) {
    const x = prefix[k];
    if (x.t === "quant" && x.max === Infinity) {
      const given = new Set([...edgeChars(x.node, flags, true)].filter((c) => run.has(c)));
      if ([...given].some((c) => first.has(c)) && after.every((a) => fits(a, given, flags))) return true;
    }
    const inner = x.t === "quant" ? [[x.node]] : x.t === "group" && x.kind !== "look" ? x.alts : [];
    if (inner.some((a) => repeatBefore(a, repeat, flags, after))) return true;
    if (!fits(x, run, flags)) return false;
    after = [x, ...after];
  }
  return false;
}

/**
 * An unbounded repeat (`x*`, `x+`, `x{n,}`) of a set S that a match attempt can reach from
 * inside a run of S (what comes before it matches there too): on a backtracking engine
 * attempts then start at every position of the run and each scans the rest of it, so the
 * time grows with the square of the run: \*{20,}[^\n]{0,5}\n over 64 KB of `*` took 6.6 s.
 * Also one that follows another unbounded repeat sharing characters with it (\d{4,}\d*@:
 * every split of a run of digits between the two is tried, the square of the run again).
 * Not flagged: a repeat behind a character outside S (\$\d+: one attempt per run), behind
 * \b when S is all word characters, behind ^ (with /m when S has no line end) or \A.
 * Returns the first such repeat, written as in the pattern.
 */
export function backtrackRisk(alts: Node[][], flags: string): string | undefined {
  captures = indexCaptures(alts);
  const walk = (seq: Node[], before: Node[]): string | undefined => {
    for (let k = 0; k < seq.length; k++) {
      const n = seq[k];
      const prefix = [...before, ...seq.slice(0, k)];
      if (n.t === "quant") {
        if (n.max === Infinity) {
          const run = charsOf(n.node, flags);
          if (prefix.every((x) => fits(x, run, flags)) || repeatBefore(prefix, n.node, flags)) return emit(n);
        }
        const inner = walk([n.node], prefix);
        if (inner) return inner;
      } else if (n.t === "group" && n.kind !== "look") {
        for (const a of n.alts) {
          const inner = walk(a, prefix);
          if (inner) return inner;
        }
      }
    }
    return undefined;
  };
  for (const seq of alts) {
    const r = walk(seq, []);
    if (r) return r;
  }
  return undefined;
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

/** A letter outside ASCII, alone or in a class: JavaScript's \b counts it as no word character. */
const NON_ASCII_LETTER = /[^\x00-\x7f]/;
const letterBeyondAscii = (n: Node): string | undefined =>
  n.t === "lit" ? (NON_ASCII_LETTER.test(n.ch) && /\p{L}/u.test(n.ch) ? n.ch : undefined)
  : n.t === "atom" && n.s.startsWith("[") && !n.s.startsWith("[^") ? [...n.s].find((c) => NON_ASCII_LETTER.test(c) && /\p{L}/u.test(c))
  : undefined;

/** A part that can only be a character that is no letter or digit in any script (a literal "$", "%", "€", "-", or \s, \W). */
const nonWordEdge = (n: Node): string | undefined =>
  n.t === "lit" ? (!/[\p{L}\p{N}\p{M}_]/u.test(n.ch) ? n.ch : undefined)
  : n.t === "atom" && (n.s === "\\s" || n.s === "\\W") ? n.s
  : undefined;

/**
 * What `test` names among the parts the first character next to a \b can be (the last when
 * `fromEnd`), through groups' alternatives and zero-width parts. A repeat is looked into when
 * it cannot be absent, or always when `intoOptional` (but never past it): "complet\b[^.]{0,80}?âge"
 * has an ASCII letter on the boundary's other side.
 */
function edgeParts(seq: Node[], fromEnd: boolean, test: (n: Node) => string | undefined, intoOptional: boolean): string[] {
  const nodes = fromEnd ? [...seq].reverse() : seq;
  for (const n of nodes) {
    if (n.t === "assert" || (n.t === "group" && n.kind === "look")) continue;
    const inner = n.t === "quant" && (intoOptional || n.min > 0) ? n.node : n;
    if (inner.t === "group") return inner.alts.flatMap((alt) => edgeParts(alt, fromEnd, test, intoOptional));
    const own = test(inner);
    return own ? [own] : [];
  }
  return [];
}

/** The first of `asserts` (\b, \B) in the pattern, at any depth, with a part `test` names beside it: "\b before "ü"". */
function boundaryBeside(alts: Node[][], asserts: readonly string[], test: (n: Node) => string | undefined, intoOptional: boolean): string | undefined {
  for (const seq of alts) {
    for (let i = 0; i < seq.length; i++) {
      const n = seq[i];
      if (n.t === "assert" && asserts.includes(n.s)) {
        const after = edgeParts(seq.slice(i + 1), false, test, intoOptional)[0];
        if (after) return `${n.s} before "${after}"`;
        const before = edgeParts(seq.slice(0, i), true, test, intoOptional)[0];
        if (before) return `${n.s} after "${before}"`;
      }
      const inner = n.t === "quant" ? n.node : n;
      if (inner.t === "group") {
        const found = boundaryBeside(inner.alts, asserts, test, intoOptional);
        if (found) return found;
      }
    }
  }
  return undefined;
}

/**
 * Where a \b stands next to a letter outside ASCII ("\büç", "communauté\b"): JavaScript's \b
 * (with or without the u flag) is a boundary of ASCII words, so next to a space or a stop there
 * is none and that alternative never matches there. A lint warning with the way out.
 */
export const asciiBoundaryBesideLetter = (alts: Node[][]): string | undefined => boundaryBeside(alts, ["\\b", "\\B"], letterBeyondAscii, true);

/**
 * Where a \b stands next to a part that is never a word character ("\b\$", "%\b", "\b(?:cash|\$\d)"):
 * there \b asserts a letter or digit on its other side, so "\b\$5" matches in "US$5" but never
 * after a space: almost always a slip for "not inside a word". A lint warning with the way out.
 * An optional part ("\b\s*free") is not looked into: the boundary then usually belongs to the word.
 */
export const boundaryBesideNonWord = (alts: Node[][]): string | undefined => boundaryBeside(alts, ["\\b"], nonWordEdge, false);
