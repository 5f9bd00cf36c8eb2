import { describe, expect, test } from "bun:test";
import { boundaryLines, splitAt } from "./multipart";

const enc = (s: string) => new TextEncoder().encode(s);
const lines = (body: string, boundary = "abc") => boundaryLines(enc(body), 0, enc(body).byteLength, boundary, 1000, 256);

// [line, close, rfc, padded] — RFC 2046 §5.1.1: `--` boundary, then only transport padding
// (LWSP) before the line end; the close delimiter adds `--` before the padding.
const CASES: [string, boolean, boolean, boolean][] = [
  ["--abc\r\n", false, true, false],
  ["--abc\n", false, true, false],
  ["--abc", false, true, false],
  ["--abc \t\r\n", false, true, true],
  ["--abc--\r\n", true, true, false],
  ["--abc-- \n", true, true, true],
  ["--abc-def\n", false, false, false],
  ["--abcdef\n", false, false, false],
  ["--abc--junk\n", true, false, false],
  ["--abc x\n", false, false, false],
];

describe("delimiter lines", () => {
  test.each(CASES)("%j", (line, close, rfc, padded) => {
    expect(lines(line).map(({ close, rfc, padded }) => ({ close, rfc, padded }))).toEqual([{ close, rfc, padded }]);
  });

  test("only at a line start", () => {
    expect(lines("text --abc\n")).toEqual([]);
    expect(lines("text\n--abc\n").length).toBe(1);
  });

  test("the RFC split: `--abc-def` stays in the part; the line break before a delimiter is the delimiter's", () => {
    const body = "--abc\r\nA\r\n--abc-def\r\nB\r\n--abc \r\nC\r\n--abc--\r\nepilogue\r\n";
    const b = enc(body);
    const s = splitAt(b, 0, b.byteLength, lines(body), (l) => l.rfc);
    expect(s.parts.map((p) => body.slice(p.start, p.end))).toEqual(["A\r\n--abc-def\r\nB", "C"]);
    expect(s.closed).toBe(true);
    expect(body.slice(s.epilogue)).toBe("epilogue\r\n");
    const prefix = splitAt(b, 0, b.byteLength, lines(body), () => true);
    expect(prefix.parts.map((p) => body.slice(p.start, p.end))).toEqual(["A", "B", "C"]);
  });

  test("without a close delimiter the last part runs to the end", () => {
    const body = "--abc\nA\n--abc\nB";
    const s = splitAt(enc(body), 0, body.length, lines(body), (l) => l.rfc);
    expect(s.parts.map((p) => body.slice(p.start, p.end))).toEqual(["A", "B"]);
    expect(s.closed).toBe(false);
  });

  test("bounded: delimiter-like lines past maxOdd are skipped, the real delimiters after them still found", () => {
    const body = "--abc\n" + "--abc-x\n".repeat(1000) + "--abc\nlast\n--abc--\n";
    const found = boundaryLines(enc(body), 0, body.length, "abc", 1000, 10);
    expect(found.filter((l) => !l.rfc).length).toBe(10);
    expect(found.filter((l) => l.rfc).length).toBe(3);
  });
});
