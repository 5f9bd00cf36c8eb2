// Perl regex source → a small tree (regex-analyze.ts inspects it) → JavaScript source.
// Translations are written where the tree is built (escapes, classes, groups); possessive
// quantifiers and atomic groups are emitted as a lookahead capturing the greedy match plus a
// named backreference to it, which cannot be backtracked into.

export type Node =
  | { t: "lit"; s: string; ch: string }
  | { t: "atom"; s: string }
  | { t: "assert"; s: string }
  | { t: "backref"; s: string; numeric: boolean }
  | { t: "group"; open: string; kind: "cap" | "nocap" | "look" | "atomic"; alts: Node[][] }
  | { t: "quant"; node: Node; min: number; max: number; q: string; possessive: boolean };

export class RegexSyntax extends Error {}

const POSIX: Record<string, string> = {
  alpha: "a-zA-Z", digit: "0-9", alnum: "a-zA-Z0-9", upper: "A-Z", lower: "a-z", space: "\\s",
  blank: " \\t", punct: "!-\\/:-@\\[-`{-~", xdigit: "0-9A-Fa-f", word: "\\w", cntrl: "\\x00-\\x1f\\x7f",
  print: "\\x20-\\x7e", graph: "\\x21-\\x7e", ascii: "\\x00-\\x7f",
};
const VSPACE = "\\n\\x0B\\f\\r\\x85\\u2028\\u2029";
const HSPACE = "\\t \\u00a0";

export class Parser {
  i = 0;
  numericBackrefs = false;
  needsAtomic = false;
  constructor(readonly p: string, public x: boolean) {}

  fail(why: string): never {
    throw new RegexSyntax(why);
  }

  alts(top: boolean): Node[][] {
    const alts: Node[][] = [[]];
    while (this.i < this.p.length) {
      const c = this.p[this.i];
      if (c === ")") {
        if (top) this.fail("unmatched )");
        return alts;
      }
      if (c === "|") { this.i++; alts.push([]); continue; }
      this.item(alts[alts.length - 1]);
    }
    if (!top) this.fail("missing )");
    return alts;
  }

  item(seq: Node[]): void {
    const p = this.p;
    const c = p[this.i];
    if (this.x && /\s/.test(c)) { this.i++; return; }
    if (this.x && c === "#") {
      while (this.i < p.length && p[this.i] !== "\n") this.i++;
      return;
    }
    // {,n} is a quantifier since Perl 5.34 (JS would read it as literal text).
    if ("*+?".includes(c) || (c === "{" && /^\{(?:\d+(,\d*)?|,\d+)\}/.test(p.slice(this.i)))) return this.quantifier(seq);
    this.i++;
    if (c === "(") return this.group(seq);
    if (c === "[") return void seq.push(this.cls());
    if (c === "\\") return this.escape(seq);
    if (c === ".") return void seq.push({ t: "atom", s: "." });
    if (c === "^" || c === "$") return void seq.push({ t: "assert", s: c });
    if ("{}]".includes(c)) return void seq.push({ t: "lit", s: "\\" + c, ch: c });
    if (c === "/") return void seq.push({ t: "lit", s: "\\/", ch: c });
    seq.push({ t: "lit", s: c, ch: c });
  }

  quantifier(seq: Node[]): void {
    const m = /^(?:([*+?])|\{(\d*)(?:(,)(\d*))?\})([?+]?)/.exec(this.p.slice(this.i))!;
    this.i += m[0].length;
    const prev = seq.pop();
    if (!prev || prev.t === "quant" || prev.t === "assert") this.fail(`quantifier ${m[0]} follows nothing repeatable`);
    let min: number, max: number;
    if (m[1]) [min, max] = m[1] === "*" ? [0, Infinity] : m[1] === "+" ? [1, Infinity] : [0, 1];
    else {
      min = Number(m[2]);
      max = m[3] ? (m[4] ? Number(m[4]) : Infinity) : min;
    }
    const q = (m[1] ?? `{${min}${m[3] ? "," + m[4] : ""}}`) + (m[5] === "?" ? "?" : "");
    if (m[5] === "+") this.needsAtomic = true;
    seq.push({ t: "quant", node: prev, min, max, q, possessive: m[5] === "+" });
  }

  group(seq: Node[]): void {
    const p = this.p;
    const rest = p.slice(this.i);
    let open = "(";
    let kind: "cap" | "nocap" | "look" | "atomic" = "cap";
    let m: RegExpExecArray | null;
    const savedX = this.x;
    if (rest.startsWith("?#")) {
      const end = p.indexOf(")", this.i);
      if (end < 0) this.fail("unterminated (?# comment");
      this.i = end + 1;
      return;
    } else if ((m = /^\?P=(\w+)\)/.exec(rest))) {
      this.i += m[0].length;
      return void seq.push({ t: "backref", s: `\\k<${m[1]}>`, numeric: false });
    } else if ((m = /^\?(?:P?<(\w+)>|'(\w+)')/.exec(rest))) {
      open = `(?<${m[1] ?? m[2]}>`;
      this.i += m[0].length;
    } else if ((m = /^\?(:|=|!|<=|<!)/.exec(rest))) {
      open = "(" + m[0];
      kind = m[1] === ":" ? "nocap" : "look";
      this.i += m[0].length;
    } else if (rest.startsWith("?>")) {
      kind = "atomic";
      open = "(?:";
      this.needsAtomic = true;
      this.i += 2;
    } else if ((m = /^\?([imsxn]*)(?:-([imsxn]*))?([:)])/.exec(rest))) {
      const on = m[1], off = m[2] ?? "";
      if (m[3] === ")") this.fail(`inline flags (${m[0]} in the middle of a pattern are not supported: put them first, or use (?${on}${off ? "-" + off : ""}:...) around the part`);
      if (on.includes("x")) this.x = true;
      if (off.includes("x")) this.x = false;
      const js = (s: string) => s.replace(/[xn]/g, "");
      open = js(on) || js(off) ? `(?${js(on)}${js(off) ? "-" + js(off) : ""}:` : "(?:";
      kind = "nocap";
      this.i += m[0].length;
    } else if (rest.startsWith("?")) {
      const what = /^\?(\(|R|\d|&|P>|\{|\?\{|\||\^)/.test(rest) ? "conditionals, recursion, code blocks, branch reset and (?^) are" : "this group syntax is";
      this.fail(`(${rest.slice(0, 4)}...: ${what} not supported in JavaScript regexes`);
    }
    const alts = this.alts(false);
    this.i++; // ")"
    this.x = savedX;
    seq.push({ t: "group", open, kind, alts });
  }

  cls(): Node {
    const p = this.p;
    let s = "[";
    if (p[this.i] === "^") { s += "^"; this.i++; }
    if (p[this.i] === "]") { s += "\\]"; this.i++; }
    for (;;) {
      if (this.i >= p.length) this.fail("character class is not terminated (missing ])");
      const c = p[this.i++];
      if (c === "]") break;
      if (c === "[") {
        const m = /^:(\^?)(\w+):\]/.exec(p.slice(this.i));
        if (m) {
          if (m[1] || !(m[2] in POSIX)) this.fail(`POSIX class [:${m[1]}${m[2]}:] is not supported`);
          s += POSIX[m[2]];
          this.i += m[0].length;
        } else s += "\\[";
        continue;
      }
      if (c !== "\\") { s += c; continue; }
      const e = p[this.i++];
      if (e === undefined) this.fail("pattern ends with a backslash");
      if (e === "h") s += HSPACE;
      else if (e === "v") s += VSPACE;
      else if (e === "e") s += "\\x1b";
      else if (e === "a") s += "\\x07";
      else if (e === "x" && p[this.i] === "{") s += this.hexBrace();
      else if ("HVNRpPXCzZAGK".includes(e)) this.fail(`\\${e} is not supported inside a character class`);
      else s += "\\" + e;
    }
    return { t: "atom", s: s + "]" };
  }

  hexBrace(): string {
    const m = /^\{([0-9a-fA-F]{1,6})\}/.exec(this.p.slice(this.i));
    if (!m) this.fail("bad \\x{...} escape");
    this.i += m[0].length;
    const n = parseInt(m[1], 16);
    if (n > 0xffff) this.fail(`\\x{${m[1]}} is beyond U+FFFF (not supported)`);
    return "\\u" + n.toString(16).padStart(4, "0");
  }

  escape(seq: Node[]): void {
    const p = this.p;
    const e = p[this.i++];
    if (e === undefined) this.fail("pattern ends with a backslash");
    const lit = (s: string, ch: string) => seq.push({ t: "lit", s, ch });
    const atom = (s: string) => seq.push({ t: "atom", s });
    const as = (s: string) => seq.push({ t: "assert", s });
    let m: RegExpExecArray | null;
    switch (e) {
      case "Q": {
        let end = p.indexOf("\\E", this.i);
        if (end < 0) end = p.length;
        for (const ch of p.slice(this.i, end)) lit(/[\\^$.*+?()[\]{}|/]/.test(ch) ? "\\" + ch : ch, ch);
        this.i = Math.min(p.length, end + 2);
        return;
      }
      case "E": case "K": return;
      case "z": return as("(?![\\s\\S])");
      case "Z": return as("(?=\\n?(?![\\s\\S]))");
      case "A": return as("(?<![\\s\\S])");
      case "b": case "B":
        if (p[this.i] === "{") this.fail(`\\${e}{...} is not supported`);
        return as("\\" + e);
      case "h": return atom(`[${HSPACE}]`);
      case "H": return atom(`[^${HSPACE}]`);
      case "v": return atom(`[${VSPACE}]`);
      case "V": return atom(`[^${VSPACE}]`);
      case "R": return atom(`(?:\\r\\n|[${VSPACE}])`);
      case "N":
        if (p[this.i] === "{") this.fail("\\N{...} named characters are not supported");
        return atom("[^\\n]");
      case "e": return lit("\\x1b", "\x1b");
      case "a": return lit("\\x07", "\x07");
      case "t": return lit("\\t", "\t");
      case "n": return lit("\\n", "\n");
      case "r": return lit("\\r", "\r");
      case "f": return lit("\\f", "\f");
      case "d": case "D": case "w": case "W": case "s": case "S": return atom("\\" + e);
      case "x":
        if (p[this.i] === "{") {
          const s = this.hexBrace();
          return lit(s, String.fromCharCode(parseInt(s.slice(2), 16)));
        }
        if ((m = /^[0-9a-fA-F]{1,2}/.exec(p.slice(this.i)))) {
          this.i += m[0].length;
          return lit("\\x" + m[0].padStart(2, "0"), String.fromCharCode(parseInt(m[0], 16)));
        }
        this.fail("bad \\x escape");
      case "c":
        this.i++;
        return atom("\\c" + p[this.i - 1]);
      case "g":
        if ((m = /^(?:\{(\d+)\}|(\d+))/.exec(p.slice(this.i)))) {
          this.i += m[0].length;
          this.numericBackrefs = true;
          return void seq.push({ t: "backref", s: "\\" + (m[1] ?? m[2]), numeric: true });
        }
        if ((m = /^\{(\w+)\}/.exec(p.slice(this.i))) && !/^-/.test(m[1])) {
          this.i += m[0].length;
          return void seq.push({ t: "backref", s: `\\k<${m[1]}>`, numeric: false });
        }
        this.fail("relative backreferences \\g{-N} are not supported");
      case "k":
        if ((m = /^(?:<(\w+)>|'(\w+)'|\{(\w+)\})/.exec(p.slice(this.i)))) {
          this.i += m[0].length;
          return void seq.push({ t: "backref", s: `\\k<${m[1] ?? m[2] ?? m[3]}>`, numeric: false });
        }
        this.fail("bad \\k backreference");
      case "G": this.fail("\\G is not supported");
      case "p": case "P": case "X": case "C": this.fail(`\\${e} (Unicode properties / clusters) is not supported`);
      case "l": case "u": case "L": case "U": this.fail(`\\${e} case-changing escapes are not supported`);
    }
    if (/[1-9]/.test(e)) {
      m = /^\d*/.exec(p.slice(this.i))!;
      this.i += m[0].length;
      this.numericBackrefs = true;
      return void seq.push({ t: "backref", s: "\\" + e + m[0], numeric: true });
    }
    if (e === "0") {
      m = /^[0-7]{0,2}/.exec(p.slice(this.i))!;
      this.i += m[0].length;
      return lit("\\x" + parseInt("0" + m[0], 8).toString(16).padStart(2, "0"), String.fromCharCode(parseInt("0" + m[0], 8)));
    }
    // Perl passes unknown escapes through as the literal character (\- \/ \@ \y ...).
    if (/[a-zA-Z]/.test(e)) return lit(e, e);
    lit("\\" + e, e);
  }
}

let atomicSeq = 0;
export function emit(n: Node): string {
  switch (n.t) {
    case "group": {
      const body = n.alts.map((a) => a.map(emit).join("")).join("|");
      if (n.kind === "atomic") {
        const g = `__a${atomicSeq++}`;
        return `(?=(?<${g}>${body}))\\k<${g}>`;
      }
      return `${n.open}${body})`;
    }
    case "quant": {
      const inner = emit(n.node) + n.q;
      if (!n.possessive) return inner;
      const g = `__a${atomicSeq++}`;
      return `(?=(?<${g}>${inner}))\\k<${g}>`;
    }
    default:
      return n.s;
  }
}

/** The JS source of a parsed pattern (fresh group names for atomic/possessive parts). */
export function emitPattern(tree: Node[][]): string {
  atomicSeq = 0;
  return tree.map((a) => a.map(emit).join("")).join("|");
}
