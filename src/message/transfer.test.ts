// Content-Transfer-Encoding as mail readers apply it (RFC 2045 §6): the field's comments, and
// base64 bodies with characters outside the alphabet.
import { describe, expect, test } from "bun:test";
import { base64Chunks, decodeTransfer, hasBase64AfterPadding } from "./mime";
import { parseMessageSync } from "./parse";

const LIMITS = { max_message_size: 20 * 1024 * 1024, max_mime_parts: 1000, max_mime_depth: 32 };
const parse = (s: string) => parseMessageSync(new TextEncoder().encode(s), LIMITS);
const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => Buffer.from(b).toString("latin1");

// [Content-Transfer-Encoding field value, body, the part's text] — RFC 2045 §6.1 keeps RFC 822's
// lexical rules, so comments (nested, with quoted pairs) and whitespace around the token go.
const CTE_CASES: [string, string, string][] = [
  ["quoted-printable (x)", "caf=C3=A9 =\nbar", "café bar"],
  ["base64 (note)", "aGVsbG8gd29ybGQ=", "hello world"],
  ["(lead) Base64", "aGVsbG8gd29ybGQ=", "hello world"],
  ["base64 (a (nested \\) one) b)", "aGVsbG8=", "hello"],
  ["  QUOTED-PRINTABLE\t(x) ", "a=3Db", "a=b"],
  ["base64", "aGVsbG8=", "hello"],
  // Unknown encodings still pass as they are.
  ["x-uuencode (x)", "begin", "begin"],
];

describe("Content-Transfer-Encoding with comments", () => {
  test.each(CTE_CASES)("%s", (cte, body, want) => {
    const m = parse(`Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: ${cte}\n\n${body}\n`);
    expect(m.parts[0].text!.trim()).toBe(want);
  });
});

// [base64 body, decoded] — RFC 2045 §6.8: characters outside the alphabet are ignored; "-" and
// "_" are not base64url digits in mail.
const B64_CASES: [string, string][] = [
  ["aGVs-bG8gd29ybGQ=", "hello world"],
  ["aGVs_bG8g_d29y_bGQ=", "hello world"],
  ["aGVs\r\nbG8g\r\nd29ybGQ=\r\n", "hello world"],
  ["aGVs.bG8g*d29y@bGQ!=", "hello world"],
  ["a G V s b G 8 =", "hello"],
  ["", ""],
];

describe("base64 ignores what is outside its alphabet", () => {
  test.each(B64_CASES)("%s", (body, want) => {
    expect(text(decodeTransfer(bytes(body), "base64", []))).toBe(want);
  });

  test("a 1 MB part decodes in linear time", () => {
    const plain = Buffer.alloc(768 * 1024, "spam and ham ");
    const body = bytes(plain.toString("base64").replace(/.{76}/g, "$&\r\n-_"));
    const t = performance.now();
    const out = decodeTransfer(body, "base64", []);
    expect(performance.now() - t).toBeLessThan(500);
    expect(Buffer.compare(out, plain)).toBe(0);
  });
});

// [base64 body, digits after a padding "=", each chunk decoded and joined]
const PAD_CASES: [string, boolean, string][] = [
  ["aGVsbA==bG8gd29ybGQ=", true, "helllo world"],
  ["aGVsbG8=IHdvcmxk", true, "hello world"],
  ["aGVsbA=\n=\nbG8=", true, "helllo"],
  ["aGVsbG8=\n", false, "hello"],
  ["aGVsbA==\r\n--\r\n", false, "hell"],
  ["aGVsbG8gd29ybGQ=", false, "hello world"],
];

describe("base64 past its padding", () => {
  test.each(PAD_CASES)("%s", (body, after, joined) => {
    expect(hasBase64AfterPadding(bytes(body))).toBe(after);
    expect(text(base64Chunks(bytes(body)))).toBe(joined);
  });
});

test("half a million padded chunks decode in one pass", () => {
  const body = bytes("YQ==\r\n".repeat(500_000));
  const t = performance.now();
  const out = base64Chunks(body);
  expect(performance.now() - t).toBeLessThan(1000);
  expect(out.byteLength).toBe(500_000);
  expect(out.every((b) => b === 0x61)).toBe(true);
});
