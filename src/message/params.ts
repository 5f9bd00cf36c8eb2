// Content-Type / Content-Disposition values: `type/subtype *(";" attribute "=" value)`, read
// from the raw (unfolded, undecoded) field by one linear scanner.
//   RFC 2045 §5.1   value := token / quoted-string; tspecials end a token
//   RFC 5322 §3.2.2 CFWS: whitespace and comments "( … )", nested, with quoted-pairs, allowed
//                   between any two tokens (RFC 2045 §5.1 keeps RFC 822's lexical rules)
//   RFC 5322 §3.2.4 quoted-string with quoted-pairs "\x"
//   RFC 2231 §3/§4  continuations name*0, name*1 …; charset-tagged name*=utf-8'en'%E2%82%AC and
//                   name*0*= … name*1*= (only the first section carries charset'language')
// RFC 2047 is never applied here: `boundary="=?utf-8?q?y?="` is that literal string (RFC 2047 §5:
// an encoded word must not appear within a quoted-string or a parameter value).
// Lenient where real mail is sloppy and readers agree: unquoted values may hold tspecials such
// as "=" and "/" (`boundary=----=_Part_1`), a value followed by stray words runs to the next ";"
// (`name=my file.pdf`), an unterminated quoted string runs to the end. Every such repair is a
// defect. Names are case-insensitive (RFC 2045 §5.1). Bounded: at most MAX_PARAMS parameters,
// MAX_SECTIONS continuation sections each; one pass over the value.
import { decodeText } from "./mime";

const MAX_PARAMS = 64;
const MAX_SECTIONS = 100;

export interface ParsedParams {
  /** `type/subtype` in lower case, comments and whitespace removed; "" when absent. */
  type: string;
  /** Parameter values by lower-case name; RFC 2231 sections joined and decoded. First occurrence wins. */
  params: Record<string, string>;
  /** Names given more than once with different values: every value in order (readers disagree on which wins). */
  repeated: Record<string, string[]>;
  defects: string[];
}

interface Section {
  value: string;
  /** RFC 2231 extended (percent-encoded, `*` after the name or section number). */
  ext: boolean;
}

/** A token ends at whitespace, ";" (the parameter separator), "(" (a comment) or '"'. */
const isTokenChar = (c: number) => c > 0x20 && c !== 0x3b && c !== 0x28 && c !== 0x22 && c !== 0x7f;
/** Tokens of an attribute name stop at "=" as well. */
const isNameChar = (c: number) => isTokenChar(c) && c !== 0x3d;

export function parseParamValue(raw: string): ParsedParams {
  const defects: string[] = [];
  const n = raw.length;
  let i = 0;

  // Whitespace and (nested) comments; an unclosed comment runs to the end.
  const skipCfws = () => {
    while (i < n) {
      const c = raw.charCodeAt(i);
      if (c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a) {
        i++;
        continue;
      }
      if (c !== 0x28) return;
      let depth = 0;
      for (; i < n; i++) {
        const d = raw.charCodeAt(i);
        if (d === 0x5c) i++;
        else if (d === 0x28) depth++;
        else if (d === 0x29 && --depth === 0) {
          i++;
          break;
        }
      }
      if (depth > 0) defects.push("unclosed comment in a parameter list");
    }
  };
  const readWhile = (ok: (c: number) => boolean) => {
    const s = i;
    while (i < n && ok(raw.charCodeAt(i))) i++;
    return raw.slice(s, i);
  };
  let escapeAt = -1; // the first "\\" at or after i when not below i (n: none)
  const readQuoted = () => {
    let out = "";
    i++; // opening quote
    // Without a backslash before the closing quote the value is a slice, not a string built a
    // character at a time (boundaries are long). escapeAt is kept between calls: i only grows,
    // so many quoted strings in one value still cost one search for "\\".
    const close = raw.indexOf('"', i);
    if (escapeAt < i) {
      escapeAt = raw.indexOf("\\", i);
      if (escapeAt < 0) escapeAt = n;
    }
    if (escapeAt >= (close < 0 ? n : close)) {
      out = raw.slice(i, close < 0 ? n : close);
      i = close < 0 ? n : close + 1;
      if (close < 0) defects.push("unterminated quoted string in a parameter list");
      return out;
    }
    while (i < n) {
      const c = raw.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return out;
      }
      if (c === 0x5c && i + 1 < n) i++;
      out += raw[i++];
    }
    defects.push("unterminated quoted string in a parameter list");
    return out;
  };
  const skipToSemicolon = () => {
    const s = i;
    while (i < n && raw.charCodeAt(i) !== 0x3b) {
      if (raw.charCodeAt(i) === 0x22) readQuoted();
      else i++;
    }
    return raw.slice(s, i);
  };

  // type "/" subtype, CFWS allowed around each token.
  skipCfws();
  let type = readWhile((c) => isTokenChar(c) && c !== 0x2f).toLowerCase();
  skipCfws();
  if (raw.charCodeAt(i) === 0x2f) {
    i++;
    skipCfws();
    type += "/" + readWhile((c) => isTokenChar(c) && c !== 0x2f).toLowerCase();
    skipCfws();
  }
  if (i < n && raw.charCodeAt(i) !== 0x3b) {
    defects.push("junk after the media type");
    skipToSemicolon();
  }

  const plain = new Map<string, string[]>();
  const sections = new Map<string, Map<number, Section>>();
  let count = 0;
  while (i < n && count < MAX_PARAMS) {
    i++; // ";"
    skipCfws();
    if (i >= n) break;
    if (raw.charCodeAt(i) === 0x3b) continue; // ";;" or a trailing ";"
    const name = readWhile(isNameChar).toLowerCase();
    skipCfws();
    if (!name || raw.charCodeAt(i) !== 0x3d) {
      defects.push(`parameter ${JSON.stringify(name.slice(0, 40))} without a value`);
      skipToSemicolon();
      continue;
    }
    i++; // "="
    skipCfws();
    const start = i;
    let value = raw.charCodeAt(i) === 0x22 ? readQuoted() : readWhile(isTokenChar);
    skipCfws();
    if (i < n && raw.charCodeAt(i) !== 0x3b) {
      // `name=my file.pdf`: readers take the words up to ";"; so do we, and say so.
      defects.push(`parameter ${JSON.stringify(name.slice(0, 40))}: words after its value`);
      skipToSemicolon();
      value = raw.slice(start, i).trim();
    }
    count++;
    const m = name.includes("*") ? /^(.+?)\*(?:(0|[1-9]\d{0,3})(\*)?)?$/.exec(name) : null;
    if (!m) {
      const list = plain.get(name);
      if (list) list.push(value);
      else plain.set(name, [value]);
      continue;
    }
    const [, base, num, star] = m;
    const map = sections.get(base) ?? new Map<number, Section>();
    sections.set(base, map);
    const idx = num === undefined ? 0 : Number(num);
    if (map.has(idx)) defects.push(`parameter ${base}: section ${idx} given twice`);
    else if (map.size < MAX_SECTIONS) map.set(idx, { value, ext: num === undefined || star !== undefined });
  }
  if (count >= MAX_PARAMS && i < n) defects.push(`more than ${MAX_PARAMS} parameters; the rest ignored`);

  const params: Record<string, string> = {};
  const repeated: Record<string, string[]> = {};
  for (const [name, list] of plain) {
    params[name] = list[0];
    const distinct = [...new Set(list)];
    if (distinct.length > 1) repeated[name] = distinct;
  }
  // RFC 2231 §4.1 says readers should prefer the extended value over a plain one of the same name.
  for (const [name, map] of sections) {
    const joined = joinSections(map, defects, name);
    if (params[name] !== undefined && params[name] !== joined) repeated[name] = [joined, ...(repeated[name] ?? [params[name]])];
    params[name] = joined;
  }
  return { type, params, repeated, defects };
}

/** RFC 2231 §3/§4: sections in number order; percent-decoded bytes of extended ones, charset from section 0. */
function joinSections(map: Map<number, Section>, defects: string[], name: string): string {
  const order = [...map.keys()].sort((a, b) => a - b);
  if (order.some((k, j) => k !== j)) defects.push(`parameter ${name}: continuation sections missing`);
  let charset = "";
  const bytes: number[] = [];
  for (const [j, k] of order.entries()) {
    const s = map.get(k)!;
    let v = s.value;
    if (s.ext && j === 0) {
      const q = /^([^']*)'[^']*'/.exec(v);
      if (q) {
        charset = q[1];
        v = v.slice(q[0].length);
      } else defects.push(`parameter ${name}: extended value without charset'language'`);
    }
    for (let p = 0; p < v.length; p++) {
      const h = s.ext && v.charCodeAt(p) === 0x25 ? v.slice(p + 1, p + 3) : "";
      if (h.length === 2 && /^[0-9a-fA-F]{2}$/.test(h)) {
        bytes.push(parseInt(h, 16));
        p += 2;
      } else bytes.push(v.charCodeAt(p) & 0xff);
    }
  }
  // No charset: the bytes are ASCII or raw 8-bit header text; UTF-8 when they are, else windows-1252.
  return decodeText(new Uint8Array(bytes), charset || undefined, defects);
}
