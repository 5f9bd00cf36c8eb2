// HTTP/1.1 request framing (RFC 9112): heads that parse, heads refused before two parsers can
// disagree about where a request ends, and the chunked coding fed byte by byte.
import { describe, expect, test } from "bun:test";
import { ChunkedDecoder, parseHead, responseHead } from "./http1";

const b = (s: string) => new Uint8Array(Buffer.from(s, "latin1"));

describe("parseHead", () => {
  test("a POST with Content-Length: method, target, fields in order, framing, keep-alive; size ends at the body", () => {
    const text = "POST /v1/scan HTTP/1.1\r\nHost: kas\r\nX-KAS-Rcpt:  a@x \r\nContent-Length: 5\r\n\r\nhello";
    const r = parseHead(b(text), 65536);
    expect(r).toEqual({ ok: true, size: text.length - 5, head: { method: "POST", target: "/v1/scan", version: "1.1", headers: [["Host", "kas"], ["X-KAS-Rcpt", "a@x"], ["Content-Length", "5"]], body: { kind: "length", length: 5 }, keepAlive: true, expectContinue: false } });
  });

  test.each([
    ["incomplete", "POST /v1/scan HTTP/1.1\r\nHost: kas\r\n", { ok: false, need: true }],
    ["bare LF lines", "GET /v1/ping HTTP/1.0\n\n", { ok: true }],
    ["empty lines before the request line", "\r\n\r\nGET /v1/ping HTTP/1.1\r\nHost: x\r\n\r\n", { ok: true }],
  ] as const)("%s", (_n, text, want) => expect(parseHead(b(text), 65536)).toMatchObject(want));

  test.each([
    ["Content-Length and Transfer-Encoding", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", 400],
    ["two different Content-Lengths", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n", 400],
    ["a Content-Length that is not a number", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: +3\r\n\r\n", 400],
    ["a coding other than chunked", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501],
    ["obs-fold", "GET / HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n 2\r\n\r\n", 400],
    ["whitespace before the colon", "GET / HTTP/1.1\r\nHost : x\r\n\r\n", 400],
    ["a bare CR in a field", "GET / HTTP/1.1\r\nHost: x\r\nX-A: 1\r2\r\n\r\n", 400],
    ["HTTP/1.1 without Host", "GET / HTTP/1.1\r\nX-A: 1\r\n\r\n", 400],
    ["two Hosts", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400],
    ["HTTP/2.0", "GET / HTTP/2.0\r\nHost: x\r\n\r\n", 505],
    ["not HTTP", "PROCESS SPAMC/1.5\r\n\r\n", 400],
  ] as const)("%s is refused (%d)", (_n, text, status) => expect(parseHead(b(text), 65536)).toMatchObject({ ok: false, need: false, status }));

  test("framing fields are found whatever their case, repeated ones taken together", () => {
    const head = (t: string) => parseHead(b(`POST / HTTP/1.1\r\nHost: x\r\n${t}\r\n`), 65536);
    expect(head("CONTENT-LENGTH: 5\r\ncontent-length: 5, 5\r\n")).toMatchObject({ ok: true, head: { body: { kind: "length", length: 5 } } });
    expect(head("Content-Length: 5\r\ncontent-length: 6\r\n")).toMatchObject({ ok: false, status: 400 });
    expect(head("Connection: keep-alive\r\nconnection: Close\r\n")).toMatchObject({ ok: true, head: { keepAlive: false } });
    expect(head("EXPECT: 100-Continue\r\nContent-Length: 1\r\n")).toMatchObject({ ok: true, head: { expectContinue: true } });
    expect(head("transfer-encoding: chunked\r\nTRANSFER-ENCODING: chunked\r\n")).toMatchObject({ ok: false, status: 501 });
    expect(head("X-Content-Length-Is-Not-Framing: 7\r\nHOST: y\r\n")).toMatchObject({ ok: false, status: 400 }); // a second Host
    expect(head("X-A: \t v \t\r\n")).toMatchObject({ ok: true, head: { headers: [["Host", "x"], ["X-A", "v"]], body: { kind: "none" }, keepAlive: true } });
  });

  test("a head over the limit is 431, complete or not", () => {
    expect(parseHead(b("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(200)), 100)).toMatchObject({ ok: false, status: 431 });
    expect(parseHead(b("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(200) + "\r\n\r\n"), 100)).toMatchObject({ ok: false, status: 431 });
  });

  test("keep-alive: HTTP/1.1 unless close; HTTP/1.0 only with keep-alive; Expect: 100-continue", () => {
    const ka = (t: string) => (parseHead(b(t), 65536) as { head: { keepAlive: boolean; expectContinue: boolean } }).head;
    expect(ka("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").keepAlive).toBe(false);
    expect(ka("GET / HTTP/1.0\r\n\r\n").keepAlive).toBe(false);
    expect(ka("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n").keepAlive).toBe(true);
    expect(ka("POST / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 9\r\n\r\n").expectContinue).toBe(true);
  });
});

describe("ChunkedDecoder", () => {
  const wire = "5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\nNEXT";
  test("whole, and fed byte by byte: the same data, and the bytes after it are left for the next request", () => {
    const whole = new ChunkedDecoder();
    const r = whole.push(b(wire)) as { data: Uint8Array[]; used: number };
    expect(Buffer.concat(r.data).toString()).toBe("hello world");
    expect(wire.slice(r.used)).toBe("NEXT");
    expect(whole.done).toBe(true);
    const slow = new ChunkedDecoder();
    let out = "";
    let used = 0;
    for (let i = 0; i < wire.length && !slow.done; i++) {
      const x = slow.push(b(wire[i])) as { data: Uint8Array[]; used: number };
      out += Buffer.concat(x.data).toString();
      used += x.used;
    }
    expect([out, used]).toEqual(["hello world", r.used]);
  });
  test.each([
    ["a size that is not hex", "zz\r\n"],
    ["data not followed by CRLF", "3\r\nabcX\r\n"],
    ["an endless size line", "1".repeat(5000)],
  ])("%s is an error", (_n, text) => expect(new ChunkedDecoder().push(b(text))).toHaveProperty("error"));
});

test("responseHead: framing fields are ours, CR/LF in a value cannot split the head", () => {
  expect(responseHead(200, [["Content-Type", "application/json"], ["Content-Length", "99"], ["X-Evil", "a\r\nSet-Cookie: x"]], 3, false, "1.1")).toBe("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Evil: a Set-Cookie: x\r\nContent-Length: 3\r\n\r\n");
  expect(responseHead(503, [], 0, true, "1.1")).toBe("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
});

test("a whole first line that is no request line, or a TLS hello, is refused at once (not after data_timeout)", () => {
  const b = (s: string | number[]) => (typeof s === "string" ? new TextEncoder().encode(s) : new Uint8Array(s));
  expect(parseHead(b("GARBAGE\r\n"), 65536)).toMatchObject({ ok: false, need: false, status: 400, reason: "malformed request line" });
  expect(parseHead(b("CHECK SPAMC/1.5\r\nContent-length: 5\r\n"), 65536)).toMatchObject({ ok: false, status: 400 });
  expect(parseHead(b([0x16, 0x03, 0x01, 0x02, 0x00, 0x01]), 65536)).toMatchObject({ ok: false, status: 400 });
  // A request line that is whole, waiting for its fields; a line not yet whole: both wait.
  expect(parseHead(b("POST /v1/scan HTTP/1.1\r\nHost: x\r\n"), 65536)).toEqual({ ok: false, need: true });
  expect(parseHead(b("POST /v1/sc"), 65536)).toEqual({ ok: false, need: true });
});
