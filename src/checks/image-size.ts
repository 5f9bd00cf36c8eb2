// A picture's width and height from its first bytes (PNG, GIF, JPEG), without decoding it:
// checks/qr.ts decides from them whether a picture may hold a QR code and is small enough to
// decode (a 20 000 × 20 000 PNG of a few KB would otherwise ask for 1.6 GB of pixels).

export interface ImageSize {
  kind: "png" | "gif" | "jpeg";
  width: number;
  height: number;
}

const u16be = (b: Uint8Array, i: number) => (b[i] << 8) | b[i + 1];
const u32be = (b: Uint8Array, i: number) => ((b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]) >>> 0;
/** JPEG markers that carry the frame size: SOF0–SOF15 but DHT (C4), JPG (C8) and DAC (CC). */
const isSof = (m: number) => m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc;
/** JPEG segments walked at most before giving up (a real file reaches its frame in a few). */
const MAX_SEGMENTS = 512;

/** undefined when the bytes are none of the three formats or their header is cut short. */
export function imageSize(b: Uint8Array): ImageSize | undefined {
  // PNG (RFC 2083 §3.1, §4.1.1): the 8-byte signature, then IHDR: width and height.
  if (b.length >= 24 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47 && b[12] === 0x49 && b[13] === 0x48 && b[14] === 0x44 && b[15] === 0x52) {
    return { kind: "png", width: u32be(b, 16), height: u32be(b, 20) };
  }
  // GIF87a / GIF89a: the logical screen's width and height, little-endian.
  if (b.length >= 10 && b[0] === 0x47 && b[1] === 0x49 && b[2] === 0x46 && b[3] === 0x38 && (b[4] === 0x37 || b[4] === 0x39) && b[5] === 0x61) {
    return { kind: "gif", width: b[6] | (b[7] << 8), height: b[8] | (b[9] << 8) };
  }
  // JPEG (ITU T.81 Annex B): SOI, then marker segments until a start-of-frame.
  if (b.length >= 4 && b[0] === 0xff && b[1] === 0xd8) {
    let i = 2;
    for (let n = 0; n < MAX_SEGMENTS && i + 4 <= b.length; n++) {
      if (b[i] !== 0xff) return undefined;
      const m = b[i + 1];
      if (m === 0xff) {
        i++; // fill byte
        continue;
      }
      if (m === 0xd8 || m === 0x01 || (m >= 0xd0 && m <= 0xd7)) {
        i += 2; // markers without a length
        continue;
      }
      if (m === 0xd9 || m === 0xda) return undefined; // end of image, or scan data before any frame
      const len = u16be(b, i + 2);
      if (len < 2) return undefined;
      if (isSof(m)) return i + 9 <= b.length ? { kind: "jpeg", height: u16be(b, i + 5), width: u16be(b, i + 7) } : undefined;
      i += 2 + len;
    }
  }
  return undefined;
}
