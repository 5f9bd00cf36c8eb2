// What an attached PDF does when opened: where its links go, and whether it runs script or
// launches something. Phishing sends a PDF with one button or QR code ("View document") so
// that the mail's own text and links are harmless; the link is in the PDF's link annotations
// (ISO 32000-1 §12.6.4.7, URI actions: `/S /URI /URI (http://…)`). Those dictionaries are
// either plain objects, readable as written, or packed in compressed object streams (§7.5.7,
// `/Type /ObjStm`, FlateDecode: what Word, Chrome and most generators write since PDF 1.5).
// Page content (text, drawings), fonts and pictures are never read: a link is never there.
//
// Bounded, since a PDF is the attacker's: at most MAX_STREAMS object streams inflated, each
// to at most MAX_INFLATED bytes (zlib's maxOutputLength: a deflate bomb stops there), at most
// MAX_URIS links. Anything unreadable is skipped, never thrown. An encrypted PDF is told
// apart from one that asks for a password (pdf-lock.ts): the latter is a sign of its own.
import { inflateSync } from "node:zlib";
import { latin1 } from "./header-text";
import { pdfPictures } from "./pdf-images";
import { pdfCrypt, type PdfCrypt } from "./pdf-lock";
import { objectBefore, pdfString } from "./pdf-strings";
import { browserUrl } from "./uris";

export interface PdfFacts {
  /** Targets of URI actions, as written (at most MAX_URIS). */
  uris: string[];
  /** JavaScript (`/JS`, `/JavaScript`) or a launch action (`/Launch`: runs a program or opens a file). */
  script: boolean;
  /** Pictures that could be QR codes, as PNG or JPEG files (pdf-images.ts); the QR check reads them with the mail's own. */
  pictures: Uint8Array[];
  /** It opens only with a password (pdf-lock.ts): its links and pictures are ciphertext to every scanner. */
  locked: boolean;
  /** Names of the files it carries (embedded files, §7.11.4: a file specification with /EF), at most MAX_FILES: a PDF can carry a program the reader is told to open. */
  files: string[];
}

const MAX_STREAMS = 64;
const MAX_INFLATED = 1024 * 1024;
const MAX_TOTAL_INFLATED = 8 * 1024 * 1024;
const MAX_URIS = 50;
const MAX_FILES = 16;
/** How far from its /EF a file specification's name is looked for (its /F and /UF are keys of the same short dictionary). */
const SPEC_WINDOW = 512;
/** How far the dictionary of an object stream reaches around its /Type (they are short). */
const DICT_WINDOW = 1024;
/** How far back a link string's own object header is looked for (link annotations and object stream dictionaries are short). */
const OWNER_WINDOW = 8192;

const URI_KEY = /\/URI\s*([(<])/g;
const OBJ_STM = /\/Type\s*\/ObjStm\b/g;
const SCRIPT_KEY = /\/(?:JavaScript|JS\s*[(<]|Launch\b)/;
const EF_KEY = /\/EF\s*<</g;
/** A file specification's name: /UF (a text string, §7.11.3) or /F; "/F 6 0 R" inside /EF is no string and does not match. */
const NAME_KEY = /\/(UF|F)\s*([(<])/g;

/** The links and actions of a PDF file's bytes. */
export function readPdf(bytes: Uint8Array): PdfFacts {
  const facts: PdfFacts = { uris: [], script: false, pictures: [], locked: false, files: [] };
  const text = latin1(bytes);
  // The header may follow other bytes, within the first kilobyte (as readers accept it).
  const header = text.indexOf("%PDF-");
  if (header < 0 || header > 1024) return facts;
  // An encrypted file's strings and streams are ciphertext (§7.6.2); its dictionary keys are
  // not, so script and launch actions show either way. A file that opens without a password
  // (an owner password only: no reader asks) has its links read decrypted, each string with
  // its object's key: encrypting so hides them from scanners that do not decrypt. A locked
  // file's links cannot be read.
  const crypt = pdfCrypt(text);
  facts.locked = crypt.state === "locked";
  const clear = crypt.state === "none" ? (raw: string) => raw : crypt.decrypt ? inObject(text, crypt.decrypt) : undefined;
  readObjects(text, facts, clear, crypt.state !== "none");
  facts.pictures = pdfPictures(text, bytes, crypt);

  // Each object stream found by its type (a hostile file full of "stream" keywords costs one
  // pass); its data runs from the end of line after "stream" to "endstream" (§7.3.8.1).
  let inflatedTotal = 0;
  let attempts = 0;
  OBJ_STM.lastIndex = 0;
  for (let m = OBJ_STM.exec(text); m && attempts < MAX_STREAMS && inflatedTotal < MAX_TOTAL_INFLATED; m = OBJ_STM.exec(text)) {
    attempts++;
    const keyword = text.indexOf("stream", m.index);
    if (keyword < 0) break;
    if (keyword - m.index > DICT_WINDOW) continue;
    // The dictionary around the type: FlateDecode alone (no predictor, no second filter).
    const dict = text.slice(Math.max(0, m.index - DICT_WINDOW), keyword);
    const own = dict.slice(dict.lastIndexOf("<<"));
    if (!/\/FlateDecode/.test(own) || /\/DecodeParms|\/Filter\s*\[\s*\/\w+\s*\//.test(own)) continue;
    let from = keyword + 6;
    if (text.charCodeAt(from) === 0x0d) from++;
    if (text.charCodeAt(from) === 0x0a) from++;
    const end = text.indexOf("endstream", from);
    if (end < 0) break;
    OBJ_STM.lastIndex = end;
    // An encrypted file's object stream is decrypted with its own object's key first; the
    // strings inside it are then in the clear (§7.6.2: not encrypted twice).
    const owner = crypt.state === "none" ? undefined : objectBefore(text, m.index, OWNER_WINDOW);
    const data = crypt.state === "none" ? bytes.subarray(from, end) : owner && crypt.decrypt?.(owner.num, owner.gen, bytes.subarray(from, end), "stream");
    if (!data) continue;
    let inflated: Buffer;
    try {
      inflated = inflateSync(data, { maxOutputLength: MAX_INFLATED, finishFlush: 2 /* Z_SYNC_FLUSH: a cut stream gives what it has */ });
    } catch {
      continue; // corrupt, or past MAX_INFLATED: not read
    }
    inflatedTotal += inflated.byteLength;
    readObjects(latin1(inflated), facts, (raw) => raw, false);
  }
  return facts;
}

/** A string in the clear (decrypted with its object's key when the file is encrypted), given where it is; undefined when it cannot be had. */
type Clear = (raw: string, at: number) => string | undefined;

/** URI actions, script and embedded files' names in the text of PDF objects (`decrypted`: its strings were decrypted one by one). */
function readObjects(s: string, facts: PdfFacts, clear: Clear | undefined, decrypted: boolean): void {
  if (!facts.script && SCRIPT_KEY.test(s)) facts.script = true;
  if (!clear) return;
  URI_KEY.lastIndex = 0;
  for (let m = URI_KEY.exec(s); m && facts.uris.length < MAX_URIS; m = URI_KEY.exec(s)) {
    const raw = pdfString(s, URI_KEY.lastIndex - 1);
    const v = raw === undefined ? undefined : clear(raw, m.index)?.trim();
    // What does not decrypt to printable text was no link (a string written in the clear, a wrong key).
    const url = v && !(decrypted && !/^[\x20-\x7e]+$/.test(v)) ? browserUrl(v) : undefined;
    if (url && !facts.uris.includes(url)) facts.uris.push(url);
  }
  EF_KEY.lastIndex = 0;
  for (let m = EF_KEY.exec(s); m && facts.files.length < MAX_FILES; m = EF_KEY.exec(s)) {
    const name = specName(s, m.index, clear);
    if (name && !facts.files.includes(name)) facts.files.push(name);
  }
}

/** The name of the file specification whose /EF is at `ef`: its /UF, else its /F, the nearest of each to the /EF. */
function specName(s: string, ef: number, clear: Clear): string | undefined {
  const from = Math.max(0, ef - SPEC_WINDOW);
  const near = s.slice(from, ef + SPEC_WINDOW);
  let best: { at: number; uf: boolean; distance: number } | undefined;
  NAME_KEY.lastIndex = 0;
  for (let m = NAME_KEY.exec(near); m; m = NAME_KEY.exec(near)) {
    const uf = m[1] === "UF";
    const distance = Math.abs(from + m.index - ef);
    if (!best || (uf && !best.uf) || (uf === best.uf && distance < best.distance)) best = { at: NAME_KEY.lastIndex - 1, uf, distance };
  }
  const raw = best && pdfString(near, best.at);
  const text = raw === undefined ? undefined : clear(raw, from + best!.at);
  const name = text === undefined ? undefined : textString(text).trim();
  // A name of control characters is a string that did not decrypt (RC4 makes bytes of any bytes).
  return name && !/[\x00-\x1f]/.test(name) ? name : undefined;
}

/** A PDF text string (§7.9.2.2): UTF-16BE after its mark, UTF-8 after its (PDF 2.0), else PDFDocEncoding (read as Latin-1, which it nearly is). */
function textString(raw: string): string {
  const bytes = Buffer.from(raw, "latin1");
  if (raw.startsWith("\xfe\xff")) return new TextDecoder("utf-16be").decode(bytes.subarray(2));
  if (raw.startsWith("\xef\xbb\xbf")) return bytes.subarray(3).toString("utf8");
  return raw;
}

/** A string of the file's own text in the clear: decrypted with the key of the object it is in (RC4 makes bytes of any bytes: the caller judges what it got). */
function inObject(text: string, decrypt: NonNullable<PdfCrypt["decrypt"]>) {
  return (raw: string, at: number): string | undefined => {
    const owner = objectBefore(text, at, OWNER_WINDOW);
    return owner && decrypt(owner.num, owner.gen, Buffer.from(raw, "latin1"), "string")?.toString("latin1");
  };
}
