// HTML to text as a reader sees it, in one linear pass (no DOM: a hostile message must not
// cost more than its length). Gives the rendered text for `body` rules and Bayes, the
// anchors (href + visible text) for link-mismatch checks, every URL in href/src/action
// attributes, and how much text is hidden (display:none, visibility:hidden, font-size:0 or
// white fonts) — the classic trick of padding spam with invisible innocent words.
import { decodeHTML, decodeHTMLAttribute } from "entities";
import { isJsSpace, tagAttrs, type TagAttrs } from "./html-attrs";
import { inkOf, PAGE, STYLED_PAGE, type Ink } from "./html-ink";
import { HIDING_PROPS, sheetApplies, sheetNames, type SheetKind, type SheetNames } from "./html-sheet";
import { drawnRightToLeft } from "./bidi";
import { mayBeInvisible, stripInvisible } from "./invisible";
import { foldMixedScriptWords, mayBeLookalike } from "./lookalike-letters";
import { asRead, mayBeStyled } from "./styled";
import { browserUrl } from "./uris";

export interface RenderedHtml {
  text: string;
  links: { href: string; text: string }[];
  uris: string[];
  hiddenChars: number;
  visibleChars: number;
}

// Not <noscript>: no mail reader runs scripts, so what it holds is what they show. Not <head>:
// text and body elements written in it are moved into the body by an HTML5 parser (the
// "in head" insertion mode ends the head), so readers show them; its title, style and
// script are skipped as such.
const SKIP = ["script", "style", "title", "template", "xml"];
const BLOCK = ["p", "div", "br", "tr", "li", "ul", "ol", "table", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "hr", "center", "dd", "dt", "dl", "form", "section", "article", "header", "footer", "body"];
const VOID = ["br", "hr", "img", "input", "meta", "link", "area", "base", "col", "embed", "param", "source", "track", "wbr"];
// What a tag name is to the renderer, as bits: one lookup per tag instead of one per set.
const IS_SKIP = 1;
const IS_BLOCK = 2;
const IS_VOID = 4;
const IS_CELL = 8; // td, th: a space
const KIND = new Map<string, number>();
for (const [names, bit] of [[SKIP, IS_SKIP], [BLOCK, IS_BLOCK], [VOID, IS_VOID], [["td", "th"], IS_CELL]] as const) for (const t of names) KIND.set(t, (KIND.get(t) ?? 0) | bit);

// Tag names a renderer meets in mail, kept as strings made once: a name in the document is
// matched against them in place, in any case, instead of a copy (and a lower-cased copy) of it
// per tag and a Map lookup that hashes that copy. Keyed by length and first letter.
const COMMON = ["a", "b", "i", "u", "s", "em", "strong", "font", "span", "td", "th", "tbody", "thead", "tfoot", "small", "big", "sup", "sub", "o:p", "option", "select", "map", "label", "button", "textarea", "colgroup", "caption", "nobr", "tt", "code", "strike", "del", "ins", "abbr", "cite", "frame", "iframe", "object", "html", "v:shape", "w:wrap"];
interface TagName {
  name: string;
  kind: number;
}
const TAG_NAMES = new Map<number, TagName[]>();
const tagKey = (length: number, first: number) => length * 128 + (first | 0x20);
for (const name of new Set([...KIND.keys(), ...COMMON])) {
  const key = tagKey(name.length, name.charCodeAt(0));
  TAG_NAMES.set(key, [...(TAG_NAMES.get(key) ?? []), { name, kind: KIND.get(name) ?? 0 }]);
}

/** The known tag name s[start..end) is in any ASCII case (tag name characters: [a-zA-Z0-9:-]), or undefined. */
function knownTag(s: string, start: number, end: number): TagName | undefined {
  const list = TAG_NAMES.get(tagKey(end - start, s.charCodeAt(start)));
  if (list === undefined) return undefined;
  next: for (const t of list) {
    for (let k = 1; k < t.name.length; k++) {
      const c = s.charCodeAt(start + k);
      const x = t.name.charCodeAt(k);
      // Upper case only for letters: x - 0x20 of a digit, ":" or "-" is no tag name character.
      if (c !== x && c !== x - 0x20) continue next;
    }
    return t;
  }
  return undefined;
}
const isAsciiLetter = (c: number) => (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);
const isTagNameChar = (c: number) => isAsciiLetter(c) || (c >= 0x30 && c <= 0x3a) || c === 0x2d; // [a-zA-Z0-9:-]
const MAX_STACK = 256;
const MAX_LINKS = 1000;

/**
 * Character references as an HTML5 browser decodes them: the full named-entity table (2 231
 * names, including the legacy ones a browser accepts without ";" in text), numeric references
 * with the HTML5 replacements (&#128; is "€", &#0; U+FFFD). Attributes use the attribute rule
 * (`&copy=` in a URL stays as written, HTML5 §13.2.5.72). Characters a reader does not see
 * are dropped (invisible.ts): "G&shy;TUBE" shows as one word, so the rules must see one. Text
 * is then what a reader reads (styled.ts asRead: overridden runs turned round, styled letters
 * as letters, mixed-script words as Latin).
 */
export function decodeEntities(s: string, attribute = false): string {
  if (attribute) return stripInvisible(s.includes("&") ? decodeHTMLAttribute(s) : s);
  return asRead(s.includes("&") ? decodeHTML(s) : s);
}

/** An attribute's value with character references decoded, or undefined when absent. */
const attr = (v: string | undefined) => (v === undefined ? undefined : decodeEntities(v, true));

/**
 * Whether an element's own attributes hide its content. `style` is its style attribute
 * decoded, lower case, without white space. Text in the colour of its background is judged
 * apart (html-ink.ts): a child may set another colour and be read again. <font size> never
 * hides: HTML's legacy font sizes clamp to 1..7 (HTML Living Standard, "rules for parsing a
 * legacy font size"), so size=0 and size=-1 are small but readable text, which the reader
 * sees and the rules must (HTML_FONT_TINY names the trick).
 */
const hides = (a: TagAttrs, style: string): boolean => a.hidden || (style !== "" && styleHides(style));

/** Whether declarations (lower case, no white space: an inline style or a sheet's rule) draw text as nothing. */
export function styleHides(style: string): boolean {
  return /display:none|visibility:hidden|font-size:0(?:[a-z%]|;|$|!)|opacity:0(?:;|$|!)/.test(style) || drawnAsNothing(style);
}
/** Whether declarations draw every character right to left (bidi.ts): bidi-override (or isolate-override) with direction rtl. */
const styleTurns = (style: string): boolean => style.includes("bidi-override") && /(?:^|;)direction:rtl/.test(style);
const HIDING: SheetKind = { applies: styleHides, props: HIDING_PROPS };
const TURNING: SheetKind = { applies: styleTurns, props: ["unicode-bidi", "direction"] };

/**
 * The other inline styles salting hides words with (text for Bayes and the rules that the
 * reader never sees), each drawn as nothing by a browser: type of at most 1px, opacity under
 * 0.1, text pushed 500px or more out of its box (text-indent) or off the page
 * (position:absolute/fixed with left or top at -500px or less), scaled to nothing, clipped to
 * an empty rectangle. Not a zero max-height or width with overflow cut: newsletters write their
 * mobile-only blocks so and open them with a media query, and text some readers see must stay
 * in `body`. `style` is lower case without white space.
 */
function drawnAsNothing(style: string): boolean {
  if (!/[0-9]/.test(style)) return false; // every case below names a number
  return (
    /(?:^|;)font-size:(?:0?\.\d+|1(?:\.0+)?)(?:px|pt)(?:;|$|!)/.test(style) ||
    /(?:^|;)opacity:0?\.0\d*(?:;|$|!)/.test(style) ||
    /(?:^|;)text-indent:-(?:[5-9]\d\d|\d{4,})/.test(style) ||
    (/(?:^|;)position:(?:absolute|fixed)/.test(style) && /(?:^|;)(?:left|top):-(?:[5-9]\d\d|\d{4,})/.test(style)) ||
    /(?:^|;)transform:scale\(0(?:,0)?\)|(?:^|;)clip:rect\(0(?:px)?,?0(?:px)?,?0(?:px)?,?0(?:px)?\)/.test(style)
  );
}

export function renderHtml(html: string): RenderedHtml {
  const out: string[] = [];
  const links: RenderedHtml["links"] = [];
  const uris: string[] = [];
  const NO_ATTRS: TagAttrs = { urls: [], hidden: false };
  // Open elements; each says whether its text is hidden by its own or an ancestor's style
  // (`hidden`, inherited: no child shows it again) and in which colours it is drawn (`ink`,
  // html-ink.ts: a child may set its own), so the text's state is the innermost element's.
  // `turn`: where in `out` the text of an element that draws it right to left begins (bidi.ts).
  // `anchorAt`: how much of an open link's text was written before it (the link's text turns with it).
  const stack: { tag: string; hidden: boolean; ink: Ink; turn?: number; anchorAt?: number }[] = [];
  /** The text an element wrote (from out[e.turn]) turned round as a right-to-left override draws it, line by line. */
  const turnRound = (e: (typeof stack)[number]) => {
    const text = out.splice(e.turn!).join("");
    out.push(text.split("\n").map(drawnRightToLeft).join("\n"));
    if (anchor && e.anchorAt !== undefined) anchor.text = anchor.text.slice(0, e.anchorAt) + drawnRightToLeft(anchor.text.slice(e.anchorAt));
  };
  /** Closes the open elements from the top down to stack[k]: the text of those that draw right to left is turned round. */
  const closeTo = (k: number) => {
    for (let top = stack.length - 1; top >= k; top--) if (stack[top].turn !== undefined) turnRound(stack[top]);
    stack.length = k;
  };
  // A style sheet may set any element's background (only inline colours are followed): then
  // white text is not taken for hidden unless an inline background says it stands on white.
  const styled = /<style/i.test(html);
  const page = styled && /background/i.test(html) ? STYLED_PAGE : PAGE;
  // Classes and ids the document's own sheets hide (html-sheet.ts), read before the body.
  const sheet = styled ? sheetNames(html, HIDING) : undefined;
  const turnSheet = styled && /bidi-override/i.test(html) ? sheetNames(html, TURNING) : undefined;
  let skip: string | undefined;
  let anchor: { href: string; text: string } | undefined;
  let hiddenChars = 0;
  let visibleChars = 0;
  let i = 0;
  const n = html.length;

  /** The text src[from..to), read in place: only the text that is kept is copied. */
  const emit = (src: string, from: number, to: number) => {
    // One pass tells what the text needs. Most text between tags is only line breaks and
    // indentation: one space. Text with no "&", no invisible character and no white space but
    // single spaces is already what decoding and collapsing would make of it. Only the rest
    // takes the entity decoding and the regex (together a fifth of the renderer's time).
    // Greek or Cyrillic text stays plain: only words mixing Latin letters with look-alikes
    // change, one letter for one (lookalike-letters.ts), as asRead would change them.
    let spaces = 0;
    let ws = 0; // characters of [ \t\r\n\f\u00a0]
    let plain = true;
    let lookalike = false;
    const length = to - from;
    for (let k = 0, prev = 0; k < length; k++) {
      const c = src.charCodeAt(from + k);
      if (c === 0x20) {
        spaces++;
        ws++;
        if (prev === 0x20) plain = false;
      } else if (c === 0x0a || c === 0x0d || c === 0x09 || c === 0x0c || c === 0xa0) {
        ws++;
        plain = false;
      } else if (c === 0x26 || mayBeInvisible(c) || mayBeStyled(c)) plain = false;
      else if (mayBeLookalike(c)) lookalike = true;
      if (!plain && ws < k + 1) break; // neither plain nor only white space: the slow path
      prev = c;
    }
    const t = ws === length ? (ws ? " " : "") : plain ? (lookalike ? foldMixedScriptWords(src.slice(from, to)) : src.slice(from, to)) : decodeEntities(src.slice(from, to)).replace(/[ \t\r\n\f\u00a0]+/g, " ");
    if (t === " " || !t) {
      if (t && out.length && out[out.length - 1] !== " " && out[out.length - 1] !== "\n") out.push(" ");
      return;
    }
    let len = t.length - spaces;
    if (!plain) {
      len = t.length;
      for (let k = 0; k < t.length; k++) if (t.charCodeAt(k) === 0x20) len--;
    }
    const inner = stack.length > 0 ? stack[stack.length - 1] : undefined;
    if (inner && (inner.hidden || inner.ink.unseen)) {
      hiddenChars += len;
      return; // hidden text is not what the reader sees; rawbody rules still see it
    }
    visibleChars += len;
    out.push(t);
    if (anchor && anchor.text.length < 500) anchor.text += t;
  };

  while (i < n) {
    const lt = html.indexOf("<", i);
    const stop = lt < 0 ? n : lt;
    if (stop > i && !skip) emit(html, i, stop);
    if (lt < 0) break;
    // Comments and declarations.
    if (html.startsWith("<!--", lt)) {
      // A conditional comment (<!--[if mso]> … <![endif]-->) is markup that Outlook for Windows
      // (and the old readers built on Internet Explorer) renders: its content is read like the
      // rest, so a message cannot show Outlook's readers words no rule sees. The closing
      // <![endif]--> is a declaration, skipped below.
      if (!skip && html.slice(lt + 4, lt + 7).toLowerCase() === "[if") {
        const open = html.indexOf("]>", lt + 7);
        if (open >= 0 && open - lt < 200) {
          i = open + 2;
          continue;
        }
      }
      // "<!-->" and "<!--->" are whole, empty comments (HTML5 abrupt closing): the start of
      // <!--[if !mso]><!--> … <!--<![endif]-->, whose content every other reader shows.
      if (html.startsWith(">", lt + 4) || html.startsWith("->", lt + 4)) {
        i = html.indexOf(">", lt + 4) + 1;
        continue;
      }
      const e = html.indexOf("-->", lt + 4);
      i = e < 0 ? n : e + 3;
      continue;
    }
    const gt = html.indexOf(">", lt + 1);
    if (gt < 0) {
      if (!skip) emit(html, lt, n);
      break;
    }
    i = gt + 1;
    const c0 = html.charCodeAt(lt + 1);
    if (c0 === 0x21 || c0 === 0x3f) continue; // "<!", "<?"
    const close = c0 === 0x2f;
    // The tag name: "/"? then \s* then [a-zA-Z][a-zA-Z0-9:-]* (a lone "<" in text when none).
    let ns = close ? lt + 2 : lt + 1;
    while (ns < gt && isJsSpace(html.charCodeAt(ns))) ns++;
    let ne = ns;
    let upper = false;
    if (ne < gt && isAsciiLetter(html.charCodeAt(ne))) for (; ne < gt && isTagNameChar(html.charCodeAt(ne)); ne++) if (html.charCodeAt(ne) <= 0x5a && html.charCodeAt(ne) >= 0x41) upper = true;
    if (ne === ns) {
      if (!skip) emit(html, lt, gt + 1);
      continue;
    }
    const known = knownTag(html, ns, ne);
    const tag = known !== undefined ? known.name : upper ? html.slice(ns, ne).toLowerCase() : html.slice(ns, ne);
    const kind = known !== undefined ? known.kind : 0; // every name of KIND is known
    if (skip) {
      if (close && tag === skip) skip = undefined;
      continue;
    }
    if (close) {
      if (tag === "a" && anchor) {
        // A link inside an element that draws right to left shows its text turned round.
        if (stack.some((e) => e.turn !== undefined && e.anchorAt === undefined)) anchor.text = drawnRightToLeft(anchor.text);
        anchor.text = anchor.text.trim().replace(/\s+/g, " ");
        if (links.length < MAX_LINKS) links.push(anchor);
        anchor = undefined;
      }
      // Pop to the matching open element; unmatched closers are ignored.
      for (let k = stack.length - 1; k >= 0 && k >= stack.length - 16; k--) {
        if (stack[k].tag === tag) {
          closeTo(k);
          break;
        }
      }
      if (kind & (IS_BLOCK | IS_CELL)) out.push(kind & IS_CELL ? " " : "\n");
      continue;
    }
    const selfClosing = html.charCodeAt(gt - 1) === 0x2f && gt - 1 > lt;
    if (kind & IS_SKIP) {
      if (!selfClosing) skip = tag;
      continue;
    }
    const attrs = gt > ne ? tagAttrs(html, ne, gt) : NO_ATTRS;
    for (const u of attrs.urls) {
      if (uris.length >= MAX_LINKS) break;
      const v = attr(u)!;
      if (v) uris.push(browserUrl(v.trim()));
    }
    if (tag === "a" && attrs.href !== undefined) anchor = { href: browserUrl(attr(attrs.href)!.trim()), text: "" };
    if (tag === "img") {
      const alt = attr(attrs.alt);
      if (alt) {
        const text = ` ${alt} `;
        emit(text, 0, text.length);
      }
    } else if (tag === "input" && !attrs.hidden) {
      // What a form shows (readers that draw forms, a page attached and opened in a browser): a
      // button's label, a picture button's alt text, a text box's value or, empty, its grey
      // placeholder ("Email address"); a password box shows dots, hidden and choice inputs nothing.
      const type = (attr(attrs.type) ?? "text").trim().toLowerCase();
      const shown =
        type === "submit" || type === "button" || type === "reset" ? attr(attrs.value)
        : type === "image" ? attr(attrs.alt)
        : /^(?:hidden|checkbox|radio|file|range|color)$/.test(type) ? undefined
        : (type === "password" ? undefined : attr(attrs.value)) || attr(attrs.placeholder);
      if (shown?.trim()) {
        const text = ` ${shown} `;
        emit(text, 0, text.length);
      }
    }
    if (kind & IS_BLOCK) out.push("\n");
    else if (kind & IS_CELL) out.push(" ");
    if (!(kind & IS_VOID) && !selfClosing && stack.length < MAX_STACK) {
      const style = attrs.style === undefined ? "" : attr(attrs.style)!.toLowerCase().replace(/\s+/g, "");
      const parent = stack.length > 0 ? stack[stack.length - 1] : undefined;
      // The legacy text colours: <font color>, and <body text> where no style sheet may set
      // the body's colour instead (a sheet's rules come before presentational attributes).
      const color = tag === "font" ? attr(attrs.color) : tag === "body" && !styled ? attr(attrs.text) : undefined;
      const ink = inkOf(tag, style, color, attr(attrs.bgcolor), attrs.bgImage, parent ? parent.ink : page);
      // What the document's sheets give this element by its class or id (html-sheet.ts).
      const named = attrs.cls !== undefined || attrs.id !== undefined;
      const cls = named ? attr(attrs.cls) : undefined;
      const id = named ? attr(attrs.id) : undefined;
      const bySheet = (s: SheetNames | undefined) => s !== undefined && named && sheetApplies(s, tag, cls, id, style);
      // <bdo dir=rtl>, or unicode-bidi:bidi-override with direction rtl: every character drawn right to left.
      const dir = attrs.dir === undefined ? undefined : attrs.dir.trim().toLowerCase();
      const turns = tag === "bdo" ? dir === "rtl" : styleTurns(style) || (dir === "rtl" && style.includes("bidi-override")) || bySheet(turnSheet);
      stack.push({ tag, hidden: (parent?.hidden ?? false) || hides(attrs, style) || bySheet(sheet), ink, turn: turns ? out.length : undefined, anchorAt: turns && anchor ? anchor.text.length : undefined });
    }
  }
  closeTo(0);
  if (anchor && links.length < MAX_LINKS) links.push({ href: anchor.href, text: anchor.text.trim() });
  const joined = out.join("").replace(/ *\n[ \n]*/g, "\n");
  // Line breaks trimmed at both ends by hand: /^\n+|\n+$/g tries its second branch at every
  // line break of the text.
  let from = 0;
  let to = joined.length;
  while (from < to && joined.charCodeAt(from) === 0x0a) from++;
  while (to > from && joined.charCodeAt(to - 1) === 0x0a) to--;
  const text = from === 0 && to === joined.length ? joined : joined.slice(from, to);
  return { text, links, uris, hiddenChars, visibleChars };
}
