// Script gates: rules written in Russian, Chinese, Japanese, Korean or Greek hold no ASCII literal,
// so the literal prefilter (regex-prefilter.ts) cannot keep their regexes off the mail (nearly
// all) that holds none of their letters, and each cost 2–18 µs a message on the training split
// (prefilter-stats.ts), most of it walking English text for a first Cyrillic or Chinese
// character. The compiler finds the scripts a rule's every match must contain a character of
// (`scripts`, format.ts); the literal scan, which already looks at each non-ASCII character,
// notes the scripts a text holds, and the matcher runs the regex only when one of the rule's
// is present.
//
// A script here is a set of BMP blocks closed under the case folding of a non-unicode /i
// regex (ES Canonicalize): /в/i also matches U+1C80 (rounded ve), so that block is Cyrillic
// too (scripts.test.ts checks the closure over the whole BMP).
import type { Node } from "./regex-parse";

export const SCRIPTS = ["cyrillic", "cjk", "hangul", "greek"] as const;
export type Script = (typeof SCRIPTS)[number];
/**
 * One letter of each script: what a crafted text puts in every segment to pass a gate, and so
 * what fuzz-time.ts writes into a gated rule's inputs. A new script adds its letter here.
 */
export const SCRIPT_SAMPLE: Record<Script, string> = { cyrillic: "ж", cjk: "中", hangul: "한", greek: "λ" };

/** Index in SCRIPTS of the script of UTF-16 code unit `c`, or -1. */
export function scriptOf(c: number): number {
  // Greek and Coptic; with the micro sign and the combining iota subscript, which /i folds to
  // Greek capitals (µ to Μ, U+0345 to Ι), and Greek Extended (polytonic).
  if (c < 0x400) return (c >= 0x370 || c === 0xb5 || c === 0x345) ? 3 : -1;
  if (c >= 0x1f00 && c <= 0x1fff) return 3;
  // Cyrillic, Supplement; Extended-C (case variants of в д о с т ъ ѣ); Extended-A; Extended-B.
  if (c <= 0x52f || (c >= 0x1c80 && c <= 0x1c8f) || (c >= 0x2de0 && c <= 0x2dff) || (c >= 0xa640 && c <= 0xa69f)) return 0;
  // CJK punctuation, kana, Extension A, unified ideographs, compatibility ideographs, and the
  // fullwidth forms (：，！) Chinese and Japanese text writes its punctuation with.
  if ((c >= 0x3000 && c <= 0x30ff) || (c >= 0x3400 && c <= 0x4dbf) || (c >= 0x4e00 && c <= 0x9fff) || (c >= 0xf900 && c <= 0xfaff) || (c >= 0xff01 && c <= 0xff9f)) return 1;
  // Hangul: Jamo, compatibility Jamo, Jamo Extended-A, syllables, Jamo Extended-B.
  if ((c >= 0x1100 && c <= 0x11ff) || (c >= 0x3130 && c <= 0x318f) || (c >= 0xa960 && c <= 0xa97f) || (c >= 0xac00 && c <= 0xd7ff)) return 2;
  return -1;
}

/** Scripts (bit k = SCRIPTS[k]) of a character class, if every character it matches is in one; 0 otherwise. Memoised: a class is tested against every BMP code unit. */
const classMemo = new Map<string, number>();
function classScripts(s: string, ignoreCase: boolean): number {
  // Negated classes and classes without a non-ASCII character match ASCII or everything.
  if (s.startsWith("[^") || !/[^\x00-\x7f]|\\u/.test(s)) return 0;
  const key = `${ignoreCase ? "i" : ""}${s}`;
  let bits = classMemo.get(key);
  if (bits === undefined) {
    const re = new RegExp(`^${s}$`, ignoreCase ? "i" : "");
    bits = 0;
    for (let c = 0; c <= 0xffff; c++) {
      if (!re.test(String.fromCharCode(c))) continue;
      const k = scriptOf(c);
      if (k < 0) {
        bits = 0;
        break;
      }
      bits |= 1 << k;
    }
    classMemo.set(key, bits);
  }
  return bits;
}

/** Scripts one of which a match of `n` must contain a character of (bits), 0 when none is required. */
function nodeScripts(n: Node, ignoreCase: boolean): number {
  switch (n.t) {
    case "lit": {
      const k = scriptOf(n.ch.charCodeAt(0));
      return k < 0 ? 0 : 1 << k;
    }
    case "atom":
      return n.s.startsWith("[") ? classScripts(n.s, ignoreCase) : 0;
    case "group":
      return n.kind === "look" ? 0 : altsScripts(n.alts, ignoreCase);
    case "quant":
      return n.min >= 1 ? nodeScripts(n.node, ignoreCase) : 0;
    default:
      return 0;
  }
}

/** Along one alternative: the narrowest script set of a node every match passes through. */
function seqScripts(seq: Node[], ignoreCase: boolean): number {
  let best = 0;
  for (const n of seq) {
    const b = nodeScripts(n, ignoreCase);
    if (b && (!best || popcount(b) < popcount(best))) best = b;
    if (best && popcount(best) === 1) break;
  }
  return best;
}

/** Every alternative must require one; the union of theirs. */
function altsScripts(alts: Node[][], ignoreCase: boolean): number {
  let bits = 0;
  for (const alt of alts) {
    const b = seqScripts(alt, ignoreCase);
    if (!b) return 0;
    bits |= b;
  }
  return bits;
}

/** Set bits of a script mask (any number of SCRIPTS). */
const popcount = (b: number): number => {
  let n = 0;
  for (; b; b &= b - 1) n++;
  return n;
};

/** The scripts every match of the pattern holds a character of (one of them at least), or undefined. */
export function requiredScripts(tree: Node[][], flags: string): Script[] | undefined {
  const bits = altsScripts(tree, flags.includes("i"));
  return bits ? SCRIPTS.filter((_, k) => bits & (1 << k)) : undefined;
}
