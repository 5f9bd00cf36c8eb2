// RAR for archive.ts: the names a RAR holds and whether a password locks it. Formats as RARLAB
// documents them ("RAR 5.0 archive format"; RAR 4.x's "technote.txt").
import type { ArchiveFacts } from "./archive";
import { cutAtNul, latin1 } from "./header-text";

export const RAR4 = [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07, 0x00];
export const RAR5 = [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07, 0x01, 0x00];

/** Blocks looked at per archive (a RAR's headers are a chain; a hostile one can be long). */
const MAX_BLOCKS = 1024;
/** Name bytes decoded at most (as archive.ts's ZIP names). */
const MAX_NAME_BYTES = 512;
/** A stored entry read as a nested archive at most this large. */
const MAX_NESTED = 1024 * 1024;

type Add = (name: string) => void;
/** A stored entry's name and bytes, which archive.ts reads as an archive when its name says it may be one. */
type Nested = (name: string, data: Uint8Array) => void;

export function readRar(b: Uint8Array, facts: ArchiveFacts, add: Add, nested: Nested): void {
  if (b[6] === 1) readRar5(b, facts, add, nested);
  else readRar4(b, facts, add, nested);
}

const utf8 = new TextDecoder("utf-8");

/** RAR 5: blocks of CRC32, header size and type as variable-length integers, then the header's fields. */
function readRar5(b: Uint8Array, facts: ArchiveFacts, add: Add, nested: Nested): void {
  let at = RAR5.length;
  for (let n = 0; n < MAX_BLOCKS && at + 5 < b.length; n++) {
    const r = new Vints(b, at + 4);
    const size = r.next();
    const start = r.at;
    const end = start + size;
    if (size === undefined || size < 2 || end > b.length) return;
    const type = r.next();
    const flags = r.next() ?? 0;
    const extra = flags & 1 ? (r.next() ?? 0) : 0;
    const data = flags & 2 ? (r.next() ?? 0) : 0;
    if (extra > size) return; // the extra area lies within the header: a larger one would be read from bytes before it, once per block
    if (type === 4) {
      facts.encrypted = true; // archive encryption header: every header after it, names included, is encrypted
      return;
    }
    if (type === 2) {
      const fileFlags = r.next() ?? 0;
      r.next(); // unpacked size
      r.next(); // attributes
      if (fileFlags & 2) r.at += 4; // modification time
      if (fileFlags & 4) r.at += 4; // CRC32
      const compression = r.next() ?? 0;
      r.next(); // host OS
      const nameLen = r.next() ?? 0;
      if (r.at + nameLen > end) return;
      const name = cutAtNul(utf8.decode(b.subarray(Math.max(r.at, r.at + nameLen - MAX_NAME_BYTES), r.at + nameLen))); // a long name's end, where its extension is
      if (!(fileFlags & 1)) add(name);
      // Extra area records: size, type; type 1 is file encryption.
      const x = new Vints(b, end - extra);
      while (extra && x.at < end) {
        const recSize = x.next();
        const recStart = x.at;
        if (recSize === undefined || recSize === 0) break;
        if (x.next() === 1) facts.encrypted = true;
        x.at = recStart + recSize;
      }
      // Stored (method bits 7-9 = 0), unencrypted: the data is the entry's bytes as they are.
      const dataAt = end;
      if (!facts.encrypted && ((compression >> 7) & 7) === 0 && data <= MAX_NESTED && dataAt + data <= b.length) nested(name, b.subarray(dataAt, dataAt + data));
    }
    if (type === 5) return; // end of archive
    at = end + data;
  }
}

/** RAR 5's variable-length integers: 7 bits a byte, low first, the high bit saying more follow. */
class Vints {
  constructor(
    private readonly b: Uint8Array,
    public at: number,
  ) {}
  next(): number | undefined {
    let v = 0;
    for (let shift = 0; shift < 49 && this.at < this.b.length; shift += 7) {
      const c = this.b[this.at++];
      v += (c & 0x7f) * 2 ** shift;
      if (c < 0x80) return v;
    }
    return undefined;
  }
}

/** RAR 4: blocks of HEAD_CRC, HEAD_TYPE, HEAD_FLAGS, HEAD_SIZE (and ADD_SIZE when flag 0x8000); 0x74 is a file. */
function readRar4(b: Uint8Array, facts: ArchiveFacts, add: Add, nested: Nested): void {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let at = RAR4.length;
  for (let n = 0; n < MAX_BLOCKS && at + 7 <= b.length; n++) {
    const type = b[at + 2];
    const flags = view.getUint16(at + 3, true);
    const size = view.getUint16(at + 5, true);
    if (size < 7) return;
    // A file header's PACK_SIZE is skipped whether or not LONG_BLOCK is set (unrar's arcread.cpp: NextBlockPos+=hd->PackSize).
    const addSize = (flags & 0x8000 || type === 0x74) && at + 11 <= b.length ? view.getUint32(at + 7, true) : 0;
    if (type === 0x73 && flags & 0x80) {
      facts.encrypted = true; // MHD_PASSWORD: the block headers, names included, are encrypted
      return;
    }
    if (type === 0x74 && at + 32 <= b.length) {
      const nameLen = view.getUint16(at + 26, true);
      const nameAt = at + 32 + (flags & 0x100 ? 8 : 0); // 64-bit sizes follow the attributes
      if (nameAt + nameLen > Math.min(at + size, b.length)) return; // the name lies within its header
      const raw = b.subarray(nameAt, nameAt + nameLen);
      const name = cutAtNul(flags & 0x200 ? rar4Unicode(raw) : latin1(raw)).replaceAll("\\", "/");
      if (flags & 0x04) facts.encrypted = true; // LHD_PASSWORD
      const directory = (flags & 0xe0) === 0xe0;
      if (!directory) add(name);
      const dataAt = at + size;
      if (!(flags & 0x04) && b[at + 25] === 0x30 && addSize <= MAX_NESTED && dataAt + addSize <= b.length) nested(name, b.subarray(dataAt, dataAt + addSize));
    }
    if (type === 0x7b) return; // end of archive
    at += size + addSize;
  }
}

/**
 * A RAR 4 name with LHD_UNICODE: the name in the archiver's code page, a zero byte, then the
 * UTF-16 name coded against it (unrar's encname.cpp scheme: two flag bits per character say
 * whether it is a byte, a byte in the high byte's page, a whole code unit, or a run copied
 * from the plain name with a correction). Without the zero byte the name is UTF-8.
 */
function rar4Unicode(raw: Uint8Array): string {
  const zero = raw.indexOf(0);
  if (zero < 0) return utf8.decode(raw);
  const plain = raw.subarray(0, zero);
  const enc = raw.subarray(zero + 1);
  if (enc.length === 0) return latin1(plain);
  const high = enc[0];
  const out: number[] = [];
  let pos = 1;
  let flags = 0;
  let bits = 0;
  while (pos < enc.length && out.length < 1024) {
    if (bits === 0) {
      flags = enc[pos++];
      bits = 8;
    }
    const mode = flags >> 6;
    if (mode === 0) out.push(enc[pos++] ?? 0);
    else if (mode === 1) out.push((enc[pos++] ?? 0) + (high << 8));
    else if (mode === 2) {
      out.push((enc[pos] ?? 0) | ((enc[pos + 1] ?? 0) << 8));
      pos += 2;
    } else {
      let len = enc[pos++] ?? 0;
      if (len & 0x80) {
        const correction = enc[pos++] ?? 0;
        for (len = (len & 0x7f) + 2; len > 0 && out.length < plain.length; len--) out.push(((plain[out.length] + correction) & 0xff) + (high << 8));
      } else for (len += 2; len > 0 && out.length < plain.length; len--) out.push(plain[out.length]);
    }
    flags = (flags << 2) & 0xff;
    bits -= 2;
  }
  // unrar keeps the name up to its first NUL, and falls back to the plain name when the coded one is empty.
  const decoded = cutAtNul(String.fromCharCode(...out));
  return decoded || latin1(plain);
}

