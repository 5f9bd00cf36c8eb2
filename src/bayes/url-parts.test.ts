import { expect, test } from "bun:test";
import { urlParts } from "./url-parts";

const viaUrl = (u: string) => {
  try {
    const url = new URL(u);
    return { scheme: url.protocol.replace(/:$/, ""), hostname: url.hostname, port: url.port !== "", pathname: url.pathname };
  } catch {
    return undefined;
  }
};

const CASES = [
  "http://www.example.com/a/b.html?x=1#f",
  "HTTPS://Click.Example.COM/Track/ABC",
  "http://example.com",
  "http://example.com?x",
  "http://example.com#x",
  "http://example.com//double//slash",
  "http://example.com/a/./b/../c",
  "http://example.com/%2e%2E/x",
  "http://example.com/.well-known/x",
  "http://example.com/a%20b%zz",
  "http://example.com/a b",
  "http://example.com/a\tb",
  "http://example.com/<script>",
  "http://example.com/a`b{c}d^e|f",
  "http://example.com/a\\b",
  "http://example.com/ü",
  "http://example.com:80/x",
  "http://example.com:8080/x",
  "https://example.com:443/",
  "http://user:pw@example.com/x",
  "http://192.0.2.1/x",
  "http://0x7f.1/x",
  "http://1.2.3/x",
  "http://example.123/x",
  "http://example.0x1f/x",
  "http://xn--nxasmq6b.com/x",
  "http://xn--zz.com/x",
  "http://exa_mple.com/x",
  "http://-lead.example.com/x",
  "http://a..b.com/x",
  "http://example.com./x",
  "http://[2001:db8::1]/x",
  "ftp://files.example.com/pub",
  "mailto:someone@example.com",
  "http:example.com/x",
  "http:/example.com/x",
  " http://example.com/x",
  "http://example.com/x ",
  "http://",
  "not a url",
  "http://EXAMPLE.com/Mixed/Case%2Fpath",
];

test("urlParts answers as new URL does: simple URLs read off the text, the rest parsed", () => {
  for (const u of CASES) expect([u, urlParts(u)]).toEqual([u, viaUrl(u)]);
});

test("urlParts answers as new URL does on 3000 random URL-like strings", () => {
  const pieces = ["http://", "https://", "HTTP://", "a", "Z", "9", "-", ".", "..", "/", "//", "?", "#", ":", "80", "@", "%", "%2e", "%41", "x", "xn--", "com", ".org", "\\", " ", "~", "_", "'", "(", "^", "é"];
  let x = 1;
  for (let i = 0; i < 3000; i++) {
    const n = 2 + (i % 14);
    const u = (i % 3 ? "http://" : "") + Array.from({ length: n }, () => pieces[((x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 8) % pieces.length]).join("");
    expect([u, urlParts(u)]).toEqual([u, viaUrl(u)]);
  }
});
