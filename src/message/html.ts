// HTML to text as a reader sees it, in one linear pass (no DOM: a hostile message must not
// cost more than its length). Gives the rendered text for `body` rules and Bayes, the
// anchors (href + visible text) for link-mismatch checks, every URL in href/src/action
// attributes, and how much text is hidden (display:none, visibility:hidden, zero-size or
// white fonts) — the classic trick of padding spam with invisible innocent words.
import { decodeHTML, decodeHTMLAttribute } from "entities";

export interface RenderedHtml {
  text: string;
  links: { href: string; text: string }[];
  uris: string[];
  hiddenChars: number;
  visibleChars: number;
}

const SKIP = new Set(["script", "style", "head", "title", "noscript", "template", "xml"]);
const BLOCK = new Set(["p", "div", "br", "tr", "li", "ul", "ol", "table", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "hr", "center", "dd", "dt", "dl", "form", "section", "article", "header", "footer", "body"]);
const VOID = new Set(["br", "hr", "img", "input", "meta", "link", "area", "base", "col", "embed", "param", "source", "track", "wbr"]);
const URL_ATTRS = new Set(["href", "src", "action", "background", "lowsrc", "data"]);
const MAX_STACK = 256;
const MAX_LINKS = 1000;

// Invisible format characters (soft hyphen, zero-width space/joiners, word joiner, BOM): a
// reader shows "G&shy;TUBE" as one word, so the rules must see it as one.
const INVISIBLE = /[\u00ad\u200b-\u200d\u2060\ufeff]/g;
const HAS_INVISIBLE = /[\u00ad\u200b-\u200d\u2060\ufeff]/;

/**
 * Character references as an HTML5 browser decodes them: the full named-entity table (2 231
 * names, including the legacy ones a browser accepts without ";" in text), numeric references
 * with the HTML5 replacements (&#128; is "€", &#0; U+FFFD). Attributes use the attribute rule
 * (`&copy=` in a URL stays as written, HTML5 §13.2.5.72).
 */
export function decodeEntities(s: string, attribute = false): string {
  if (!s.includes("&")) return HAS_INVISIBLE.test(s) ? s.replace(INVISIBLE, "") : s;
  return (attribute ? decodeHTMLAttribute(s) : decodeHTML(s)).replace(INVISIBLE, "");
}

const ATTR = /([^\s=/>"']+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]*)))?/g;

function attrsOf(s: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const a of s.matchAll(ATTR)) {
    if (m.size >= 64) break;
    const k = a[1].toLowerCase();
    if (!m.has(k)) m.set(k, decodeEntities(a[2] ?? a[3] ?? a[4] ?? "", true));
  }
  return m;
}

const WHITE = /^(?:#?f{3}|#?f{6}|white|#?fefefe|#?fdfdfd)$/i;

/** Whether an element's own attributes hide its content. */
function hides(tag: string, a: Map<string, string>): boolean {
  const style = (a.get("style") ?? "").toLowerCase().replace(/\s+/g, "");
  if (/display:none|visibility:hidden|font-size:0(?:[a-z%]|;|$)|opacity:0(?:;|$)/.test(style)) return true;
  if (/(?:^|;)color:(?:#?f{3}|#?f{6}|white)(?:;|$|!)/.test(style)) return true;
  if (tag === "font") {
    if (WHITE.test((a.get("color") ?? "").trim())) return true;
    if (/^\s*(?:0|-[1-9])\s*$/.test(a.get("size") ?? "")) return true;
  }
  return a.has("hidden");
}

export function renderHtml(html: string): RenderedHtml {
  const out: string[] = [];
  const links: RenderedHtml["links"] = [];
  const uris: string[] = [];
  const stack: { tag: string; hidden: boolean }[] = [];
  let hiddenDepth = 0;
  let skip: string | undefined;
  let anchor: { href: string; text: string } | undefined;
  let hiddenChars = 0;
  let visibleChars = 0;
  let i = 0;
  const n = html.length;

  const emit = (raw: string) => {
    const t = decodeEntities(raw).replace(/[ \t\r\n\f\u00a0]+/g, " ");
    if (t === " " || !t) {
      if (t && out.length && out[out.length - 1] !== " " && out[out.length - 1] !== "\n") out.push(" ");
      return;
    }
    const len = t.replace(/ /g, "").length;
    if (hiddenDepth > 0) {
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
    if (stop > i && !skip) emit(html.slice(i, stop));
    if (lt < 0) break;
    // Comments and declarations.
    if (html.startsWith("<!--", lt)) {
      const e = html.indexOf("-->", lt + 4);
      i = e < 0 ? n : e + 3;
      continue;
    }
    const gt = html.indexOf(">", lt + 1);
    if (gt < 0) {
      if (!skip) emit(html.slice(lt));
      break;
    }
    i = gt + 1;
    const inner = html.slice(lt + 1, gt);
    if (inner[0] === "!" || inner[0] === "?") continue;
    const close = inner[0] === "/";
    const nm = /^\/?\s*([a-zA-Z][a-zA-Z0-9:-]*)/.exec(inner);
    if (!nm) {
      if (!skip) emit("<" + inner + ">"); // a lone "<" in text
      continue;
    }
    const tag = nm[1].toLowerCase();
    if (skip) {
      if (close && tag === skip) skip = undefined;
      continue;
    }
    if (close) {
      if (tag === "a" && anchor) {
        anchor.text = anchor.text.trim().replace(/\s+/g, " ");
        if (links.length < MAX_LINKS) links.push(anchor);
        anchor = undefined;
      }
      // Pop to the matching open element; unmatched closers are ignored.
      for (let k = stack.length - 1; k >= 0 && k >= stack.length - 16; k--) {
        if (stack[k].tag === tag) {
          for (const e of stack.splice(k)) if (e.hidden) hiddenDepth--;
          break;
        }
      }
      if (BLOCK.has(tag) || tag === "td" || tag === "th") out.push(tag === "td" || tag === "th" ? " " : "\n");
      continue;
    }
    if (SKIP.has(tag)) {
      if (!inner.endsWith("/")) skip = tag;
      continue;
    }
    const attrs = inner.length > nm[0].length ? attrsOf(inner.slice(nm[0].length)) : new Map<string, string>();
    for (const [k, v] of attrs) {
      if (URL_ATTRS.has(k) && v && uris.length < MAX_LINKS) uris.push(v.trim());
    }
    if (tag === "a" && attrs.has("href")) anchor = { href: attrs.get("href")!.trim(), text: "" };
    if (tag === "img" && attrs.get("alt")) emit(` ${attrs.get("alt")} `);
    if (BLOCK.has(tag)) out.push("\n");
    else if (tag === "td" || tag === "th") out.push(" ");
    if (!VOID.has(tag) && !inner.endsWith("/")) {
      const hidden = hides(tag, attrs);
      if (stack.length < MAX_STACK) {
        stack.push({ tag, hidden });
        if (hidden) hiddenDepth++;
      }
    }
  }
  if (anchor && links.length < MAX_LINKS) links.push({ href: anchor.href, text: anchor.text.trim() });
  const text = out.join("").replace(/ *\n[ \n]*/g, "\n").replace(/^\n+|\n+$/g, "");
  return { text, links, uris, hiddenChars, visibleChars };
}
