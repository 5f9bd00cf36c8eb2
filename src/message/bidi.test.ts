import { expect, test } from "bun:test";
import { drawnRightToLeft, unreverse } from "./bidi";

test("a right-to-left override's run is turned round as drawn: up to its PDF, the end of its line, or the end", () => {
  expect(unreverse("Please \u202etnuocca ruoy yfirev\u202c today")).toBe("Please \u202everify your account\u202c today");
  expect(unreverse("a \u202eolleh\nnext line")).toBe("a \u202ehello\nnext line");
  expect(unreverse("\u202eA\u202c B \u202eDC")).toBe("\u202eA\u202c B \u202eCD");
  // An embedding opened inside the run is closed by its own PDF first; the run goes on.
  expect(unreverse("\u202ecb\u202ax\u202cda\u202c!")).toBe("\u202ead\u202cx\u202abc\u202c!");
});

test("brackets are mirrored as a right-to-left run draws them; astral characters stay whole", () => {
  expect(drawnRightToLeft("(olleh) [a] {b} <c>")).toBe("<c> {b} [a] (hello)");
  expect(drawnRightToLeft("\u{1F600}ab")).toBe("ba\u{1F600}");
});

test("text without an override, embeddings and isolates are left as written", () => {
  for (const s of ["plain", "\u202bembedded\u202c", "\u2067isolated\u2069", "\u05e9\u05dc\u05d5\u05dd \u202aabc\u202c", "\u202dforced ltr\u202c"]) expect(unreverse(s)).toBe(s);
});
