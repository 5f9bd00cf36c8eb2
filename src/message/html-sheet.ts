// Which classes and ids a document's own style sheets certainly give a kind of drawing: hidden
// (html.ts styleHides), or turned right to left (bidi.ts). Salting is written this way:
// `<style>.s{display:none}</style>` and the innocent words in `<span class="s">`, hidden from
// every reader that applies the sheet (Gmail, Apple Mail, Outlook on the web and Thunderbird
// do) and read by the rules and Bayes as if shown; reversed words the same way. Only what is
// certain is taken: a rule at the top level of a sheet whose selector is one class or id (`.s`,
// `#s`, `span.s`) and whose declarations do it as an inline style would. A name written where it
// may be undone is never taken: inside an at-rule (@media, @supports), in the selector of a
// rule that sets one of the kind's properties without doing it (`.s{display:block}`,
// `td .s{font-size:14px}`), in a sheet for some media only; an attribute selector there
// ([class*=s]) takes none at all. Newsletters hide their mobile-only blocks by class and show
// them again in a media query, and text some readers see must stay in `body`. A sheet is not a
// cascade engine: when unsure the text is read as written, the safe direction (salt read as
// shown is what happened before).

/** One rule: the element name it is limited to (`span.s`), if any, and the properties it does it with. */
export interface SheetRule {
  tag?: string;
  props: readonly string[];
}
/** Class names and ids (case as written: both are case-sensitive) to their rules of one kind. */
export interface SheetNames {
  classes: ReadonlyMap<string, readonly SheetRule[]>;
  ids: ReadonlyMap<string, readonly SheetRule[]>;
}

/**
 * What a sheet's rules are read for: hiding text (html.ts styleHides), or drawing it right to
 * left (bidi.ts). `applies` judges declarations (lower case, no white space) as for an inline
 * style; `props` are the properties that do it: a rule or inline style that sets one without
 * doing it may undo it, so the names it applies to are not taken.
 */
export interface SheetKind {
  applies: (decls: string) => boolean;
  props: readonly string[];
}
/** The properties whose values hide text (html.ts styleHides). */
export const HIDING_PROPS = ["display", "visibility", "font-size", "font", "opacity", "text-indent", "position", "left", "top", "transform", "clip"];
/** Each property as declared in a rule or style without white space: at the start or after ";". */
const SETS = new Map<string, RegExp>();
const sets = (decls: string, p: string) => {
  if (!decls.includes(p + ":")) return false;
  let re = SETS.get(p);
  if (!re) SETS.set(p, (re = new RegExp(`(?:^|;)${p}:`)));
  return re.test(decls);
};
/** A rule whose text names none of a kind's properties neither does it nor undoes it: nothing more is read of it. */
const HINTS = new WeakMap<SheetKind, RegExp>();
const hintOf = (kind: SheetKind) => {
  let re = HINTS.get(kind);
  if (!re) HINTS.set(kind, (re = new RegExp(kind.props.map((p) => p.replace(/[^a-z-]/g, "")).join("|"), "i")));
  return re;
};

// Bounds, so that a padded message costs no more than an ordinary one: a document's sheets are
// read up to this much text, this many <style> elements and this many rules that set one of
// the kind's properties; a sheet that names more classes and ids where they may be undone than
// MAX_NAMES takes none (the searches are linear; the per-rule work is what is bounded). Real
// newsletters' sheets have tens to a few hundred rules, few of them hiding.
const MAX_SHEET_CHARS = 256 * 1024;
const MAX_SHEETS = 32;
const MAX_RULES = 1000;
const MAX_NAMES = 512;
/** Rules kept per name, and classes of one element looked up. */
const MAX_PER_NAME = 8;
const MAX_CLASSES = 32;

const NAME = String.raw`-?[_a-zA-Z\u00a0-\uffff][-_a-zA-Z0-9\u00a0-\uffff]*`;
/** `.name`, `#name`, or one element name before either: a selector that names one class or id. */
const SIMPLE = new RegExp(String.raw`^([a-zA-Z][a-zA-Z0-9]*)?([.#])(${NAME})$`);
const MENTION = new RegExp(String.raw`[.#]${NAME}`, "g");

/** Thrown inside sheetNames when the sheets are past a bound: nothing is taken. */
const GIVE_UP = new Error("style sheets past their bound");

/** The classes and ids that `html`'s <style> elements certainly give `kind` (hide, turn round), or undefined when none. */
export function sheetNames(html: string, kind: SheetKind): SheetNames | undefined {
  const st: SheetState = { classes: new Map(), ids: new Map(), elsewhere: new Set(), rules: 0, kind, hint: hintOf(kind) };
  const open = /<style\b([^>]*)>/gi;
  const close = /<\/style\s*>/gi;
  let read = 0;
  try {
    for (let sheets = 0; sheets < MAX_SHEETS && read < MAX_SHEET_CHARS; sheets++) {
      const m = open.exec(html);
      if (!m) break;
      close.lastIndex = open.lastIndex;
      const end = close.exec(html);
      const to = end ? end.index : html.length;
      const css = html.slice(open.lastIndex, Math.min(to, open.lastIndex + MAX_SHEET_CHARS - read));
      read += css.length;
      // A sheet for some media only (<style media="print">, "(max-width:600px)") is conditional.
      const media = /\bmedia\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]*))/i.exec(m[1]);
      readSheet(css, media !== null && !/^\s*(?:all|screen)?\s*$/i.test(media[1] ?? media[2] ?? media[3]), st);
      if (!end) break;
      open.lastIndex = close.lastIndex;
    }
  } catch (e) {
    if (e === GIVE_UP) return undefined;
    throw e;
  }
  for (const k of st.elsewhere) (k.charCodeAt(0) === 0x23 ? st.ids : st.classes).delete(k.slice(1));
  if (st.classes.size === 0 && st.ids.size === 0) return undefined;
  return { classes: st.classes, ids: st.ids };
}

interface SheetState {
  classes: Map<string, SheetRule[]>;
  ids: Map<string, SheetRule[]>;
  /** ".name" and "#name" written where they may be shown again. */
  elsewhere: Set<string>;
  rules: number;
  kind: SheetKind;
  hint: RegExp;
}

function mention(text: string, st: SheetState): void {
  MENTION.lastIndex = 0;
  for (let m = MENTION.exec(text); m; m = MENTION.exec(text)) {
    st.elsewhere.add(m[0]);
    if (st.elsewhere.size > MAX_NAMES) throw GIVE_UP;
  }
}

function readSheet(raw: string, conditional: boolean, st: SheetState): void {
  const css = raw.replace(/\/\*[\s\S]*?(?:\*\/|$)/g, " ").replace(/<!--|-->/g, " ");
  if (conditional) return mention(css, st);
  let i = 0;
  const n = css.length;
  while (i < n) {
    const brace = css.indexOf("{", i);
    if (brace < 0) break;
    // The block's end: its matching brace (nested blocks are at-rules' bodies).
    let depth = 1;
    let j = brace + 1;
    for (; j < n && depth > 0; j++) {
      const c = css.charCodeAt(j);
      if (c === 0x7b) depth++;
      else if (c === 0x7d) depth--;
    }
    const from = i;
    i = j;
    const body = css.slice(brace + 1, depth === 0 ? j - 1 : n);
    // A statement at-rule before the block (`@charset …;`, `@import …;`) ends at its semicolon.
    const prelude = css.slice(from, brace);
    const head = prelude.slice(prelude.lastIndexOf(";") + 1).trim();
    // An at-rule with a block (@media, @supports, …) applies under conditions we do not evaluate.
    if (head.startsWith("@")) {
      if (st.hint.test(body)) mention(body, st);
      continue;
    }
    if (!st.hint.test(body)) continue; // sets none of the kind's properties: neither does it nor undoes it
    if (++st.rules > MAX_RULES) throw GIVE_UP;
    const decls = body.toLowerCase().replace(/\s+/g, "");
    const does = st.kind.applies(decls);
    const props = st.kind.props.filter((p) => sets(decls, p));
    if (!props.length) continue;
    for (const raw of head.split(",")) {
      const sel = raw.trim();
      // A rule that sets one of the kind's properties without doing it (`.m{display:block}`,
      // `td .s{font-size:14px}`) may undo another rule: the names in its selector are not taken. An attribute
      // selector there ([class*=s], [id^=x]) may match any name: nothing is.
      if (!does) {
        if (/\[\s*(?:class|id)\b/i.test(sel)) throw GIVE_UP;
        mention(sel, st);
        continue;
      }
      const simple = SIMPLE.exec(sel);
      if (!simple) continue; // a compound selector that does it: not followed (its text is read as written)
      const names = simple[2] === "#" ? st.ids : st.classes;
      const list = names.get(simple[3]);
      const rule = { tag: simple[1]?.toLowerCase(), props };
      if (list === undefined) {
        if (names.size >= MAX_NAMES) throw GIVE_UP;
        names.set(simple[3], [rule]);
      } else if (list.length < MAX_PER_NAME) list.push(rule);
    }
  }
}

/**
 * Whether the sheets give an element with these class and id attributes, named `tag`, their
 * kind (hidden, turned round). An inline style that sets one of the properties a rule does it
 * with overrides that rule (inline styles come last in the cascade; a sheet's `!important` is
 * not weighed: the text is read as written).
 */
export function sheetApplies(sheet: SheetNames, tag: string, cls: string | undefined, id: string | undefined, inline: string): boolean {
  const appliesBy = (rules: readonly SheetRule[] | undefined) => rules !== undefined && rules.some((r) => (r.tag === undefined || r.tag === tag) && !r.props.some((p) => sets(inline, p)));
  if (id && sheet.ids.size && appliesBy(sheet.ids.get(id.trim()))) return true;
  if (!cls || !sheet.classes.size) return false;
  // class="a b": names separated by ASCII white space (HTML's "set of space-separated tokens").
  let k = 0;
  for (let at = 0, count = 0; at <= cls.length && count < MAX_CLASSES; at = k + 1) {
    k = at;
    while (k < cls.length && !isHtmlSpace(cls.charCodeAt(k))) k++;
    if (k > at) {
      count++;
      if (appliesBy(sheet.classes.get(at === 0 && k === cls.length ? cls : cls.slice(at, k)))) return true;
    }
  }
  return false;
}
const isHtmlSpace = (c: number) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0c || c === 0x0d;
