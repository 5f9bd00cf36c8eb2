import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { compileDir, compileSources, formatDiagnostic } from "./compile";
import type { CompiledRule, RulesPayload } from "./format";

const FIXTURES = join(import.meta.dir, "../../fixtures/rules");
const REPO_RULES = join(import.meta.dir, "../../rules");

const compile = (text: string, path = "t.cf") => compileSources([{ path, text }]);
const rulesOf = (text: string) => {
  const r = compile(text);
  if (!r.db) throw new Error(r.diagnostics.map(formatDiagnostic).join("\n"));
  return r.db.rules as RulesPayload;
};
const rule = (text: string, name: string) => rulesOf(text).rules.find((r) => r.name === name) as CompiledRule;
const messages = (text: string, severity: "error" | "warning") =>
  compile(text).diagnostics.filter((d) => d.severity === severity).map((d) => `${d.file}:${d.line}: ${d.message}`);

describe("parsing", () => {
  test("each rule kind", () => {
    const p = rulesOf(`
header H1 Subject =~ /free/i
header H2 From:addr !~ /@example\\.com$/
header H3 exists:List-Id
header H4 X-Foo:raw =~ /bar/ [if-unset: none]
body B1 /viagra/i
rawbody R1 /<font/
uri U1 m{^https?://}
full F1 m!^Received:!m
meta M1 H1 && B1
`);
    expect(p.rules.map((r) => [r.name, r.kind])).toEqual([
      ["H1", "header"], ["H2", "header"], ["H3", "exists"], ["H4", "header"], ["B1", "body"], ["R1", "rawbody"], ["U1", "uri"], ["F1", "full"], ["M1", "meta"],
    ]);
    const [h1, h2, h3, h4, b1] = p.rules;
    expect(h1).toMatchObject({ header: "subject", re: "free", flags: "i", lits: ["free"], src: "t.cf:2" });
    expect(h2).toMatchObject({ header: "from", mods: ["addr"], neg: true });
    expect(h3).toMatchObject({ header: "list-id" });
    expect(h4).toMatchObject({ header: "x-foo", mods: ["raw"], unset: "none" });
    expect(b1.flags).toBe("im"); // body: m added
  });

  test("comments, \\# and # inside a regex, line continuation", () => {
    const p = rulesOf(`# a comment
body A /a#b/   # trailing comment
body B /x\\#y/
meta C A &&\\
     B # comment
describe A text with \\# hash # and a comment
`);
    expect(p.rules.find((r) => r.name === "A")!.re).toBe("a#b");
    expect(new RegExp(p.rules.find((r) => r.name === "B")!.re!).test("x#y")).toBe(true);
    expect(p.rules.find((r) => r.name === "C")!.expr).toEqual(["&&", ["r", "A"], ["r", "B"]]);
    expect(p.rules.find((r) => r.name === "A")!.describe).toBe("text with # hash");
  });

  test("scores: first of four, later line wins, parentheses, SA defaults", () => {
    const p = rulesOf(`
body A /a/
body B /b/
body __C /c/
body T_D /d/
body E /e/
tflags E nice
body F /f/
score A 1 2 3 4
score B 1
score B (2.5)
`);
    const s = Object.fromEntries(p.rules.map((r) => [r.name, r.score]));
    expect(s).toEqual({ A: 1, B: 2.5, __C: 0, T_D: 0.01, E: -1, F: 1 });
  });

  test("score / describe for names that are not rules are check symbols", () => {
    const p = rulesOf("score SPF_FAIL 2.5\ndescribe SPF_FAIL SPF says fail\nscore BAYES_99 3.5\n");
    expect(p.symbols).toEqual([{ name: "BAYES_99", score: 3.5 }, { name: "SPF_FAIL", score: 2.5, describe: "SPF says fail" }]);
  });

  test("tflags multiple with and without maxhits", () => {
    expect(rule("body A /a/\ntflags A multiple maxhits=3", "A")).toMatchObject({ maxhits: 3, tflags: ["multiple", "maxhits=3"] });
    expect(rule("body A /a/\ntflags A multiple", "A").maxhits).toBe(1000);
    expect(rule("body A /a/\ntflags A nice learn net", "A").maxhits).toBeUndefined();
  });

  test("metas come after content rules, in dependency order", () => {
    const p = rulesOf("meta M3 M2 && M1\nmeta M2 M1 || A\nmeta M1 A\nbody A /a/\n");
    expect(p.rules.map((r) => r.name)).toEqual(["A", "M1", "M2", "M3"]);
  });

  test("if/ifplugin blocks are skipped with a warning, else branches are loaded", () => {
    const r = compile("ifplugin Mail::SpamAssassin::Plugin::DKIM\nbody A /a/\nelse\nbody B /b/\nendif\nif (version > 3)\nbody C /c/\nendif\n");
    expect((r.db!.rules as RulesPayload).rules.map((x) => x.name)).toEqual(["B"]);
    expect(r.diagnostics.map((d) => d.line)).toEqual([1, 6]);
    expect(r.diagnostics.every((d) => d.severity === "warning")).toBe(true);
  });
});

describe("lint errors name file:line", () => {
  test.each([
    ["body A /a/\nbody A /b/", "t.cf:2: duplicate rule A (first defined at t.cf:1)"],
    ["body A /a(/", "t.cf:1: body A: missing )"],
    ["body A /abc", "t.cf:1: body A: regex is not terminated"],
    ["body A /(a+)+$/", "t.cf:1: body A: nested unbounded repetition"],
    ["body A /\\p{L}/", "t.cf:1: body A: \\p (Unicode properties"],
    ["body A /a/e", "t.cf:1: body A: regex flag 'e' is not supported"],
    ["header A Subject ~= /a/", "t.cf:1: header A: expected `Header =~ /regex/`"],
    ["header A Subject:host =~ /a/", "t.cf:1: header A: modifier :host is not supported"],
    ["body A /a/ trailing", 'unexpected text after the regex: "trailing"'],
    ["body A-B /a/", 't.cf:1: bad rule name "A-B"'],
    ["body A", "t.cf:1: body A: missing definition"],
    ["\n\nmeta M A &&", "t.cf:3: meta M: meta expression ends too early"],
    ["meta M N\nmeta N M", "t.cf:1: meta M is part of a dependency cycle (N)"],
    ["meta M M", "t.cf:1: meta M is part of a dependency cycle (M)"],
    ["score A one", "t.cf:1: score: expected `score NAME N`"],
    ["tflags A maxhits=x\nbody A /a/", "t.cf:1: tflags A: maxhits=x: expected a positive integer"],
    ["bdy A /a/", 't.cf:1: unknown directive "bdy"'],
    ["endif", "t.cf:1: `endif` without"],
    ["else", "t.cf:1: `else` without"],
    ["ifplugin X\nbody A /a/", "t.cf:1: `if`/`ifplugin` without `endif`"],
  ])("%p", (text, want) => {
    const errs = messages(text, "error");
    expect(errs.some((e) => e.includes(want))).toBe(true);
    expect(compile(text).db).toBeUndefined();
  });
});

describe("warnings do not stop compilation", () => {
  test.each([
    ["meta M A && SPF_FAIL\nbody A /a/", "t.cf:1: meta M references SPF_FAIL, which is neither a rule nor a scored check symbol"],
    ["score lowercase_thing 1", "t.cf:1: score for lowercase_thing, which is no rule here"],
    ["tflags NOPE nice", "t.cf:1: tflags for unknown rule NOPE"],
    ["body A /a/\ntflags A frobnicate", 't.cf:2: tflags A: unknown flag "frobnicate"'],
    ["header A eval:check_foo()", "t.cf:1: A: eval: tests are Perl plugin code"],
    ["required_score 5", "t.cf:1: `required_score` is a SpamAssassin setting kas does not use"],
    ["header A EnvelopeFrom =~ /x/", "EnvelopeFrom pseudo-header is not available"],
    ["describe lower text", "t.cf:1: describe for unknown rule lower"],
  ])("%p", (text, want) => {
    const r = compile(text);
    expect(r.db).toBeDefined();
    expect(messages(text, "warning").some((e) => e.includes(want))).toBe(true);
  });

  test("a meta over a scored check symbol does not warn", () => {
    expect(compile("meta M A && SPF_FAIL\nbody A /a/\nscore SPF_FAIL 1").diagnostics).toEqual([]);
  });
});

describe("directories", () => {
  test("fixtures/rules/good compiles in name order (20_local re-scores 10_sample)", () => {
    const { db, diagnostics } = compileDir(join(FIXTURES, "good"), { version: "t1" });
    expect(diagnostics).toEqual([]);
    const p = db!.rules as RulesPayload;
    expect(db!.version).toBe("t1");
    expect(p.rules.find((r) => r.name === "RAW_FONT_TAG")!.score).toBe(0.25);
    expect(p.rules.find((r) => r.name === "BODY_VIAGRA")!.score).toBe(2);
  });

  test("fixtures/rules/broken lists every error with its full path and line", () => {
    const { db, diagnostics } = compileDir(join(FIXTURES, "broken"));
    expect(db).toBeUndefined();
    const file = join(FIXTURES, "broken/10_broken.cf");
    expect(diagnostics.filter((d) => d.severity === "error").map((d) => `${d.file}:${d.line}`)).toEqual([`${file}:3`, `${file}:4`, `${file}:5`]);
  });

  test("a missing directory is an error", () => {
    expect(compileDir("/nonexistent/rules").diagnostics[0].message).toContain("does not exist");
  });

  test("the repository's rules/ compiles without errors", () => {
    const { db, diagnostics } = compileDir(REPO_RULES, { version: "builtin" });
    const errors = diagnostics.filter((d) => d.severity === "error").map(formatDiagnostic);
    expect(errors).toEqual([]);
    expect(db).toBeDefined();
    for (const w of diagnostics) console.log("rules/ warning: " + formatDiagnostic(w));
  });
});
