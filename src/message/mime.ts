// MIME primitives over bytes (RFC 5322 header syntax, RFC 2045/2046 entities, RFC 2047
// encoded words, RFC 2231 parameters). Total functions: every input, however broken, gives
// a value plus defects, never an exception — the caller decides what a defect means.
// Header bytes are handled as latin1 strings (one char per byte), so offsets stay byte offsets.

// Text that is not UTF-8 and names no charset: windows-1252, as mail readers assume.
import { EXTRA_CHARSETS, type TextDecoderLike } from "./charsets";
import { latin1 } from "./header-text";

const WIN1252 = new TextDecoder("windows-1252");
const decoders = new Map<string, TextDecoderLike | null>();

/** A decoder for a MIME charset label, or null when the label is unknown. */
export function decoderFor(label: string): TextDecoderLike | null {
  const key = label.trim().toLowerCase().replace(/^"|"$/g, "").replace(/\*.*$/, "");
  if (decoders.has(key)) return decoders.get(key)!;
  let d: TextDecoderLike | null = Object.hasOwn(EXTRA_CHARSETS, key) ? EXTRA_CHARSETS[key] : null;
  try {
    // us-ascii mail often carries 8-bit text anyway: decode it as windows-1252 like browsers do.
    d ??= new TextDecoder(key === "us-ascii" || key === "ascii" ? "windows-1252" : key === "ks_c_5601-1987" ? "euc-kr" : key);
  } catch {
    d = null;
  }
  if (decoders.size < 256) decoders.set(key, d);
  return d;
}

const UTF8_FATAL = new TextDecoder("utf-8", { fatal: true });

/** Text of bytes in a charset; unknown or absent charsets try UTF-8 and fall back to latin1. */
export function decodeText(bytes: Uint8Array, charset: string | undefined, defects: string[]): string {
  if (charset) {
    const d = decoderFor(charset);
    if (d) return d.decode(bytes);
    defects.push(`unknown charset ${JSON.stringify(charset.slice(0, 40))}`);
  }
  try {
    return UTF8_FATAL.decode(bytes);
  } catch {
    return WIN1252.decode(bytes);
  }
}

/** Where an entity's header ends: `headerEnd` = first byte of the blank line (or the end), `bodyStart` after it. */
export function splitEntity(buf: Uint8Array, start: number, end: number): { headerEnd: number; bodyStart: number } {
  // A body that starts at once (first line blank) has an empty header.
  if (buf[start] === 0x0a) return { headerEnd: start, bodyStart: start + 1 };
  if (buf[start] === 0x0d && buf[start + 1] === 0x0a) return { headerEnd: start, bodyStart: start + 2 };
  let i = start;
  while (i < end) {
    const nl = indexOfByte(buf, 0x0a, i, end);
    if (nl < 0) return { headerEnd: end, bodyStart: end };
    const next = nl + 1;
    if (buf[next] === 0x0a && next < end) return { headerEnd: next, bodyStart: next + 1 };
    if (buf[next] === 0x0d && buf[next + 1] === 0x0a && next + 1 < end) return { headerEnd: next, bodyStart: next + 2 };
    i = next;
  }
  return { headerEnd: end, bodyStart: end };
}

export function indexOfByte(buf: Uint8Array, byte: number, from: number, end: number): number {
  const i = buf.indexOf(byte, from);
  return i < 0 || i >= end ? -1 : i;
}

/**
 * Whether a field is named `lower` (a lower-case ASCII name), in any case: what
 * `f.name.toLowerCase() === lower` decides, folding one character at a time without a copy
 * (fields are looked up by name many times per message: each Received against "reply-to",
 * each From against "date"; a lower-cased copy of each was ~10 % of the phishing check's CPU).
 * Of the non-ASCII characters only U+212A KELVIN SIGN lower-cases to an ASCII letter alone
 * ("k"); the others that lower-case to ASCII give more than one character (U+0130: "i" +
 * U+0307), which the length compare refuses.
 */
export function isNamed(f: { name: string }, lower: string): boolean {
  const name = f.name;
  if (name.length !== lower.length) return false;
  for (let i = 0; i < lower.length; i++) {
    let c = name.charCodeAt(i);
    if (c >= 0x41 && c <= 0x5a) c |= 0x20;
    else if (c === 0x212a) c = 0x6b;
    if (c !== lower.charCodeAt(i)) return false;
  }
  return true;
}

export interface RawField {
  name: string;
  /** Unfolded value, leading whitespace trimmed, as latin1 text. */
  raw: string;
}

/**
 * Header fields of a latin1 header block. Lines that are not fields become one defect (mbox
 * "From " lines none). Loop bounds: `maxFields` fields, and as many lines that are not fields
 * (a part whose "header" is megabytes of junk without a blank line costs no more than that).
 */
export function parseFields(text: string, defects: string[], maxFields = 5000): RawField[] {
  // By offsets into the block (no copy of each line, no regex per name): the header of every
  // part of every message passes here.
  const out: RawField[] = [];
  let junk = 0;
  let colonAt = -1; // the first ":" at or after pos (n when none): one search serves many lines
  for (let pos = 0, n = text.length; pos < n; ) {
    let nl = text.indexOf("\n", pos);
    if (nl < 0) nl = n;
    const end = text.charCodeAt(nl - 1) === 0x0d && nl > pos ? nl - 1 : nl; // the line without its CR LF
    const start = pos;
    pos = nl + 1;
    if (end === start || (end === start + 1 && text.charCodeAt(start) === 0x0d)) continue;
    const c = text.charCodeAt(start);
    if ((c === 0x20 || c === 0x09) && out.length) {
      // RFC 5322 §2.2.3: unfolding removes the line break only, keeping the whitespace.
      out[out.length - 1].raw += text.slice(start, end);
      continue;
    }
    if (colonAt < start) {
      colonAt = text.indexOf(":", start);
      if (colonAt < 0) colonAt = n;
    }
    const colon = colonAt < end ? colonAt : -1;
    let nameEnd = colon;
    while (nameEnd > start && isTrimmed(text.charCodeAt(nameEnd - 1))) nameEnd--;
    if (colon <= start || !isFieldName(text, start, nameEnd)) {
      if (out.length === 0 && text.startsWith("From ", start)) continue;
      if (junk++ === 0) defects.push("header line without a field name");
      if (junk > maxFields) {
        defects.push(`more than ${maxFields} header lines that are not fields; the rest ignored`);
        break;
      }
      continue;
    }
    if (out.length >= maxFields) {
      defects.push(`more than ${maxFields} header fields; the rest ignored`);
      break;
    }
    let v = colon + 1;
    for (let c = text.charCodeAt(v); v < end && (c === 0x20 || c === 0x09); c = text.charCodeAt(++v));
    out.push({ name: text.slice(start, nameEnd), raw: text.slice(v, end) });
  }
  return out;
}

/** What String.prototype.trimEnd removes (ECMA-262 WhiteSpace and LineTerminator). */
const isTrimmed = (c: number) =>
  c === 0x20 || (c >= 0x09 && c <= 0x0d) || c === 0xa0 || (c > 0xff && (c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff));

/** header-text.ts FIELD_NAME on text[start..end): one or more of "!" to "~" but ":". */
function isFieldName(text: string, start: number, end: number): boolean {
  if (end <= start) return false;
  for (let k = start; k < end; k++) {
    const c = text.charCodeAt(k);
    if (c < 0x21 || c > 0x7e || c === 0x3a) return false;
  }
  return true;
}

/** A header value from latin1 to text: raw 8-bit bytes as UTF-8 when they are, encoded words decoded. */
export function decodeHeaderValue(raw: string, defects: string[]): string {
  // A bare CR (the unfolded value has no CRLF left) is data, never a line end, and reads as a
  // space: what Postfix's cleanup writes for it, so the scanner sees the field every reader
  // downstream of Postfix sees (`Subject: a\rX-Spam-Flag: NO` is one Subject); message/edit.ts
  // makes the same reading, and writes the space, on every message it passes on.
  let v = raw.includes("\r") ? raw.replace(/\r/g, " ") : raw;
  if (/[\x80-\xff]/.test(v)) {
    try {
      v = UTF8_FATAL.decode(Buffer.from(v, "latin1"));
    } catch {}
  }
  return v.includes("=?") ? decodeWords(v, defects) : v;
}

const ENCODED_WORD = /=\?([^?\s]{1,60})\?([bBqQ])\?([^?\s]*)\?=/g;
/** At most this many encoded words are decoded in one field value (a loop bound; the rest stays as written). */
const MAX_WORDS = 1000;

/**
 * RFC 2047 §6.2: encoded words decoded; whitespace between two adjacent encoded words is
 * dropped, and adjacent words of one charset are decoded after their bytes are joined, so a
 * UTF-8 (or Shift_JIS, GB18030 …) character split across two words comes out whole.
 */
export function decodeWords(v: string, defects: string[]): string {
  let out = "";
  let last = 0;
  // The run of adjacent same-charset words not yet decoded.
  let runCharset = "";
  let runBytes: Uint8Array[] = [];
  let runText = "";
  const flush = () => {
    if (!runBytes.length) return;
    const d = decoderFor(runCharset);
    out += d ? d.decode(runBytes.length === 1 ? runBytes[0] : Buffer.concat(runBytes)) : runText;
    runBytes = [];
    runText = "";
  };
  let count = 0;
  for (const m of v.matchAll(ENCODED_WORD)) {
    if (++count > MAX_WORDS) break;
    const between = v.slice(last, m.index);
    const adjacent = runBytes.length > 0 && /^[ \t\r\n]*$/.test(between);
    const cs = m[1].toLowerCase().replace(/\*.*$/, "");
    if (!adjacent || cs !== runCharset) {
      flush();
      if (!adjacent) out += between;
    }
    last = m.index + m[0].length;
    if (!decoderFor(cs)) {
      defects.push(`unknown charset ${JSON.stringify(m[1])} in an encoded word`);
      out += m[0];
      continue;
    }
    runCharset = cs;
    runText += m[0];
    const text = m[3];
    runBytes.push(m[2] === "b" || m[2] === "B" ? Buffer.from(text, "base64") : qpBytes(text.replace(/_/g, " "), false));
  }
  flush();
  return out + v.slice(last);
}

const HEX = new Int8Array(128).fill(-1);
for (const [i, c] of [..."0123456789abcdef"].entries()) HEX[c.charCodeAt(0)] = HEX[c.toUpperCase().charCodeAt(0)] = i;
/** The value of a hex digit's character code, or -1 (NaN, past the end of a string, too). */
const hexValue = (c: number) => (c < 128 ? HEX[c] : -1);

/**
 * Quoted-printable (RFC 2045 §6.7), lenient: malformed escapes are kept as they are. By
 * character codes, no slice or regex per "=" (most of a QP body's cost was those).
 */
export function qpBytes(s: string, soft = true): Uint8Array {
  const n = s.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x3d) {
      const hi = hexValue(s.charCodeAt(i + 1));
      const lo = hi < 0 ? -1 : hexValue(s.charCodeAt(i + 2));
      if (lo >= 0) {
        out[o++] = hi * 16 + lo;
        i += 2;
        continue;
      }
      if (soft) {
        // Soft line break: "=" then optional whitespace then the line end, within 79 characters.
        const limit = Math.min(n, i + 80);
        let j = i + 1;
        while (j < limit && (s.charCodeAt(j) === 0x20 || s.charCodeAt(j) === 0x09)) j++;
        const end = j < limit && s.charCodeAt(j) === 0x0a ? j + 1 : j + 1 < limit && s.charCodeAt(j) === 0x0d && s.charCodeAt(j + 1) === 0x0a ? j + 2 : -1;
        if (end > 0) {
          i = end - 1;
          continue;
        }
      }
    }
    out[o++] = c & 0xff;
  }
  return out.subarray(0, o);
}

/** The decoded bytes of a body by Content-Transfer-Encoding; unknown encodings pass as they are. */
export function decodeTransfer(body: Uint8Array, cte: string, defects: string[]): Uint8Array {
  switch (cte) {
    case "base64":
      // Decoding stops at the first padding "=" (RFC 2045 §6.8 allows it); base64Chunks reads on.
      // Buffer's decoder skips the other characters outside the alphabet itself; only "-" and
      // "_" (base64url digits to it) must go first, so the common body takes no copy.
      return Buffer.from(body.indexOf(0x2d) < 0 && body.indexOf(0x5f) < 0 ? latin1(body) : base64Digits(body), "base64");
    case "quoted-printable":
      return qpBytes(latin1(body));
    case "":
    case "7bit":
    case "8bit":
    case "binary":
      return body;
    default:
      defects.push(`unknown Content-Transfer-Encoding ${JSON.stringify(cte.slice(0, 40))}`);
      return body;
  }
}

// RFC 2045 §6.8: characters outside the base64 alphabet are ignored. Buffer's decoder skips
// most of them but takes "-" and "_" as base64url digits (62, 63), which turns
// `aGVs-bG8gd29ybGQ=` into garbage where every mail reader shows "hello world"; so every byte
// outside [A-Za-z0-9+/=] goes first. One pass over the bytes, no regular expression.
const B64_KEEP = new Uint8Array(256);
for (const c of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=") B64_KEEP[c.charCodeAt(0)] = 1;

/** The base64 alphabet bytes of a body (with "="), as a latin1 string. */
export function base64Digits(body: Uint8Array): string {
  const out = new Uint8Array(body.byteLength);
  let o = 0;
  for (let i = 0; i < body.byteLength; i++) {
    const c = body[i];
    if (B64_KEEP[c]) out[o++] = c;
  }
  return latin1(out.subarray(0, o));
}

/** Whether base64 digits follow a padding "=" (ignored bytes between): text there is lost to the reading that stops at it. */
export function hasBase64AfterPadding(body: Uint8Array): boolean {
  // Padding is rare and at the end: indexOf is native, and each byte is looked at once at most.
  for (let i = body.indexOf(0x3d); i >= 0 && i < body.byteLength; i = body.indexOf(0x3d, i)) {
    let k = i + 1;
    while (k < body.byteLength && !B64_KEEP[body[k]]) k++;
    if (k < body.byteLength && body[k] !== 0x3d) return true;
    i = k;
  }
  return false;
}

const B64_VALUE = new Int8Array(256).fill(-1);
for (const [i, c] of [..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"].entries()) B64_VALUE[c.charCodeAt(0)] = i;

/**
 * base64 decoded on past padding: each padded chunk (concatenated base64, `aGVsbA==bG8=`) is
 * decoded on its own and the bytes joined, as readers that decode chunk by chunk show such a
 * body. One pass, no allocation per chunk (a body of 500 000 `YQ==` chunks is one loop).
 */
export function base64Chunks(body: Uint8Array): Uint8Array {
  const out = new Uint8Array(Math.ceil((body.byteLength * 3) / 4));
  let o = 0;
  let bits = 0;
  let n = 0; // digits in the current group of four
  for (let i = 0; i < body.byteLength; i++) {
    const c = body[i];
    const v = B64_VALUE[c];
    if (v >= 0) {
      bits = (bits << 6) | v;
      if (++n === 4) {
        out[o++] = (bits >> 16) & 0xff;
        out[o++] = (bits >> 8) & 0xff;
        out[o++] = bits & 0xff;
        bits = n = 0;
      }
    } else if (c === 0x3d && n > 0) {
      // Padding ends the chunk: 2 digits hold one byte, 3 digits two.
      if (n >= 2) out[o++] = (bits >> (n === 2 ? 4 : 10)) & 0xff;
      if (n === 3) out[o++] = (bits >> 2) & 0xff;
      bits = n = 0;
    }
  }
  // An unpadded last group decodes as far as it goes, like Buffer's decoder.
  if (n >= 2) out[o++] = (bits >> (n === 2 ? 4 : 10)) & 0xff;
  if (n === 3) out[o++] = (bits >> 2) & 0xff;
  return out.subarray(0, o);
}
