// Perl (SpamAssassin) regular expressions → JavaScript RegExp source, with lint.
// The pattern is parsed into a small tree once; from it we emit the JS source, look for
// catastrophic-backtracking shapes (JS regexes cannot be interrupted, so they are compile
// errors), extract literals every match must contain (the matcher's prefilter), and give a
// pattern whose repeats can backtrack over a run an RE2 form for the linear-time engine.
// Translated: \z \Z \A \h \H \v \V \R \N \e \a \x{..} \Q..\E \K (dropped: matching is a
// yes/no test), POSIX classes, (?i) at the start, the x flag, (?P<n>..), \g{N}, possessive
// quantifiers and atomic groups (lookahead + named backreference). Rejected with a reason:
// \p{..}, \G, recursion, conditionals, code blocks, branch reset, (?i) mid-pattern.
import { asciiBoundaryBesideLetter, backtrackRisk, boundaryBesideNonWord, findDanger, quadraticStart } from "./regex-analyze";
import { prefilterFields, spacedPrefilter, type Prefilter } from "./regex-prefilter";
import { requiredScripts, type Script } from "./scripts";
import { Parser, RegexSyntax, emitPattern, type Node } from "./regex-parse";
import { toRe2 } from "./regex-re2";

export interface TranslatedRegex {
  src: string;
  flags: string;
  /** Lower-cased ASCII literals: every match contains one of them (compare with a lower-cased target). */
  lits?: string[];
  /** A stronger prefilter, when it says more than `lits`: one of its conjunctions holds (regex-prefilter.ts). */
  pre?: Prefilter;
  /** The prefilter in the literal scanner's reading (whitespace runs are one space), when it says more than lits / pre. */
  wpre?: Prefilter;
  /** Every match holds a character of one of these scripts (scripts.ts): the literal scan's gate for patterns in Russian, Chinese, Japanese or Korean. */
  scripts?: Script[];
  /**
   * The pattern in RE2 syntax, for the linear-time engine: set when the pattern repeats
   * without bound (so a backtracking engine can take time growing faster than the text) and
   * RE2 can express it exactly.
   */
  re2?: string;
  /** The pattern contains \A, \z or \Z: it is about the text as a whole, so it is not run on segments. */
  whole?: boolean;
  /** Every alternative starts with \A: a match can only start at the text's first character. */
  anchored?: boolean;
  /** A performance problem worth a lint warning (the regex still works). */
  warning?: string;
}

export type RegexResult = { ok: true; re: TranslatedRegex } | { ok: false; why: string };

/** Split `/re/flags`, `m{re}flags`, `m!re!flags` ... off the front of `text`. */
export function extractRegex(text: string): { pattern: string; flags: string; rest: string } | { error: string } {
  let i = 0;
  if (text[0] === "m" && text.length > 1 && !/[\w\s]/.test(text[1])) i = 1;
  else if (text[0] !== "/") return { error: `expected a regex /.../ or m{...}, got "${text.slice(0, 20)}"` };
  const open = text[i];
  const close = ({ "{": "}", "(": ")", "[": "]", "<": ">" } as Record<string, string>)[open] ?? open;
  let depth = 0;
  for (let j = i + 1; j < text.length; j++) {
    const c = text[j];
    if (c === "\\") { j++; continue; }
    if (c === open && close !== open) depth++;
    else if (c === close) {
      if (depth > 0) { depth--; continue; }
      const flags = /^[a-zA-Z]*/.exec(text.slice(j + 1))![0];
      return { pattern: text.slice(i + 1, j), flags, rest: text.slice(j + 1 + flags.length).trim() };
    }
  }
  return { error: `regex is not terminated (missing closing ${close})` };
}

/**
 * Translate a Perl pattern + flags. `multiline` adds the m flag (body/rawbody rules: the
 * whole body is matched at once, so ^ and $ must work per line as in SA's per-line matching).
 */
export function translateRegex(pattern: string, perlFlags: string, opts: { multiline?: boolean } = {}): RegexResult {
  let flags = "";
  for (const f of perlFlags) {
    if ("ims".includes(f)) { if (!flags.includes(f)) flags += f; }
    else if (!"xgoaul".includes(f)) return { ok: false, why: `regex flag '${f}' is not supported` };
  }
  let x = perlFlags.includes("x");
  // (?i) / (?s) / (?x) at the very start apply to the whole pattern: make them flags.
  const lead = /^\(\?([imsx]+)\)/.exec(pattern);
  if (lead) {
    for (const f of lead[1]) {
      if (f === "x") x = true;
      else if (!flags.includes(f)) flags += f;
    }
    pattern = pattern.slice(lead[0].length);
  }
  if (opts.multiline && !flags.includes("m")) flags += "m";
  const parser = new Parser(pattern, x);
  let tree: Node[][];
  try {
    tree = parser.alts(true);
  } catch (e) {
    if (e instanceof RegexSyntax) return { ok: false, why: e.message };
    throw e;
  }
  if (parser.needsAtomic && parser.numericBackrefs) {
    return { ok: false, why: "possessive quantifiers / atomic groups cannot be combined with numbered backreferences here (use named groups)" };
  }
  const danger = tree.map(findDanger).find(Boolean);
  if (danger) return { ok: false, why: `nested unbounded repetition ${danger} can backtrack catastrophically: make the inner part unambiguous` };
  const src = emitPattern(tree);
  try {
    new RegExp(src, flags);
  } catch (e) {
    return { ok: false, why: `invalid regex: ${(e as Error).message}` };
  }
  const { lits, pre } = prefilterFields(tree);
  const wpre = spacedPrefilter(tree, { lits, pre });
  const scripts = requiredScripts(tree, flags);
  const whole = /\(\?<?!\[\\s\\S\]\)/.test(src) || undefined;
  const anchored = tree.every((alt) => alt[0]?.t === "assert" && alt[0].s === "(?<![\\s\\S])") || undefined;
  // A repeat that can backtrack over a run goes to the linear-time engine. Where RE2 cannot
  // say the same (lookaheads, backreferences), the JS engine runs it on bounded segments
  // (match.ts) and the rule's author is told.
  const risk = backtrackRisk(tree, flags);
  const linear = risk ? toRe2(tree, flags) : undefined;
  const beside = asciiBoundaryBesideLetter(tree);
  const besideNonWord = beside ? undefined : boundaryBesideNonWord(tree);
  const warning = beside
    ? `${beside}: \\b is a boundary of ASCII words only, so next to a space or a stop it is no boundary there and the alternative never matches; write (?<![\\wÀ-ɏ]) before a word or (?![\\wÀ-ɏ]) after it`
    : besideNonWord
    ? `${besideNonWord}: next to a character that is never a word character, \\b asks for a letter or digit on its other side, so the alternative never matches after (or before) a space; move the \\b to the word it belongs to, or write (?<!\\w) / (?!\\w)`
    : quadraticStart(tree, flags)
    ? "starts with an unbounded wildcard that crosses lines ([\\s\\S]*, .* with /s, [^x]*): it rescans the text from every position (slow on long texts); anchor it with \\A or start with a literal"
    : linear && !linear.ok
      ? `the repeat ${risk} can start anew at every character of a run of what it repeats (time growing with the square of the run) and the pattern has no linear-time (RE2) form (${linear.why}): it runs on the JS engine, slow on crafted texts; put a character it does not repeat, \\b or ^ before it, or bound it ({1,200})`
      : undefined;
  return { ok: true, re: { src, flags, lits, ...(pre ? { pre } : {}), ...(wpre ? { wpre } : {}), ...(scripts ? { scripts } : {}), ...(linear?.ok ? { re2: linear.src } : {}), ...(whole ? { whole } : {}), ...(anchored ? { anchored } : {}), warning } };
}
