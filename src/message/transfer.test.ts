// Content-Transfer-Encoding as mail readers apply it (RFC 2045 §6): the field's comments, and
// base64 bodies with characters outside the alphabet.
import { describe, expect, test } from "bun:test";
import { base64Chunks, decodeTransfer, hasBase64AfterPadding, qpBytes } from "./mime";
import { parseMessageSync } from "./parse";
import { intRng } from "../testing/rng";

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

describe("quoted-printable", () => {
  test("escapes in either case, malformed ones kept, soft breaks with white space before the line end", () => {
    const s = "a=3D=3d=C3=A9 =G1 =4 x=  \r\nb=\nc=\t \n=\rd=";
    expect(Buffer.from(qpBytes(s)).toString("latin1")).toBe("a==\xc3\xa9 =G1 =4 xbc=\rd=");
    expect(Buffer.from(qpBytes("a=20_b=\nc", false)).toString("latin1")).toBe("a _b=\nc");
    // The line end must come within the 79 characters after "=".
    expect(Buffer.from(qpBytes(`a=${" ".repeat(78)}\nb`)).toString("latin1")).toBe("ab");
    expect(Buffer.from(qpBytes(`a=${" ".repeat(79)}\nb`)).toString("latin1")).toBe(`a=${" ".repeat(79)}\nb`);
    expect(Buffer.from(qpBytes(`a=${" ".repeat(77)}\r\nb`)).toString("latin1")).toBe("ab");
    expect(Buffer.from(qpBytes(`a=${" ".repeat(78)}\r\nb`)).toString("latin1")).toBe(`a=${" ".repeat(78)}\r\nb`);
  });

  // The reading of the regular expressions it had before (a slice and a regex per "="), on random text.
  test("the same bytes as the regular-expression reading", () => {
    const byRegex = (s: string, soft: boolean) => {
      const out: number[] = [];
      for (let i = 0; i < s.length; i++) {
        const c = s.charCodeAt(i);
        if (c === 0x3d) {
          const h = s.slice(i + 1, i + 3);
          if (/^[0-9a-fA-F]{2}$/.test(h)) {
            out.push(parseInt(h, 16));
            i += 2;
            continue;
          }
          const m = soft ? /^[ \t]*\r?\n/.exec(s.slice(i + 1, i + 80)) : null;
          if (m) {
            i += m[0].length;
            continue;
          }
        }
        out.push(c & 0xff);
      }
      return out;
    };
    const alphabet = ["=", "=", "A", "f", "3", "g", " ", "    ".repeat(5), "\t", "\r", "\n", "\r\n", "é", "€", "٣"];
    const rnd = intRng(11);
    for (let i = 0; i < 3000; i++) {
      const s = Array.from({ length: rnd(40) }, () => alphabet[rnd(alphabet.length)]).join("");
      expect([...qpBytes(s, i % 2 === 0)]).toEqual(byRegex(s, i % 2 === 0));
    }
  });
});
