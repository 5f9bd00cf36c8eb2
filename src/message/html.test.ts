import { describe, expect, test } from "bun:test";
import { decodeEntities, renderHtml } from "./html";

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
