// dress.ts re-sends plain-text ham as HTML for `bun run eval --cv`; the measurement is only
// worth something if the words stay the same and only the dress changes.
import { expect, test } from "bun:test";
import { defaults } from "../config/load";
import { parseMessageSync } from "../message/parse";
import { dressAsHtml } from "./dress";

const limits = defaults().scan;
const PLAIN = [
  "From: Anna Smith <anna@example.org>",
  "To: bob@example.net",
  "Subject: Release notes",
  "Message-ID: <1@example.org>",
  "Content-Type: text/plain; charset=us-ascii",
  "",
  "Hi Bob,",
  "",
  "the notes are at http://www.example.org/notes.html and the <tag> syntax & co are explained.",
  "",
  "Anna",
  "",
].join("\n");
const words = (s: string) => s.split(/\s+/).filter(Boolean);

for (const dress of ["client", "newsletter"] as const) {
  test(`the ${dress} dress keeps the headers and the words, and is HTML`, () => {
    const out = dressAsHtml(new TextEncoder().encode(PLAIN), dress, limits);
    expect(out).not.toBeNull();
    const m = parseMessageSync(out!, limits);
    expect(m.parts.some((p) => p.contentType === "text/html")).toBe(true);
    expect(m.parts.some((p) => p.contentType === "text/plain")).toBe(dress === "client");
    expect(m.headers.find((h) => h.name === "Subject")?.value).toBe("Release notes");
    const original = parseMessageSync(new TextEncoder().encode(PLAIN), limits);
    // The rendered HTML says what the text said (the client dress also carries the text itself).
    for (const w of words(original.body)) expect(m.body).toContain(w);
    expect(m.uris).toContain("http://www.example.org/notes.html");
  });
}

test("only single-part plain-text messages are dressed", () => {
  const html = PLAIN.replace("text/plain", "text/html");
  expect(dressAsHtml(new TextEncoder().encode(html), "client", limits)).toBeNull();
});
