// The reader's side of the QR framing (serveQrRequests) with an injected decoder: frames split
// anywhere, one answer line each, in order; a decoder error is that frame's answer; an
// oversized length ends the conversation.
import { expect, test } from "bun:test";
import { serveQrRequests } from "./qr-helper";

const frame = (b: Uint8Array) => {
  const f = new Uint8Array(4 + b.byteLength);
  new DataView(f.buffer).setUint32(0, b.byteLength);
  f.set(b, 4);
  return f;
};
const streamOf = (bytes: Uint8Array, cut: number) =>
  new ReadableStream<Uint8Array>({
    start(c) {
      for (let i = 0; i < bytes.byteLength; i += cut) c.enqueue(bytes.slice(i, i + cut));
      c.close();
    },
  });

test("frames split at any byte: one answer line each, in order; an error answers its frame only", async () => {
  const pics = ["one", "two", "boom", "", "x".repeat(5000)].map((s) => new TextEncoder().encode(s));
  const all = new Uint8Array(pics.reduce((n, p) => n + 4 + p.byteLength, 0));
  let at = 0;
  for (const p of pics) {
    all.set(frame(p), at);
    at += 4 + p.byteLength;
  }
  const decode = async (p: Uint8Array) => {
    const s = new TextDecoder().decode(p);
    if (s === "boom") throw new Error("bad picture");
    return s ? [`t:${s.length}`] : [];
  };
  for (const cut of [1, 3, 7, 4096]) {
    const lines: string[] = [];
    await serveQrRequests(streamOf(all, cut), (l) => lines.push(l), decode);
    expect(lines).toEqual(['{"texts":["t:3"]}\n', '{"texts":["t:3"]}\n', '{"error":"bad picture"}\n', '{"texts":[]}\n', '{"texts":["t:5000"]}\n']);
  }
});

test("a length over 4 MiB is answered with an error and ends the conversation", async () => {
  const bad = new Uint8Array([0x7f, 0xff, 0xff, 0xff, 1, 2, 3]);
  const lines: string[] = [];
  let calls = 0;
  await serveQrRequests(streamOf(bad, 100), (l) => lines.push(l), async () => (calls++, []));
  expect(calls).toBe(0);
  expect(lines).toHaveLength(1);
  expect(lines[0]).toContain("over 4194304");
});
