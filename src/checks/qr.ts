// QR codes in a message's pictures ("quishing"): a lure shows a QR code instead of a link, so
// the link is in no text, no href and no URI list, and a phone opens it, away from the mail
// filter and the company's web proxy. This check reads the QR codes of the message's
// pictures and names what it found; rules/62_phishing.cf weighs and combines the symbols:
//   QR_CODE_IMAGE        a picture holds a QR code
//   QR_CODE_URL          ... that encodes a web address
//   QR_URI_SUSPICIOUS    ... whose host is what URI_* flags in links (IP literal, shortener,
//                        free hosting, form or file-sharing service, lookalike, punycode), or
//                        that carries the recipient's address hidden (link-rcpt.ts)
// The decoder is ZXing-C++ compiled to WebAssembly (zxing-wasm: maintained, MIT), which reads
// PNG, JPEG and GIF itself; its .wasm is embedded in the kas binary and loaded from there on
// the first picture (never fetched: the package's default is a CDN). A filtering process
// reads pictures through a reader process of its own (server/qr-helper.ts: the decoder's
// memory goes when the reader goes); `kas filter --local` and `kas scan --local` in-process.
// Bounded: at most MAX_PICTURES pictures of a message with no more than that many that could be
// a QR code (message/qr-shape.ts: 60 px to 1 000 × 1 000, not too oblong; banners, logo strips
// and tracking pixels do not count), each at most MAX_ENCODED bytes, MAX_MESSAGE_PIXELS in all,
// decoded only while the checks' deadline allows: at worst ~100 ms of CPU for a message of
// noise pictures.
import { readFileSync } from "node:fs";
import wasmPath from "zxing-wasm/reader/zxing_reader.wasm" with { type: "file" };
import { imageParts } from "../message/beside";
import { mayBeQrCode } from "../message/qr-shape";
import { imageSize } from "./image-size";
import { rcptAddressHidden } from "./link-rcpt";
import { partiesOf, uriSymbols } from "./phishing";
import type { Check, CheckInput, CheckOutput } from "./types";

const MAX_PICTURES = 3;
/** Pixels read per message, and encoded bytes per picture: a 1 000 × 1 000 picture of noise
 *  (1 MB, nothing to find) took 65 ms to read, a QR code of 240 pixels 1.5 ms; a QR code
 *  compresses to a few KB (a photo of one to a few hundred). */
const MAX_MESSAGE_PIXELS = 1_500_000;
const MAX_ENCODED = 512 * 1024;
/** Time a decode is not started in, before the checks' deadline. */
const RESERVE_MS = 25;

/** The texts of the QR codes in one picture (PNG, JPEG or GIF bytes); `untilMs`: a performance.now() deadline. */
export type QrDecoder = (picture: Uint8Array, untilMs?: number) => Promise<string[]>;

let zxing: Promise<typeof import("zxing-wasm/reader")> | undefined;

/** ZXing's reader, loaded once per process on first use, from the embedded .wasm. */
export const decodeQr: QrDecoder = async (picture) => {
  zxing ??= import("zxing-wasm/reader").then((z) => {
    const bin = readFileSync(wasmPath);
    z.prepareZXingModule({ overrides: { wasmBinary: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength) as ArrayBuffer }, fireImmediately: true });
    return z;
  });
  const z = await zxing;
  const found = await z.readBarcodes(new Blob([picture as Uint8Array<ArrayBuffer>]), { formats: ["QRCode"], maxNumberOfSymbols: 2, tryHarder: true });
  return found.filter((r) => r.isValid && r.text).map((r) => r.text);
};

/** A QR code's text as a web address: http(s)://…, or www.… as phones open it. */
export function qrUrl(text: string): string | undefined {
  const t = text.trim();
  if (/^https?:\/\/\S+$/i.test(t)) return t;
  if (/^www\.[^\s/]+\.[^\s]+$/i.test(t)) return `http://${t}`;
  return undefined;
}

export function createQrCheck(decode: QrDecoder = decodeQr): Check {
  return {
    name: "qr",
    stage: "content",
    // The addresses go to the DNS lists' domain lookups (checks/dnsbl.ts) like the body's links.
    provides: ["qr"],
    async run(input: CheckInput): Promise<CheckOutput> {
      // Only pictures that could be a QR code count: more than MAX_PICTURES of them is a
      // newsletter's product photos, not a lure; spacers, tracking pixels, banners and logo
      // strips do not count (a lure padded with them is still read).
      const candidates: { bytes: Uint8Array; size: NonNullable<ReturnType<typeof imageSize>> }[] = [];
      for (const p of input.message ? imageParts(input.message) : []) {
        if (p.encodedSize > MAX_ENCODED * 1.4) continue; // base64 is 4/3 of the bytes, plus line ends
        const bytes = p.bytes();
        if (bytes.byteLength > MAX_ENCODED) continue;
        const size = imageSize(bytes);
        if (!size || !mayBeQrCode(size.width, size.height)) continue;
        candidates.push({ bytes, size });
        if (candidates.length > MAX_PICTURES) break;
      }
      if (!candidates.length || candidates.length > MAX_PICTURES) {
        input.facts.set("qr", { urls: [] });
        return { symbols: [] };
      }
      const texts: string[] = [];
      const notes: string[] = [];
      let pixels = 0;
      for (const { bytes, size } of candidates) {
        if ((pixels += size.width * size.height) > MAX_MESSAGE_PIXELS) break;
        if (performance.now() > input.deadline - RESERVE_MS) {
          notes.push("qr: pictures left unread (the checks' time was up)");
          break;
        }
        try {
          texts.push(...(await decode(bytes, input.deadline - RESERVE_MS)));
        } catch (e) {
          notes.push(`qr: a ${size.kind} picture could not be read: ${(e as Error).message ?? e}`);
        }
      }
      const symbols = new Set<string>();
      if (texts.length) symbols.add("QR_CODE_IMAGE");
      const urls: string[] = [];
      let parties: ReturnType<typeof partiesOf> | undefined;
      for (const t of texts) {
        const url = qrUrl(t);
        if (!url) continue;
        urls.push(url);
        symbols.add("QR_CODE_URL");
        notes.push(`qr: ${JSON.stringify(url.slice(0, 200))}`);
        const traits = new Set<string>();
        uriSymbols(url, traits);
        // A quishing code is often made for one reader: the reader's address, encoded, in its link.
        parties ??= partiesOf(input.message!, input.envelope.rcpt);
        if (traits.size || rcptAddressHidden([url], parties.ownAddrs, parties.fromDomain)) symbols.add("QR_URI_SUSPICIOUS");
      }
      input.facts.set("qr", { urls });
      return { symbols: [...symbols], notes };
    },
  };
}
