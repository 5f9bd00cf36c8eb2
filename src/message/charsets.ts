// Charsets that mail carries and TextDecoder (WHATWG Encoding) does not know: UTF-7 (RFC 2152)
// and UTF-32 (Unicode §3.10). Spam uses them because a filter that cannot read them scans
// nothing while the recipient's program shows the text. Both decoders are one pass over the
// bytes, never throw, and replace what is malformed with U+FFFD or the byte as written.

/** What decoderFor hands out: TextDecoder, or one of the decoders below. */
export interface TextDecoderLike {
  decode(bytes: Uint8Array): string;
}

/** Code units collected before each String.fromCharCode call (its argument count is bounded). */
const CHUNK = 8192;

class UnitWriter {
  private units: number[] = [];
  private out = "";
  push(u: number): void {
    this.units.push(u);
    if (this.units.length >= CHUNK) this.flush();
  }
  pushCodePoint(cp: number): void {
    if (cp > 0xffff) {
      cp -= 0x10000;
      this.push(0xd800 + (cp >> 10));
      this.push(0xdc00 + (cp & 0x3ff));
    } else this.push(cp);
  }
  flush(): void {
    if (this.units.length) this.out += String.fromCharCode(...this.units);
    this.units = [];
  }
  text(): string {
    this.flush();
    return this.out;
  }
}

// RFC 2152 modified base64: the RFC 2045 alphabet without "=".
const B64 = new Int8Array(256).fill(-1);
for (const [i, c] of [..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"].entries()) B64[c.charCodeAt(0)] = i;

/**
 * RFC 2152: bytes stand for themselves, except `+` which starts a run of modified base64 of
 * UTF-16 code units; the run ends at the first byte outside the alphabet, and a `-` that ends
 * it is absorbed. `+-` is "+". Bits left over at the end of a run (under 16) are dropped.
 */
export const UTF7: TextDecoderLike = {
  decode(bytes: Uint8Array): string {
    const w = new UnitWriter();
    const n = bytes.length;
    for (let i = 0; i < n; ) {
      const c = bytes[i++];
      if (c !== 0x2b) {
        // Bytes over 0x7f are not UTF-7; show them as latin1 rather than lose them.
        w.push(c);
        continue;
      }
      if (bytes[i] === 0x2d) {
        w.push(0x2b);
        i++;
        continue;
      }
      let bits = 0;
      let nbits = 0;
      while (i < n && B64[bytes[i]] >= 0) {
        bits = ((bits << 6) | B64[bytes[i++]]) & 0x3fffff;
        nbits += 6;
        if (nbits >= 16) {
          nbits -= 16;
          w.push((bits >> nbits) & 0xffff);
        }
      }
      if (bytes[i] === 0x2d) i++;
    }
    return w.text();
  },
};

/** UTF-32 of a fixed byte order, or "auto": a byte order mark, else the order in which more units are valid. */
export function utf32(order: "le" | "be" | "auto"): TextDecoderLike {
  return {
    decode(bytes: Uint8Array): string {
      let le = order === "le";
      let i = 0;
      if (order === "auto") {
        if (bytes[0] === 0xff && bytes[1] === 0xfe && bytes[2] === 0 && bytes[3] === 0) {
          le = true;
          i = 4;
        } else if (bytes[0] === 0 && bytes[1] === 0 && bytes[2] === 0xfe && bytes[3] === 0xff) i = 4;
        else {
          // No BOM: Unicode says big-endian, but Windows writes little-endian; a look at the first KB decides.
          let votes = 0;
          for (let k = 0; k + 3 < Math.min(bytes.length, 1024); k += 4) {
            if (bytes[k + 3] === 0 && bytes[k + 2] <= 0x10) votes++;
            if (bytes[k] === 0 && bytes[k + 1] <= 0x10) votes--;
          }
          le = votes > 0;
        }
      }
      const w = new UnitWriter();
      const n = bytes.length;
      for (; i + 3 < n; i += 4) {
        const cp = le
          ? (bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24)) >>> 0
          : ((bytes[i] << 24) | (bytes[i + 1] << 16) | (bytes[i + 2] << 8) | bytes[i + 3]) >>> 0;
        // A BOM inside (order given by the label) is a zero-width no-break space: dropped at the start only.
        if (i === 0 && cp === 0xfeff) continue;
        w.pushCodePoint(cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) ? 0xfffd : cp);
      }
      if (i < n) w.push(0xfffd); // an incomplete last unit
      return w.text();
    },
  };
}

/** Decoders for labels TextDecoder rejects, by lower-case label. */
export const EXTRA_CHARSETS: Record<string, TextDecoderLike> = {
  "utf-7": UTF7,
  utf7: UTF7,
  "unicode-1-1-utf-7": UTF7,
  "x-unicode-1-1-utf-7": UTF7,
  "csunicode11utf7": UTF7,
  "utf-32": utf32("auto"),
  utf32: utf32("auto"),
  "utf-32le": utf32("le"),
  "utf-32be": utf32("be"),
  "ucs-4": utf32("auto"),
  "iso-10646-ucs-4": utf32("auto"),
};

/**
 * A text file's bytes as Windows programs read one (an .url by its profile reader, a .csv by
 * Excel): UTF-16LE after its byte-order mark FF FE (an odd last byte dropped), UTF-16BE after
 * FE FF when `bigEndian` is read too, else one character a byte (ISO-8859-1 exactly).
 */
export function markedText(bytes: Uint8Array, bigEndian = false): string {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (b[0] === 0xff && b[1] === 0xfe) return b.subarray(2, 2 + ((b.length - 2) & ~1)).toString("utf16le");
  if (bigEndian && b[0] === 0xfe && b[1] === 0xff) return new TextDecoder("utf-16be").decode(b.subarray(2));
  return b.toString("latin1");
}
