// readStdin with an injected read(2): chunking, the EAGAIN hand-over, and read errors.
import { expect, test } from "bun:test";
import { EXIT, KasError } from "../errors";
import { readStdin } from "./stdin";

/** A read(2) over `data` that gives at most `step` bytes a call, or throws `fail` at call `failAt`. */
function fakeRead(data: Uint8Array, step = Infinity, fail?: { at: number; code: string }) {
  let off = 0;
  let calls = 0;
  const read = (buf: Buffer) => {
    if (fail && calls++ === fail.at) throw Object.assign(new Error(fail.code), { code: fail.code });
    const n = Math.min(buf.length, step, data.length - off);
    buf.set(data.subarray(off, off + n));
    off += n;
    return n;
  };
  return { read, rest: async () => data.slice(off), offset: () => off };
}

const bytes = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 7 + 3) & 0xff);

test("reads everything, in chunks that grow, to the end", async () => {
  for (const n of [0, 1, 300, 64 * 1024, 64 * 1024 + 1, 3_000_000]) {
    const data = bytes(n);
    expect(Buffer.from(await readStdin(fakeRead(data).read, async () => new Uint8Array())).equals(Buffer.from(data))).toBe(true);
  }
  // A pipe gives a few KB a read: still whole.
  const data = bytes(200_000);
  expect(Buffer.from(await readStdin(fakeRead(data, 4096).read)).equals(Buffer.from(data))).toBe(true);
});

test("a non-blocking stdin (EAGAIN) keeps what was read and takes the rest from Bun.stdin", async () => {
  const data = bytes(500_000);
  const f = fakeRead(data, 65_536, { at: 3, code: "EAGAIN" });
  const got = await readStdin(f.read, f.rest);
  expect(Buffer.from(got).equals(Buffer.from(data))).toBe(true);
  // EAGAIN at once: all from the fallback.
  const g = fakeRead(data, 65_536, { at: 0, code: "EAGAIN" });
  expect(Buffer.from(await readStdin(g.read, g.rest)).equals(Buffer.from(data))).toBe(true);
});

test("an interrupted read (EINTR) is asked again", async () => {
  const data = bytes(300_000);
  const f = fakeRead(data, 40_000, { at: 2, code: "EINTR" });
  expect(Buffer.from(await readStdin(f.read, async () => { throw new Error("not used"); })).equals(Buffer.from(data))).toBe(true);
});

test("any other read error is a deferral that names the cause", async () => {
  for (const code of ["EISDIR", "EBADF", "EIO"]) {
    const f = fakeRead(bytes(100), 10, { at: 2, code });
    const e = await readStdin(f.read, f.rest).catch((x) => x);
    expect(e).toBeInstanceOf(KasError);
    expect((e as KasError).exitCode).toBe(EXIT.TEMPFAIL);
    expect((e as KasError).message).toContain(`standard input (${code})`);
  }
});
