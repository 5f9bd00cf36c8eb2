// The union of readings (readings.ts): for each case, a word only one reading shows reaches
// body; the RFC reading's parts stay as they were; the work stays bounded.
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseMessageSync } from "./parse";

const LIMITS = { max_message_size: 20 * 1024 * 1024, max_mime_parts: 1000, max_mime_depth: 32 };
const parse = (s: string, limits = LIMITS) => parseMessageSync(new TextEncoder().encode(s), limits);
const b64 = (s: string) => Buffer.from(s).toString("base64");
const W = "SECRETWORD";

// [case, message, the RFC reading's part types, the alternate readings seen]
const CASES: [string, string, string[], string[]][] = [
  ["prefix-line", `Content-Type: multipart/mixed; boundary=abc\n\n--abc\n\nhi\n--abc-def\nContent-Type: text/html\nContent-Transfer-Encoding: base64\n\n${b64(`<b>${W}</b>`)}\n--abc--\n`, ["multipart/mixed", "text/plain"], ["prefix-line:text/plain", "prefix-line:text/html"]],
  ["padded-line", `Content-Type: multipart/mixed; boundary=abc\n\n--abc\nContent-Type: text/html\n\n<p>SECRET<!--\n--abc \nContent-Type: text/plain\n\n-->WORD</p>\n--abc--\n`, ["multipart/mixed", "text/html", "text/plain"], ["padded-line:text/html"]],
  ["after-close", `Content-Type: multipart/mixed; boundary=abc\n\n--abc\nContent-Type: multipart/alternative; boundary=abc\n\n--abc\n\nhi\n--abc--\n--abc\nContent-Type: text/plain\n\n${W}\n--abc--\n`, ["multipart/mixed", "multipart/alternative", "text/plain"], ["no-boundary:text/plain", "after-close:text/plain"]],
  ["no-boundary", `Content-Type: multipart/mixed; boundary=nowhere\n\n${W}\n`, ["multipart/mixed"], ["no-boundary:text/plain"]],
  ["no boundary parameter", `Content-Type: multipart/mixed\n\n${W}\n`, ["multipart/mixed"], ["no-boundary:text/plain"]],
  ["repeated boundary", `Content-Type: multipart/mixed; boundary=decoy; boundary=real\n\n--real\nContent-Transfer-Encoding: base64\n\n${b64(W)}\n--real--\n`, ["multipart/mixed"], ["no-boundary:text/plain", "repeated-value:multipart/mixed", "repeated-value:text/plain"]],
  ["repeated Content-Type", `Content-Type: text/plain\nContent-Type: text/html\n\n<p>SECRET&#87;ORD</p>\n`, ["text/plain"], ["repeated-value:text/html"]],
  ["sniffed-type, text in an image", `Content-Type: multipart/mixed; boundary=abc\n\n--abc\nContent-Type: image/gif\nContent-Transfer-Encoding: base64\n\n${b64(`hello ${W}`)}\n--abc--\n`, ["multipart/mixed", "image/gif"], ["sniffed-type:text/plain"]],
  ["sniffed-type, HTML in octet-stream", `Content-Type: multipart/mixed; boundary=abc\n\n--abc\nContent-Type: application/octet-stream\n\n<html><body>${W}</body></html>\n--abc--\n`, ["multipart/mixed", "application/octet-stream"], ["sniffed-type:text/html"]],
  ["html-in-plain", `Content-Type: text/plain\n\n<!DOCTYPE html><html><body>SECRET&#87;ORD</body></html>\n`, ["text/plain"], ["html-in-plain:text/html"]],
  ["base64-padding", `Content-Type: text/plain\nContent-Transfer-Encoding: base64\n\n${b64("hi")}${b64(` ${W}`)}\n`, ["text/plain"], ["base64-padding:text/plain"]],
  ["encoded-message, base64", `Content-Type: multipart/mixed; boundary=abc\n\n--abc\n\nsee below\n--abc\nContent-Type: message/rfc822\nContent-Transfer-Encoding: base64\n\n${b64(`Subject: inner\nContent-Type: text/html\n\n<p>${W}</p>\n`)}\n--abc--\n`, ["multipart/mixed", "text/plain", "message/rfc822"], ["encoded-message:text/html"]],
  ["encoded-message, quoted-printable, a multipart inside", `Content-Type: message/rfc822\nContent-Transfer-Encoding: quoted-printable\n\nContent-Type: multipart/mixed; boundary=3D"q"\n\n--q\n\n${W}=\n\n--q--\n`, ["message/rfc822"], ["encoded-message:multipart/mixed", "encoded-message:text/plain"]],
];

describe("every reading is scanned", () => {
  test.each(CASES)("%s", (_name, msg, primary, alternates) => {
    const m = parse(msg);
    expect(m.body).toContain(W);
    expect(m.parts.map((p) => p.contentType)).toEqual(primary);
    expect((m.alternates ?? []).map((p) => `${p.reading}:${p.contentType}`).sort()).toEqual([...alternates].sort());
  });

  test("agreeing readings add nothing: a real image, an RFC-clean multipart, text already seen", () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x41, 0x42]);
    const clean = parse(`Subject: s\nContent-Type: multipart/mixed; boundary=abc\n\n--abc\n\nhello\n--abc\nContent-Type: image/png\nContent-Transfer-Encoding: base64\n\n${png.toString("base64")}\n--abc--\n`);
    expect(clean.alternates).toEqual([]);
    expect(clean.body).toBe("s\nhello");
    // The prefix reading finds the same text, split: nothing new reaches body.
    const same = parse(`Subject: s\nContent-Type: multipart/mixed; boundary=abc\n\n--abc\n\nhello\n--abc-x\nworld\n--abc--\n`);
    expect(same.alternates!.length).toBeGreaterThan(0);
    expect(same.body).toBe("s\nhello\n--abc-x\nworld");
  });

  test("the multipart fixture with a prefix-sharing inner boundary reads as before", () => {
    const m = parseMessageSync(readFileSync(join(import.meta.dir, "../../fixtures/messages/multipart.eml")), LIMITS);
    expect(m.body.split("Schöne Grüße").length).toBe(2);
  });
});

describe("bounds", () => {
  test("alternates count against max_mime_parts, after the RFC reading's parts", () => {
    const parts = Array.from({ length: 30 }, (_, i) => `--abc\n\np${i}\n--abc-x\nContent-Type: text/plain\n\nq${i}\n`).join("");
    const m = parse(`Content-Type: multipart/mixed; boundary=abc\n\n${parts}--abc--\n`, { ...LIMITS, max_mime_parts: 40 });
    expect(m.parts.length).toBe(31);
    expect(m.parts.length + m.alternates!.length).toBe(40);
    expect(m.truncated).toBe(false);
    expect(m.defects.join()).toMatch(/alternate readings stopped/);
  });

  test("alternate readings walk a bounded number of bytes", () => {
    // Every level's Content-Type is given twice: each would double the work without the budget.
    let msg = "";
    for (let i = 0; i < 20; i++) msg += `Content-Type: multipart/mixed; boundary=b${i}\nContent-Type: multipart/mixed; boundary=c${i}\n\n--b${i}\n`;
    msg += "\n" + "x".repeat(100_000) + "\n";
    const t = performance.now();
    const m = parse(msg);
    expect(performance.now() - t).toBeLessThan(2000);
    expect(m.defects.join()).toMatch(/over their byte budget/);
  });

  test("encoded messages are read three deep; a fourth level is left, with a defect", () => {
    const wrap = (inner: string) => `Content-Type: message/rfc822\nContent-Transfer-Encoding: base64\n\n${b64(inner)}\n`;
    const level = (n: number) => `Subject: s\n\nWORD${n}\n`;
    const msg = wrap(`Content-Type: multipart/mixed; boundary=b\n\n--b\n\n${level(1)}--b\n${wrap(`Content-Type: multipart/mixed; boundary=c\n\n--c\n\n${level(2)}--c\n${wrap(`Content-Type: multipart/mixed; boundary=d\n\n--d\n\n${level(3)}--d\n${wrap(level(4))}--d--\n`)}--c--\n`)}--b--\n`);
    const m = parse(msg);
    for (const n of [1, 2, 3]) expect(m.body).toContain(`WORD${n}`);
    expect(m.body).not.toContain("WORD4");
    expect(m.defects.join()).toMatch(/nested more than 3 deep/);
  });

  test("an encoded message counts against max_mime_parts and max_mime_depth", () => {
    const inner = `Content-Type: multipart/mixed; boundary=b\n\n${Array.from({ length: 20 }, (_, i) => `--b\n\np${i}\n`).join("")}--b--\n`;
    const m = parse(`Content-Type: message/rfc822\nContent-Transfer-Encoding: base64\n\n${b64(inner)}\n`, { ...LIMITS, max_mime_parts: 10 });
    expect(m.parts.length + m.alternates!.length).toBeLessThanOrEqual(10);
    const deep = parse(`Content-Type: message/rfc822\nContent-Transfer-Encoding: base64\n\n${b64(inner)}\n`, { ...LIMITS, max_mime_depth: 1 });
    expect(deep.body).not.toContain("p1");
    expect(deep.defects.join()).toMatch(/MIME nesting deeper than/);
  });
});
