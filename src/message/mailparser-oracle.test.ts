// mailparser (devDependency, pinned 3.9.0) as an oracle on the MIME evasion fixtures: what it
// shows a reader, kas must scan too. Where kas reads by the RFC and mailparser does not, the
// disagreement is listed below with the section, so a change on either side shows up here.
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { simpleParser } from "mailparser";
import { asRead } from "./styled";
import { parseMessageSync } from "./parse";

const DIR = join(import.meta.dir, "../../fixtures/messages/mime-evasion");
const GTUBE = "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X";
const LIMITS = { max_message_size: 20 * 1024 * 1024, max_mime_parts: 1000, max_mime_depth: 32 };
const norm = (s: string) => s.replace(/\s+/g, " ").trim();
/** Whether `words` occur in `text` one after the other (each a substring, searched from where the last ended). */
function inOrder(words: string[], text: string): boolean {
  let at = 0;
  for (const w of words) {
    const k = text.indexOf(w, at);
    if (k < 0) return false;
    at = k + w.length;
  }
  return true;
}
const fixtures = readdirSync(DIR).filter((f) => f.endsWith(".eml")).sort();

// Fixtures whose GTUBE mailparser 3.9.0 does not show, and why.
const MAILPARSER_MISSES: Record<string, string> = {
  // RFC 5322 §3.2.2 comment after a parameter value: libmime keeps "(first half)" in the boundary.
  "params-rfc2231-continuations.eml": "comment after a parameter value kept in the value",
  // RFC 2046 §5.1.1 transport padding: mailsplit takes `--pad \t` for text, so finds no part.
  "delimiter-transport-padding.eml": "delimiter with transport padding not recognised",
  // The union fixtures carry GTUBE only in the reading mailparser does not take (readings.ts).
  "union-html-in-plain.eml": "shows text/plain as text (the other reading)",
  "union-no-boundary.eml": "shows nothing for a multipart it cannot split",
  "union-padded-line.eml": "comment kept as HTML source, not rendered",
  "union-prefix-line.eml": "RFC reading: the base64 stays text",
  "union-repeated-boundary.eml": "takes the last boundary, which never occurs",
  "union-sniffed-type.eml": "an attachment, not text",
  "union-encoded-message.eml": "a forwarded message in base64 is an attachment, not text",
  // Readers draw an invitation's description; mailparser keeps a text/calendar part as an attachment.
  "calendar-invitation.eml": "a calendar part is an attachment, not text",
};

describe("mailparser 3.9.0 on fixtures/messages/mime-evasion", () => {
  test("the fixtures are there", () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(14);
  });

  test.each(fixtures)("%s: every text mailparser shows, kas scans; GTUBE where mailparser shows it", async (name) => {
    const raw = readFileSync(join(DIR, name));
    const theirs = await simpleParser(raw);
    const ours = parseMessageSync(raw, LIMITS);
    const scanned = norm(`${ours.body}\n${ours.rawbody}`);
    const texts = [theirs.subject ?? "", theirs.text ?? "", typeof theirs.html === "string" ? theirs.html : ""];
    const shown = texts.map(norm).filter(Boolean);
    // Every word mailparser shows is scanned, in its order; kas may read more between them
    // (an Outlook conditional comment's content, which mailparser's text leaves out).
    for (const s of shown) expect({ s, inOrder: inOrder(s.split(" "), scanned) }).toEqual({ s, inOrder: true });
    expect(ours.body).toContain(GTUBE);
    // On screen: mailparser keeps invisible characters in its text, which a reader does not see
    // (dropped before `norm`, whose \s would take U+FEFF for a space), and a right-to-left
    // override's run as written, which a reader draws turned round (asRead does both).
    const seen = texts.some((t) => norm(asRead(t)).includes(GTUBE));
    expect(seen).toBe(!(name in MAILPARSER_MISSES));
  });

  test("decoded text agrees part by part where both take the RFC reading", async () => {
    for (const name of ["issue-boundary-encoded-word.eml", "issue-content-type-comment.eml", "issue-delimiter-prefix.eml", "encoded-words-split.eml"]) {
      const raw = readFileSync(join(DIR, name));
      const theirs = await simpleParser(raw);
      const ours = parseMessageSync(raw, LIMITS);
      expect(ours.headers.find((h) => h.name === "Subject")!.value).toBe(theirs.subject!);
      expect(norm(ours.parts.flatMap((p) => (p.text === undefined ? [] : [p.text])).join("\n"))).toBe(norm(theirs.text ?? ""));
    }
  });
});
