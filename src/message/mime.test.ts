import { describe, expect, test } from "bun:test";
import { decodeWords, isNamed, parseFields } from "./mime";
import { parseMessageSync } from "./parse";
import { intRng } from "../testing/rng";

const utf16 = (s: string) => Buffer.from(s, "utf16le").swap16();

// [field value, decoded] — RFC 2047 §6.2: whitespace between adjacent encoded words is dropped,
// and same-charset adjacent words are decoded after their bytes are joined.
const CASES: [string, string][] = [
  ["=?utf-8?q?caf=C3=A9?=", "café"],
  ["=?utf-8?B?w6Q=?= =?utf-8?q?=C3?= =?utf-8?q?=A4x?=", "ääx"],
  // "ä" (C3 A4) split across two base64 words, folded onto two lines.
  ["=?UTF-8?B?w6E=?=\r\n =?utf-8?B?ww==?=\t=?utf-8?B?pA==?=", "áä"],
  // Different charsets are decoded each on its own, whitespace between them still dropped.
  ["=?iso-8859-1?q?=E9?= =?utf-8?q?=C3=A9?=", "éé"],
  // Text between words is kept; whitespace between a word and text is kept.
  ["=?utf-8?q?a?= b =?utf-8?q?c?=", "a b c"],
  ["x =?utf-8?q?a_b?= y", "x a b y"],
  // UTF-16BE code units split at an odd byte (decoding each word alone breaks every character).
  [`=?utf-16be?b?${utf16("Hello").subarray(0, 5).toString("base64")}?= =?utf-16be?b?${utf16("Hello").subarray(5).toString("base64")}?=`, "Hello"],
  // RFC 2231 §5 language suffix on the charset.
  ["=?utf-8*en?q?hi?= =?UTF-8*de?q?_there?=", "hi there"],
  ["no words here", "no words here"],
];

describe("RFC 2047 encoded words", () => {
  test.each(CASES)("%s", (raw, want) => {
    expect(decodeWords(raw, [])).toBe(want);
  });

  test("an unknown charset leaves the word as written, with a defect; its neighbours still decode", () => {
    const defects: string[] = [];
    expect(decodeWords("=?x-klingon?q?a?= =?utf-8?q?b?=", defects)).toBe("=?x-klingon?q?a?= b");
    expect(defects.join()).toMatch(/unknown charset/);
  });
});

describe("header fields by name", () => {
  test("any case matches, a longer or shorter name does not", () => {
    expect(isNamed({ name: "CONTENT-type" }, "content-type")).toBe(true);
    expect(isNamed({ name: "Content-Types" }, "content-type")).toBe(false);
    expect(isNamed({ name: "Content-Typ" }, "content-type")).toBe(false);
  });

  test("parseFields: the name without trailing blanks, the value without leading blanks, folds kept", () => {
    const defects: string[] = [];
    expect(parseFields("Subject :\t  a\r\n  b\nX-Y:z\n", defects)).toEqual([
      { name: "Subject", raw: "a  b" },
      { name: "X-Y", raw: "z" },
    ]);
    expect(defects).toEqual([]);
  });

  test("a part's Content-Type and transfer encoding are found in any case", () => {
    const raw = new TextEncoder().encode("SUBJECT: hi\nCONTENT-TYPE: multipart/mixed; boundary=b\n\n--b\ncontent-TYPE: text/html\nCONTENT-transfer-ENCODING: base64\n\nPGI+aGk8L2I+\n--b--\n");
    const m = parseMessageSync(raw, { max_message_size: 1 << 20, max_mime_parts: 10, max_mime_depth: 5 });
    expect(m.parts.map((p) => p.contentType)).toEqual(["multipart/mixed", "text/html"]);
    expect(m.body).toBe("hi\nhi");
  });
});

describe("header fields by offsets", () => {
  // The line-by-line reading parseFields had before (a slice per line, FIELD_NAME per name).
  const byLines = (text: string, defects: string[], maxFields: number) => {
    const out: { name: string; raw: string }[] = [];
    let junk = 0;
    for (let pos = 0, n = text.length; pos < n; ) {
      let nl = text.indexOf("\n", pos);
      if (nl < 0) nl = n;
      const line = text.charCodeAt(nl - 1) === 0x0d && nl > pos ? text.slice(pos, nl - 1) : text.slice(pos, nl);
      pos = nl + 1;
      if (line === "" || line === "\r") continue;
      const c = line.charCodeAt(0);
      if ((c === 0x20 || c === 0x09) && out.length) {
        out[out.length - 1].raw += line;
        continue;
      }
      const colon = line.indexOf(":");
      const name = colon > 0 ? line.slice(0, colon).trimEnd() : "";
      if (colon <= 0 || !/^[!-9;-~]+$/.test(name)) {
        if (out.length === 0 && line.startsWith("From ")) continue;
        if (junk++ === 0) defects.push("header line without a field name");
        if (junk > maxFields) {
          defects.push(`more than ${maxFields} header lines that are not fields; the rest ignored`);
          break;
        }
        continue;
      }
      if (out.length >= maxFields) {
        defects.push(`more than ${maxFields} header fields; the rest ignored`);
        break;
      }
      let v = colon + 1;
      for (let c = line.charCodeAt(v); c === 0x20 || c === 0x09; c = line.charCodeAt(++v));
      out.push({ name, raw: line.slice(v) });
    }
    return out;
  };

  test("the same fields and defects as the line-by-line reading, on random header text", () => {
    const alphabet = ["Subject", "X-a", ":", ":", " ", "\t", "\r", "\n", "\n", "\r\n", "From ", "\u3000", "\u00a0", "\u00e9", ";", "=?", "\u0000", "~"];
    const rnd = intRng(5);
    for (let i = 0; i < 4000; i++) {
      const text = Array.from({ length: rnd(50) }, () => alphabet[rnd(alphabet.length)]).join("");
      const max = i % 3 === 0 ? 2 : 5000;
      const a: string[] = [];
      const b: string[] = [];
      expect(parseFields(text, a, max)).toEqual(byLines(text, b, max));
      expect(a).toEqual(b);
    }
  });

  test("a name ends at the first colon, trailing white space dropped; a line without one is not a field", () => {
    const d: string[] = [];
    expect(parseFields("From x\nA b: c:d\nSubject \t: hi\r\nno colon\nX:\r\n\tfolded\n", d)).toEqual([
      { name: "Subject", raw: "hi" },
      { name: "X", raw: "\tfolded" },
    ]);
    expect(d).toEqual(["header line without a field name"]);
  });
});
