// Text drawn in the colour of what is behind it: the reader sees nothing there, so the words
// are not what the message says (salting: words for Bayes and the rules). Whether that is so
// depends on both colours, each inherited until an element sets its own: white text on a dark
// banner is read, white on the white page is not, and a cell's own colour under a font of the
// same colour is not either. A colour we cannot read (a name not in the table, a variable, a
// picture or gradient behind the text, a translucent colour) is UNKNOWN, and text is only
// taken as unseen when both colours are known: a renderer that guessed would hide readable
// text from the rules.

/** A colour as 0xRRGGBB, or UNKNOWN. */
export const UNKNOWN = -1;

export interface Ink {
  fg: number;
  bg: number;
  /** fg and bg are known and too close to tell apart. */
  unseen: boolean;
}

/**
 * A page before any inline colour: white behind the text, whose own colour is left UNKNOWN
 * until <body text> or an inline colour sets it (a style sheet may set it, and only colours
 * set inline are followed): text on a dark cell that never names its colour is read. With a style sheet that sets
 * backgrounds, what is behind the text is UNKNOWN too, until an inline colour says.
 */
export const PAGE: Ink = { fg: UNKNOWN, bg: 0xffffff, unseen: false };
export const STYLED_PAGE: Ink = { fg: UNKNOWN, bg: UNKNOWN, unseen: false };

// CSS's basic colours and the few others mail uses for this trick; any other name is UNKNOWN.
const NAMED = new Map<string, number>(Object.entries({
  white: 0xffffff, black: 0x000000, silver: 0xc0c0c0, gray: 0x808080, grey: 0x808080, red: 0xff0000, maroon: 0x800000,
  yellow: 0xffff00, olive: 0x808000, lime: 0x00ff00, green: 0x008000, aqua: 0x00ffff, cyan: 0x00ffff, teal: 0x008080,
  blue: 0x0000ff, navy: 0x000080, fuchsia: 0xff00ff, magenta: 0xff00ff, purple: 0x800080, orange: 0xffa500,
  whitesmoke: 0xf5f5f5, snow: 0xfffafa, ghostwhite: 0xf8f8ff, ivory: 0xfffff0, linen: 0xfaf0e6, lightgray: 0xd3d3d3,
  lightgrey: 0xd3d3d3, darkgray: 0xa9a9a9, darkgrey: 0xa9a9a9, dimgray: 0x696969, dimgrey: 0x696969,
}));
/** Colours that set nothing: the element shows what is behind it, or its parent's text colour. */
const NOT_SET = new Set(["transparent", "inherit", "initial", "unset", "currentcolor", "none", ""]);

/**
 * A CSS or legacy HTML colour value (lower case, no white space): 0xRRGGBB, UNKNOWN, or
 * undefined when it sets nothing. `legacy`: an attribute (bgcolor, <font color>), where hex
 * digits without "#" are read as a browser reads them ("ffffff").
 */
export function colorOf(v: string, legacy = false): number | undefined {
  if (NOT_SET.has(v)) return undefined;
  const hex = /^#?([0-9a-f]{3}|[0-9a-f]{6}|[0-9a-f]{8})$/.exec(v);
  if (hex && (v.startsWith("#") || legacy)) {
    const h = hex[1];
    if (h.length === 3) return parseInt(h[0] + h[0] + h[1] + h[1] + h[2] + h[2], 16);
    if (h.length === 8 && h.slice(6) !== "ff") return UNKNOWN; // translucent
    return parseInt(h.slice(0, 6), 16);
  }
  const rgb = /^rgba?\((\d{1,3}%?),(\d{1,3}%?),(\d{1,3}%?)(?:,([\d.]+%?))?\)$/.exec(v);
  if (rgb) {
    if (rgb[4] !== undefined && !/^(?:1(?:\.0*)?|100%)$/.test(rgb[4])) return UNKNOWN;
    const ch = (c: string) => Math.min(255, c.endsWith("%") ? Math.round((parseInt(c) * 255) / 100) : parseInt(c));
    return (ch(rgb[1]) << 16) | (ch(rgb[2]) << 8) | ch(rgb[3]);
  }
  return NAMED.get(v) ?? UNKNOWN;
}

/** Two colours no reader tells apart: every channel within 16 of the other's (#fefefe on white). */
function near(a: number, b: number): boolean {
  return Math.abs((a >> 16) - (b >> 16)) <= 16 && Math.abs(((a >> 8) & 0xff) - ((b >> 8) & 0xff)) <= 16 && Math.abs((a & 0xff) - (b & 0xff)) <= 16;
}

const DECLARATION = { color: /(?:^|;)color:([^;]*)/g, "background-color": /(?:^|;)background-color:([^;]*)/g, background: /(?:^|;)background:([^;]*)/g };

/** The last value of a CSS property in a normalised style (undefined when absent), without !important: the one that applies. */
function lastValue(style: string, prop: keyof typeof DECLARATION): string | undefined {
  const re = DECLARATION[prop];
  re.lastIndex = 0;
  let found: string | undefined;
  for (let m = re.exec(style); m; m = re.exec(style)) found = m[1].replace(/!important$/, "");
  return found;
}

/** The colour behind an element from its style: background-color, or the background shorthand's colour (a picture or gradient: UNKNOWN). */
function backgroundOf(style: string): number | undefined {
  if (!style.includes("background")) return undefined;
  if (/(?:^|;)background(?:-image)?:[^;]*(?:url\(|gradient\()/.test(style)) return UNKNOWN;
  const own = lastValue(style, "background-color");
  if (own !== undefined) return colorOf(own);
  const short = lastValue(style, "background");
  if (short === undefined) return undefined;
  // White space is gone ("no-repeat#000"): a hex or rgb() colour anywhere in it, else the
  // value as one keyword ("white", "none"); anything else is UNKNOWN rather than a guess.
  const c = /#[0-9a-f]{3,8}|rgba?\([^)]*\)/.exec(short)?.[0];
  return colorOf(c ?? short);
}

/**
 * The ink of an element's text: its own colours where it sets them (style color and
 * background, `color` = a legacy text colour attribute, bgcolor, a background picture), else its
 * parent's. `style` is the element's style attribute decoded, lower case, without white space
 * ("" without one).
 */
export function inkOf(tag: string, style: string, color: string | undefined, bgcolor: string | undefined, bgImage: boolean | undefined, parent: Ink): Ink {
  if (!style && color === undefined && bgcolor === undefined && !bgImage && tag !== "a") return parent;
  let fg = style.includes("color") ? colorFromStyle(style) : undefined;
  if (fg === undefined && color !== undefined) fg = colorOf(color.trim().toLowerCase(), true);
  // A link has the browser's (or the style sheet's) link colour, not its parent's.
  if (fg === undefined && tag === "a") fg = UNKNOWN;
  let bg = backgroundOf(style);
  if (bg === undefined && bgcolor !== undefined) bg = colorOf(bgcolor.trim().toLowerCase(), true);
  if (bgImage) bg = UNKNOWN;
  if (fg === undefined && bg === undefined) return parent;
  const f = fg ?? parent.fg;
  const b = bg ?? parent.bg;
  return { fg: f, bg: b, unseen: f !== UNKNOWN && b !== UNKNOWN && near(f, b) };
}

/** The text colour a style sets (its last `color:`), not background-color's. */
function colorFromStyle(style: string): number | undefined {
  const v = lastValue(style, "color");
  return v === undefined ? undefined : colorOf(v);
}
