// MIME primitives over bytes (RFC 5322 header syntax, RFC 2045/2046 entities, RFC 2047
// encoded words, RFC 2231 parameters). Total functions: every input, however broken, gives
// a value plus defects, never an exception — the caller decides what a defect means.
// Header bytes are handled as latin1 strings (one char per byte), so offsets stay byte offsets.

// Text that is not UTF-8 and names no charset: windows-1252, as mail readers assume.
const WIN1252 = new TextDecoder("windows-1252");
const decoders = new Map<string, TextDecoder | null>();

/** A TextDecoder for a MIME charset label, or null when the label is unknown. */
export function decoderFor(label: string): TextDecoder | null {
  const key = label.trim().toLowerCase().replace(/^"|"$/g, "").replace(/\*.*$/, "");
  if (decoders.has(key)) return decoders.get(key)!;
  let d: TextDecoder | null = null;
  try {
    // us-ascii mail often carries 8-bit text anyway: decode it as windows-1252 like browsers do.
    d = new TextDecoder(key === "us-ascii" || key === "ascii" ? "windows-1252" : key === "ks_c_5601-1987" ? "euc-kr" : key);
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

/** Bytes → string, one char per byte (ISO-8859-1 exactly; TextDecoder("latin1") is windows-1252). */
/** RFC 5322 §3.6.8 field name: printable US-ASCII except ":". */
export const FIELD_NAME = /^[!-9;-~]+$/;

export const latin1 = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");

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

export interface RawField {
  name: string;
  /** Unfolded value, leading whitespace trimmed, as latin1 text. */
  raw: string;
}

/** Header fields of a latin1 header block. Lines that are not fields become defects (mbox "From " lines too). */
export function parseFields(text: string, defects: string[], maxFields = 5000): RawField[] {
  const out: RawField[] = [];
  const lines = text.split(/\r?\n/);
  for (const line of lines) {
    if (line === "" || line === "\r") continue;
    const c = line.charCodeAt(0);
    if ((c === 0x20 || c === 0x09) && out.length) {
      // RFC 5322 §2.2.3: unfolding removes the line break only, keeping the whitespace.
      out[out.length - 1].raw += line.replace(/\r$/, "");
      continue;
    }
    const colon = line.indexOf(":");
    if (colon <= 0 || !FIELD_NAME.test(line.slice(0, colon).trimEnd())) {
      if (!(out.length === 0 && line.startsWith("From "))) defects.push("header line without a field name");
      continue;
    }
    if (out.length >= maxFields) {
      defects.push(`more than ${maxFields} header fields; the rest ignored`);
      break;
    }
    out.push({ name: line.slice(0, colon).trimEnd(), raw: line.slice(colon + 1).replace(/\r$/, "").replace(/^[ \t]+/, "") });
  }
  return out;
}

/** A header value from latin1 to text: raw 8-bit bytes as UTF-8 when they are, encoded words decoded. */
export function decodeHeaderValue(raw: string, defects: string[]): string {
  let v = raw;
  if (/[\x80-\xff]/.test(v)) {
    try {
      v = UTF8_FATAL.decode(Buffer.from(v, "latin1"));
    } catch {}
  }
  return v.includes("=?") ? decodeWords(v, defects) : v;
}

const ENCODED_WORD = /=\?([^?\s]{1,60})\?([bBqQ])\?([^?\s]*)\?=/g;

/** RFC 2047 §6: decode encoded words; whitespace between two adjacent encoded words is dropped. */
export function decodeWords(v: string, defects: string[]): string {
  return v.replace(/(\?=)[ \t]+(?==\?)/g, "$1").replace(ENCODED_WORD, (all, cs: string, enc: string, text: string) => {
    const d = decoderFor(cs);
    if (!d) {
      defects.push(`unknown charset ${JSON.stringify(cs)} in an encoded word`);
      return all;
    }
    const bytes = enc === "b" || enc === "B" ? Buffer.from(text, "base64") : qpBytes(text.replace(/_/g, " "), false);
    return d.decode(bytes);
  });
}

export interface ContentType {
  type: string;
  params: Record<string, string>;
}

/** `type/subtype; a=b; c="d"` with RFC 2231 `name*=charset''pct` and `name*0=` continuations. */
export function parseParams(value: string): ContentType {
  const semi = value.indexOf(";");
  const type = (semi < 0 ? value : value.slice(0, semi)).trim().toLowerCase();
  const params: Record<string, string> = {};
  if (semi < 0) return { type, params };
  const re = /;\s*([^\s=;]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"?|([^;]*))/g;
  const parts: Record<string, { i: number; v: string; ext: boolean }[]> = {};
  for (const m of value.slice(semi).matchAll(re)) {
    const key = m[1].toLowerCase();
    const val = m[2] !== undefined ? m[2].replace(/\\(.)/g, "$1") : (m[3] ?? "").trim();
    const c = /^(.*?)\*(\d+)?(\*)?$/.exec(key);
    if (c) (parts[c[1]] ??= []).push({ i: Number(c[2] ?? 0), v: val, ext: !!c[3] || (c[2] === undefined) });
    else params[key] = val;
    if (Object.keys(params).length + Object.keys(parts).length > 64) break;
  }
  for (const [key, list] of Object.entries(parts)) {
    list.sort((a, b) => a.i - b.i);
    let charset = "";
    const bytes: number[] = [];
    let text = "";
    for (const [n, p] of list.entries()) {
      let v = p.v;
      if (p.ext) {
        if (n === 0) {
          const q = /^([^']*)'[^']*'(.*)$/.exec(v);
          if (q) [charset, v] = [q[1], q[2]];
        }
        for (const b of Buffer.from(decodeURIComponentBytes(v))) bytes.push(b);
      } else {
        text += v;
      }
    }
    params[key] = (bytes.length ? (decoderFor(charset || "utf-8") ?? decoderFor("utf-8")!).decode(new Uint8Array(bytes)) : "") + text;
  }
  return { type, params };
}

function decodeURIComponentBytes(s: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    if (s[i] === "%" && /^[0-9a-fA-F]{2}$/.test(s.slice(i + 1, i + 3))) {
      out.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else out.push(s.charCodeAt(i) & 0xff);
  }
  return new Uint8Array(out);
}

/** Quoted-printable (RFC 2045 §6.7), lenient: malformed escapes are kept as they are. */
export function qpBytes(s: string, soft = true): Uint8Array {
  const out = new Uint8Array(s.length);
  let o = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x3d) {
      const h = s.slice(i + 1, i + 3);
      if (/^[0-9a-fA-F]{2}$/.test(h)) {
        out[o++] = parseInt(h, 16);
        i += 2;
        continue;
      }
      if (soft) {
        // Soft line break: "=" then optional whitespace then the line end.
        const m = /^[ \t]*\r?\n/.exec(s.slice(i + 1, i + 80));
        if (m) {
          i += m[0].length;
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
      // Buffer's decoder skips characters outside the alphabet, which is what broken mail needs.
      return Buffer.from(latin1(body), "base64");
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
