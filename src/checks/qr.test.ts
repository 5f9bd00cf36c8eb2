// The QR check on our fixtures (a PNG and a JPEG QR code, made as their X-Fixture field says)
// with the real decoder (ZXing's WebAssembly, loaded from the package's .wasm as the binary
// loads its embedded copy), and its bounds with an injected decoder.
import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { deflateSync } from "node:zlib";
import { readBarcodes } from "zxing-wasm/reader";
import { defaults } from "../config/load";
import { imageParts } from "../message/beside";
import { parseMessageSync } from "../message/parse";
import { createFacts } from "../engine/context";
import { imageSize } from "./image-size";
import { createQrCheck, decodeQr, qrUrl, type QrDecoder } from "./qr";
import type { CheckInput } from "./types";

const FIX = join(import.meta.dir, "../../fixtures/messages/phishing");
const raw = (f: string) => new Uint8Array(readFileSync(join(FIX, f)));
const input = (bytes: Uint8Array, deadline = performance.now() + 5000) =>
  ({ id: "t", envelope: { rcpt: [] }, raw: bytes, message: parseMessageSync(bytes, defaults().scan), deadline, facts: { get: async () => undefined, set: () => {} } }) as unknown as CheckInput;

/** A valid all-white greyscale PNG (RFC 2083: IHDR, one zlib IDAT of filter-0 rows, IEND). */
function whitePng(w: number, h: number): Uint8Array {
  const chunk = (type: string, data: Uint8Array) => {
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    out.write(type, 4, "latin1");
    out.set(data, 8);
    out.writeUInt32BE(Bun.hash.crc32(out.subarray(4, 8 + data.length)) >>> 0, 8 + data.length);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr.set([8, 0, 0, 0, 0], 8); // 8-bit greyscale, no interlace
  const rows = Buffer.alloc((w + 1) * h, 255);
  for (let y = 0; y < h; y++) rows[y * (w + 1)] = 0; // filter type 0 per row
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk("IHDR", ihdr), chunk("IDAT", deflateSync(rows)), chunk("IEND", new Uint8Array())]);
}

/** Base64 of a PNG's signature and IHDR with this size and nothing after: enough for the size check; the decoder is a fake. */
function pngHeader(w: number, h: number): string {
  const b = new Uint8Array(33);
  b.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
  new DataView(b.buffer).setUint32(16, w);
  new DataView(b.buffer).setUint32(20, h);
  return Buffer.from(b).toString("base64");
}

test("a PNG QR code to a URL shortener: QR_CODE_IMAGE, QR_CODE_URL, QR_URI_SUSPICIOUS, the URL in the notes", async () => {
  const out = await createQrCheck().run(input(raw("qr-image.eml")));
  expect(out.symbols.sort()).toEqual(["QR_CODE_IMAGE", "QR_CODE_URL", "QR_URI_SUSPICIOUS"]);
  expect(out.notes).toContain('qr: "https://bit.ly/3Kq7vXw"');
});

test("the addresses read are the qr fact, for the DNS lists; a message without pictures gives an empty one", async () => {
  const check = createQrCheck();
  for (const [f, urls] of [["qr-image.eml", ["https://bit.ly/3Kq7vXw"]], ["brand-own-mail.eml", []]] as const) {
    const facts = createFacts([check]);
    await check.run({ ...input(raw(f)), facts });
    expect(await facts.get("qr")).toEqual({ urls: [...urls] });
  }
});

test("a QR code inlined in the HTML as a data: URI is read as well", async () => {
  const png = imageParts(parseMessageSync(raw("qr-image.eml"), defaults().scan))[0].bytes();
  const html = `From: a@docs-notify.example\r\nSubject: Document\r\nContent-Type: text/html\r\n\r\n<p>Open it on your phone.</p><img alt="" src="data:image/png;base64,${Buffer.from(png).toString("base64")}">\r\n`;
  const out = await createQrCheck().run(input(new TextEncoder().encode(html)));
  expect(out.symbols.sort()).toEqual(["QR_CODE_IMAGE", "QR_CODE_URL", "QR_URI_SUSPICIOUS"]);
});

test("a JPEG QR code to an IP address is read too", async () => {
  const out = await createQrCheck().run(input(raw("qr-image-jpeg.eml")));
  expect(out.symbols.sort()).toEqual(["QR_CODE_IMAGE", "QR_CODE_URL", "QR_URI_SUSPICIOUS"]);
  expect(out.notes?.join(" ")).toContain("http://203.0.113.45/m365/verify");
});

test("pictures without a QR code, and bytes that are no picture, give nothing and throw nothing", async () => {
  // The 1×1 placeholder of qr-code.eml is below the smallest side a QR code can have: not decoded.
  let calls = 0;
  const counting: QrDecoder = async (b) => (calls++, decodeQr(b));
  expect((await createQrCheck(counting).run(input(raw("qr-code.eml")))).symbols).toEqual([]);
  expect(calls).toBe(0);
  // A whole white picture, a picture cut short, and bytes that only start like one: nothing found.
  expect(await decodeQr(whitePng(240, 240))).toEqual([]);
  // (ZXing loaded the white picture: it names no error, as it does for the cut one.)
  expect((await readBarcodes(new Blob([whitePng(240, 240)]), { formats: ["QRCode"] })).map((r) => r.error)).toEqual([]);
  expect((await readBarcodes(new Blob([new TextEncoder().encode("GIF89a not really a picture")]), { formats: ["QRCode"] })).map((r) => r.error)).toEqual(["Failed to load image from memory"]);
  const png = imageParts(parseMessageSync(raw("qr-image.eml"), defaults().scan))[0].bytes();
  expect(await decodeQr(png.subarray(0, 200))).toEqual([]);
  expect(await decodeQr(new TextEncoder().encode("GIF89a not really a picture"))).toEqual([]);
});

test("bounds: more than three pictures that could be QR codes, oversized or oblong ones, and a spent deadline are not decoded", async () => {
  let calls = 0;
  const fake: QrDecoder = async () => (calls++, ["https://example.org/x"]);
  const mail = (pics: string[]) =>
    new TextEncoder().encode(`Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\nhi\r\n${pics.map((p) => `--b\r\nContent-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n\r\n${p}\r\n`).join("")}--b--\r\n`);
  const run = async (m: Uint8Array, deadline?: number) => {
    calls = 0;
    const out = await createQrCheck(fake).run(input(m, deadline));
    return { calls, symbols: out.symbols.sort() };
  };
  expect(await run(mail([pngHeader(300, 300)]))).toEqual({ calls: 1, symbols: ["QR_CODE_IMAGE", "QR_CODE_URL"] });
  expect(await run(mail([pngHeader(300, 300), pngHeader(300, 300), pngHeader(300, 300), pngHeader(300, 300)]))).toEqual({ calls: 0, symbols: [] });
  // Padding that cannot be a QR code does not make a lure a newsletter: tracking pixels, a banner, a logo strip.
  expect(await run(mail([pngHeader(1, 1), pngHeader(1, 1), pngHeader(728, 90), pngHeader(400, 60), pngHeader(300, 300)]))).toEqual({ calls: 1, symbols: ["QR_CODE_IMAGE", "QR_CODE_URL"] });
  expect(await run(mail([pngHeader(20000, 20000), pngHeader(2000, 200), pngHeader(40, 40)]))).toEqual({ calls: 0, symbols: [] });
  expect(await run(mail([pngHeader(300, 300)]), performance.now())).toEqual({ calls: 0, symbols: [] });
  // 1.5 million pixels a message: two pictures of 1 000 × 1 000 are one decode.
  expect((await run(mail([pngHeader(1000, 1000), pngHeader(1000, 1000)]))).calls).toBe(1);
});

test("a QR code whose link carries the recipient's address in base64 is suspicious, on an ordinary host too; one to the sender's own site with the address written out is not", async () => {
  const picture = pngHeader(200, 200);
  const mail = new TextEncoder().encode(`From: HR <hr@benefits-portal.example>\r\nTo: user@example.com\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\nScan the code.\r\n--b\r\nContent-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n\r\n${picture}\r\n--b--\r\n`);
  const symbols = async (url: string, rcpt: string[] = []) => {
    const i = input(mail);
    (i.envelope as { rcpt: string[] }).rcpt = rcpt;
    return (await createQrCheck(async () => [url]).run(i)).symbols.sort();
  };
  const b64 = Buffer.from("user@example.com").toString("base64");
  expect(await symbols(`https://docs-review.example/s/#${b64}`)).toEqual(["QR_CODE_IMAGE", "QR_CODE_URL", "QR_URI_SUSPICIOUS"]); // the To field's address
  expect(await symbols(`https://docs-review.example/s/#${Buffer.from("jo@example.net").toString("base64")}`, ["jo@example.net"])).toEqual(["QR_CODE_IMAGE", "QR_CODE_URL", "QR_URI_SUSPICIOUS"]); // the envelope's
  expect(await symbols(`https://docs-review.example/s/#${b64}`, ["jo@example.net"])).toEqual(["QR_CODE_IMAGE", "QR_CODE_URL"]); // not this recipient's
  expect(await symbols("https://benefits-portal.example/#/enrol?email=user@example.com")).toEqual(["QR_CODE_IMAGE", "QR_CODE_URL"]);
});

test("picture sizes from PNG, GIF and JPEG headers; anything else or a cut header is undefined", () => {
  const png = imageParts(parseMessageSync(raw("qr-image.eml"), defaults().scan))[0].bytes();
  expect(imageSize(png)).toEqual({ kind: "png", width: 240, height: 240 });
  const jpg = imageParts(parseMessageSync(raw("qr-image-jpeg.eml"), defaults().scan))[0].bytes();
  expect(imageSize(jpg)).toEqual({ kind: "jpeg", width: 222, height: 222 });
  expect(imageSize(new Uint8Array([0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x2c, 0x01, 0x90, 0x00]))).toEqual({ kind: "gif", width: 300, height: 144 });
  expect(imageSize(png.subarray(0, 20))).toBeUndefined();
  expect(imageSize(jpg.subarray(0, 30))).toBeUndefined();
  expect(imageSize(new TextEncoder().encode("not a picture at all"))).toBeUndefined();
  // A JPEG whose segments never reach a frame (a loop of APP0 segments) ends, undefined.
  const loop = new Uint8Array(4 + 600 * 4);
  loop.set([0xff, 0xd8]);
  for (let i = 2; i + 4 <= loop.length; i += 4) loop.set([0xff, 0xe0, 0x00, 0x02], i);
  expect(imageSize(loop)).toBeUndefined();
});

test("a QR code's text as a web address", () => {
  expect(qrUrl(" https://bit.ly/x ")).toBe("https://bit.ly/x");
  expect(qrUrl("www.example.org/login")).toBe("http://www.example.org/login");
  expect(qrUrl("WIFI:S:home;T:WPA;P:secret;;")).toBeUndefined();
  expect(qrUrl("call me at +1 555 0100")).toBeUndefined();
});
