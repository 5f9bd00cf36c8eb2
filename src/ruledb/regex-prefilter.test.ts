import { describe, expect, test } from "bun:test";
import { builtinDb } from "./builtin";
import type { RulesPayload } from "./format";
import { presence } from "./literal-rarity";
import { LiteralScanner } from "./literal-scan";
import { translateRegex } from "./regex";
import { MAX_AND, type Prefilter } from "./regex-prefilter";
import { rng } from "../testing/rng";

const fields = (p: string, f = "") => {
  const r = translateRegex(p, f);
  if (!r.ok) throw new Error(r.why);
  return { lits: r.re.lits, pre: r.re.pre };
};
/** What the matcher does with a rule's prefilter (match.ts test, includes form). */
const passes = (lits: string[] | undefined, pre: Prefilter | undefined, text: string) => {
  const lower = text.toLowerCase();
  if (pre) return pre.some((c) => c.every((set) => set.some((l) => lower.includes(l))));
  return !lits || lits.some((l) => lower.includes(l));
};

describe("rarity", () => {
  test.each([
    ["the", "xylophone"],
    [" you", "viagra"],
    ["mail", "mortgage"],
    ["this", "kiosk"],
    ["content-type:", "x-msdownload"],
    ["of", "kin"],
  ])("%j is estimated more common than %j", (common, rare) => {
    expect(presence(common)).toBeGreaterThan(presence(rare));
  });
});

describe("the rare literal is chosen over the long common one", () => {
  test("lits: a common word loses to a rarer, shorter one", () => {
    // By length alone "information" (11 characters) would be chosen; nearly every mail has it.
    expect(fields("information\\s+kiosk", "i").lits).toEqual(["kiosk"]);
  });
  test("a conjunction keeps the MAX_AND rarest sets, not the common words", () => {
    const { pre } = fields("\\bthe\\s+offer\\s+of\\s+this\\s+mortgage\\s+refinance\\s+is\\s+you", "i");
    expect(pre).toHaveLength(1);
    expect(pre![0]).toHaveLength(MAX_AND);
    const kept = pre![0].flat();
    for (const common of ["the", "of", "this", "is", "you"]) expect(kept).not.toContain(common);
    expect(kept).toEqual(expect.arrayContaining(["mortgage", "refinance"]));
  });
  test("each alternative is its own conjunction", () => {
    const { lits, pre } = fields("\\b(?:next\\s{1,3}of\\s{1,3}kin|transfer\\s{1,3}(?:of\\s{1,3})?(?:the\\s{1,3})?(?:funds?|sum))", "i");
    expect(pre).toEqual([
      [["next"], ["kin"], ["of"]],
      [["transfer"], ["fund", "sum"]],
    ]);
    expect(lits).toEqual(["next", "transfer"]); // the rarest set of each, for a kas that predates `pre`
    expect(passes(lits, pre, "see you next week")).toBe(false);
    expect(passes(lits, pre, "my next of kin")).toBe(true);
    expect(passes(lits, pre, "transfer the sum")).toBe(true);
  });
  test("a group in the middle of a sequence is distributed over the other required literals", () => {
    // Each alternative keeps its own two words; " now" (common) is the one left out.
    expect(fields("buy (?:cheap\\s+viagra|discount\\s+cialis) now").pre).toEqual([
      [["viagra"], ["buy "], ["cheap"]],
      [["discount"], ["cialis"], ["buy "]],
    ]);
  });
  test("a group of plain words, or a small class, continues the run in each spelling", () => {
    expect(fields("buy (?:cheap viagra|discount cialis) now")).toEqual({ lits: ["buy cheap viagra now", "buy discount cialis now"], pre: undefined });
    expect(fields("\\bfr[e3][e3]\\b", "i").lits).toEqual(["fr33", "fr3e", "fre3", "free"]);
    // Past MAX_VARIANTS spellings the run ends and a new one starts after the class.
    expect(fields("f[.*_-]r[.*_-]e[.*_-]e").pre).toEqual([[["f*r", "f-r", "f.r", "f_r"], ["e*e", "e-e", "e.e", "e_e"]]]);
  });
  test("no conjunction when one set is all there is: pre is left out (lits says the same)", () => {
    expect(fields("foo|bar")).toEqual({ lits: ["foo", "bar"], pre: undefined });
  });
});

/** What the matcher does with `wpre` (match.ts test, scanned form): every literal found by one scan, then the DNF. */
const wpasses = (wpre: Prefilter, text: string) => {
  const lits = [...new Set(wpre.flat(2))];
  const found = new LiteralScanner(lits).scan(text);
  const has = (l: string) => found[lits.indexOf(l)] === 1;
  return wpre.some((c) => c.every((set) => set.some(has)));
};
const wpre = (p: string, f = "") => {
  const r = translateRegex(p, f);
  if (!r.ok) throw new Error(r.why);
  return r.re.wpre;
};

describe("wpre: literals across whitespace, for the scanner's reading (a whitespace run is one space)", () => {
  test.each([
    ["\\bnext\\s{1,3}of\\s{1,3}kin", [[["next of kin"]]]],
    ["act\\s+(?:now|today)", [[["act now", "act today"]]]],
    ["toll[-\\s]free", [[["toll free", "toll-free"]]]],
    ["s\\s?&\\s?h\\b", [[["s&h", "s& h", "s &h", "s & h"]]]],
    ["pay[ \\t]*pal", [[["paypal", "pay pal"]]]],
    ["a\\n\\s*\\n\\s*b", [[["a b"]]]], // blank lines are one space too
    ["\\$\\d{1,4}", [[["$"]]]], // a rare character alone, when there is nothing longer
    ["\\w(?:@|%40)\\w", [[["@", "%40"]]]],
    ["\\$\\s?\\d+\\s+dollars", [[[" dollars"]]]], // ... and not when there is
  ])("/%s/i gives %j", (p, want) => {
    expect(wpre(p, "i")).toEqual(want);
  });
  test.each([
    ["\\bnext\\s{1,3}of\\s{1,3}kin", "my NEXT\u00a0of\r\n kin"],
    ["toll[-\\s]free", "call toll\u2028free"],
    ["s\\s?&\\s?h\\b", "plus S\t& H"],
    ["a\\n\\s*\\n\\s*b", "a\n\n\n  b"],
  ])("/%s/i matches %j and its wpre lets it through", (p, text) => {
    expect(new RegExp(translateRegex(p, "i").ok ? p : "", "i").test(text)).toBe(true);
    expect(wpasses(wpre(p, "i")!, text)).toBe(true);
  });
  test("an alternation of more words than MAX_OR conjunctions keeps one any-of set: in wpre up to its 64 literals, in lits up to 32", () => {
    const words = Array.from({ length: 40 }, (_, i) => `w${i}rd${String.fromCharCode(97 + (i % 26))}q`);
    const r = translateRegex(`\\b(?:${words.join("|")})\\b`, "i");
    if (!r.ok) throw new Error(r.why);
    expect(r.re.lits).toBeUndefined();
    expect(r.re.wpre).toEqual([[words]]);
    expect(wpasses(r.re.wpre!, `see w7rdhq here`)).toBe(true);
    expect(wpasses(r.re.wpre!, `nothing here`)).toBe(false);
    const few = translateRegex(`\\b(?:${words.slice(0, 30).join("|")})\\b`, "i");
    if (!few.ok) throw new Error(few.why);
    expect(few.re.lits).toEqual(words.slice(0, 30));
    const many = translateRegex(`\\b(?:${Array.from({ length: 70 }, (_, i) => `w${i}x`).join("|")})\\b`, "i");
    if (!many.ok) throw new Error(many.why);
    expect(many.re.wpre ?? many.re.lits).toBeUndefined();
  });

  test("nothing new to say: no wpre", () => {
    expect(wpre("viagra", "i")).toBeUndefined();
  });
  test("frequent punctuation alone is no literal (nearly every text holds it)", () => {
    expect(wpre("\\d\\.\\d", "i")).toBeUndefined();
    expect(wpre("\\w,\\w", "i")).toBeUndefined();
  });
  test("a header rule gets none (its target is searched with includes, whitespace as it is)", () => {
    const rules = (builtinDb().rules as RulesPayload).rules;
    expect(rules.filter((r) => r.wpre && (r.kind === "header" || r.whole))).toEqual([]);
    expect(rules.filter((r) => r.wpre).length).toBeGreaterThan(50);
  });
});

/**
 * A random pattern of `words` joined by `joins`, in nested groups with `quants` (always valid):
 * (?:ab\s{1,3}cd|the(?:xy|zz)q)... for the property tests below.
 */
function randomPattern(rnd: () => number, words: readonly string[], joins: readonly string[], quants: readonly string[]): string {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)];
  const alt = () => Array.from({ length: 1 + Math.floor(rnd() * 4) }, () => pick(words)).join(pick(joins));
  const group = (): string => `(?:${alt()}|${rnd() < 0.3 ? group() : alt()})${pick(quants)}`;
  return Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => (rnd() < 0.5 ? alt() : group())).join(pick(joins));
}

/** Texts of `tries` random sequences of `words` between `seps` (some upper-cased) that `re` matches. */
function* matchingTexts(rnd: () => number, re: RegExp, words: readonly string[], seps: readonly string[], tries = 400): Generator<string> {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)];
  for (let n = 0; n < tries; n++) {
    const len = 1 + Math.floor(rnd() * 8);
    let text = "";
    for (let k = 0; k < len; k++) text += pick(seps) + pick(words);
    if (rnd() < 0.3) text = text.toUpperCase();
    if (re.test(text)) yield text;
  }
}

test("property: a conjunction prefilter never rejects a text the real regex matches (built-in rules)", () => {
  // Texts are made of the words in each rule's own pattern, in random order, case and spacing,
  // so many of them match; each match must pass the prefilter.
  const rules = (builtinDb().rules as RulesPayload).rules.filter((r) => r.pre && r.re !== undefined);
  expect(rules.length).toBeGreaterThan(50);
  const rnd = rng(20261202);
  const seps = [" ", "  ", "\n", " - ", "'", ", ", "% ", "-", "!", " the ", " of "];
  let matched = 0;
  for (const r of rules) {
    const re = new RegExp(r.re!, r.flags!.replace("g", ""));
    const words = [...new Set([...(r.re!.match(/[A-Za-z0-9$%+'-]{1,}/g) ?? []), ...r.pre!.flat(2)])];
    for (const text of matchingTexts(rnd, re, words, seps)) {
      matched++;
      if (!passes(r.lits, r.pre, text)) throw new Error(`${r.name}: /${r.re}/ matches ${JSON.stringify(text)} but its prefilter ${JSON.stringify(r.pre)} rejects it`);
      // `lits` alone is what a kas that predates `pre` filters with: it must hold too.
      if (!passes(r.lits, undefined, text)) throw new Error(`${r.name}: /${r.re}/ matches ${JSON.stringify(text)} but its lits ${JSON.stringify(r.lits)} reject it`);
    }
  }
  expect(matched).toBeGreaterThan(1000); // the generator does reach the regexes
});

test("property: random alternations and sequences, prefilter against the regex", () => {
  const rnd = rng(7);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)];
  const words = ["ab", "cd", "abc", "the", "xy", "q", "of", "zz"];
  const joins = ["\\s{1,3}", " ", "", "\\W?", "[a-c]", "[Qx]", "[.*-]", "[^a]"];
  const quants = ["", "", "?", "+", "*", "{0,2}", "{2}"];
  let checked = 0;
  for (let n = 0; n < 300; n++) {
    const pattern = randomPattern(rnd, words, joins, quants);
    const r = translateRegex(pattern, "i");
    if (!r.ok) continue;
    const re = new RegExp(r.re.src, r.re.flags);
    for (let k = 0; k < 200; k++) {
      const text = Array.from({ length: 1 + Math.floor(rnd() * 10) }, () => pick([...words, " ", "a", "b", "c", "\n", "-", "X", ".", "*"])).join(pick(["", " "]));
      if (!re.test(text)) continue;
      checked++;
      expect({ pattern, text, pass: passes(r.re.lits, r.re.pre, text) }).toEqual({ pattern, text, pass: true });
    }
  }
  expect(checked).toBeGreaterThan(500);
});

test("property: wpre never rejects a text the real regex matches (built-in rules, whitespace of every kind)", () => {
  // As above, with the separators a spaced literal must see through: runs of mixed ASCII and
  // non-ASCII whitespace, line ends, blank lines.
  const rules = (builtinDb().rules as RulesPayload).rules.filter((r) => r.wpre && r.re !== undefined);
  const rnd = rng(20261203);
  const seps = [" ", "  ", "\n", "\t", " \r\n ", "\n\n", "\u00a0", "\u3000 ", " - ", "'", ", ", "% ", "-", "&", "!", " the ", " of ", ""];
  let matched = 0;
  for (const r of rules) {
    const re = new RegExp(r.re!, r.flags!.replace("g", ""));
    const words = [...new Set([...(r.re!.match(/[A-Za-z0-9$%+'&-]{1,}/g) ?? []), ...r.wpre!.flat(2).flatMap((l) => l.split(" "))])].filter(Boolean);
    for (const text of matchingTexts(rnd, re, words, seps)) {
      matched++;
      if (!wpasses(r.wpre!, text)) throw new Error(`${r.name}: /${r.re}/ matches ${JSON.stringify(text)} but its wpre ${JSON.stringify(r.wpre)} rejects it`);
    }
  }
  expect(matched).toBeGreaterThan(1000);
});

test("property: random patterns with whitespace repeats, optional characters and small classes: wpre against the regex", () => {
  const rnd = rng(11);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)];
  const words = ["ab", "cd", "abc", "the", "xy", "q", "of", "zz", "a[b3]", "c[o0]{2}", "x?y", "[e3]+f", "\\$\\d{1,2}", "(?:@|%40)", "[<>]"];
  const joins = ["\\s{1,3}", "\\s*", "\\s+", "\\s?", " ", "", "[ \\t]+", "[-\\s]", "[-\\s.]?", "\\n\\s*", "\\W?", "[Qx]", "[^a]"];
  const quants = ["", "", "?", "+", "*", "{0,2}", "{2}"];
  let checked = 0;
  for (let n = 0; n < 400; n++) {
    const pattern = randomPattern(rnd, words, joins, quants);
    const r = translateRegex(pattern, "i");
    if (!r.ok) continue;
    const re = new RegExp(r.re.src, r.re.flags);
    const p = r.re.wpre ?? r.re.pre ?? (r.re.lits ? [[r.re.lits]] : undefined);
    if (!p) continue;
    for (let k = 0; k < 200; k++) {
      const text = Array.from({ length: 1 + Math.floor(rnd() * 10) }, () => pick(["ab", "cd", "abc", "the", "xy", "q", "of", "zz", "b3", "c00", "o0", "e", "3", "f", "y", " ", "  ", "\t", "\n", "\u00a0", "-", ".", "a", "b", "c", "X", "$1", "$", "@", "%40", "<", ">"])).join(pick(["", " ", "\n"]));
      if (!re.test(text)) continue;
      checked++;
      expect({ pattern, text, pass: wpasses(p, text) }).toEqual({ pattern, text, pass: true });
    }
  }
  expect(checked).toBeGreaterThan(500);
});
