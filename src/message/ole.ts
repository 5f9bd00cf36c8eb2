// OLE2 compound files (old Office .xls/.doc/.ppt) for archive.ts: a VBA project, a
// password-protected document, an embedded Equation Editor object, and an Excel 4.0 (XLM)
// macro sheet in a BIFF workbook — the macros Emotet, Qakbot and Dridex mailed in 2020–2022,
// which no VBA storage shows: they live in a sheet of type "macro sheet", often very hidden,
// among the workbook's records.
// Formats: [MS-CFB] (header, FAT and DIFAT chains, 128-byte directory entries) and [MS-XLS]
// (BIFF8 records; BoundSheet8 §2.4.28, FilePass §2.4.117).
import type { ArchiveFacts } from "./archive";

/**
 * Directory entries name their streams and storages in UTF-16 ([MS-CFB] §2.6.1), so a VBA
 * project ([MS-OVBA] §2.2: its "_VBA_PROJECT" stream, present in every project) or an
 * encrypted package ([MS-OFFCRYPTO] §2.3.4.4) shows as those names' bytes anywhere in the file.
 */
const VBA_PROJECT = Buffer.from("_VBA_PROJECT", "utf16le");
const ENCRYPTED_PACKAGE = Buffer.from("EncryptedPackage", "utf16le");

// Equation Editor 3.0's CLSID {0002CE02-0000-0000-C000-000000000046} as stored (a
// little-endian GUID), and its native stream's name: an object is the editor's by either,
// whatever class name its container gives it.
const EQUATION_CLSID = Buffer.from("02ce020000000000c000000000000046", "hex");
const EQUATION_NATIVE = Buffer.from("Equation Native", "utf16le");
export const holdsEquation = (b: Uint8Array): boolean => {
  const buf = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  return buf.includes(EQUATION_NATIVE) || buf.includes(EQUATION_CLSID);
};

const END_OF_CHAIN = 0xfffffffe;
/** Sectors followed in one chain at most (a 4 MB workbook in 512-byte sectors is 8 192). */
const MAX_CHAIN = 16384;
/** The workbook's globals come first in its stream: sheets are listed in its first kilobytes. */
const MAX_WORKBOOK_READ = 256 * 1024;
/** FAT sectors and directory entries looked at, at most. */
const MAX_FAT_SECTORS = 1024;
const MAX_ENTRIES = 4096;

const BOF = 0x0809;
const EOF = 0x000a;
const BOUND_SHEET = 0x0085;
const FILE_PASS = 0x002f;
/** BoundSheet8's dt: 1 is a macro sheet (Excel 4.0); 6 a VBA module sheet (Excel 5). */
const MACRO_SHEETS = new Set([1, 6]);

export function readOle(b: Uint8Array, facts: ArchiveFacts): void {
  const buf = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  facts.macro = buf.includes(VBA_PROJECT);
  facts.encrypted = buf.includes(ENCRYPTED_PACKAGE);
  facts.equation = holdsEquation(b);
  const workbook = stream(buf, /^(?:Workbook|Book)$/);
  if (workbook) readWorkbook(workbook, facts);
}

/**
 * The first bytes of the stream whose name matches, read along its FAT chain (sectors may lie
 * anywhere in the file and in any order). A stream under the mini-stream cutoff (4 096 bytes,
 * kept in 64-byte mini sectors) is not read: Excel pads its workbook stream past it.
 */
function stream(b: Buffer, name: RegExp): Uint8Array | undefined {
  if (b.length < 512) return undefined;
  const shift = b.readUInt16LE(0x1e);
  if (shift !== 9 && shift !== 12) return undefined;
  const size = 1 << shift;
  const sector = (n: number) => (n + 1) * size;
  const fat = fatOf(b, shift);
  const chain = (start: number, limit: number) => {
    const out: number[] = [];
    for (let s = start; s < fat.length && out.length < MAX_CHAIN && out.length * size < limit; s = fat[s]) out.push(s);
    return out;
  };
  const cutoff = b.readUInt32LE(0x38);
  let entries = 0;
  for (const d of chain(b.readUInt32LE(0x30), MAX_ENTRIES * 128)) {
    for (let at = sector(d); at + 128 <= Math.min(sector(d) + size, b.length) && entries++ < MAX_ENTRIES; at += 128) {
      const nameBytes = Math.min(b.readUInt16LE(at + 0x40), 64);
      if (b[at + 0x42] !== 2 || nameBytes < 2) continue; // streams only
      if (!name.test(b.toString("utf16le", at, at + nameBytes - 2))) continue;
      const length = b.readUInt32LE(at + 0x78);
      if (length < cutoff) return undefined;
      const want = Math.min(length, MAX_WORKBOOK_READ);
      const parts: Uint8Array[] = [];
      let got = 0;
      for (const s of chain(b.readUInt32LE(at + 0x74), want)) {
        const from = sector(s);
        if (from >= b.length) break;
        const part = b.subarray(from, Math.min(from + size, b.length, from + want - got));
        parts.push(part);
        got += part.length;
      }
      return Buffer.concat(parts);
    }
  }
  return undefined;
}

/** The FAT: the header's 109 DIFAT entries, then the DIFAT sector chain, name the FAT's sectors. */
function fatOf(b: Buffer, shift: number): Uint32Array {
  const size = 1 << shift;
  const sectors: number[] = [];
  for (let i = 0; i < 109; i++) sectors.push(b.readUInt32LE(0x4c + 4 * i));
  let difat = b.readUInt32LE(0x44);
  for (let n = 0; n < MAX_FAT_SECTORS && difat < END_OF_CHAIN; n++) {
    const at = (difat + 1) * size;
    if (at + size > b.length) break;
    for (let i = 0; i < size / 4 - 1; i++) sectors.push(b.readUInt32LE(at + 4 * i));
    difat = b.readUInt32LE(at + size - 4);
  }
  // No more FAT sectors than the file has sectors, whatever the header claims.
  const count = Math.min(b.readUInt32LE(0x2c), MAX_FAT_SECTORS, Math.ceil(b.length / size));
  const fat = new Uint32Array(count * (size / 4));
  for (let i = 0; i < count; i++) {
    const at = (sectors[i] + 1) * size;
    if (sectors[i] >= END_OF_CHAIN || at + size > b.length) continue;
    fat.set(new Uint32Array(b.buffer.slice(b.byteOffset + at, b.byteOffset + at + size)), i * (size / 4));
  }
  return fat;
}

/** The workbook's globals substream, record by record (type, length, data) up to its EOF: its sheets and whether it is encrypted. */
function readWorkbook(w: Uint8Array, facts: ArchiveFacts): void {
  const view = new DataView(w.buffer, w.byteOffset, w.byteLength);
  if (w.length < 4 || view.getUint16(0, true) !== BOF) return;
  for (let at = 0; at + 4 <= w.length; ) {
    const type = view.getUint16(at, true);
    const length = view.getUint16(at + 2, true);
    if (type === EOF) return;
    // FilePass: the rest is RC4- or XOR-encrypted (BoundSheet8's sheet type with it, so what follows is not read).
    if (type === FILE_PASS) {
      facts.encrypted = true;
      return;
    }
    if (type === BOUND_SHEET && length >= 6 && at + 10 <= w.length && MACRO_SHEETS.has(w[at + 9])) facts.macro = true;
    at += 4 + length;
  }
}
