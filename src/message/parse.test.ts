import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseMessageSync } from "./parse";

const FIX = join(import.meta.dir, "../../fixtures/messages");
const LIMITS = { max_message_size: 20 * 1024 * 1024, max_mime_parts: 1000, max_mime_depth: 32 };
const enc = (s: string) => new TextEncoder().encode(s);
const parse = (s: string | Uint8Array, limits = LIMITS) => parseMessageSync(typeof s === "string" ? enc(s) : s, limits);

describe("headers", () => {
  test("unfolds, keeps raw, decodes RFC 2047 words in values", () => {
    const m = parse(readFileSync(join(FIX, "multipart.eml")));
    const from = m.headers.find((h) => h.name === "From")!;
    expect(from.raw).toBe("=?UTF-8?B?SsO2cmc=?= <joerg@example.de>");
    expect(from.value).toBe("Jörg <joerg@example.de>");
    expect(m.headers.find((h) => h.name === "Subject")!.value).toBe("Grüße aus Berlin");
    expect(m.body.startsWith("Grüße aus Berlin\n")).toBe(true);
  });
  test("folded fields keep their whitespace, lose the line break", () => {
    const m = parse("Subject: one\r\n two\r\n\tthree\r\n\r\nbody\r\n");
    expect(m.headers[0].raw).toBe("one two\tthree");
  });
  test("raw UTF-8 in a header is read as UTF-8", () => {
    const m = parse("Subject: Привет\n\nx\n");
    expect(m.headers[0].value).toBe("Привет");
  });
  test("an mbox From_ line is skipped without a defect; a garbage line is a defect", () => {
    expect(parse("From a@b Mon Jan 1\nSubject: x\n\nb\n").defects).toEqual([]);
    expect(parse("Subject: x\nnot a header\n\nb\n").defects).toContain("header line without a field name");
  });
});

describe("MIME", () => {
  const m = parse(readFileSync(join(FIX, "multipart.eml")));
  test("walks nested multiparts in order with depth", () => {
    expect(m.parts.map((p) => `${p.depth}:${p.contentType}`)).toEqual(["0:multipart/mixed", "1:multipart/alternative", "2:text/plain", "2:text/html", "1:application/octet-stream"]);
  });
  test("quoted-printable + charset decoded; soft line breaks joined", () => {
    expect(m.body).toContain("Schöne Grüße, siehe http://www.example.de/bilder und mehr.");
  });
  test("alternative: the HTML rendering is not added to body when a plain part exists; rawbody has both", () => {
    expect(m.body).not.toContain("<p>");
    expect(m.rawbody).toContain("<p>");
  });
  test("RFC 2231 filename", () => {
    expect(m.parts[4].filename).toBe("résumé.exe");
    expect(m.parts[4].disposition).toBe("attachment");
  });
  test("URIs found in text", () => {
    expect(m.uris).toContain("http://www.example.de/bilder");
  });
  test("a boundary that is a prefix of the inner boundary does not split inner parts", () => {
    expect(m.parts.filter((p) => p.contentType === "text/plain").length).toBe(1);
  });
  test("missing closing boundary and unknown charset are defects, not errors", () => {
    const x = parse('Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain; charset=x-klingon\n\nqapla\n');
    expect(x.body).toContain("qapla");
    expect(x.defects.join(";")).toMatch(/closing boundary/);
    expect(x.defects.join(";")).toMatch(/unknown charset/);
  });
  test("base64 HTML only message: rendered text, links, hidden text counted", () => {
    const html = '<html><head><title>t</title><style>p{}</style></head><body><p>Buy <b>now</b></p><a href="http://1.2.3.4/x">www.bank.com</a><div style="display:none">hidden words here</div><img src="http://img.example/a.gif"></body></html>';
    const x = parse(`Subject: s\nContent-Type: text/html\nContent-Transfer-Encoding: base64\n\n${Buffer.from(html).toString("base64")}\n`);
    expect(x.body).toBe("s\nBuy now\nwww.bank.com");
    expect(x.links).toEqual([{ href: "http://1.2.3.4/x", text: "www.bank.com" }]);
    expect(x.uris).toEqual(expect.arrayContaining(["http://1.2.3.4/x", "http://img.example/a.gif"]));
    expect(x.htmlHiddenChars).toBe("hiddenwordshere".length);
  });
  test("invisible characters inside plain-text words and the subject are not in body (a reader does not see them); rawbody keeps them", () => {
    const m = parse("Subject: Che\u200bap me\u00addic\u2060ine\nContent-Type: text/plain; charset=utf-8\n\nBuy V\u200bi\u200ba\u200bg\u200br\u200ba at http://ex\u200bample.com/x now\n");
    expect(m.body).toBe("Cheap medicine\nBuy Viagra at http://example.com/x now\n");
    expect(m.rawbody).toContain("V\u200bi\u200ba");
    expect(m.uris).toContain("http://example.com/x");
    expect(m.headers.find((h) => h.name === "Subject")!.value).toBe("Che\u200bap me\u00addic\u2060ine"); // header rules see the field as written
    expect(m.htmlVisibleChars).toBe("Buy Viagra at http://example.com/x now\n".length);
  });
});

describe("limits", () => {
  test("max_message_size: only a prefix is parsed, truncated set, size is the whole", () => {
    const big = "Subject: big\n\n" + "word ".repeat(30000);
    const x = parse(big, { ...LIMITS, max_message_size: 65536 });
    expect(x.truncated).toBe(true);
    expect(x.size).toBe(big.length);
    expect(x.full.length).toBe(65536);
  });
  test("max_message_size: the prefix the master forwards, with the real size, parses the same as the whole", () => {
    const big = "Subject: big\n\n" + "word ".repeat(30000);
    const limits = { ...LIMITS, max_message_size: 65536 };
    const whole = parse(big, limits);
    const prefix = parseMessageSync(enc(big).subarray(0, 65536), limits, big.length);
    expect(prefix.truncated).toBe(true);
    expect(prefix.size).toBe(big.length);
    expect(prefix.full).toBe(whole.full);
    expect(prefix.defects).toEqual(whole.defects);
  });
  test("max_mime_parts and max_mime_depth stop the walk", () => {
    let nested = "";
    for (let i = 0; i < 50; i++) nested += `Content-Type: multipart/mixed; boundary=b${i}\n\n--b${i}\n`;
    const deep = parse("Subject: d\n" + nested + "Content-Type: text/plain\n\nend\n", { ...LIMITS, max_mime_depth: 10 });
    expect(deep.truncated).toBe(true);
    expect(Math.max(...deep.parts.map((p) => p.depth))).toBeLessThanOrEqual(10);
    const many = "Content-Type: multipart/mixed; boundary=z\n\n" + "--z\nContent-Type: text/plain\n\nx\n".repeat(100) + "--z--\n";
    const wide = parse(many, { ...LIMITS, max_mime_parts: 20 });
    expect(wide.parts.length).toBe(20);
    expect(wide.truncated).toBe(true);
  });
  test("a part whose header is megabytes of lines that are not fields stops reading them (a loop bound)", () => {
    const x = parse("Content-Type: multipart/mixed; boundary=b\n\n--b\n" + "junk line\n".repeat(500_000) + "--b--\n");
    expect(x.defects).toContain("more than 200 header lines that are not fields; the rest ignored");
    expect(x.parts.map((p) => p.contentType)).toEqual(["multipart/mixed", "text/plain"]);
  });
  test("an empty message and a message without a header parse", () => {
    expect(parse("").headers).toEqual([]);
    expect(parse("\njust body\n").body).toBe("\njust body\n");
  });
});

test("a bare CR in a header is data read as a space (as Postfix's cleanup writes it), never a line end: the scanner and message/edit.ts see the same fields", () => {
  const m = parse("From: a@example.net\r\nSubject: hello\rX-Spam-Flag: NO\r\nTo: u@kas.test\r\n\r\nbody\r\n");
  expect(m.headers.map((h) => [h.name, h.value])).toEqual([["From", "a@example.net"], ["Subject", "hello X-Spam-Flag: NO"], ["To", "u@kas.test"]]);
});
