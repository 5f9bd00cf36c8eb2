import { describe, expect, test } from "bun:test";
import { compileSources, formatDiagnostic } from "./compile";
import { loadRuleDb } from "./match";
import { SEGMENT_MAX, segments } from "./segment";
import type { ParsedMessage } from "../message/types";

describe("segments", () => {
  test("a text that fits is one segment, the same string", () => {
    expect(segments("line one\n\nline two\n", 64)).toEqual(["line one\n\nline two\n"]);
    expect(segments("", 64)).toEqual([""]);
  });

  test("the pieces join to the text, none longer than the cap, none shorter than half of it (but the last)", () => {
    const text = Array.from({ length: 400 }, (_, i) => `paragraph ${i} ${"word ".repeat(i % 17)}${i % 5 === 0 ? "\n\n" : "\n"}`).join("");
    const segs = segments(text, 256);
    expect(segs.join("")).toBe(text);
    expect(segs.length).toBeGreaterThan(10);
    for (const s of segs) expect(s.length).toBeLessThanOrEqual(256);
    for (const s of segs.slice(0, -1)) expect(s.length).toBeGreaterThanOrEqual(128);
  });

  test("cut after a blank line first, then after a line, then after a space, else hard", () => {
    const para = "a".repeat(40) + "\n\n" + "b".repeat(30) + "\n" + "c".repeat(30);
    expect(segments(para, 100)[0]).toBe("a".repeat(40) + "\n\n" + "b".repeat(30) + "\n");
    expect(segments("a".repeat(60) + "\n\n" + "b".repeat(60), 100)[0]).toBe("a".repeat(60) + "\n\n");
    expect(segments("a".repeat(70) + " " + "b".repeat(70), 100)[0]).toBe("a".repeat(70) + " ");
    expect(segments("#".repeat(250), 100)).toEqual(["#".repeat(100), "#".repeat(100), "#".repeat(50)]);
  });

  test("cutting is linear: 4 MB without a line end or space is cut in milliseconds (a search back to the start of the text took seconds)", () => {
    const t0 = performance.now();
    const segs = segments("x".repeat(4 * 1024 * 1024));
    expect(segs.length).toBe(512);
    expect(performance.now() - t0).toBeLessThan(500);
  });

  test("a hard cut never splits a surrogate pair", () => {
    const text = "x".repeat(99) + "😀" + "y".repeat(120);
    const segs = segments(text, 100);
    expect(segs[0]).toBe("x".repeat(99));
    expect(segs.join("")).toBe(text);
  });
});

describe("rules over segments", () => {
  const msg = (body: string): ParsedMessage => ({
    headers: [], body, rawbody: body, full: body, uris: [], links: [], parts: [], htmlHiddenChars: 0, htmlVisibleChars: 0, truncated: false, defects: [], size: body.length,
  });
  const compiled = compileSources([{ path: "t.cf", text: `
body   WORD     /\\bspamword\\b/
body   LAST     /final offer$/m
body   START    /\\Aonly at the start/
body   CROSS    /first[\\s\\S]{0,40000}second/
body   COUNT    /\\bhit\\b/
tflags COUNT    multiple
meta   THREE    COUNT >= 3
score  WORD 1
score  LAST 1
score  START 1
score  CROSS 1
score  THREE 1
` }]);
  if (!compiled.db) throw new Error(compiled.diagnostics.map(formatDiagnostic).join("\n"));
  const db = loadRuleDb(compiled.db);
  const names = (body: string) => db.match(msg(body), { checkSymbols: [], deadline: Infinity }).hits.map((h) => h.name);
  const filler = ("lorem ipsum dolor sit amet ".repeat(3) + "\n").repeat(Math.ceil((3 * SEGMENT_MAX) / 82));

  test("a word in any segment is found, also past the first", () => {
    expect(names(filler + "spamword\n")).toContain("WORD");
    expect(names("spamword\n" + filler)).toContain("WORD");
  });

  test("$ /m still matches at the end of the last line of a segment and of the text", () => {
    expect(names(filler + "our final offer")).toContain("LAST");
  });

  test("a rule with \\A sees the whole text: it does not match at a segment start", () => {
    expect(names("only at the start\n" + filler)).toContain("START");
    expect(names(filler + "only at the start\n" + filler)).not.toContain("START");
  });

  test("hits of a multiple rule add up over segments", () => {
    expect(names(`hit\n${filler}hit\n${filler}hit\n`)).toContain("THREE");
    expect(names(`hit\n${filler}hit\n`)).not.toContain("THREE");
  });

  test("a match cannot span segments (SpamAssassin's paragraphs have the same edge)", () => {
    expect(names("first\n" + filler + "second")).not.toContain("CROSS");
    expect(names("first and then second")).toContain("CROSS");
  });
});
