// PDF string objects and dictionaries, for pdf.ts (link targets) and pdf-lock.ts (the
// encryption dictionary's binary /O and /U): ISO 32000-1 §7.3.4 and §7.3.7.

/** A string from its opening "(" or "<", as bytes in a latin1 string (nothing trimmed); undefined when it does not end within the bound. */
export function pdfString(s: string, at: number): string | undefined {
  return s[at] === "(" ? literalString(s, at + 1) : s[at] === "<" ? hexString(s, at + 1) : undefined;
}

/** A literal string from just after its "(" (§7.3.4.2: balanced parentheses, backslash escapes), at most 2 048 characters. */
function literalString(s: string, from: number): string | undefined {
  let out = "";
  let depth = 1;
  for (let i = from; i < s.length && out.length < 2048; i++) {
    const c = s[i];
    if (c === "\\") {
      const n = s[++i];
      if (n === undefined) break;
      const oct = /^[0-7]{1,3}/.exec(s.slice(i, i + 3));
      if (oct) {
        out += String.fromCharCode(parseInt(oct[0], 8) & 0xff);
        i += oct[0].length - 1;
      } else if (n === "\r" || n === "\n") {
        if (n === "\r" && s[i + 1] === "\n") i++; // a line continuation
      } else out += ({ n: "\n", r: "\r", t: "\t", b: "\b", f: "\f" } as Record<string, string>)[n] ?? n;
      continue;
    }
    if (c === "(") depth++;
    else if (c === ")" && --depth === 0) return out;
    out += c;
  }
  return undefined;
}

/** A hex string from just after its "<" (§7.3.4.3: white space ignored, an odd last digit is followed by 0). */
function hexString(s: string, from: number): string | undefined {
  const end = s.indexOf(">", from);
  if (end < 0 || end - from > 4096) return undefined;
  const hex = s.slice(from, end).replace(/\s+/g, "");
  if (!/^[0-9a-fA-F]*$/.test(hex)) return undefined;
  let out = "";
  for (let i = 0; i < hex.length; i += 2) out += String.fromCharCode(parseInt(hex.slice(i, i + 2).padEnd(2, "0"), 16));
  return out;
}

/** The dictionary opening at `at` ("<<"), to its matching ">>", strings skipped (their bytes may hold ">>"); at most 8 KB. */
export function dictionaryAt(s: string, at: number): string | undefined {
  let depth = 0;
  const end = Math.min(s.length, at + 8192);
  for (let i = at; i < end; i++) {
    const c = s[i];
    if (c === "(") i = literalEnd(s, i, end);
    else if (c === "<" && s[i + 1] === "<") {
      depth++;
      i++;
    } else if (c === "<") {
      const close = s.indexOf(">", i);
      if (close < 0) return undefined;
      i = close;
    } else if (c === ">" && s[i + 1] === ">") {
      i++;
      if (--depth === 0) return s.slice(at, i + 1);
    }
  }
  return undefined;
}

/** A dictionary's own entries: the text of dictionaries nested in it left out (a crypt filter's /Length is not the file's). */
export function topLevelOf(dict: string): string {
  let out = "";
  let depth = 0;
  for (let i = 0; i < dict.length; i++) {
    const c = dict[i];
    let end = i;
    if (c === "(") end = literalEnd(dict, i, dict.length);
    else if (c === "<" && dict[i + 1] === "<") {
      depth++;
      end = i + 1;
    } else if (c === ">" && dict[i + 1] === ">") {
      depth--;
      end = i + 1;
    } else if (c === "<") end = Math.max(i, dict.indexOf(">", i));
    if (depth <= 1) out += dict.slice(i, end + 1);
    i = end;
  }
  return out;
}

/** Where the literal string opening at `open` closes (its ")", balanced, escapes skipped), or `limit - 1` when it does not. Its bytes may hold ">>". */
function literalEnd(s: string, open: number, limit: number): number {
  let depth = 1;
  let i = open + 1;
  for (; i < limit && depth > 0; i++) {
    if (s[i] === "\\") i++;
    else if (s[i] === "(") depth++;
    else if (s[i] === ")") depth--;
  }
  return i - 1;
}

/** The object whose "N G obj" comes last before `at`, within `window` characters: its number, generation and where its header starts. */
export function objectBefore(text: string, at: number, window: number): { num: number; gen: number; at: number } | undefined {
  const re = /(\d{1,10})\s+(\d{1,5})\s+obj\b/g;
  re.lastIndex = Math.max(0, at - window);
  let last: { num: number; gen: number; at: number } | undefined;
  for (let m = re.exec(text); m && m.index < at; m = re.exec(text)) last = { num: Number(m[1]), gen: Number(m[2]), at: m.index };
  return last;
}
