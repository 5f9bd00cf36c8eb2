import { describe, expect, test } from "bun:test";
import { parseParamValue } from "./params";

// [raw field value, type, params] — RFC 2045 §5.1, RFC 5322 §3.2.2 / §3.2.4, RFC 2231 §3 / §4.
const CASES: [string, string, Record<string, string>][] = [
  ["text/plain", "text/plain", {}],
  ["TEXT/Plain; CharSet=UTF-8", "text/plain", { charset: "UTF-8" }],
  ['multipart/mixed; boundary="=?utf-8?q?y?="', "multipart/mixed", { boundary: "=?utf-8?q?y?=" }],
  ['multipart/mixed (a comment); boundary="zz"', "multipart/mixed", { boundary: "zz" }],
  ['(lead) multipart (nested (inner) comment) / mixed ; (before name) boundary (x) = (y) "zz" (after)', "multipart/mixed", { boundary: "zz" }],
  ["multipart/mixed; boundary=----=_Part_1_2.3", "multipart/mixed", { boundary: "----=_Part_1_2.3" }],
  ['multipart/mixed; boundary="a\\"b\\\\c"', "multipart/mixed", { boundary: 'a"b\\c' }],
  ['multipart/mixed; boundary="semi;colon"; charset=x', "multipart/mixed", { boundary: "semi;colon", charset: "x" }],
  ["text/plain;charset=utf-8;;format=flowed;", "text/plain", { charset: "utf-8", format: "flowed" }],
  ["application/octet-stream; name=my file.pdf", "application/octet-stream", { name: "my file.pdf" }],
  ["application/octet-stream; name=photo(1).jpg", "application/octet-stream", { name: "photo(1).jpg" }],
  ['attachment; filename="unterminated', "attachment", { filename: "unterminated" }],
  // RFC 2231 §3: continuations, in number order whatever the written order.
  ['attachment; filename*1="b c"; filename*0="a "', "attachment", { filename: "a b c" }],
  // RFC 2231 §4: charset-tagged, percent-encoded; §4.1: later extended sections share the charset.
  ["attachment; filename*=utf-8''r%C3%A9sum%C3%A9.exe", "attachment", { filename: "résumé.exe" }],
  ["attachment; filename*0*=utf-8'en'%E2%82; filename*1*=%AC%20; filename*2=100%25", "attachment", { filename: "€ 100%25" }],
  ["attachment; filename*=iso-8859-1''%E9t%E9", "attachment", { filename: "été" }],
  // Extended value wins over the plain one of the same name (RFC 2231 §4.1 advice).
  ["attachment; filename=plain.txt; filename*=utf-8''ext.txt", "attachment", { filename: "ext.txt" }],
  // First of a repeated parameter wins; the others are reported (readings.ts repeated-value).
  ["multipart/mixed; boundary=a; BOUNDARY=b", "multipart/mixed", { boundary: "a" }],
  ["", "", {}],
  ["; charset=x", "", { charset: "x" }],
];

describe("parameter grammar", () => {
  test.each(CASES)("%s", (raw, type, params) => {
    const p = parseParamValue(raw);
    expect(p.type).toBe(type);
    expect(p.params).toEqual(params);
  });

  test("RFC 2047 is never applied: an encoded word in a value stays as written", () => {
    expect(parseParamValue("text/plain; name==?utf-8?B?w6Q=?=").params.name).toBe("=?utf-8?B?w6Q=?=");
  });

  test("repeated values are listed; defects say what was repaired", () => {
    expect(parseParamValue("multipart/mixed; boundary=a; boundary=b; boundary=a").repeated).toEqual({ boundary: ["a", "b"] });
    expect(parseParamValue("text/plain; charset=x; charset=x").repeated).toEqual({});
    expect(parseParamValue("a/b; name=my file").defects.join()).toMatch(/words after its value/);
    expect(parseParamValue('a/b; x="open').defects.join()).toMatch(/unterminated quoted string/);
    expect(parseParamValue("a/b (open; x=1").defects.join()).toMatch(/unclosed comment/);
    expect(parseParamValue("a/b; lonely; x=1").params).toEqual({ x: "1" });
    expect(parseParamValue("a/b; f*1=x").defects.join()).toMatch(/sections missing/);
  });

  test("bounded: parameters past the 64th are not read", () => {
    const raw = "a/b" + Array.from({ length: 200 }, (_, i) => `; p${i}=${i}`).join("");
    const p = parseParamValue(raw);
    expect(Object.keys(p.params).length).toBe(64);
    expect(p.defects.join()).toMatch(/more than 64 parameters/);
  });
});

describe("quoted strings", () => {
  // Read as a slice when no backslash comes before the closing quote, else character by character.
  test.each([
    [`text/plain; a="x\\"y"; b="p q"`, { a: 'x"y', b: "p q" }, []],
    [`text/plain; a="no close`, { a: "no close" }, ["unterminated quoted string in a parameter list"]],
    [`text/plain; a="esc \\\\ at end\\`, { a: "esc \\ at end\\" }, ["unterminated quoted string in a parameter list"]],
    [`text/plain; a="plain" junk "q\\"r" ; b="s\\t"`, { a: '"plain" junk "q\\"r"', b: "st" }, ['parameter "a": words after its value']],
    [`multipart/mixed; boundary="----=_Part_1"; name*0="a"; name*1*=%41`, { boundary: "----=_Part_1", name: "aA" }, []],
    [`text/plain; a="x"\\ ; b="y"`, { a: '"x"\\', b: "y" }, ['parameter "a": words after its value']],
  ])("%s", (raw, params, defects) => {
    const r = parseParamValue(raw);
    expect(r.params).toEqual(params);
    expect(r.defects).toEqual(defects);
  });

  test("many quoted strings after a value, then an escape: the words are kept as written", () => {
    const r = parseParamValue(`text/plain; a=x ${'"q" '.repeat(100_000)}\\; b="y"`);
    expect(r.params.b).toBe("y");
    expect(r.params.a).toBe(`x ${'"q" '.repeat(100_000)}\\`);
  });
});
