import { describe, expect, test } from "bun:test";
import { extractRegex, translateRegex } from "./regex";

const re = (pattern: string, flags = "", multiline = false) => {
  const r = translateRegex(pattern, flags, { multiline });
  if (!r.ok) throw new Error(r.why);
  return new RegExp(r.re.src, r.re.flags);
};

describe("extractRegex", () => {
  test.each([
    ["/abc/i", "abc", "i", ""],
    ["m{a{2}b}x", "a{2}b", "x", ""],
    ["m!a/b!", "a/b", "", ""],
    ["m(a(b)c)", "a(b)c", "", ""],
    ["/a\\/b/ [if-unset: none]", "a\\/b", "", "[if-unset: none]"],
    ["/a#b/ # comment", "a#b", "", "# comment"],
  ])("%s", (text, pattern, flags, rest) => {
    expect(extractRegex(text)).toEqual({ pattern, flags, rest });
  });
  test.each([["abc", "expected a regex"], ["/abc", "not terminated"], ["m{abc", "missing closing }"]])("%s is an error", (text, why) => {
    const r = extractRegex(text);
    expect("error" in r && r.error).toContain(why);
  });
});

describe("Perl → JS translations", () => {
  // [pattern, flags, matches, does not match]
  test.each([
    ["foo\\z", "", "a foo", "a foo\n"],
    ["foo\\Z", "", "a foo\n", "a foo\nx"],
    ["\\Afoo", "", "foo bar", "x\nfoo"],
    ["a\\hb", "", "a\tb", "a\nb"],
    ["a\\Hb", "", "axb", "a b"],
    ["a\\vb", "", "a\rb", "a b"],
    ["a\\Rb", "", "a\r\nb", "a b"],
    ["a\\Nb", "", "a-b", "a\nb"],
    ["[[:alpha:]]+[[:digit:]]", "", "abc1", "---1"],
    ["[^[:space:]]x", "", "ax", " x"],
    ["[]a]b", "", "]b", "cb"],
    ["(?i)hello", "", "HeLLo", "help"],
    ["(?i:he)llo", "", "HEllo", "HELLO"],
    ["h e l l o # a comment\n", "x", "hello", "h e l l o"],
    ["a\\ b", "x", "a b", "ab"],
    ["a++b", "", "aab", "b"],
    ["(?>a+)b", "", "aab", "aa"],
    ["a*+b", "", "aaab", "aaa"],
    ["\\Qa.b\\E+c", "", "a.bbc", "axbc"],
    ["a\\Kb", "", "ab", "b"],
    ["\\x{41}\\x42", "", "AB", "ab"],
    ["\\e\\a", "", "\x1b\x07", "ea"],
    ["(?<w>o)\\k<w>", "", "foo", "fo"],
    ["(?P<w>o)(?P=w)", "", "foo", "fo"],
    ["(o)\\g{1}", "", "foo", "fo"],
    ["a(?#comment)b", "", "ab", "a b"],
    ["\\@\\-", "", "@-", "@"],
    ["a\\012b", "", "a\nb", "a b"],
    ["^a{,2}b$", "", "aab", "aaab"],
    ["^a{2,}?b$", "", "aaab", "ab"],
    ["a{x}", "", "a{x}", "ax"],
    ["\\x9", "", "\t", " "],
  ])("/%s/%s", (pattern, flags, yes, no) => {
    const r = re(pattern, flags);
    expect(r.test(yes)).toBe(true);
    expect(r.test(no)).toBe(false);
  });

  test("possessive quantifiers never give back", () => {
    expect(re("a++a").test("aaaa")).toBe(false);
    expect(re("a+a").test("aaaa")).toBe(true);
    expect(re("(?>a|ab)c").test("abc")).toBe(false);
    expect(re("(?:a|ab)c").test("abc")).toBe(true);
  });

  test("body rules get the m flag so ^ and $ work per line", () => {
    expect(re("^Dear friend$", "", true).test("hi\nDear friend\nbye")).toBe(true);
    expect(re("^Dear friend$", "", false).test("hi\nDear friend\nbye")).toBe(false);
  });

  test.each([
    ["\\p{L}", "", "Unicode properties"],
    ["\\Gfoo", "", "\\G is not supported"],
    ["(?(1)a|b)", "", "not supported"],
    ["(?R)", "", "not supported"],
    ["(?{ code })", "", "not supported"],
    ["a(?i)b", "", "inline flags"],
    ["[[:^alpha:]]", "", "POSIX class"],
    ["\\x{1F600}", "", "beyond U+FFFF"],
    ["(a)(?>b)\\1", "", "numbered backreferences"],
    ["abc", "e", "flag 'e'"],
    ["(abc", "", "missing )"],
    ["abc)", "", "unmatched )"],
    ["[abc", "", "not terminated"],
    ["*a", "", "follows nothing"],
    ["\\U", "", "case-changing"],
  ])("/%s/%s is rejected: %s", (pattern, flags, why) => {
    const r = translateRegex(pattern, flags);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.why).toContain(why);
  });
});

describe("catastrophic backtracking lint", () => {
  test.each(["(a+)+b", "(.*)*x", "(.+)+", "(?:\\w+\\s?)+$", "(\\s*\\w+)*!", "((ab)*)+c", "(x+x+)+y", "(?:a|b+)+c", "(\\S+\\s*)+$"])("%s is an error", (p) => {
    const r = translateRegex(p, "");
    expect(r.ok).toBe(false);
    expect(!r.ok && r.why).toContain("backtrack catastrophically");
  });
  test.each(["(?:[a-z0-9-]+\\.)+com", "(?:ab)+", "(a|b)+c", "\\w+\\s+\\w+", "(?:\\d{1,3}\\.){3}\\d{1,3}", "(?:foo.*)+", "(?:[a-z]+\\s+)+x", "(\\w+\\s)+x"])("%s is fine", (p) => {
    expect(translateRegex(p, "").ok).toBe(true);
  });
});

describe("quadratic-start warning", () => {
  test.each([
    ["[\\s\\S]*<a", "", true],
    ["^(?![\\s\\S]*<body)x", "m", true],
    ["^(?![\\s\\S]*<body)x", "", false],
    ["\\A(?![\\s\\S]*<body)x", "m", false],
    [".*foo", "s", true],
    [".*foo", "", false],
    ["foo[\\s\\S]*bar", "", false],
  ])("/%s/%s warns: %p", (p, f, warns) => {
    const r = translateRegex(p, f);
    expect(r.ok && Boolean(r.re.warning)).toBe(warns);
  });
});

describe("\\b beside a letter beyond ASCII (JavaScript's \\b knows ASCII words only)", () => {
  test.each([
    ["\\b(?:iki|üç)\\s+ay", true],
    ["communaut[ée]\\b", true],
    ["\\b(?:rechnung|überweisung)", true],
    ["(?:buró|asnef)\\b", true],
    ["(?<![\\wÀ-ɏ])(?:rechnung|überweisung)", false],
    ["communaut[ée](?![\\wÀ-ɏ])", false],
    ["\\bnom\\s+complet\\b[^.]{0,80}?âge", false],
    ["\\bcafé au lait\\b", false],
  ])("/%s/ warns: %p", (p, warns) => {
    const r = translateRegex(p, "i");
    expect({ p, warns: r.ok && /boundary of ASCII words/.test(r.re.warning ?? "") }).toEqual({ p, warns });
  });
});

describe("\\b beside a character that is never a word character (it then asks for a letter or digit on the other side)", () => {
  test.each([
    ["\\b\\$\\d+", true],
    ["\\b(?:cash|\\$\\d+)\\s+in", true],
    ["\\b(?:top|#1)\\s+placement", true],
    ["\\d+%\\b", true],
    ["\\b(?:€|£)\\s?\\d+", true],
    ["(?<!\\w)(?:cash|\\$\\d+)\\s+in", false],
    ["(?:\\bcash|\\$\\d+)\\s+in", false],
    ["\\B\\$\\d+", false],
    ["\\b\\s*free\\b", false],
    ["\\bfree\\b", false],
  ])("/%s/ warns: %p", (p, warns) => {
    const r = translateRegex(p, "i");
    expect({ p, warns: r.ok && /never a word character/.test(r.re.warning ?? "") }).toEqual({ p, warns });
  });
  test("what it asks for is what JavaScript does: \\b before \"$\" matches after a letter, never after a space", () => {
    expect(/\b\$5/.test("US$5")).toBe(true);
    expect(/\b\$5/.test("only $5")).toBe(false);
    expect(/(?<!\w)\$5/.test("only $5")).toBe(true);
  });
});

describe("literal prefilter", () => {
  test.each([
    ["v[i1]agra", "", ["v1agra", "viagra"]], // a small class is spelt out
    ["v[a-z]agra", "", ["agra"]], // a large one ends the run
    ["\\bfree money\\b", "i", ["free money"]],
    ["(?i)FREE", "", ["free"]],
    ["Free Money", "", ["free money"]], // always lower-cased: the target is too
    ["(?:cheap|discount) meds", "", ["cheap meds", "discount meds"]],
    ["(?:cheap|discount)", "", ["cheap", "discount"]],
    ["\\b(?:viagra|cialis (?:pills|tabs))\\b", "i", ["viagra", "cialis pills", "cialis tabs"]],
    ["x[^a]yz", "", ["yz"]], // a negated class is never spelt out
    ["<(?:p|br)\\b", "i", ["<p", "<br"]],
    ["foo|bar", "", ["foo", "bar"]],
    ["foo|b", "", undefined], // one alternative without a literal
    ["click (?:here)", "", ["click here"]],
    ["x+yz", "", ["xyz"]],
    ["abx+", "", ["abx"]],
    ["(?:ab)+cd", "", ["cd"]],
    ["ab?c", "", ["ac", "abc"]], // an optional character is spelt with and without
    ["funds?", "", ["fund"]], // "funds" holds "fund": one is enough
    ["l[o0]{2}k", "", ["l00k", "l0ok", "lo0k", "look"]], // a small class repeated a fixed number of times
    ["a[e3]+z", "", ["3z", "ez"]], // ... or more: its first ends one run (ae|a3), its last starts the next (ez|3z, the rarer)
    ["(?i:Viagra) pills", "", ["viagra pills"]],
    ["\\/(?:click|r)(?:\\.(?:php|cgi)|\\/)\\?", "", ["/click.php?", "/click.cgi?", "/click/?", "/r.php?", "/r.cgi?", "/r/?"]], // groups of few strings, nested, continue the run
    ["a(?:b|c\\.d)e", "", ["abe", "ac.de"]],
    ["x(?:ab){1,2}y", "", ["xaby", "xababy"]],
    ["x(?:ab)?y", "", ["xy", "xaby"]],
    ["caf\u00e9s", "", ["caf"]], // ASCII only
    ["(?!spam)ham", "", ["ham"]],
  ])("/%s/%s requires one of %j", (p, f, lits) => {
    const r = translateRegex(p, f);
    expect(r.ok && r.re.lits && [...r.re.lits].sort()).toEqual(lits && [...(lits as string[])].sort());
  });

  test("too many alternatives: no set", () => {
    const words = Array.from({ length: 40 }, (_, i) => `word${i}`);
    const r = translateRegex(words.join("|"), "");
    expect(r.ok && r.re.lits).toBeUndefined();
  });
});

describe("anchored: every alternative starts with \\A (the matcher then tries position 0 only)", () => {
  test.each([
    ["\\Afoo", true],
    ["\\A(?:foo|bar)", true],
    ["\\Afoo|\\Abar", true],
    ["\\Afoo|bar", false], // bar may match anywhere
    ["(?:\\Afoo|bar)", false],
    ["^foo", false], // ^ with /m starts every line
    ["foo\\z", false],
    ["x*\\Afoo", false],
  ])("/%s/ anchored: %j", (p, want) => {
    const r = translateRegex(p, "", { multiline: true });
    expect(r.ok && r.re.anchored === true).toBe(want);
  });

  test("property: a sticky copy of an anchored regex, tried at 0, decides every text as the regex does", () => {
    let seed = 3;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff), seed / 0x7fffffff);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)];
    const bodies = ["a", "ab", "\\s*a", "(?:a|b)+c", "[^\\n]*\\n\\s{0,3}\\z", "(?![\\s\\S]*b)[\\s\\S]*a", "(?:\\s|<[^>]*>){0,5}\\z", "b?a$"];
    let anchoredSeen = 0;
    for (let n = 0; n < 200; n++) {
      const alts = Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => (rnd() < 0.85 ? "\\A" : "") + pick(bodies));
      const r = translateRegex(alts.join("|"), "i", { multiline: true });
      if (!r.ok || !r.re.anchored) continue;
      anchoredSeen++;
      const plain = new RegExp(r.re.src, r.re.flags);
      const sticky = new RegExp(r.re.src, r.re.flags + "y");
      for (let k = 0; k < 100; k++) {
        const text = Array.from({ length: Math.floor(rnd() * 12) }, () => pick(["a", "b", "c", " ", "\n", "<p>", "x"])).join("");
        sticky.lastIndex = 0;
        expect({ p: r.re.src, text, m: sticky.test(text) }).toEqual({ p: r.re.src, text, m: plain.test(text) });
      }
    }
    expect(anchoredSeen).toBeGreaterThan(50);
  });
});
