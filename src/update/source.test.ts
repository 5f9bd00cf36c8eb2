import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { tempDir } from "../testing/kas-binary";
import { openSource, SourceError } from "./source";

let server: ReturnType<typeof Bun.serve>;
let base: string;
let dir: string;

beforeAll(() => {
  server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch(req) {
      const path = new URL(req.url).pathname;
      if (path === "/m/ok.txt") return new Response("hello");
      if (path === "/m/big.txt") return new Response("x".repeat(1000));
      if (path === "/m/500") return new Response("oops", { status: 500 });
      if (path === "/m/moved") return Response.redirect("/m/ok.txt", 301);
      if (path === "/m/away") return Response.redirect(`http://localhost:${server.port}/m/ok.txt`, 302);
      if (path === "/m/loop") return Response.redirect("/m/loop", 307);
      if (path === "/m/stall") {
        // Headers and a first chunk, then nothing: the idle timeout must fire mid-body.
        return new Response(new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode("part")); } }));
      }
      return new Response("nope", { status: 404 });
    },
  });
  base = `http://127.0.0.1:${server.port}/m`;
  dir = tempDir("kas-source-");
  mkdirSync(join(dir, "sub"));
  writeFileSync(join(dir, "sub", "f.txt"), "local");
});
afterAll(() => {
  server.stop(true);
  rmSync(dir, { recursive: true, force: true });
});

const text = (b: Uint8Array) => new TextDecoder().decode(b);
async function failure(p: Promise<unknown>): Promise<SourceError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof SourceError) return e;
    throw e;
  }
  throw new Error("expected a SourceError");
}

test("http: reads a file relative to the base (with or without a trailing slash)", async () => {
  expect(text(await openSource(base, 2).get("ok.txt", { maxBytes: 100 }))).toBe("hello");
  expect(text(await openSource(base + "/", 2).get("ok.txt", { maxBytes: 100 }))).toBe("hello");
});

test("http: 404 is missing, 500 unreachable; more bytes than expected is too_large", async () => {
  const s = openSource(base, 2);
  expect(await failure(s.get("missing", { maxBytes: 100 }))).toMatchObject({ kind: "missing", message: expect.stringContaining("HTTP 404") });
  expect((await failure(s.get("500", { maxBytes: 100 }))).kind).toBe("unreachable");
  expect((await failure(s.get("big.txt", { maxBytes: 10 }))).kind).toBe("too_large");
});

test("http: a stalled body fails after the idle timeout", async () => {
  const e = await failure(openSource(base, 0.3).get("stall", { maxBytes: 100 }));
  expect(e.kind).toBe("unreachable");
  expect(e.message).toContain("timeout");
});

test("http: nothing listening is unreachable", async () => {
  const s = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = s.port;
  s.stop(true);
  expect((await failure(openSource(`http://127.0.0.1:${port}/`, 2).get("x", { maxBytes: 10 }))).kind).toBe("unreachable");
});

test("directories and file:// URLs", async () => {
  expect(text(await openSource(dir, 1).get("sub/f.txt", { maxBytes: 10 }))).toBe("local");
  expect(text(await openSource(pathToFileURL(dir).href, 1).get("sub/f.txt", { maxBytes: 10 }))).toBe("local");
  expect((await failure(openSource(dir, 1).get("sub/none", { maxBytes: 10 }))).kind).toBe("missing");
  expect((await failure(openSource(dir, 1).get("sub/f.txt", { maxBytes: 2 }))).kind).toBe("too_large");
});

test("http: redirects within the source's origin are followed and reported; to another origin only with follow_redirects", async () => {
  const seen: string[] = [];
  const s = openSource(base, 2, fetch, { onRedirect: (from, to) => seen.push(`${from} -> ${to}`) });
  expect(text(await s.get("moved", { maxBytes: 100 }))).toBe("hello");
  expect(seen).toEqual([`${base}/moved -> ${base}/ok.txt`]);
  // localhost is another origin than 127.0.0.1, though the same server.
  const away = await failure(s.get("away", { maxBytes: 100 }));
  expect(away.kind).toBe("unreachable");
  expect(away.message).toContain(`redirected (HTTP 302) to http://localhost:${server.port}/m/ok.txt, outside http://127.0.0.1:${server.port}; not followed`);
  expect(away.message).toContain("follow_redirects");
  const open = openSource(base, 2, fetch, { followRedirects: true, onRedirect: (from, to) => seen.push(`${from} -> ${to}`) });
  expect(text(await open.get("away", { maxBytes: 100 }))).toBe("hello");
  expect(seen.at(-1)).toBe(`${base}/away -> http://localhost:${server.port}/m/ok.txt`);
  expect((await failure(s.get("loop", { maxBytes: 100 }))).message).toContain("more than 5 redirects");
});
