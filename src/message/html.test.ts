import { describe, expect, test } from "bun:test";
import { decodeEntities, renderHtml } from "./html";
import { attrsOf, tagAttrs, type TagAttrs } from "./html-attrs";
import { intRng } from "../testing/rng";

// [source, as a browser shows it] — the HTML5 named character references (WHATWG "named
// character references", 2 231 names) and numeric references with their replacements.
const CASES: [string, string][] = [
  ["&amp; &lt; &gt; &quot; &apos;", "& < > \" '"],
  ["XJS&ast;C4&period;&midast;", "XJS*C4.*"],
  ["&hearts;&NotEqualTilde;&Aring;&zwnj;x", "♥≂̸Åx"],
  // Legacy names a browser decodes without ";" in text.
  ["&copy 2026 &amp co", "© 2026 & co"],
  ["&#71;&#x54;&#X55;&#66;E", "GTUBE"],
  // HTML5: &#128; is the windows-1252 "€", &#0; and surrogates are U+FFFD.
  ["&#128;&#0;&#xD800;", "€\ufffd\ufffd"],
  ["&unknownname; &", "&unknownname; &"],
  // Invisible format characters do not split a word for the reader.
  ["G&shy;TU\u200bB&zwj;E", "GTUBE"],
];

describe("character references", () => {
  test.each(CASES)("%s", (src, want) => {
    expect(decodeEntities(src)).toBe(want);
  });

  test("attributes follow the attribute rule: a legacy name before '=' stays as written", () => {
    expect(decodeEntities("http://x/?a=1&copy=2&amp;b", true)).toBe("http://x/?a=1&copy=2&b");
    const r = renderHtml('<a href="http://x/?a=1&copy=2">&ast;click&ast;</a>');
    expect(r.links).toEqual([{ href: "http://x/?a=1&copy=2", text: "*click*" }]);
  });

  test("rendered text uses the full table", () => {
    expect(renderHtml("<p>XJS&ast;C4JDBQADN1&period;NSBN3</p>").text).toBe("XJS*C4JDBQADN1.NSBN3");
  });
});

// Attributes are scanned by hand (html.ts attrsOf), as the regular expression
// /([^\s=/>"']+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]*)))?/g read them before.
describe("attributes", () => {
  test("quoted, unquoted, spaced around '=', names in any case, the first of a repeated name kept", () => {
    expect([...attrsOf(` HREF = "a b" src='c d' data=e&amp;f alt= title HIDDEN href=x`)]).toEqual([
      ["href", "a b"],
      ["src", "c d"],
      ["data", "e&amp;f"],
      ["alt", "title"],
      ["hidden", ""],
    ]);
  });

  test("a quote left open makes the value unquoted, quote included, up to white space", () => {
    expect([...attrsOf(` href="http://x/ y a='b`)]).toEqual([
      ["href", '"http://x/'],
      ["y", ""],
      ["a", "'b"],
    ]);
  });

  test("any JavaScript white space separates (NBSP, ideographic space, BOM, U+2028), other characters do not", () => {
    expect([...attrsOf(" a=1\u00a0b=2\u3000c=3\ufeffd=4\u2028e=5\u200bf=6")]).toEqual([
      ["a", "1"],
      ["b", "2"],
      ["c", "3"],
      ["d", "4"],
      ["e", "5\u200bf=6"],
    ]);
  });

  test("stray quotes, slashes and '=' between attributes are skipped; non-ASCII names are case-folded", () => {
    expect([...attrsOf(` "x" / =y 'z' ÄB=1 /c=2/ d="3"/`)]).toEqual([
      ["x", ""],
      ["y", ""],
      ["z", ""],
      ["äb", "1"],
      ["c", "2/"],
      ["d", "3"],
    ]);
  });

  test("the same reading as the regular expression, on random attribute text", () => {
    const ATTR = /([^\s=/>"']+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]*)))?/g;
    const byRegex = (s: string) => {
      const m = new Map<string, string>();
      for (const a of s.matchAll(ATTR)) {
        if (m.size >= 64) break;
        const k = a[1].toLowerCase();
        if (!m.has(k)) m.set(k, a[2] ?? a[3] ?? a[4] ?? "");
      }
      return [...m];
    };
    const alphabet = ["a", "B", "=", " ", "\t", "\n", '"', "'", "/", ">", "\u00a0", "\u2028", "\u200b", "İ", "K", "x1", "href"];
    const rnd = intRng(42);
    for (let i = 0; i < 3000; i++) {
      const s = Array.from({ length: rnd(40) }, () => alphabet[rnd(alphabet.length)]).join("");
      expect([...attrsOf(s)]).toEqual(byRegex(s));
    }
  });

  // renderHtml reads tags with tagAttrs: only the names it uses, matched in place in the document.
  const projected = (m: ReadonlyMap<string, string>): TagAttrs => {
    const a: TagAttrs = { urls: [], hidden: m.has("hidden") };
    for (const [k, v] of m) if (["href", "src", "action", "background", "lowsrc", "data"].includes(k)) a.urls.push(v);
    for (const k of ["href", "alt", "style", "color", "bgcolor"] as const) if (m.has(k)) a[k] = m.get(k);
    if (m.has("background")) a.bgImage = true;
    if (m.has("class")) a.cls = m.get("class");
    if (m.has("id")) a.id = m.get("id");
    if (m.has("text")) a.text = m.get("text");
    if (m.has("dir")) a.dir = m.get("dir");
    for (const k of ["type", "value", "placeholder"] as const) if (m.has(k)) a[k] = m.get(k);
    return a;
  };

  test("tagAttrs reads what attrsOf reads of the names renderHtml uses, inside a larger text", () => {
    const alphabet = ["a", "=", " ", "\n", '"', "'", "/", "\u00a0", "\u2028", "İ", "\u212a", "x1", "HREF", "href", "Src", "alt", "STYLE", "color", "hidden", "data", "lowSrc", "background", "action", "hreff", "sty", "bgcolor", "BgColor", "bgcolo", "class", "CLASS", "id", "Id", "ids", "clas", "text", "TEXT", "tex", "dir", "DIR", "dirs", "type", "Value", "placeholder", "PLACEHOLDER", "valu"];
    const rnd = intRng(7);
    for (let i = 0; i < 3000; i++) {
      const s = Array.from({ length: rnd(30) }, () => alphabet[rnd(alphabet.length)]).join("");
      // Quotes after the tag's end must not close a value opened inside it.
      const doc = `<p ${s}>text " and ' after`;
      expect(tagAttrs(doc, 2, 3 + s.length)).toEqual(projected(attrsOf(doc.slice(2, 3 + s.length))));
    }
  });

  test("tagAttrs keeps the 64-name bound: repeated names count once", () => {
    const names = Array.from({ length: 63 }, (_, i) => `a${i}=1`).join(" ");
    const tag = `${names} a0=2 a1 SRC=http://x.example/ href=y`;
    expect(tagAttrs(tag, 0, tag.length)).toEqual({ urls: ["http://x.example/"], hidden: false });
    expect(tagAttrs(tag, 0, tag.length)).toEqual(projected(attrsOf(tag)));
  });

  test("at most 64 names: a URL after them is not collected", () => {
    const many = Array.from({ length: 64 }, (_, i) => `a${i}=1`).join(" ");
    expect(renderHtml(`<img ${many} src="http://late.example/">`).uris).toEqual([]);
    expect(renderHtml(`<img ${many} a0=2 a1 src="http://late.example/">`).uris).toEqual([]);
    const fewer = Array.from({ length: 63 }, (_, i) => `a${i}=1`).join(" ");
    expect(renderHtml(`<img ${fewer} src="http://x.example/">`).uris).toEqual(["http://x.example/"]);
  });

  test("only the values that are read are decoded: URLs, href, alt, style", () => {
    const r = renderHtml(`<A HREF="http://x/?a=1&amp;b=2" Class="&bogus;">go</A><img ALT="fish&amp;chips" SRC=http://y/&#105;.png><p style="DISPLAY:&#110;one">hid</p>`);
    expect(r.links).toEqual([{ href: "http://x/?a=1&b=2", text: "go" }]);
    expect(r.uris).toEqual(["http://x/?a=1&b=2", "http://y/i.png"]);
    expect(r.text).toBe("go fish&chips");
    expect(r.hiddenChars).toBe(3);
  });

  test("tag names: case, white space after '<' or '</', self-closing, and a '<' that opens no tag", () => {
    const r = renderHtml(`<  DIV>a</ div>b<SCRIPT/>c<x1:y-2>d</X1:Y-2>< 1>e<>f<a href=u/>g`);
    expect(r.text).toBe("a\nbcd< 1>e<>fg");
    expect(r.uris).toEqual(["u/"]);
  });

  test("known tag names are matched in any case, names that only look like them are not", () => {
    const r = renderHtml("a<Td>b<tD>c</TD><t1>d<TBODYX>e<O:P>f</o:P><ScRiPt>x</sCRIPT>g<FONT Color=white>h</font>i<A HREF=u>j</a><V:Shape>k<Br/>l<h7>m");
    expect(r.text).toBe("a b c defgijk\nlm");
    expect(r.links).toEqual([{ href: "u", text: "j" }]);
    expect(r.hiddenChars).toBe(1);
  });

  test("small fonts are read, invisible ones are not: <font size> clamps to 1..7, font-size:0 and white are hidden", () => {
    const r = renderHtml(`<font size="-1">small print</font> <font size=0>tiny</font> <font SIZE="-3">tinier</font><p style="font-size:0">zero</p><font color="#FFFFFF">white</font>`);
    expect(r.text).toBe("small print tiny tinier");
    expect(r.hiddenChars).toBe("zerowhite".length);
  });
});

describe("renderHtml: text drawn as nothing (salting)", () => {
  test("type of 1px or less, opacity under 0.1, text pushed off its box or the page, scaled to nothing or clipped away is hidden", () => {
    const hiddenWords = ["a", "bb", "ccc", "dddd", "eeeee", "ffffff", "ggggggg", "hhhhhhhh"];
    const styles = ["font-size:1px", "FONT-SIZE: 0.5pt", "opacity:0.01", "opacity: .05", "text-indent:-9999px", "position:absolute; left:-600px", "transform: scale(0)", "clip: rect(0 0 0 0)"];
    const r = renderHtml(`<p>shown</p>${styles.map((st, i) => `<span style="${st}">${hiddenWords[i]}</span>`).join("")}`);
    expect(r.text).toBe("shown");
    expect(r.hiddenChars).toBe(hiddenWords.join("").length);
  });
  test("small but readable type, faint but visible text, a short indent, mobile-only blocks and other positions are read", () => {
    const styles = ["font-size:2px", "font-size:1em", "font-size:10px", "opacity:0.3", "text-indent:-20px", "position:relative; left:-600px", "position:absolute; left:-40px", "max-height:0; overflow:hidden", "width:0;overflow:hidden", "line-height:1px", "transform:scale(1.0)"];
    const r = renderHtml(styles.map((st, i) => `<span style="${st}">w${i}</span>`).join(" "));
    expect(r.text).toBe(styles.map((_, i) => `w${i}`).join(" "));
    expect(r.hiddenChars).toBe(0);
  });
});

describe("renderHtml: classes and ids the document's style sheets hide", () => {
  const shown = (html: string) => renderHtml(html).text.replace(/\s+/g, " ").trim();
  test("a top-level rule of one class or id that hides as an inline style would hides that element's text", () => {
    const r = renderHtml(`<style>.s{display:none} #x{visibility:hidden} .t{font-size:0px!important} .u{ position:absolute; left:-9999px }</style><p>buy now</p><span class="s">salt</span><div id=x>idsalt</div><span class="b t">tiny</span><i class=u>away</i><div id=y>y</div>`);
    expect(r.text.replace(/\s+/g, " ").trim()).toBe("buy now y");
    expect(r.hiddenChars).toBe("salt".length + "idsalt".length + "tiny".length + "away".length);
    expect(shown(`<style>p.s{display:none}</style><span class="s">span</span><p class=s>p</p>`)).toBe("span"); // limited to its element
    expect(shown(`<STYLE type="text/css"><!-- .S{DISPLAY : NONE} --></STYLE><b class=S>upper</b><b class=s>lower</b>`)).toBe("lower"); // class names are case-sensitive
    expect(shown(`<style>.s{display:none}</style><div class=s><p>nested <b>deep</b></p></div>after`)).toBe("after");
  });
  test("a name that may be shown again is read: media queries, rules that set a hiding property, print-only sheets, attribute selectors, inline styles", () => {
    expect(shown(`<style>.m{display:none} @media (max-width:600px){.m{display:block!important}}</style><div class="m">mobile</div>`)).toBe("mobile");
    expect(shown(`<style>.s{display:none} td .s{display:inline}</style><span class="s">compound</span>`)).toBe("compound");
    expect(shown(`<style>.s{display:none}</style><style>.s{display:block}</style><span class="s">later</span>`)).toBe("later");
    expect(shown(`<style media="print">.s{display:none}</style><span class="s">screen</span>`)).toBe("screen");
    expect(shown(`<style media="screen and (max-width:600px)">.s{display:none}</style><span class="s">wide</span>`)).toBe("wide");
    expect(shown(`<style media='all'>.s{display:none}</style><p>a</p><span class="s">salt</span>`)).toBe("a");
    expect(shown(`<style>.s{display:none} [class~=s]{display:block}</style><span class="s">attr</span>`)).toBe("attr");
    expect(shown(`<style>.s{display:none}</style><span class="s" style="display:inline">inline wins</span>`)).toBe("inline wins");
    expect(shown(`<style>/* .s{display:none} */ .x{color:red}</style><span class="s">comment</span>`)).toBe("comment");
    expect(shown(`<style>div .s{display:none}</style><div><span class="s">compound hides</span></div>`)).toBe("compound hides"); // not followed: read
  });
  test("past its bounds a document's sheets hide nothing (the text is read), and reading them stays linear", () => {
    const rules = (k: number) => Array.from({ length: k }, (_, i) => `.f${i}{font-family:serif}`).join("");
    expect(shown(`<style>.s{display:none}${rules(998)}</style><b class=s>salt</b>`)).toBe("");
    expect(shown(`<style>.s{display:none}${rules(1000)}</style><b class=s>salt</b>`)).toBe("salt"); // 1 001 rules setting a hiding property
    const names = (k: number) => Array.from({ length: k }, (_, i) => `.m${i}`).join(",");
    expect(shown(`<style>.s{display:none} @media (max-width:600px){${names(512)}{display:block}}</style><b class=s>salt</b>`)).toBe("");
    expect(shown(`<style>.s{display:none} @media (max-width:600px){${names(513)}{display:block}}</style><b class=s>salt</b>`)).toBe("salt");
    expect(shown(`<style>.s{display:none}</style><b class="${"c ".repeat(40)}s">33rd class</b><b class="${"c ".repeat(30)}s">31st class</b>`)).toBe("33rd class");
    // Hostile sheets: unbalanced braces, unclosed <style> elements, a 300 KB rule list.
    for (const html of [`<style>${"{".repeat(300_000)}</style>x`, `${"<style>".repeat(40_000)}x`, `<style>${".a{display:none}".repeat(20_000)}</style><p class=a>x</p>`]) {
      const t0 = performance.now();
      renderHtml(html);
      expect(performance.now() - t0).toBeLessThan(1000);
    }
  });
  test("a rule that sets no hiding property does not show a hidden name again", () => {
    expect(shown(`<style>.s{display:none} .s{color:red} p .s{margin:0}</style><p>a</p><span class="s">salt</span>`)).toBe("a");
  });
});

describe("renderHtml: links as a browser opens them", () => {
  test("backslashes for slashes, missing slashes after the scheme, and a link without a scheme take the form a browser gives them", () => {
    const href = (h: string) => renderHtml(`<a href="${h}">x</a>`).links[0].href;
    expect(href("https:\\\\kit.example\\login")).toBe("https://kit.example/login");
    expect(href("HTTPS:/\\kit.example/a")).toBe("HTTPS://kit.example/a");
    expect(href("https:kit.example/a")).toBe("https://kit.example/a");
    expect(href("https:///kit.example/a")).toBe("https://kit.example/a");
    expect(href("//kit.example/a")).toBe("https://kit.example/a");
    // The query and fragment are as written; ordinary links are untouched.
    expect(href("https:\\\\kit.example\\a?q=b\\c#d\\e")).toBe("https://kit.example/a?q=b\\c#d\\e");
    for (const h of ["https://vendor.example/a?x=1", "mailto:a@b.example", "page2.html", "http://vendor.example/"]) expect(href(h)).toBe(h);
    expect(renderHtml('<img src="//cdn.example/logo.png">').uris).toEqual(["https://cdn.example/logo.png"]);
  });

  test("an SVG's xlink:href is one of the page's URLs", () => {
    expect(renderHtml('<svg><a xlink:href="https://kit.example/x"><text>Play</text></a></svg>').uris).toEqual(["https://kit.example/x"]);
  });
});

describe("renderHtml: what a form shows", () => {
  test("a button's label, a text box's value or grey placeholder are read; hidden fields, password dots, choices and hidden inputs are not", () => {
    const r = renderHtml(`<form><input type="email" placeholder="Email address"><input type=password placeholder='Password' value="secret"><input type="submit" value="Verify account"><input type=hidden value="token123"><input value="prefilled" placeholder="unseen"><INPUT TYPE=BUTTON VALUE="Sign&nbsp;in"><input type=submit value="x" hidden><input type=checkbox value=yes><input type=image alt="Continue" src="b.png"></form>`);
    expect(r.text.replace(/\s+/g, " ").trim()).toBe("Email address Password Verify account prefilled Sign in Continue");
  });
  test("inside a hidden element a form shows nothing", () => {
    expect(renderHtml(`<div style="display:none"><input type=submit value="Verify account"></div><p>a</p>`).text.trim()).toBe("a");
  });
});

describe("renderHtml: text drawn right to left", () => {
  const shown = (html: string) => renderHtml(html).text.replace(/\s+/g, " ").trim();
  test("<bdo dir=rtl>, bidi-override with direction rtl and the override character turn the text round as it is drawn; links' text too", () => {
    expect(shown(`<p>Please <bdo dir="rtl">tnuocca ruoy yfirev</bdo> today</p>`)).toBe("Please verify your account today");
    expect(shown(`<p><span style="unicode-bidi: bidi-override; direction: rtl">won <b>ngis</b></span>!</p>`)).toBe("sign now!");
    expect(shown(`<p dir=rtl style="unicode-bidi:bidi-override">enil</p>`)).toBe("line");
    expect(shown(`<p>&#8238;drowssap&#8236; reset</p>`)).toBe("password reset");
    expect(shown(`<bdo dir=RTL>desolcnu`)).toBe("unclosed");
    expect(renderHtml(`<a href="http://evil.example/"><bdo dir=rtl>moc.lapyap</bdo></a>`).links).toEqual([{ href: "http://evil.example/", text: "paypal.com" }]);
    expect(renderHtml(`<bdo dir=rtl><a href="http://evil.example/">moc.lapyap</a> ni goL</bdo>`).links).toEqual([{ href: "http://evil.example/", text: "paypal.com" }]);
  });
  test("a class or id that the document's style sheet draws right to left turns its text round too", () => {
    expect(shown(`<style>.r{unicode-bidi:bidi-override;direction:rtl}</style><p>Please <span class="r">tnuocca ruoy yfirev</span>.</p>`)).toBe("Please verify your account.");
    expect(shown(`<style>#x{direction:rtl; unicode-bidi: bidi-override}</style><b id=x>ngis</b>`)).toBe("sign");
    // Shown otherwise again: a media query, or the element's own style.
    expect(shown(`<style>.r{unicode-bidi:bidi-override;direction:rtl} @media screen{.r{direction:ltr}}</style><span class=r>abc</span>`)).toBe("abc");
    expect(shown(`<style>.r{unicode-bidi:bidi-override;direction:rtl}</style><span class=r style="direction:ltr">abc</span>`)).toBe("abc");
  });
  test("right-to-left text, a left-to-right override and dir=rtl alone are read as written", () => {
    expect(shown(`<p dir=rtl>\u05e9\u05dc\u05d5\u05dd abc</p><span style="unicode-bidi:bidi-override;direction:ltr">+972 3</span><bdo dir=ltr>xyz</bdo>`)).toBe("\u05e9\u05dc\u05d5\u05dd abc +972 3xyz");
  });
});

describe("renderHtml: text in the colour of its background", () => {
  const shown = (html: string) => renderHtml(html).text.trim();
  test("white on the page is hidden; white on a dark cell, div or body is read", () => {
    expect(shown(`<p>a</p><font color="#FFFFFF">salt</font><span style="color:rgb(255,255,255)">more</span><span style="color:#fefefe">x</span>`)).toBe("a");
    expect(shown(`<table bgcolor="#000000"><tr><td><font color="#ffffff">banner</font></td></tr></table>`)).toBe("banner");
    expect(shown(`<div style="background-color: #1A1A1A"><span style="color: white">button</span></div>`)).toBe("button");
    expect(shown(`<div style="background:#003366 no-repeat"><p style="color:#fff">shorthand</p></div>`)).toBe("shorthand");
    expect(shown(`<body bgcolor=black><p><font color=white>dark page</font></p></body>`)).toBe("dark page");
  });
  test("any colour on the same colour is hidden; a child with its own colour is read again", () => {
    const r = renderHtml(`<td bgcolor="#336699"><font color="#336699">salt</font><font color="#336699"><b style="color:#ffcc00">seen</b></font></td>`);
    expect(r.text.trim()).toBe("seen");
    expect(r.hiddenChars).toBe("salt".length);
    expect(shown(`<font color=white><font color=red>red on white</font></font>`)).toBe("red on white");
  });
  test("a picture, gradient, unknown name or translucent colour behind or in the text: read (no guess)", () => {
    expect(shown(`<td background="sky.jpg"><font color=white>on a picture</font></td>`)).toBe("on a picture");
    expect(shown(`<div style="background-image:url(x.png)"><span style="color:#fff">img</span></div>`)).toBe("img");
    expect(shown(`<div style="background:linear-gradient(#000,#333)"><span style="color:#fff">grad</span></div>`)).toBe("grad");
    expect(shown(`<span style="color:rgba(255,255,255,0.5)">half</span>`)).toBe("half");
    expect(shown(`<span style="color:var(--brand)">var</span>`)).toBe("var");
    expect(shown(`<div style="background:none"><span style="color:white">none</span></div>`)).toBe(""); // no colour set: the page's white
    expect(shown(`<div style="background:no-repeat #000"><span style="color:#fff">colour after</span></div>`)).toBe("colour after");
  });
  test("<body text> is the page's text colour, unless a style sheet may set it", () => {
    expect(shown(`<body text="#ffffff"><p>salt</p><p><font color=black>shown</font></p></body>`)).toBe("shown");
    expect(shown(`<body text=white bgcolor=navy><p>on navy</p></body>`)).toBe("on navy");
    expect(shown(`<body text="#000000"><table bgcolor="#000000"><tr><td>black on black</td><td bgcolor=white>seen</td></tr></table></body>`)).toBe("seen");
    expect(shown(`<style>body{color:#333}</style><body text="#ffffff"><p>sheet first</p></body>`)).toBe("sheet first");
  });
  test("colours only a style sheet could set are not guessed: text that names no colour, links, and white under a sheet that sets backgrounds are read", () => {
    expect(shown(`<td bgcolor="#000000">no colour named</td>`)).toBe("no colour named"); // a sheet or <body text> may make it white
    expect(shown(`<font color=white><a href="http://x.example/">a link</a></font>`)).toBe("a link");
    expect(shown(`<style>.b{background:#000}</style><div class=b><font color=white>sheet banner</font></div>`)).toBe("sheet banner");
    expect(shown(`<style>p{margin:0}</style><p><font color=white>salt</font></p>`)).toBe(""); // a sheet that sets no background
    expect(shown(`<style>.b{background:#000}</style><div style="background:#fff"><font color=white>salt</font></div>`)).toBe(""); // an inline white says
  });
});

describe("renderHtml: comments and <noscript> as readers show them", () => {
  test("a conditional comment's content is read (Outlook for Windows renders it); a downlevel-revealed block too; a plain comment is not", () => {
    const r = renderHtml(`<p>a</p><!--[if mso]><table><tr><td>outlook words</td></tr></table><![endif]--><!--[If gte mso 9]><p>nine</p><![endif]--><p>b</p><!-- a note --><!--[if !mso]><!--><p>others</p><!--<![endif]-->`);
    expect(r.text.replace(/\s+/g, " ").trim()).toBe("a outlook words nine b others");
  });
  test("\"<!-->\" and \"<!--->\" are empty comments: what follows them is read, up to the next comment", () => {
    expect(renderHtml(`<!-->x<!-- c -->y`).text).toBe("xy");
    expect(renderHtml(`<!--->z`).text).toBe("z");
  });
  test("<noscript> is read (no mail reader runs scripts); <script>, <style>, <template>, the title and Outlook's <xml> are not", () => {
    const r = renderHtml(`<head><title>t</title><meta charset="utf-8"><style>p{}</style><!--[if mso]><xml>dpi</xml><![endif]--></head><body><noscript>shown</noscript><script>var x = "code"</script><template>inert</template></body>`);
    expect(r.text).toBe("shown");
  });
  test("text and body elements written in the head are read: an HTML5 parser moves them into the body", () => {
    const r = renderHtml(`<html><head><title>t</title><p>in the head</p>stray words</head><body><p>body</p></body></html>`);
    expect(r.text.replace(/\s+/g, " ").trim()).toBe("in the head stray words body");
  });
});

describe("renderHtml fast paths", () => {
  test("white space between tags is one space; line breaks trimmed at both ends, kept inside", () => {
    const r = renderHtml("\n\n<p>\n</p><b>a</b>\u00a0\t\r\n\f<i>b</i><b> </b><i>c</i>&#32;<i>d</i> &nbsp; <br>\n<td>e</td>\n\n");
    expect(r.text).toBe("a b c d\ne "); // the cell's space is kept: only line breaks are trimmed
    expect(r.visibleChars).toBe(5);
  });

  test("text needing nothing is kept as written; double spaces, entities, invisible characters and tabs are still read", () => {
    const r = renderHtml("<b>plain words</b><i>two  spaces</i><i>a&amp;b</i><i>soft\u00adhy\u200bphen</i><i>tab\there</i><a href=x>link text</a>");
    expect(r.text).toBe("plain wordstwo spacesa&bsofthyphentab herelink text");
    expect(r.links).toEqual([{ href: "x", text: "link text" }]);
    expect(r.visibleChars).toBe(47);
  });
});
