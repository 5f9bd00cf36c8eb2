// Charsets TextDecoder lacks: UTF-7 (RFC 2152) and UTF-32, by their MIME labels.
import { describe, expect, test } from "bun:test";
import { decodeText } from "./mime";

const ascii = (s: string) => new TextEncoder().encode(s);
const u32 = (s: string, le: boolean, bom = false) => {
  const cps = [...(bom ? "\ufeff" : ""), ...s].map((c) => c.codePointAt(0)!);
  const b = Buffer.alloc(cps.length * 4);
  cps.forEach((cp, i) => (le ? b.writeUInt32LE(cp, i * 4) : b.writeUInt32BE(cp, i * 4)));
  return new Uint8Array(b);
};

// [label, bytes, text] — the RFC 2152 examples first.
const CASES: [string, Uint8Array, string][] = [
  ["utf-7", ascii("A+ImIDkQ."), "A\u2262\u0391."],
  ["UTF-7", ascii("Hi Mom -+Jjo--!"), "Hi Mom -\u263a-!"],
  ["utf-7", ascii("+ZeVnLIqe-"), "日本語"],
  ["unicode-1-1-utf-7", ascii("1 +- 1 = 2"), "1 + 1 = 2"],
  ["utf7", ascii("Stra+AN8-e"), "Straße"],
  // A surrogate pair (U+1F600) across one base64 run; a run ended by a non-base64 byte other than "-".
  ["utf-7", ascii("+2D3eAA- +AGE."), "😀 a."],
  // Broken: a run cut short drops its leftover bits; a lone "+" at the end is nothing.
  ["utf-7", ascii("a+AG.b+"), "a.b"],
  ["utf-32le", u32("héllo 😀", true), "héllo 😀"],
  ["utf-32be", u32("héllo 😀", false), "héllo 😀"],
  ["utf-32", u32("with BOM", true, true), "with BOM"],
  ["UTF-32", u32("with BOM", false, true), "with BOM"],
  ["utf-32", u32("no BOM, little-endian", true), "no BOM, little-endian"],
  ["utf-32", u32("no BOM, big-endian", false), "no BOM, big-endian"],
  // Out of range and an incomplete last unit: U+FFFD, never an exception.
  ["utf-32le", new Uint8Array([0x41, 0, 0, 0, 0, 0, 0x11, 0, 0x42, 0]), "A\ufffd\ufffd"],
];

describe("charsets TextDecoder does not know", () => {
  test.each(CASES)("%s %#", (label, bytes, want) => {
    const defects: string[] = [];
    expect(decodeText(bytes, label, defects)).toBe(want);
    expect(defects).toEqual([]);
  });

  test("a long UTF-7 run decodes in linear time", () => {
    const s = "日本語".repeat(100_000);
    const b = Buffer.from(s, "utf16le").swap16().toString("base64").replace(/=+$/, "");
    const t = performance.now();
    expect(decodeText(ascii(`+${b}-`), "utf-7", [])).toBe(s);
    expect(performance.now() - t).toBeLessThan(1000);
  });
});
