// A parsed pattern (regex-parse.ts) → the same pattern in RE2 syntax, for the linear-time
// engine (npm re2js: RE2's automata, no backtracking, time proportional to the text).
// Only exact translations are made; a pattern that RE2 cannot express with the meaning the
// JavaScript regex has gets a reason instead and stays on the JS engine:
//   lookaheads, backreferences, atomic groups and possessive quantifiers (RE2 has none);
//   repeat counts above 1000 (RE2's limit); `$` with /m, or \Z, anywhere but at the end
//   (JS `$` also matches before \r, U+2028, U+2029: at the end this is written as
//   "end of line or one of those characters", which a yes/no test cannot tell apart from a
//   lookahead); \S inside a character class together with other items.
// What is made explicit because the engines differ: JS `\s` is Unicode white space (RE2's is
// ASCII), JS `.` stops at \r, U+2028 and U+2029 too (RE2's only at \n), `^` with /m starts
// after those as well (a lookbehind, which re2js runs in linear time with its LOOKBEHINDS
// flag). Left as it is: RE2 matches code points where JS (without the u flag) matches UTF-16
// code units, so `.{0,80}` counts a character outside the BMP once, not twice; RE2's /i also
// folds U+017F (long s) to s and U+212A (Kelvin) to k, which JS's does not.
import type { Node } from "./regex-parse";

/** JavaScript's \s (WhiteSpace and LineTerminator of ECMA-262), as RE2 class items. */
const JS_SPACE = "\\t\\n\\x{0B}\\f\\r \\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}\\x{202F}\\x{205F}\\x{3000}\\x{FEFF}";
const LINE_END = "\\n\\r\\x{2028}\\x{2029}";
/** RE2's largest repeat count. */
const MAX_REPEAT = 1000;

export type Re2Result = { ok: true; src: string } | { ok: false; why: string };

class Untranslatable extends Error {}
const no = (why: string): never => {
  throw new Untranslatable(why);
};

interface Flags {
  i: boolean;
  m: boolean;
  s: boolean;
}

/** RE2 source with the same meaning as the JS regex emitted from `tree` with `flags`. */
export function toRe2(tree: Node[][], flags: string): Re2Result {
  try {
    const f = { i: flags.includes("i"), m: flags.includes("m"), s: flags.includes("s") };
    return { ok: true, src: (f.i ? "(?i)" : "") + alts(tree, f, true) };
  } catch (e) {
    if (e instanceof Untranslatable) return { ok: false, why: e.message };
    throw e;
  }
}

function alts(a: Node[][], f: Flags, atEnd: boolean): string {
  return a.map((seq) => seq.map((n, k) => node(n, f, atEnd && k === seq.length - 1)).join("")).join("|");
}

function hex(c: number): string {
  return `\\x{${c.toString(16).toUpperCase()}}`;
}

/** One character as an RE2 literal (outside or inside a class). */
function lit(ch: string): string {
  const c = ch.charCodeAt(0);
  if (/[A-Za-z0-9]/.test(ch)) return ch;
  if (c > 0x20 && c < 0x7f) return "\\" + ch;
  if (c >= 0xd800 && c <= 0xdfff) no("a surrogate code unit in the pattern (RE2 matches code points)");
  return hex(c);
}

function node(n: Node, f: Flags, atEnd: boolean): string {
  switch (n.t) {
    case "lit":
      return lit(n.ch);
    case "atom":
      return atom(n.s, f);
    case "assert":
      return assertion(n.s, f, atEnd);
    case "backref":
      return no("backreferences");
    case "group": {
      if (n.kind === "atomic") return no("atomic groups");
      if (n.kind === "look") {
        if (!n.open.startsWith("(?<")) return no("lookaheads");
        return `${n.open}${alts(n.alts, f, false)})`;
      }
      // Captures are never read (a rule is a yes/no test or a count), so every group is (?:.
      const m = /^\(\?([ims]*)(?:-([ims]*))?:$/.exec(n.open);
      const g = { ...f };
      let open = "(?:";
      if (m) {
        for (const c of m[1]) g[c as keyof Flags] = true;
        for (const c of m[2] ?? "") g[c as keyof Flags] = false;
        if (g.i !== f.i) open = g.i ? "(?i:" : "(?-i:";
      }
      return `${open}${alts(n.alts, g, atEnd)})`;
    }
    case "quant": {
      if (n.possessive) return no("possessive quantifiers");
      if (n.min > MAX_REPEAT || (n.max !== Infinity && n.max > MAX_REPEAT)) return no(`a repeat count above ${MAX_REPEAT}`);
      return node(n.node, f, false) + n.q;
    }
  }
}

function assertion(s: string, f: Flags, atEnd: boolean): string {
  switch (s) {
    case "^":
      return f.m ? `(?:\\A|(?<=[${LINE_END}]))` : "\\A";
    case "$":
      if (!f.m) return "\\z";
      if (!atEnd) return no("$ with /m before the end of the pattern (JS also matches it before \\r)");
      return `(?:\\z|[${LINE_END}])`;
    case "\\b":
    case "\\B":
      return s;
    case "(?<![\\s\\S])":
      return "\\A";
    case "(?![\\s\\S])":
      return "\\z";
    case "(?=\\n?(?![\\s\\S]))":
      if (!atEnd) return no("\\Z before the end of the pattern");
      return "\\n?\\z";
  }
  return no(`the assertion ${s}`);
}

function atom(s: string, f: Flags): string {
  if (s === ".") return f.s ? "(?s:.)" : `[^${LINE_END}]`;
  if (s === "\\s") return `[${JS_SPACE}]`;
  if (s === "\\S") return `[^${JS_SPACE}]`;
  if (/^\\[dDwW]$/.test(s)) return s;
  if (/^\\c[A-Za-z]$/.test(s)) return hex(s.charCodeAt(2) % 32);
  if (s.startsWith("[")) return cls(s);
  return no(`the construct ${s}`);
}

/** A JS character class (as regex-parse.ts writes it) in RE2 syntax. */
function cls(s: string): string {
  let i = 1;
  let neg = false;
  if (s[i] === "^") (neg = true), i++;
  const body = s.slice(i, -1);
  if (/^(?:\\s\\S|\\S\\s|\\d\\D|\\D\\d|\\w\\W|\\W\\w)$/.test(body)) return neg ? no("an empty class") : "(?s:.)";
  const items: string[] = [];
  let sawNonSpace = false;
  // Each item: one character (as a code) or a class escape; `a-b` joins two characters.
  const chars: (number | string)[] = [];
  for (let k = 0; k < body.length; ) {
    const c = body[k];
    if (c !== "\\") {
      chars.push(body.charCodeAt(k++));
      continue;
    }
    const e = body[k + 1];
    let m: RegExpExecArray | null;
    if ((m = /^\\u([0-9a-fA-F]{4})/.exec(body.slice(k)))) (chars.push(parseInt(m[1], 16)), (k += m[0].length));
    else if ((m = /^\\x([0-9a-fA-F]{2})/.exec(body.slice(k)))) (chars.push(parseInt(m[1], 16)), (k += m[0].length));
    else if ((m = /^\\c([A-Za-z])/.exec(body.slice(k)))) (chars.push(m[1].charCodeAt(0) % 32), (k += 3));
    else {
      k += 2;
      const simple: Record<string, number> = { t: 9, n: 10, v: 11, f: 12, r: 13, b: 8, "0": 0 };
      if (e in simple) chars.push(simple[e]);
      else if (e === "s") chars.push("space");
      else if (e === "S") (chars.push("\\S"), (sawNonSpace = true));
      else if ("dDwW".includes(e)) chars.push("\\" + e);
      else if (/[0-9]/.test(e)) no("an octal escape in a class");
      else chars.push(e.charCodeAt(0));
    }
  }
  if (sawNonSpace) {
    if (chars.length === 1) return neg ? `[${JS_SPACE}]` : `[^${JS_SPACE}]`;
    no("\\S inside a class with other items");
  }
  const one = (c: number) => (c >= 0xd800 && c <= 0xdfff ? no("a surrogate code unit in a class") : c < 0x80 && /[A-Za-z0-9]/.test(String.fromCharCode(c)) ? String.fromCharCode(c) : c > 0x20 && c < 0x7f ? "\\" + String.fromCharCode(c) : hex(c));
  for (let k = 0; k < chars.length; k++) {
    const c = chars[k];
    if (typeof c === "string") {
      items.push(c === "space" ? JS_SPACE : c);
      continue;
    }
    // A range a-b: "-" between two characters (the parser keeps JS's reading of the class).
    if (chars[k + 1] === 45 && typeof chars[k + 2] === "number" && !isEscapedDash(body, chars, k + 1)) {
      items.push(`${one(c)}-${one(chars[k + 2] as number)}`);
      k += 2;
      continue;
    }
    items.push(one(c));
  }
  if (!items.length) return neg ? "(?s:.)" : no("an empty class");
  return `[${neg ? "^" : ""}${items.join("")}]`;
}

/** Whether the "-" that is item `at` of the class was written escaped (\-), i.e. is not a range. */
function isEscapedDash(body: string, chars: (number | string)[], at: number): boolean {
  // Walk the source again to the `at`-th item and look at how it was written.
  let item = 0;
  for (let k = 0; k < body.length; item++) {
    const start = k;
    if (body[k] !== "\\") k++;
    else {
      const m = /^\\(?:u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|c[A-Za-z]|.)/.exec(body.slice(k))!;
      k += m[0].length;
    }
    if (item === at) return body[start] === "\\";
  }
  return chars.length <= at;
}
