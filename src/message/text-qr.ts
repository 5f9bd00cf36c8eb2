// QR codes drawn without a picture (2024 on): an HTML table whose cells are painted black and
// white, boxes (empty divs or spans, painted or not) in rows, or lines of block characters (█ ▀ ▄). A mail reader shows a QR code that a phone
// reads; an image-based QR check sees no picture at all. Each such drawing is turned into the
// picture it shows (a gray PNG, pdf-images.ts's writer) and joins the message's pictures, so
// checks/qr.ts reads it as any other QR code.
//
// Bounded and cheap for the mail that has none: a table is looked at only when the message has
// at least MIN_SIDE² cells, block text only when it has a block character; at most
// MAX_DRAWINGS drawings a message, each at most MAX_SIDE modules a side.
import { decodeEntities } from "./html";
import { colorOf, UNKNOWN } from "./html-ink";
import { grayPng } from "./pdf-images";

/** A QR code is at least 21 modules a side (version 1), at most 177 (version 40). */
const MIN_SIDE = 21;
const MAX_SIDE = 177;
const MAX_DRAWINGS = 2;
/** Pixels per unit (a module, or half of one drawn with full blocks), and the white border in units the decoder needs around a code. */
const SCALE = 4;
const QUIET = 8;
/** Text looked at, at most (a drawing is a few KB; a lure puts it near the top). */
const MAX_TEXT = 512 * 1024;

/** PNG pictures of the QR-like drawings in a message's raw text parts (rawbody: HTML as written). */
export function textQrPictures(rawbody: string): Uint8Array[] {
  const text = rawbody.length > MAX_TEXT ? rawbody.slice(0, MAX_TEXT) : rawbody;
  const out: Uint8Array[] = [];
  for (const grid of [...tableGrids(text), ...boxGrids(text), ...blockGrids(text)]) {
    if (out.length >= MAX_DRAWINGS) break;
    out.push(picture(grid));
  }
  return out;
}

type Grid = boolean[][];

const CELL = /<t[dh]\b([^>]*)>/gi;
const ROW = /<tr\b[^>]*>([\s\S]*?)(?=<tr\b|$)/gi;

/** Grids of tables with at least MIN_SIDE rows of MIN_SIDE or more painted cells, all rows alike. */
function tableGrids(html: string): Grid[] {
  let cells = 0;
  for (let i = html.indexOf("<t"); i >= 0 && cells < MIN_SIDE * MIN_SIDE; i = html.indexOf("<t", i + 2)) if (/^<t[dh]\b/i.test(html.slice(i, i + 4))) cells++;
  if (cells < MIN_SIDE * MIN_SIDE) return [];
  const grids: Grid[] = [];
  for (const content of innermostTables(html)) {
    const rows: boolean[][] = [];
    for (const r of content.matchAll(ROW)) {
      const row: boolean[] = [];
      for (const c of r[1].matchAll(CELL)) row.push(isDark(c[1]));
      if (row.length) rows.push(row);
      if (rows.length > MAX_SIDE) break;
    }
    if (square(rows)) grids.push(rows);
    if (grids.length >= MAX_DRAWINGS) break;
  }
  return grids;
}

/** An element of the box reading: its attributes, and its element children ("br" for a line break). */
interface Box {
  attrs: string;
  kids: (Box | "br")[];
}
const TAG = /<(\/?)([a-z][a-z0-9]*)\b([^>]*)>/gi;
/** Elements with no content: never a box (br is a line break). */
const VOID = new Set(["br", "img", "hr", "meta", "input", "link", "wbr", "col", "area", "base", "source", "track", "embed", "param"]);
/** Tables are tableGrids' (a cell is no box here, so a table drawing is not read twice). */
const TABLE_TAGS = new Set(["table", "thead", "tbody", "tfoot", "tr", "td", "th", "caption", "colgroup"]);
/** Elements open at once that the reading follows; deeper ones are read as if closed (a drawing is a few levels deep). */
const MAX_NESTING = 32;
const isLeaf = (k: Box | "br"): k is Box => k !== "br" && k.kids.length === 0;
/**
 * An empty div or span (spaces at most inside): what a drawing of boxes is made of, and what a
 * newsletter's hundreds of spans are not. The box reading starts only past MIN_SIDE² of them
 * (measured: a 134 KB newsletter of 3 000 spans with words cost 4 ms to read as boxes).
 */
const EMPTY_BOX = /<(?:div|span)\b[^<>]*>(?:\s|&nbsp;|&#160;)*<\/(?:div|span)>/gi;
/** The cheaper test first: a div or span closed right after a tag or a character reference (every empty box is one). */
const BOX_CLOSE = /[>;]\s*<\/(?:div|span)\b/gi;
/** Matches of a global regex in `s`, counted up to MIN_SIDE². */
function count(re: RegExp, s: string): number {
  let n = 0;
  re.lastIndex = 0;
  while (n < MIN_SIDE * MIN_SIDE && re.exec(s)) n++;
  return n;
}

/**
 * Grids drawn with boxes: elements with no element inside (empty divs or spans sized by their
 * style, painted dark or not) in rows. A row is a container of boxes alone, or a run of boxes
 * between line breaks; a container of rows, or of n × n boxes floated or set inline-block
 * with nothing between them (n a QR code's side), is a grid. Looked at only when the text has
 * at least MIN_SIDE² empty divs and spans; the elements are read once, in one pass over the tags.
 */
function boxGrids(html: string): Grid[] {
  if (count(BOX_CLOSE, html) < MIN_SIDE * MIN_SIDE || count(EMPTY_BOX, html) < MIN_SIDE * MIN_SIDE) return [];
  const root: Box = { attrs: "", kids: [] };
  const open: { name: string; box: Box }[] = [{ name: "", box: root }];
  for (const m of html.matchAll(TAG)) {
    const name = m[2].toLowerCase();
    if (TABLE_TAGS.has(name)) continue;
    if (m[1]) {
      // A closing tag closes its element and any left open inside it; one with no open element is ignored.
      for (let i = open.length - 1; i > 0; i--)
        if (open[i].name === name) {
          open.length = i;
          break;
        }
      continue;
    }
    const parent = open[open.length - 1].box;
    if (name === "br") parent.kids.push("br");
    if (VOID.has(name)) continue;
    const box: Box = { attrs: m[3], kids: [] };
    parent.kids.push(box);
    if (!m[3].endsWith("/") && open.length < MAX_NESTING) open.push({ name, box });
  }
  const grids: Grid[] = [];
  const todo: Box[] = [root];
  while (todo.length && grids.length < MAX_DRAWINGS) {
    const box = todo.pop()!;
    const rows = rowsOf(box);
    if (rows && square(rows)) grids.push(rows);
    else for (const k of box.kids) if (k !== "br" && k.kids.length) todo.push(k);
  }
  return grids;
}

/** The rows a box's children draw, if they draw any: see boxGrids. */
function rowsOf(box: Box): Grid | undefined {
  const { kids } = box;
  if (kids.length < MIN_SIDE) return undefined;
  const dark = (k: Box) => isDark(k.attrs);
  if (kids.every((k) => k === "br" || isLeaf(k))) {
    if (kids.includes("br")) {
      const rows: Grid = [[]];
      for (const k of kids) {
        if (k === "br") rows.push([]);
        else rows[rows.length - 1].push(dark(k));
      }
      return rows.filter((r) => r.length);
    }
    // n × n boxes and no break: rows of n, the container's width wrapping them.
    const n = Math.round(Math.sqrt(kids.length));
    if (n * n !== kids.length || n < MIN_SIDE || n > MAX_SIDE) return undefined;
    return Array.from({ length: n }, (_, y) => (kids.slice(y * n, (y + 1) * n) as Box[]).map(dark));
  }
  if (kids.every((k) => k !== "br" && k.kids.length >= MIN_SIDE && k.kids.every(isLeaf))) return (kids as Box[]).map((r) => (r.kids as Box[]).map(dark));
  return undefined;
}

/**
 * The contents of the innermost tables (a drawing sits in a layout table): from a "<table"
 * tag to the next "</table" or "<table", when the first comes first. A scan with indexOf: the
 * regex it replaces (a tempered "not <table" repeat) took 250 ms over 512 KB of cells.
 */
function* innermostTables(html: string): Generator<string> {
  const lower = html.toLowerCase();
  const tag = (from: number) => {
    for (let i = lower.indexOf("<table", from); i >= 0; i = lower.indexOf("<table", i + 6)) if (!/[a-z0-9-]/.test(lower[i + 6] ?? "")) return i;
    return -1;
  };
  // The next "</table" is looked for again only once passed: a page of opening tags and no
  // closing one would otherwise be read to its end once for every tag.
  let close = -2;
  for (let start = tag(0); start >= 0; ) {
    const body = lower.indexOf(">", start) + 1;
    if (body === 0) return;
    const next = tag(body);
    if (close !== -1 && close < body) close = lower.indexOf("</table", body);
    if (next < 0 || (close >= 0 && close < next)) yield html.slice(body, close >= 0 ? close : html.length);
    start = next;
  }
}

/**
 * Whether a cell is painted dark: its bgcolor or style background read as the renderer reads
 * colours (html-ink.ts colorOf), luminance under half; an unpainted cell, or a colour no
 * reader could be sure of, is the page's white.
 */
function isDark(attrs: string): boolean {
  const m = /\bbgcolor\s*=\s*["']?\s*([#\w]+)|background(?:-color)?\s*:\s*(#[0-9a-f]{3,8}|rgba?\([^)]*\)|[a-z]+)/i.exec(attrs);
  const v = m?.[1] ?? m?.[2];
  const c = v === undefined ? undefined : colorOf(v.toLowerCase().replace(/\s+/g, ""), m?.[1] !== undefined);
  return c !== undefined && c !== UNKNOWN && 0.299 * (c >> 16) + 0.587 * ((c >> 8) & 0xff) + 0.114 * (c & 0xff) < 128;
}

// Block characters: each is one module wide and two tall (a line is two modules: the upper and
// the lower half), so half blocks draw one module each and a "██" pair on a line one module of a
// code drawn with full blocks only. Spaces of any kind are light.
const UPPER = "▀";
const LOWER = "▄";
const FULL = "█";
const BLOCK_LINE = /^[█▀▄ \u00a0\u2000-\u200a\u3000]+$/;
const BLOCK_ENTITY = /&#(?:9608|9600|9604|x2588|x2580|x2584);/i;

/** Grids of runs of at least MIN_SIDE / 2 lines of block characters, each MIN_SIDE or more wide. */
function blockGrids(text: string): Grid[] {
  if (!/[█▀▄]/.test(text) && !BLOCK_ENTITY.test(text)) return [];
  // Lines as a reader sees them: tags that end a line end one, other tags go, references
  // decoded and invisible characters dropped as html.ts does (not renderHtml itself: it folds
  // white space, and a drawing's spaces are its light modules).
  const lines = decodeEntities(text.replace(/<(?:br|\/p|\/div|\/tr|\/pre)\b[^>]*>/gi, "\n").replace(/<[^>]*>/g, "")).split(/\r?\n/);
  const grids: Grid[] = [];
  let run: string[] = [];
  let long = false; // the run has more lines than a QR code has rows: art, not a code
  const flush = () => {
    if (run.length * 2 >= MIN_SIDE && !long) {
      const width = run.reduce((w, l) => Math.max(w, l.length), 0);
      const rows: Grid = [];
      for (const l of run) {
        const upper: boolean[] = [];
        const lower: boolean[] = [];
        for (let x = 0; x < width; x++) {
          const c = l[x] ?? " ";
          upper.push(c === FULL || c === UPPER);
          lower.push(c === FULL || c === LOWER);
        }
        rows.push(upper, lower);
      }
      if (rows[0].length >= MIN_SIDE) grids.push(rows);
    }
    run = [];
    long = false;
  };
  for (const raw of lines) {
    const l = raw.replace(/\s+$/, "");
    if (l.length >= MIN_SIDE && l.length <= 2 * MAX_SIDE && BLOCK_LINE.test(l) && /[█▀▄]/.test(l)) {
      if (run.length < MAX_SIDE) run.push(l);
      else long = true;
    } else flush();
    if (grids.length >= MAX_DRAWINGS) return grids;
  }
  flush();
  return grids;
}

/** Rows that make a QR-sized square: MIN_SIDE to MAX_SIDE of them, each as long as the count, light and dark both present. */
function square(rows: Grid): boolean {
  const n = rows.length;
  if (n < MIN_SIDE || n > MAX_SIDE || !rows.every((r) => r.length === n)) return false;
  const dark = rows.reduce((s, r) => s + r.filter(Boolean).length, 0);
  return dark > n * n * 0.2 && dark < n * n * 0.8;
}

/** The grid drawn as a gray PNG: SCALE pixels a module, QUIET modules of white around it. */
function picture(grid: Grid): Uint8Array {
  const h = grid.length;
  const w = grid.reduce((m, r) => Math.max(m, r.length), 0);
  const width = (w + 2 * QUIET) * SCALE;
  const height = (h + 2 * QUIET) * SCALE;
  const pixels = new Uint8Array(width * height).fill(255);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      if (!grid[y][x]) continue;
      for (let dy = 0; dy < SCALE; dy++) pixels.fill(0, ((QUIET + y) * SCALE + dy) * width + (QUIET + x) * SCALE, ((QUIET + y) * SCALE + dy) * width + (QUIET + x + 1) * SCALE);
    }
  return grayPng(width, height, pixels);
}
