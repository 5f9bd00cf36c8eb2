// HTML tag attributes, read in one pass over the tag's text (html.ts renderHtml).
// Attributes as the regular expression /([^\s=/>"']+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]*)))?/g
// reads them (a quote left open makes the value unquoted, quote included), scanned by hand: a
// regex match per attribute, and an entity decoding of every value, was a third of the MIME
// parse's CPU time on the corpus; only the few attributes renderHtml reads are decoded.

/** JavaScript's \s (ECMA-262 WhiteSpace and LineTerminator): what the regex above skipped. */
export function isJsSpace(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d);
  if (c < 0xa0) return false;
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}
/** A character of an attribute name: not \s, "=", "/", ">", '"' or "'". */
const isNameChar = (c: number) => c !== 0x3d && c !== 0x2f && c !== 0x3e && c !== 0x22 && c !== 0x27 && !isJsSpace(c);
/** isNameChar of the ASCII characters, as a table (nearly every character of real markup). */
const NAME_ASCII = new Uint8Array(128);
for (let c = 0; c < 128; c++) NAME_ASCII[c] = isNameChar(c) ? 1 : 0;
const nameChar = (c: number) => (c < 128 ? NAME_ASCII[c] === 1 : isNameChar(c));

/** At most this many distinct names are read from one tag (a loop bound; later ones are ignored). */
const MAX_NAMES = 64;

/** Attribute names (lower case, first of each name kept, at most 64) to their values as written. */
export function attrsOf(s: string): ReadonlyMap<string, string> {
  const m = new Map<string, string>();
  const n = s.length;
  let i = 0;
  for (;;) {
    while (i < n && !nameChar(s.charCodeAt(i))) i++;
    if (i >= n || m.size >= MAX_NAMES) break;
    const start = i;
    let folds = false; // a character toLowerCase could change (most names are written in lower case)
    for (let c = s.charCodeAt(i); i < n && nameChar(c); c = s.charCodeAt(++i)) if ((c >= 0x41 && c <= 0x5a) || c >= 0x80) folds = true;
    const name = folds ? s.slice(start, i).toLowerCase() : s.slice(start, i);
    i = scanValue(s, i, n);
    if (!m.has(name)) m.set(name, valueFrom < 0 ? "" : s.slice(valueFrom, valueTo));
  }
  return m;
}

// Where scanValue found the value: s[valueFrom..valueTo), valueFrom -1 when there is none.
// Module state rather than a returned object: one object per attribute was measurable.
let valueFrom = -1;
let valueTo = -1;

/** Reads the value of the attribute whose name ends at `i` in s[..n) (valueFrom, valueTo); gives where the scan goes on. */
function scanValue(s: string, i: number, n: number): number {
  let j = i;
  valueFrom = valueTo = -1;
  while (j < n && isJsSpace(s.charCodeAt(j))) j++;
  if (j >= n || s.charCodeAt(j) !== 0x3d) return i;
  j++;
  while (j < n && isJsSpace(s.charCodeAt(j))) j++;
  const q = s.charCodeAt(j);
  // indexOf may look past n (the tag's end, when s is the whole document): a quote there is
  // no closing quote. Each search ends at the next quote, so the searches stay linear.
  const close = q === 0x22 || q === 0x27 ? s.indexOf(q === 0x22 ? '"' : "'", j + 1) : -1;
  if (close >= 0 && close < n) {
    valueFrom = j + 1;
    valueTo = close;
    return close + 1;
  }
  let k = j;
  for (let c = s.charCodeAt(k); k < n && c !== 0x3e && !isJsSpace(c); c = s.charCodeAt(++k));
  valueFrom = j;
  valueTo = k;
  return k;
}

/** The attributes renderHtml reads: first value of each name, as written (not decoded). */
export interface TagAttrs {
  /** Values of href, src, action, background, lowsrc, data, xlink:href in the order their names first appear. */
  urls: string[];
  href?: string;
  alt?: string;
  style?: string;
  color?: string;
  /** The legacy bgcolor attribute (body, table, tr, td, th). */
  bgcolor?: string;
  /** A legacy background attribute (a picture behind the element) is present. */
  bgImage?: boolean;
  /** class and id: for the document's style sheets (html-sheet.ts). */
  cls?: string;
  id?: string;
  /** <body text>: the page's legacy text colour. */
  text?: string;
  /** The dir attribute (ltr, rtl, auto). */
  dir?: string;
  /** <input>: its type, value (a button's label) and placeholder (the grey text of an empty box). */
  type?: string;
  value?: string;
  placeholder?: string;
  hidden: boolean;
}

// xlink:href: an SVG's links (an attached SVG page, beside.ts).
const URL_NAMES = ["href", "src", "action", "background", "lowsrc", "data", "xlink:href"];
const READ = [...URL_NAMES, "alt", "style", "color", "hidden", "bgcolor", "class", "id", "text", "dir", "type", "value", "placeholder"];
const READ_INDEX = new Map(READ.map((name, k) => [name, k]));

/** READ's names by length, each with its index: a name in a tag is compared only with those of its length. */
const BY_LENGTH: [name: string, k: number][][] = [];
READ.forEach((name, k) => (BY_LENGTH[name.length] ??= []).push([name, k]));

/** Index in READ of s[start..end) as a name in any ASCII case, or -1. */
function readIndex(s: string, start: number, end: number): number {
  const names = BY_LENGTH[end - start];
  if (names === undefined) return -1;
  next: for (const [w, k] of names) {
    // w is lower-case letters: a character matches it or its upper case.
    for (let j = 0; j < w.length; j++) {
      const c = s.charCodeAt(start + j);
      const x = w.charCodeAt(j);
      if (c !== x && c !== x - 0x20) continue next;
    }
    return k;
  }
  return -1;
}

type TextField = "href" | "alt" | "style" | "color" | "bgcolor" | "cls" | "id" | "text" | "dir" | "type" | "value" | "placeholder";
/** Where the value of each name of READ goes (class is `cls`); the other URL names go to `urls` only. */
const FIELD = READ.map((name): TextField | undefined => {
  if (name === "class") return "cls";
  if (name === "hidden" || (name !== "href" && URL_NAMES.includes(name))) return undefined;
  return name as TextField;
});
const BACKGROUND = READ.indexOf("background");
const HIDDEN = READ.indexOf("hidden");

function put(a: TagAttrs, k: number, value: string): void {
  if (k < URL_NAMES.length) a.urls.push(value);
  const field = FIELD[k];
  if (field !== undefined) a[field] = value;
  else if (k === BACKGROUND) a.bgImage = true; // a picture behind the element: only that it is there
  else if (k === HIDDEN) a.hidden = true;
}

/**
 * What attrsOf(s.slice(from, to)) holds of the names renderHtml reads, without a Map of every
 * name and a copy of every value: names are matched in place, only the values read are copied.
 * A tag of 64 attributes or more (where the 64-name bound may cut) is read by attrsOf itself.
 */
export function tagAttrs(s: string, from: number, to: number): TagAttrs {
  const a: TagAttrs = { urls: [], hidden: false };
  let seen = 0; // bit k: READ[k] met
  let count = 0;
  let i = from;
  for (;;) {
    while (i < to && !nameChar(s.charCodeAt(i))) i++;
    if (i >= to) break;
    if (count++ >= MAX_NAMES) return fromMap(attrsOf(s.slice(from, to)));
    const start = i;
    let wide = false; // a non-ASCII character: its lower case is looked up whole
    for (let c = s.charCodeAt(i); i < to && nameChar(c); c = s.charCodeAt(++i)) if (c >= 0x80) wide = true;
    const k = wide ? (READ_INDEX.get(s.slice(start, i).toLowerCase()) ?? -1) : readIndex(s, start, i);
    i = scanValue(s, i, to);
    if (k >= 0 && !(seen & (1 << k))) {
      seen |= 1 << k;
      put(a, k, valueFrom < 0 ? "" : s.slice(valueFrom, valueTo));
    }
  }
  return a;
}

function fromMap(m: ReadonlyMap<string, string>): TagAttrs {
  const a: TagAttrs = { urls: [], hidden: false };
  for (const [name, value] of m) {
    const k = READ_INDEX.get(name);
    if (k !== undefined) put(a, k, value);
  }
  return a;
}
