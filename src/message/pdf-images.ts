// The pictures of an attached PDF that could be a QR code, as PNG or JPEG files the QR check
// (checks/qr.ts) reads like a picture of the mail itself. A "sign the document" PDF whose only
// content is a QR code is how quishing passes link scanners since 2023: the PDF has no link
// annotation, the mail no link at all. An image XObject (ISO 32000-1 §8.9.5) is either
// DCTDecode, its stream a JPEG file as it is, or FlateDecode: with a PNG predictor
// (/DecodeParms /Predictor >= 10, §7.4.4.4) its data is exactly a PNG's IDAT content, so the
// PNG is the stream wrapped in three chunks; without a predictor the rows are inflated (within
// the pixel bound), given PNG's filter byte and deflated again. Gray and RGB of 1 to 8 bits
// and 1-bit stencil masks (§8.9.6.2: 0 paints, like black in gray) are taken; palettes, ICC
// colour spaces without a component count, CMYK, CCITT and JBIG2 (scans) are not read. An
// image that is another image's soft mask (its transparency) is not a picture.
//
// Bounded: at most MAX_CANDIDATES image objects looked at and MAX_KEPT kept, each of a shape that
// could be a QR code (qr-shape.ts, the QR check's own rule), its stream at most MAX_STREAM bytes.
import { crc32, deflateSync, inflateSync } from "node:zlib";
import type { PdfCrypt } from "./pdf-lock";
import { objectBefore } from "./pdf-strings";
import { mayBeQrCode } from "./qr-shape";

const MAX_CANDIDATES = 32;
const MAX_KEPT = 2;
const MAX_STREAM = 512 * 1024;
/** How far an image's dictionary reaches before its stream (they are short). */
const DICT_WINDOW = 2048;

const IMAGE = /\/Subtype\s*\/Image\b/g;
const num = (dict: string, key: string) => Number(new RegExp(`/${key}\\s+(\\d{1,6})\\b`).exec(dict)?.[1] ?? NaN);

/** PNG or JPEG files of the PDF's pictures that could be QR codes. `text`: the file's bytes as latin1, `bytes`: the same bytes. */
/** `crypt`: an encrypted file's streams are decrypted first (pdf-lock.ts); a locked one's pictures are ciphertext and none is read. */
export function pdfPictures(text: string, bytes: Uint8Array, crypt: PdfCrypt = { state: "none" }): Uint8Array[] {
  if (crypt.state !== "none" && !crypt.decrypt) return [];
  const masks = new Set([...text.matchAll(/\/SMask\s+(\d{1,7})\s+\d{1,5}\s+R\b/g)].map((m) => Number(m[1])));
  const out: Uint8Array[] = [];
  IMAGE.lastIndex = 0;
  for (let m = IMAGE.exec(text), n = 0; m && n < MAX_CANDIDATES && out.length < MAX_KEPT; m = IMAGE.exec(text), n++) {
    const obj = objectBefore(text, m.index, DICT_WINDOW);
    const streamAt = text.indexOf("stream", m.index);
    if (!obj || streamAt < 0 || streamAt - m.index > DICT_WINDOW) continue;
    if (masks.has(obj.num)) continue;
    const dict = text.slice(obj.at, streamAt);
    let from = streamAt + 6;
    if (text.charCodeAt(from) === 0x0d) from++;
    if (text.charCodeAt(from) === 0x0a) from++;
    const end = text.indexOf("endstream", from);
    if (end < 0 || end - from > MAX_STREAM) continue;
    // The data is /Length bytes when that is a number (not a reference) that fits; the end of line before "endstream" is not data.
    const length = num(dict, "Length(?!\\s+\\d+\\s+R\\b)");
    const raw = bytes.subarray(from, length >= 0 && from + length <= end ? from + length : end);
    // An encrypted file's stream is decrypted with its object's key first (§7.6.2).
    const data = crypt.decrypt ? crypt.decrypt(obj.num, obj.gen, raw, "stream") : raw;
    const picture = data ? toPicture(dict, data) : undefined;
    if (picture) out.push(picture);
    IMAGE.lastIndex = end;
  }
  return out;
}

function toPicture(dict: string, data: Uint8Array): Uint8Array | undefined {
  const width = num(dict, "Width");
  const height = num(dict, "Height");
  if (!mayBeQrCode(width, height)) return undefined;
  // One filter, written alone or as an array of one.
  const filter = /\/Filter\s*(?:\/(\w+)|\[\s*\/(\w+)\s*\])/.exec(dict)?.slice(1).find(Boolean);
  if (filter === "DCTDecode") return data[0] === 0xff && data[1] === 0xd8 ? data : undefined;
  if (filter !== "FlateDecode") return undefined;
  const mask = /\/ImageMask\s+true\b/.test(dict);
  const bits = mask ? 1 : num(dict, "BitsPerComponent");
  const colors = mask || /\/ColorSpace\s*\/(?:DeviceGray|CalGray)\b/.test(dict) ? 1 : /\/ColorSpace\s*\/(?:DeviceRGB|CalRGB)\b/.test(dict) ? 3 : num(dict, "Colors");
  if (![1, 2, 4, 8].includes(bits) || (colors !== 1 && colors !== 3) || (colors === 3 && bits !== 8)) return undefined;
  const header = { width, height, bits, colorType: colors === 3 ? 2 : 0 };
  if (num(dict, "Predictor") >= 10) return png(header, data);
  // Rows as they are: each gets PNG's filter byte (0, none) in front.
  const row = Math.ceil((width * colors * bits) / 8);
  let raw: Buffer;
  try {
    raw = inflateSync(data, { maxOutputLength: row * height });
  } catch {
    return undefined;
  }
  if (raw.byteLength < row * height) return undefined;
  return pngOfRows(header, raw, row);
}

/** An 8-bit gray PNG of `pixels` (row after row, 0 black, 255 white): drawings taken for pictures (text-qr.ts). */
export const grayPng = (width: number, height: number, pixels: Uint8Array): Uint8Array => pngOfRows({ width, height, bits: 8, colorType: 0 }, pixels, width);

/** A PNG of rows of `row` bytes as they are: each gets PNG's filter byte (0, none) in front, and the whole is deflated. */
function pngOfRows(h: { width: number; height: number; bits: number; colorType: number }, raw: Uint8Array, row: number): Uint8Array {
  const filtered = Buffer.alloc((row + 1) * h.height);
  for (let y = 0; y < h.height; y++) filtered.set(raw.subarray(y * row, (y + 1) * row), y * (row + 1) + 1);
  return png(h, deflateSync(filtered));
}

/** A PNG file of one IDAT chunk holding zlib data of PNG-filtered rows. */
function png(h: { width: number; height: number; bits: number; colorType: number }, idat: Uint8Array): Uint8Array {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(h.width, 0);
  ihdr.writeUInt32BE(h.height, 4);
  ihdr[8] = h.bits;
  ihdr[9] = h.colorType;
  return new Uint8Array(Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk("IHDR", ihdr), chunk("IDAT", idat), chunk("IEND", new Uint8Array(0))]));
}

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.byteLength, 0);
  head.write(type, 4, "latin1");
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(data, crc32(type)) >>> 0);
  return Buffer.concat([head, data, crc]);
}
