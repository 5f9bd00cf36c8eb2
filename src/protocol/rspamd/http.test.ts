// The door's HTTP/1.x reader (over protocol/http1.ts's framing): heads, bodies by Content-Length
// and chunked, GET with a body, keep-alive, limits, whatever way the bytes are split.
import { describe, expect, test } from "bun:test";
import { HttpError, HttpRequestReader, MAX_HEAD, type HttpHead } from "./http";

const enc = (s: string) => new TextEncoder().encode(s);

/** Reads every request of `raw`, fed in pieces of `step` bytes: [method, path, body] or the error. */
function readAll(raw: string, step: number, max = 1 << 20): (string[] | HttpError)[] {
  const r = new HttpRequestReader();
  const out: (string[] | HttpError)[] = [];
  const bytes = enc(raw);
  let head: HttpHead | undefined;
  for (let i = 0; i <= bytes.length; i += step) {
    r.push(bytes.subarray(i, i + step));
    for (;;) {
      if (!head) {
        if (!r.buffered) break;
        const h = r.head();
        if (h === undefined) break;
        if (h instanceof HttpError) return [...out, h];
        head = h;
      }
      const b = r.body(head, max);
      if (b === undefined) break;
      if (b instanceof HttpError) return [...out, b];
      out.push([head.method, head.path, new TextDecoder().decode(b), String(head.keepAlive), head.headers.get("rcpt") ?? ""]);
      head = undefined;
    }
  }
  return out;
}

describe("HttpRequestReader", () => {
  const two = "POST /checkv2 HTTP/1.1\r\nHost: x\r\nRcpt: a@x\r\nRcpt: b@x\r\nContent-Length: 5\r\n\r\nhelloGET /ping?password=p HTTP/1.0\r\n\r\n";
  test.each([1, 2, 7, 1000])("two pipelined requests, fed %d bytes at a time", (step) => {
    expect(readAll(two, step)).toEqual([
      ["POST", "/checkv2", "hello", "true", "a@x, b@x"],
      ["GET", "/ping", "", "false", ""],
    ]);
  });

  test.each([1, 3, 1000])("chunked body with extensions and trailers, fed %d bytes at a time", (step) => {
    const raw = "POST /check HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n3;x=y\r\nabc\r\nA\r\n0123456789\r\n0\r\nX-Trailer: 1\r\n\r\n";
    expect(readAll(raw, step)).toEqual([["POST", "/check", "abc0123456789", "false", ""]]);
  });

  test("GET with a body (Rspamd's proxy), bare LF line ends, absolute-form target, HTTP/1.0 keep-alive", () => {
    expect(readAll("GET http://127.0.0.1:11333/checkv2 HTTP/1.0\nConnection: keep-alive\nContent-Length: 2\n\nok", 5)).toEqual([["GET", "/checkv2", "ok", "true", ""]]);
  });

  test.each([
    ["FOO\r\n\r\n", 400, /malformed request line/],
    ["GET /ping HTTP/2.0\r\n\r\n", 505, /not supported/],
    ["GET /ping HTTP/1.1\r\n\r\n", 400, /without Host/],
    ["GET ping HTTP/1.1\r\nHost: x\r\n\r\n", 400, /not a path/],
    ["GET /ping HTTP/1.1\r\nHost: x\r\nBad Name: x\r\n\r\n", 400, /malformed header field/],
    ["GET /ping HTTP/1.1\r\nHost: x\r\nA: b\r\n folded\r\n\r\n", 400, /folding/],
    ["POST /checkv2 HTTP/1.1\r\nHost: x\r\nContent-Length: 12x\r\n\r\n", 400, /Content-Length/],
    ["POST /checkv2 HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", 400, /Content-Length/],
    ["POST /checkv2 HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n", 400, /both/],
    ["POST /checkv2 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501, /not supported/],
    ["POST /checkv2 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nxyz\r\n", 400, /chunk size/],
    ["POST /checkv2 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n", 400, /not followed by CRLF/],
    ["POST /checkv2 HTTP/1.1\r\nHost: x\r\nContent-Length: 2000\r\n\r\n", 413, /exceeds/],
    ["POST /checkv2 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n7D0\r\n" + "x".repeat(1100), 413, /exceeds/],
    [`GET /ping HTTP/1.1\r\nHost: x\r\n${"X:b\r\n".repeat(10_100)}\r\n`, 431, /more than 10100 header fields/],
    [`GET /ping HTTP/1.1\r\nHost: x\r\nX-A: ${"b".repeat(MAX_HEAD)}\r\n\r\n`, 431, /request head over/],
  ] as const)("%j → %d", (raw, status, message) => {
    const got = readAll(raw, 1000, 1024).at(-1);
    expect(got).toBeInstanceOf(HttpError);
    expect((got as HttpError).status).toBe(status);
    expect((got as HttpError).message).toMatch(message);
  });

  test("an empty line before the request line is skipped (RFC 9112 §2.2)", () => {
    expect(readAll("\r\nGET /ping HTTP/1.1\r\nHost: x\r\n\r\n", 1000)).toEqual([["GET", "/ping", "", "true", ""]]);
  });
});
