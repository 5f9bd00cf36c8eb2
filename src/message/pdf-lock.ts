// Whether a PDF opens only with a password. Phishing and malware mail a locked PDF with its
// password in the text ("the document is protected, password: 4545"): the reader types it,
// and no scanner on the way could read the links or the picture inside (its strings and
// streams are encrypted). Many honest PDFs are encrypted too, but with an empty user password
// (an owner password only restricts printing or copying, and every reader opens them): those
// are not locked. So the standard security handler's check of the empty password is run, as
// a reader does before it asks for one (ISO 32000-1 §7.6.3.3 algorithms 2, 4, 5 for
// revisions 2–4; ISO 32000-2 §7.6.4.3.3/4 for revision 6, and Adobe's extension level 3 for
// revision 5). Another handler (certificates, /PubSec) always needs something the reader has.
// A file the empty password opens is decrypted as the reader decrypts it (pdf.ts reads its
// links so): encrypting with an owner password only hides the links from a scanner that
// does not decrypt, while every reader shows them.
import { createCipheriv, createDecipheriv, createHash } from "node:crypto";
import { dictionaryAt, pdfString, topLevelOf } from "./pdf-strings";

/** The 32-byte padding string of algorithm 2: what the empty password becomes. */
const PAD = Buffer.from("28bf4e5e4e758a4164004e56fffa01082e2e00b6d0683e802f0ca9fe6453697a", "hex");

/** "none": not encrypted; "open": encrypted, but the empty password opens it; "locked": it asks for a password. */
type PdfEncryption = "none" | "open" | "locked";

export interface PdfCrypt {
  state: PdfEncryption;
  /** For an open file whose key was found: the clear bytes of a string or stream of object (num, gen) (§7.6.2), undefined when they do not decrypt. */
  decrypt?: (num: number, gen: number, data: Uint8Array, what: "string" | "stream") => Buffer | undefined;
}

export function pdfCrypt(text: string): PdfCrypt {
  const ref = lastMatch(text, /\/Encrypt\s*(?:(\d{1,10})\s+(\d{1,5})\s+R|(<<))/g);
  if (!ref) return { state: "none" };
  // Encrypted, whatever else can be read: a dictionary not found is not scored as locked.
  const whole = encryptDictionary(text, ref);
  if (whole === undefined) return { state: "open" };
  const enc = topLevelOf(whole);
  if (!/\/Filter\s*\/Standard\b/.test(enc)) return { state: "locked" };
  const check = emptyPassword(enc, text);
  if (!check) return { state: "open" }; // undecidable: not scored
  if (!check.opens) return { state: "locked" };
  return { state: "open", decrypt: decryptor(whole, enc, check.key, check.r) };
}

/** Whether the empty user password opens the file, and then the file key it gives. */
function emptyPassword(enc: string, text: string): { opens: boolean; key: Buffer; r: number } | undefined {
  const r = intOf(enc, "R");
  const u = stringOf(enc, "U");
  if (r === undefined || !u) return undefined;
  if (r === 5 || r === 6) {
    if (u.length < 48) return undefined;
    const hash = (salt: Uint8Array) => (r === 5 ? createHash("sha256").update(salt).digest() : hash2B(salt));
    if (!hash(u.subarray(32, 40)).equals(u.subarray(0, 32))) return { opens: false, key: Buffer.alloc(0), r };
    // The file key is /UE unwrapped with the hash of the key salt (ISO 32000-2 §7.6.4.3.3).
    const ue = stringOf(enc, "UE");
    if (!ue || ue.length < 32) return { opens: true, key: Buffer.alloc(0), r };
    const aes = createDecipheriv("aes-256-cbc", hash(u.subarray(40, 48)), Buffer.alloc(16)).setAutoPadding(false);
    return { opens: true, key: Buffer.concat([aes.update(ue.subarray(0, 32)), aes.final()]), r };
  }
  if (r < 2 || r > 4) return undefined; // a revision this does not know
  const o = stringOf(enc, "O");
  const p = intOf(enc, "P");
  const id = firstId(text);
  if (!o || o.length < 32 || p === undefined || id === undefined || u.length < 32) return undefined;
  const n = r === 2 ? 5 : Math.min(Math.max((intOf(enc, "Length") ?? 40) / 8, 5), 16);
  const perms = Buffer.alloc(4);
  perms.writeInt32LE(p | 0);
  const md5 = createHash("md5").update(PAD).update(o.subarray(0, 32)).update(perms).update(id);
  if (r === 4 && /\/EncryptMetadata\s+false\b/.test(enc)) md5.update(Buffer.from([0xff, 0xff, 0xff, 0xff]));
  let key = md5.digest();
  if (r >= 3) for (let i = 0; i < 50; i++) key = createHash("md5").update(key.subarray(0, n)).digest();
  key = key.subarray(0, n);
  if (r === 2) return { opens: rc4(key, PAD).equals(u.subarray(0, 32)), key, r };
  // Algorithm 5: the MD5 of the padding and the file's first ID, then 20 rounds of RC4.
  let x = createHash("md5").update(PAD).update(id).digest();
  for (let i = 0; i < 20; i++) x = rc4(i === 0 ? key : Buffer.from(key.map((b) => b ^ i)), x);
  return { opens: x.equals(u.subarray(0, 16)), key, r };
}

type Cipher = "identity" | "rc4" | "aes128" | "aes256";

/** The cipher a crypt filter names (§7.6.5): /StrF or /StmF, then that filter's /CFM in /CF. */
function cipherOf(whole: string, enc: string, which: "StrF" | "StmF", r: number): Cipher {
  if (r === 5 || r === 6) return "aes256";
  if (r < 4) return "rc4";
  const name = new RegExp(`/${which}\\s*/(\\w+)`).exec(enc)?.[1];
  if (!name || name === "Identity") return "identity";
  const cfm = new RegExp(`/${name}\\s*<<[^>]{0,512}?/CFM\\s*/(\\w+)`).exec(whole)?.[1];
  return cfm === "AESV2" ? "aes128" : cfm === "V2" ? "rc4" : "identity";
}

function decryptor(whole: string, enc: string, key: Buffer, r: number): PdfCrypt["decrypt"] {
  if (!key.length) return undefined;
  const ciphers = { string: cipherOf(whole, enc, "StrF", r), stream: cipherOf(whole, enc, "StmF", r) };
  return (num, gen, data, what) => {
    const cipher = ciphers[what];
    if (cipher === "identity") return Buffer.from(data);
    if (cipher === "aes256") return aesCbc(key, data);
    // Algorithm 1: the object's own key from the file key, its number and generation ("sAlT" for AES).
    const h = createHash("md5").update(key).update(Buffer.from([num & 255, (num >> 8) & 255, (num >> 16) & 255, gen & 255, (gen >> 8) & 255]));
    if (cipher === "aes128") h.update("sAlT");
    const objectKey = h.digest().subarray(0, Math.min(key.length + 5, 16));
    return cipher === "rc4" ? rc4(objectKey, data) : aesCbc(objectKey, data);
  };
}

/** AES-CBC with the IV in the first 16 bytes and PKCS#5 padding (§7.6.3.2); undefined when the padding is wrong. */
function aesCbc(key: Buffer, data: Uint8Array): Buffer | undefined {
  if (data.length < 32 || data.length % 16 !== 0) return undefined;
  try {
    const d = createDecipheriv(key.length === 32 ? "aes-256-cbc" : "aes-128-cbc", key, data.subarray(0, 16));
    return Buffer.concat([d.update(data.subarray(16)), d.final()]);
  } catch {
    return undefined;
  }
}

/** The encryption dictionary the last trailer (or cross-reference stream) points to, as text. */
function encryptDictionary(text: string, m: RegExpExecArray): string | undefined {
  if (m[3]) return dictionaryAt(text, m.index + m[0].length - 2);
  const obj = new RegExp(`(?:^|[^\\d])${m[1]}\\s+${m[2]}\\s+obj\\b`).exec(text);
  if (!obj) return undefined;
  const open = text.indexOf("<<", obj.index);
  return open < 0 || open - obj.index > 64 ? undefined : dictionaryAt(text, open);
}

function intOf(dict: string, key: string): number | undefined {
  const m = new RegExp(`/${key}\\s+(-?\\d{1,11})\\b`).exec(dict);
  return m ? Number(m[1]) : undefined;
}

function stringOf(dict: string, key: string): Buffer | undefined {
  const m = new RegExp(`/${key}\\s*([(<])`).exec(dict);
  if (!m) return undefined;
  const s = pdfString(dict, m.index + m[0].length - 1);
  return s === undefined ? undefined : Buffer.from(s, "latin1");
}

/** The first string of the last trailer's /ID array (algorithm 2 hashes it in). */
function firstId(text: string): Buffer | undefined {
  const m = lastMatch(text, /\/ID\s*\[\s*([(<])/g);
  if (!m) return undefined;
  const s = pdfString(text, m.index + m[0].length - 1);
  return s === undefined ? undefined : Buffer.from(s, "latin1");
}

/** The last match of a global pattern (the last trailer wins: incremental updates append theirs). */
function lastMatch(text: string, re: RegExp): RegExpExecArray | undefined {
  let last: RegExpExecArray | undefined;
  for (let m = re.exec(text); m; m = re.exec(text)) last = m;
  return last;
}

function rc4(key: Uint8Array, data: Uint8Array): Buffer {
  const s = new Uint8Array(256).map((_, i) => i);
  for (let i = 0, j = 0; i < 256; i++) {
    j = (j + s[i] + key[i % key.length]) & 255;
    [s[i], s[j]] = [s[j], s[i]];
  }
  const out = Buffer.alloc(data.length);
  for (let k = 0, i = 0, j = 0; k < data.length; k++) {
    i = (i + 1) & 255;
    j = (j + s[i]) & 255;
    [s[i], s[j]] = [s[j], s[i]];
    out[k] = data[k] ^ s[(s[i] + s[j]) & 255];
  }
  return out;
}

/** Algorithm 2.B (ISO 32000-2 §7.6.4.3.4) for the empty password: SHA-256, then rounds of AES-128 and SHA-2 until the last byte says stop. */
function hash2B(salt: Uint8Array): Buffer {
  let k = createHash("sha256").update(salt).digest();
  for (let round = 0; ; round++) {
    const k1 = Buffer.concat(Array.from({ length: 64 }, () => k));
    const aes = createCipheriv("aes-128-cbc", k.subarray(0, 16), k.subarray(16, 32)).setAutoPadding(false);
    const e = Buffer.concat([aes.update(k1), aes.final()]);
    let sum = 0;
    for (let i = 0; i < 16; i++) sum += e[i];
    k = createHash(["sha256", "sha384", "sha512"][sum % 3]).update(e).digest();
    if (round >= 63 && e[e.length - 1] <= round - 31) return k.subarray(0, 32);
  }
}
