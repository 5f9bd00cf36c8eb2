// OLE2 compound files (old Office .xls/.doc/.ppt) for archive.ts: a VBA project, a
// password-protected document (an encrypted package, workbook or Word document), an embedded
// Equation Editor object, an Excel 4.0 (XLM) macro sheet in a BIFF workbook — the macros
// Emotet, Qakbot and Dridex mailed in 2020–2022, which no VBA storage shows: they live in a
// sheet of type "macro sheet", often very hidden, among the workbook's records — a DDE field
// in a Word document's text or a DDE link in a workbook, and Package or URL-linked objects.
// The OLE object readers shared with rtf.ts (a URL moniker, a packaged file's name) are here too.
// Formats: [MS-CFB] (header, FAT and DIFAT chains, mini stream, 128-byte directory entries),
// [MS-XLS] (BIFF8 records; BoundSheet8 §2.4.28, FilePass §2.4.117), [MS-DOC] (FibBase, fields)
// and [MS-OLEDS] (OLE streams).
import type { ArchiveFacts } from "./archive";
import { cutAtNul } from "./header-text";

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
/** A Word document's text follows its 1.5 KB header; fields deeper than this in a mailed lure are not looked for. */
const MAX_WORD_READ = 512 * 1024;
/** FAT sectors and directory entries looked at, at most. */
const MAX_FAT_SECTORS = 1024;
const MAX_ENTRIES = 4096;
/** The mini stream (every stream under 4 096 bytes, in 64-byte sectors) read at most, and object streams read per file (and how much of each). */
const MAX_MINI_STREAM = 1024 * 1024;
const [MAX_OBJECTS, MAX_OBJECT_READ] = [16, 64 * 1024];

const BOF = 0x0809;
const EOF = 0x000a;
const BOUND_SHEET = 0x0085;
const FILE_PASS = 0x002f;
const SUP_BOOK = 0x01ae;
const EXTERN_NAME = 0x0023;
/** ExternName's fOle and fOleLink ([MS-XLS] §2.4.106): with neither, a name of a DDE source is a DDE item. */
const OLE_NAME = 0x0008 | 0x0010;
/** BoundSheet8's dt: 1 is a macro sheet (Excel 4.0); 6 a VBA module sheet (Excel 5). */
const MACRO_SHEETS = new Set([1, 6]);
/** [MS-DOC] §2.5.2 FibBase: wIdent of a Word binary document, and fEncrypted / fObfuscated (a password to open). */
const WORD_IDENT = 0xa5ec;
const WORD_LOCKED = 0x0100 | 0x8000;
/**
 * A DDE or DDEAUTO field's instruction in a Word binary document's text ([MS-DOC] §2.8.25: a
 * field begins with character 0x13, its instruction next). Text is stored 8-bit or UTF-16 by
 * piece, so each character may carry a NUL after it.
 */
const WORD_DDE = /\x13(?:\x00?[ \t])*\x00?D\x00?D\x00?E\x00?(?:A\x00?U\x00?T\x00?O\x00?)?[ \t"]/i;

/** What the objects an Office document embeds say: an RTF's (rtf.ts) or an old document's (readOle). */
export interface OleObject {
  /** The OLE 1.0 class name ("Equation.3", "Package", "OLE2Link", "Excel.Sheet.8"), cut at its NUL. */
  className: string;
  /** The object is Equation Editor's: by class name, or by the editor's class id or native stream inside the object's data. */
  equation: boolean;
  /** Where a link object (a URL moniker, or a linked object's topic) fetches from. */
  link?: string;
  /** The name of the file a "Package" object carries ("Invoice.pdf.vbs"). */
  file?: string;
}

/**
 * An old Office document's signs, into `facts`, and the objects it embeds: a Package object's
 * "\x01Ole10Native" stream (a script or program that runs on a double click) and a linked
 * object's "\x01Ole" stream whose moniker is a URL (CVE-2017-0199 as a .doc: Word fetches the
 * target as the document opens), wherever their storages are (Word's ObjectPool, Excel's MBD…).
 */
export function readOle(b: Uint8Array, facts: ArchiveFacts): OleObject[] {
  const buf = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  facts.macro = buf.includes(VBA_PROJECT);
  facts.encrypted = buf.includes(ENCRYPTED_PACKAGE);
  facts.equation = holdsEquation(b);
  const file = compoundFile(buf);
  if (!file) return [];
  const workbook = file.entries.find((e) => /^(?:Workbook|Book)$/.test(e.name));
  if (workbook) readWorkbook(file.read(workbook, MAX_WORKBOOK_READ), facts);
  const word = file.entries.find((e) => e.name === "WordDocument");
  if (word) {
    const w = file.read(word, MAX_WORD_READ);
    if (w.length >= 12 && w.readUInt16LE(0) === WORD_IDENT && w.readUInt16LE(0x0a) & WORD_LOCKED) facts.encrypted = true;
    else facts.dde ||= WORD_DDE.test(w.toString("latin1"));
  }
  const objects: OleObject[] = [];
  // Object streams read, found or not: a file of 4 096 "\x01Ole" entries over one 64 KB run is read 16 times, not 4 096.
  for (const e of file.entries.filter((e) => e.name === "\x01Ole10Native" || e.name === "\x01Ole").slice(0, MAX_OBJECTS)) {
    if (e.name === "\x01Ole10Native") {
      const name = packagedFile(file.read(e, MAX_OBJECT_READ), 0);
      if (name) objects.push({ className: "Package", equation: false, file: name });
    } else {
      // [MS-OLEDS] §2.3.3 OLEStream: Flags bit 0 marks a linked object; its source moniker follows.
      const d = file.read(e, MAX_OBJECT_READ);
      const link = d.length >= 8 && d.readUInt32LE(4) & 1 ? urlMoniker(d) : undefined;
      if (link) objects.push({ className: "OLE2Link", equation: false, link });
    }
  }
  return objects;
}

interface Entry {
  name: string;
  start: number;
  size: number;
}

/**
 * An OLE2 compound file's streams ([MS-CFB]): their directory entries, and a reader that
 * follows a stream's chain, in the FAT for a stream at or over the mini-stream cutoff (4 096
 * bytes; its sectors may lie anywhere in the file and in any order), else in the mini FAT
 * over the root entry's mini stream (64-byte sectors).
 */
function compoundFile(b: Buffer): { entries: Entry[]; read: (e: Entry, max: number) => Buffer } | undefined {
  if (b.length < 512) return undefined;
  const shift = b.readUInt16LE(0x1e);
  if (shift !== 9 && shift !== 12) return undefined;
  const size = 1 << shift;
  const fat = fatOf(b, shift);
  const sectors = (table: Uint32Array, start: number, bytes: number, unit: number) => {
    const out: number[] = [];
    for (let s = start; s < table.length && out.length < MAX_CHAIN && out.length * unit < bytes; s = table[s]) out.push(s);
    return out;
  };
  /** `want` bytes along a chain of `unit`-byte sectors of `from` (the file, or the mini stream). */
  const gather = (from: Buffer, table: Uint32Array, start: number, want: number, unit: number, base: number) => {
    const parts: Buffer[] = [];
    let got = 0;
    for (const s of sectors(table, start, want, unit)) {
      const at = base + s * unit;
      if (at >= from.length) break;
      const part = from.subarray(at, Math.min(at + unit, from.length, at + want - got));
      parts.push(part);
      got += part.length;
    }
    return Buffer.concat(parts);
  };
  const regular = (start: number, want: number) => gather(b, fat, start, want, size, size);
  const entries: Entry[] = [];
  let root: Entry | undefined;
  const directory = regular(b.readUInt32LE(0x30), MAX_ENTRIES * 128);
  for (let at = 0; at + 128 <= directory.length; at += 128) {
    const type = directory[at + 0x42];
    const nameBytes = Math.min(directory.readUInt16LE(at + 0x40), 64);
    const entry = { name: nameBytes >= 2 ? directory.toString("utf16le", at, at + nameBytes - 2) : "", start: directory.readUInt32LE(at + 0x74), size: directory.readUInt32LE(at + 0x78) };
    if (type === 5) root ??= entry;
    else if (type === 2) entries.push(entry);
  }
  const cutoff = b.readUInt32LE(0x38);
  let mini: { table: Uint32Array; data: Buffer } | undefined;
  const read = (e: Entry, max: number): Buffer => {
    const want = Math.min(e.size, max);
    if (e.size >= cutoff) return regular(e.start, want);
    if (!root || b.readUInt16LE(0x20) !== 6) return Buffer.alloc(0);
    mini ??= { table: words(regular(b.readUInt32LE(0x3c), Math.min(b.readUInt32LE(0x40), MAX_FAT_SECTORS) * size)), data: regular(root.start, Math.min(root.size, MAX_MINI_STREAM)) };
    return gather(mini.data, mini.table, e.start, want, 64, 0);
  };
  return { entries, read };
}

/** Little-endian 32-bit words of a byte run (FAT and mini FAT entries), copied so they are aligned. */
const words = (b: Buffer): Uint32Array => new Uint32Array(b.buffer.slice(b.byteOffset, b.byteOffset + (b.length & ~3)));

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
    fat.set(words(b.subarray(at, at + size)), i * (size / 4));
  }
  return fat;
}

/**
 * The workbook's globals substream, record by record (type, length, data) up to its EOF: its
 * sheets, whether it is encrypted, and DDE links: a formula `=cmd|'/c calc'!A0` is stored as a
 * SupBook naming the DDE source (application, 0x03, topic) and an ExternName for the item, and
 * Excel starts the application as the workbook opens, after one prompt.
 */
function readWorkbook(w: Uint8Array, facts: ArchiveFacts): void {
  const view = new DataView(w.buffer, w.byteOffset, w.byteLength);
  if (w.length < 4 || view.getUint16(0, true) !== BOF) return;
  let ddeSource = false;
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
    if (type === SUP_BOOK) ddeSource = isDdeSource(w.subarray(at + 4, at + 4 + length));
    if (type === EXTERN_NAME && ddeSource && at + 6 <= w.length && !(view.getUint16(at + 4, true) & OLE_NAME)) facts.dde = true;
    at += 4 + length;
  }
}

/**
 * A SupBook ([MS-XLS] §2.4.271) of a DDE or OLE source: no sheets (ctab 0; a workbook has at
 * least one, and the self and add-in markers are told by their cch), and a path that is the
 * source's name, 0x03, its topic, not an encoded file path (those start with 0x01–0x08).
 */
function isDdeSource(r: Uint8Array): boolean {
  if (r.length < 6) return false;
  const [ctab, cch] = [r[0] | (r[1] << 8), r[2] | (r[3] << 8)];
  if (ctab !== 0 || cch === 0 || cch === 0x0401 || cch === 0x3a01) return false;
  const wide = (r[4] & 1) === 1;
  const path = Buffer.from(r.buffer, r.byteOffset + 5, Math.min(r.length - 5, wide ? 2 * cch : cch)).toString(wide ? "utf16le" : "latin1");
  return path.charCodeAt(0) > 8 && path.includes("\x03");
}

// The URL moniker's CLSID {79EAC9E0-BAF9-11CE-8C82-00AA004BA90B}: a UTF-16 URL follows its byte count.
const URL_MONIKER = Buffer.from("e0c9ea79f9bace118c8200aa004ba90b", "hex");

/** The URL a URL moniker in an object's data names ([MS-OSHARED] §2.3.7.6 URLMoniker), if it holds one. */
export function urlMoniker(d: Buffer): string | undefined {
  const at = d.indexOf(URL_MONIKER);
  if (at < 0 || at + 20 > d.length) return undefined;
  const bytes = Math.min(d.readUInt32LE(at + 16), 2048, d.length - at - 20);
  return cutAtNul(d.toString("utf16le", at + 20, at + 20 + (bytes & ~1))).trim() || undefined;
}

/**
 * The file a "Package" object carries (Object Packager: how a script or program is embedded
 * to run on a double click). Its native data (`at`: an RTF object's after its header, or an
 * "\x01Ole10Native" stream whole) is a 4-byte size, a 2-byte type, then the file's label and
 * its source path as C strings (as oletools' OleNativeStream reads them). The label, or the path's last part.
 */
export function packagedFile(d: Buffer, at: number): string | undefined {
  at += 4 + 2;
  const label = cString(d, at);
  if (label === undefined) return undefined;
  const path = cString(d, at + label.length + 1) ?? "";
  return label.trim() || path.slice(Math.max(path.lastIndexOf("\\"), path.lastIndexOf("/")) + 1).trim() || undefined;
}

/** A NUL-ended string of at most 260 bytes (MAX_PATH) from `at`. */
function cString(d: Buffer, at: number): string | undefined {
  if (at >= d.length) return undefined;
  const end = d.indexOf(0, at);
  if (end < 0 || end - at > 260) return undefined;
  return d.toString("latin1", at, end);
}

