import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { deflateSync } from "node:zlib";
import { decodeQr } from "../checks/qr";
import { imageSize } from "../checks/image-size";
import { imageParts } from "./beside";
import { parseMessageSync } from "./parse";
import { defaults } from "../config/load";
import { readPdf } from "./pdf";

const FIX = join(import.meta.dir, "../../fixtures/pdf-pictures");
const pdf = (f: string) => new Uint8Array(readFileSync(join(FIX, f)));
const read = async (p: Uint8Array) => decodeQr(p, performance.now() + 5000);

test.each([
  ["qr-png.pdf", "https://bit.ly/3Kq7vXw"], // img2pdf: FlateDecode + PNG predictor; its /SMask (the alpha) is not a picture
  ["qr-jpg.pdf", "http://203.0.113.45/m365/verify"], // img2pdf: DCTDecode
  ["qr-raw-gray.pdf", "https://bit.ly/3Kq7vXw"], // FlateDecode rows without predictor
  ["qr-mask.pdf", "https://bit.ly/3Kq7vXw"], // a 1-bit stencil mask
])("%s: one picture, and the QR reader finds %s in it", async (f, url) => {
  const { pictures } = readPdf(pdf(f));
  expect(pictures.length).toBe(1);
  expect(imageSize(pictures[0])).toMatchObject({ width: expect.any(Number) });
  expect(await read(pictures[0])).toEqual([url]);
});

test("a CCITT (scanned bilevel) picture is not read", () => {
  expect(readPdf(pdf("qr-pbm.pdf")).pictures).toEqual([]);
});

test("the parse hands a PDF's picture to the checks with the mail's own pictures", () => {
  const raw = readFileSync(join(import.meta.dir, "../../fixtures/messages/phishing/pdf-qr-lure.eml"));
  const pictures = imageParts(parseMessageSync(new Uint8Array(raw), defaults().scan));
  expect(pictures.map((p) => p.contentType)).toEqual(["image/png"]);
});

/** A PDF of one image XObject with this dictionary and stream data. */
function onePicture(dict: string, data: Uint8Array): Uint8Array {
  const head = Buffer.from(`%PDF-1.4\n4 0 obj\n<< /Type /XObject /Subtype /Image ${dict} /Length ${data.byteLength} >>\nstream\n`, "latin1");
  return new Uint8Array(Buffer.concat([head, data, Buffer.from("\nendstream\nendobj\n%%EOF\n", "latin1")]));
}

test("pictures a QR code cannot be are skipped: too small, too large, a banner, a palette, CMYK, two filters", () => {
  const gray = (w: number, h: number) => onePicture(`/Width ${w} /Height ${h} /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode`, deflateSync(new Uint8Array(w * h)));
  expect(readPdf(gray(100, 100)).pictures.length).toBe(1);
  for (const [w, h] of [[40, 40], [1200, 1200], [600, 100]]) expect(readPdf(gray(w, h)).pictures).toEqual([]);
  const data = deflateSync(new Uint8Array(100 * 100 * 4));
  expect(readPdf(onePicture("/Width 100 /Height 100 /ColorSpace [/Indexed /DeviceRGB 1 <000000FFFFFF>] /BitsPerComponent 8 /Filter /FlateDecode", data)).pictures).toEqual([]);
  expect(readPdf(onePicture("/Width 100 /Height 100 /ColorSpace /DeviceCMYK /BitsPerComponent 8 /Filter /FlateDecode", data)).pictures).toEqual([]);
  expect(readPdf(onePicture("/Width 100 /Height 100 /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter [/ASCIIHexDecode /FlateDecode]", data)).pictures).toEqual([]);
});

test("hostile pictures: a deflate bomb stops at the picture's own size and gives nothing; short data and garbage give nothing", () => {
  const bomb = deflateSync(new Uint8Array(64 * 1024 * 1024)); // 64 MiB of zeros, for a picture of 1 MB
  expect(readPdf(onePicture("/Width 1000 /Height 1000 /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode", bomb)).pictures).toEqual([]);
  // Exactly the picture's rows are read.
  expect(readPdf(onePicture("/Width 1000 /Height 1000 /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode", deflateSync(new Uint8Array(1000 * 1000)))).pictures.length).toBe(1);
  expect(readPdf(onePicture("/Width 500 /Height 500 /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode", deflateSync(new Uint8Array(100)))).pictures).toEqual([]);
  expect(readPdf(onePicture("/Width 500 /Height 500 /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode", new Uint8Array([1, 2, 3]))).pictures).toEqual([]);
  expect(readPdf(onePicture("/Width 500 /Height 500 /Filter /DCTDecode", new Uint8Array([1, 2, 3]))).pictures).toEqual([]);
  const b = pdf("qr-png.pdf");
  for (let n = 0; n <= b.length; n += 7) readPdf(b.subarray(0, n)); // every seventh prefix: never throws
});
