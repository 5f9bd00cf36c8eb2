import { describe, expect, test } from "bun:test";
import { MilterProtocolError } from "./error";
import { encodePacket, FrameReader } from "./framing";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const pkt = (h: string) => Uint8Array.from(Buffer.from(h.replace(/\s/g, ""), "hex"));

function frames(r: FrameReader): Array<[number, string] | string> {
  const out: Array<[number, string] | string> = [];
  for (;;) {
    const f = r.next();
    if (f === undefined) return out;
    if (f instanceof MilterProtocolError) return [...out, f.kind];
    out.push([f.code, hex(f.data)]);
  }
}

describe("milter framing", () => {
  test("encodePacket writes the big-endian length of command + data", () => {
    expect(hex(encodePacket(0x63))).toBe("0000000163");
    expect(hex(encodePacket(0x79, Uint8Array.of(0x35, 0x35, 0x30, 0)))).toBe("000000057935353000");
    const big = encodePacket(0x42, new Uint8Array(65535));
    expect(hex(big.subarray(0, 5))).toBe("0001000042");
  });

  // Two packets: 'A' (abort, no data) and 'H' "x\0"; fed whole, split at every offset, byte by byte.
  const stream = pkt("00000001 41 00000003 48 7800");
  test("several packets in one chunk", () => {
    const r = new FrameReader();
    r.push(stream);
    expect(frames(r)).toEqual([
      [0x41, ""],
      [0x48, "7800"],
    ]);
    expect(r.buffered).toBe(0);
  });
  test("any split point gives the same packets", () => {
    for (let cut = 1; cut < stream.byteLength; cut++) {
      const r = new FrameReader();
      r.push(stream.subarray(0, cut));
      const first = frames(r);
      r.push(stream.subarray(cut));
      expect([...first, ...frames(r)]).toEqual([
        [0x41, ""],
        [0x48, "7800"],
      ]);
    }
  });
  test("one byte at a time", () => {
    const r = new FrameReader();
    const got: ReturnType<typeof frames> = [];
    for (const b of stream) {
      r.push(Uint8Array.of(b));
      got.push(...frames(r));
    }
    expect(got).toEqual([
      [0x41, ""],
      [0x48, "7800"],
    ]);
  });

  test.each([
    ["zero length (no command byte)", "00000000"],
    ["one byte over the limit", "00000401 42"],
    ["4 GiB - 1", "ffffffff 42"],
  ])("%s is a bad_length error as soon as the length is read", (_name, h) => {
    const r = new FrameReader(1024);
    r.push(pkt(h));
    const f = r.next();
    expect(f).toBeInstanceOf(MilterProtocolError);
    expect((f as MilterProtocolError).kind).toBe("bad_length");
    // Sticky, and nothing of the announced size is buffered.
    r.push(new Uint8Array(100));
    expect(r.next()).toBe(f);
    expect(r.buffered).toBe(0);
  });

  test("a packet of exactly the limit is accepted", () => {
    const r = new FrameReader(1024);
    r.push(encodePacket(0x42, new Uint8Array(1023)));
    const f = r.next();
    expect(f && !(f instanceof MilterProtocolError) && f.data.byteLength).toBe(1023);
  });

  test("the buffer holds one partial packet, not the whole stream", () => {
    const r = new FrameReader(70_000);
    const body = encodePacket(0x42, new Uint8Array(65535).fill(0x61));
    let peak = 0;
    for (let n = 0; n < 50; n++) {
      for (let i = 0; i < body.byteLength; i += 4096) {
        r.push(body.subarray(i, i + 4096));
        peak = Math.max(peak, r.buffered);
        while (r.next() !== undefined);
      }
    }
    expect(peak).toBeLessThanOrEqual(body.byteLength);
    expect(r.buffered).toBe(0);
  });
});
