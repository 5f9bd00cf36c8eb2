import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { unlzma, unlzma2 } from "./lzma";

// Streams made by XZ Utils 5.4.1 (fixtures/archives/README.md): `.lzma` is the LZMA "alone"
// format (5 property bytes, an 8-byte size of -1, the stream ending in a marker), `.lzma2` a
// raw LZMA2 stream with an 8 MiB dictionary (property byte 22). noise.bin does not compress,
// so its LZMA2 form is stored chunks.
const DIR = join(import.meta.dir, "../../fixtures/archives/lzma");
const file = (f: string) => new Uint8Array(readFileSync(join(DIR, f)));
const DICT_8MIB = 22;
const lzmaOf = (f: string) => {
  const s = file(f);
  return { props: s.subarray(0, 5), body: s.subarray(13) };
};

describe("unpacks what XZ Utils packed, byte for byte", () => {
  test.each(["sample.txt", "noise.bin"])("%s", (f) => {
    const want = file(f);
    const { props, body } = lzmaOf(`${f}.lzma`);
    expect(Buffer.from(unlzma(props, body, want.length, 1 << 20)!).equals(want)).toBe(true);
    expect(Buffer.from(unlzma2(DICT_8MIB, file(`${f}.lzma2`), want.length, 1 << 20)!).equals(want)).toBe(true);
  });

  test("a prefix of the output is fine (7z gives the size; a stream may end in a marker after it)", () => {
    const want = file("sample.txt");
    const { props, body } = lzmaOf("sample.txt.lzma");
    expect(Buffer.from(unlzma(props, body, 1000, 1 << 20)!).equals(want.subarray(0, 1000))).toBe(true);
  });
});

describe("a stream that lies or breaks gives undefined, never more than asked, never a throw", () => {
  const want = file("sample.txt");
  const { props, body } = lzmaOf("sample.txt.lzma");
  const two = file("sample.txt.lzma2");

  test("a size larger than the stream holds: the end marker comes first", () => {
    expect(unlzma(props, body, want.length + 1, 1 << 20)).toBeUndefined();
  });

  test("a size over the caller's bound is refused before any work", () => {
    expect(unlzma(props, body, want.length, want.length - 1)).toBeUndefined();
    expect(unlzma2(DICT_8MIB, two, want.length, want.length - 1)).toBeUndefined();
  });

  test("cut streams", () => {
    for (const n of [0, 1, 5, 100, body.length >> 1, body.length - 6]) expect(unlzma(props, body.subarray(0, n), want.length, 1 << 20)).toBeUndefined();
    for (const n of [0, 1, 3, 6, two.length >> 1, two.length - 1]) expect(unlzma2(DICT_8MIB, two.subarray(0, n), want.length, 1 << 20)).toBeUndefined();
  });

  test("impossible properties: lc + lp over 8 for LZMA, over 4 for LZMA2, a dictionary property over 40", () => {
    expect(unlzma(Uint8Array.of(9 * 5 * 5, 0, 0, 1, 0), body, 10, 1 << 20)).toBeUndefined();
    expect(unlzma(Uint8Array.of(8 + 9 * 4, 0, 0, 1, 0), body, 10, 1 << 20)).toBeUndefined();
    expect(unlzma2(41, two, want.length, 1 << 20)).toBeUndefined();
    const badProps = two.slice();
    badProps[5] = 8; // the first chunk's properties byte: lc = 8
    expect(unlzma2(DICT_8MIB, badProps, want.length, 1 << 20)).toBeUndefined();
  });

  test("an LZMA2 stream that does not begin with a dictionary reset", () => {
    const noReset = two.slice();
    noReset[0] &= ~0x20; // reset mode 3 → 2
    expect(unlzma2(DICT_8MIB, noReset, want.length, 1 << 20)).toBeUndefined();
  });

  test("every byte of both streams flipped in turn: each call returns (the right bytes or undefined) within the asked size", () => {
    for (const [name, stream, run] of [
      ["lzma", body, (s: Uint8Array) => unlzma(props, s, want.length, 1 << 20)],
      ["lzma2", two, (s: Uint8Array) => unlzma2(DICT_8MIB, s, want.length, 1 << 20)],
    ] as const) {
      let refused = 0;
      let tries = 0;
      for (let i = 0; i < stream.length; i += 11, tries++) {
        const s = stream.slice();
        s[i] ^= 0x5a;
        const out = run(s);
        if (out) expect(out.length).toBe(want.length);
        else refused++;
      }
      // Most flips derail the coder and are caught; those that decode to other bytes of the
      // right length are what the container's CRC is for.
      expect(refused, name).toBeGreaterThan(tries / 2);
    }
  });
});
