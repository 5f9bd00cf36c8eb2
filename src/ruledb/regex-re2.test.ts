// The RE2 form of a pattern means what the JS regex means (compared on the same strings), and
// a pattern that backtracks over a run is matched in linear time.
import { describe, expect, test } from "bun:test";
import { RE2JS } from "re2js";
import { compileSources, formatDiagnostic } from "./compile";
import { loadRuleDb } from "./match";
import { translateRegex } from "./regex";
import { backtrackRisk } from "./regex-analyze";
import { Parser } from "./regex-parse";
import { toRe2 } from "./regex-re2";
import type { ParsedMessage } from "../message/types";

const tree = (p: string) => new Parser(p, false).alts(true);

describe("RE2 form", () => {
  // [Perl pattern, flags, texts]: JS and RE2 must agree on every text.
  const cases: [string, string, string[]][] = [
    ["a\\s+b", "", ["a b", "a\u00a0b", "a\u2028b", "a\ufeffb", "ab", "a\u0085b"]],
    ["a\\S+b", "", ["axxb", "a b", "a\u00a0b"]],
    ["a.b", "", ["axb", "a\nb", "a\rb", "a\u2028b"]],
    ["a.b", "s", ["a\nb", "a\rb"]],
    ["^foo", "m", ["foo", "x\nfoo", "x\rfoo", "x\u2028foo", "xfoo"]],
    ["foo$", "m", ["foo", "foo\nx", "foo\rx", "foox"]],
    ["foo$", "", ["foo", "foo\n", "x foo"]],
    ["[\\W_]{2}x", "i", ["__x", "..X", "abx", "a_x"]],
    ["[^\\s]+z", "", ["abz", " z"]],
    ["[\\s\\S]{3}end", "", ["\n\nxend", "end"]],
    ["\\bfree\\b", "i", ["FREE stuff", "freedom", "a free"]],
    ["(?i:caps)X", "", ["CAPSX", "capsX", "capsx"]],
    ["[a-c\\-]+!", "", ["a-b!", "d!"]],
    ["\\Afoo\\z", "", ["foo", "foo\n", "xfoo"]],
    ["(?<!x)yy+", "", ["xyy", "ayy", "yyy"]],
    ["[[:punct:]]{3}", "", ["!!!", "a!!", "~/{"]],
    ["\\x{e9}t\\x{e9}", "i", ["été", "ÉTÉ", "ete"]],
  ];
  test.each(cases)("/%s/%s", (p, flags, texts) => {
    const t = translateRegex(p, flags);
    if (!t.ok) throw new Error(t.why);
    const r = toRe2(tree(p.replace(/^\(\?i\)/, "")), t.re.flags);
    if (!r.ok) throw new Error(r.why);
    const re2 = RE2JS.compile(r.src, RE2JS.LOOKBEHINDS);
    const js = new RegExp(t.re.src, t.re.flags);
    for (const s of texts) expect([s, re2.test(s)]).toEqual([s, js.test(s)]);
  });

  test.each([
    ["(?=x)y+", "lookaheads"],
    ["(a)\\1+", "backreferences"],
    ["(?>a+)b", "atomic groups"],
    ["a++b", "possessive"],
    ["a{1001,}", "repeat count"],
    ["foo$bar", "before the end"],
    ["[\\Sx]+", "\\S inside a class"],
  ])("/%s/ has no exact RE2 form: %s", (p, why) => {
    const r = toRe2(tree(p), "m");
    expect(r.ok).toBe(false);
    expect(!r.ok && r.why).toContain(why);
  });
});

describe("which repeats can backtrack over a run", () => {
  test.each([
    ["\\*{20,}x", true],
    ["\\n(?:[\\s\\t]*\\n){14}", true],
    ["a[^x]*b[^x]*c", true],
    ["(?:make )+money", true],
    ["\\$\\d+x", false],
    ["\\b[A-Z]{4,}\\b", false],
    ["\\Ax+y", false],
    ["(?<!\\*)\\*{20,}x", false],
    ["\\bclick\\s+here", false],
    ["x{1,80}y", false],
  ])("/%s/: %p", (p, risky) => {
    expect(Boolean(backtrackRisk(tree(p), ""))).toBe(risky);
  });
  test("^ with /m stops runs without a newline, not runs that hold one", () => {
    expect(backtrackRisk(tree("^[^a-z\\n]{18,}$"), "m")).toBeUndefined();
    expect(backtrackRisk(tree("^\\s*x"), "m")).toBe("\\s*");
  });
});

describe("linear time", () => {
  const compiled = compileSources([{ path: "t.cf", text: "body STARS /(?:\\*{20,}|={30,}|#{15,})[^\\n]{0,5}\\n[^\\n]{0,80}(?:free|offer)/i\nscore STARS 1\n" }]);
  if (!compiled.db) throw new Error(compiled.diagnostics.map(formatDiagnostic).join("\n"));
  const rule = (compiled.db.rules as { rules: { re2?: string }[] }).rules[0];
  const db = loadRuleDb(compiled.db);
  const body = (s: string): ParsedMessage => ({ headers: [], body: s, rawbody: s, full: s, uris: [], links: [], parts: [], htmlHiddenChars: 0, htmlVisibleChars: 0, truncated: false, defects: [], size: s.length });
  // CPU time, the best of three runs: the claim is about the work the engine does (linear,
  // not quadratic), and wall time on a shared CI machine also counts waits for a core (one
  // loaded run failed the ratio below on wall time).
  const cpuMs = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  const ms = (s: string) => {
    let best = Infinity;
    let hits: string[] = [];
    for (let i = 0; i < 3; i++) {
      const t0 = cpuMs();
      const out = db.match(body(s), { checkSymbols: [], deadline: Infinity });
      best = Math.min(best, cpuMs() - t0);
      hits = out.hits.map((h) => h.name);
    }
    return { ms: best, hits };
  };

  test("the catastrophic banner pattern is compiled to the linear-time engine", () => {
    expect(rule.re2).toBeDefined();
  });

  test("512 KB of '*' takes milliseconds, not minutes (the JS engine took 6.6 s for 64 KB)", () => {
    const stars = ms("*".repeat(512 * 1024));
    expect(stars.hits).toEqual([]);
    expect(stars.ms).toBeLessThan(1000);
    // Four times the text, about four times the time (not sixteen): measured against 128 KB.
    const quarter = ms("*".repeat(128 * 1024));
    expect(stars.ms).toBeLessThan(Math.max(50, quarter.ms * 8));
  });

  test("and it still finds the banner", () => {
    expect(ms("x\n" + "*".repeat(40) + "\nfree offer inside\n").hits).toEqual(["STARS"]);
  });
});
