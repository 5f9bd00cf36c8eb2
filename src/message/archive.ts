// What is inside an attached archive or Office document: the names of the files it holds,
// whether a password locks them, and whether an Office document carries macros or fetches
// something from outside when opened. Malware is mailed so, because a gateway that looks at
// attachment names sees "invoice.zip" and not the "invoice.pdf.js" inside it; and a password
// (given in the mail's text) keeps the content from virus scanners, while the names of a ZIP
// or RAR stay readable. Kinds read:
// - ZIP (PKWARE APPNOTE 6.3: local file headers §4.3.7, central directory §4.3.12; bit 0 of
//   the flags = encrypted, bit 11 = UTF-8 name). Both records are read wherever their
//   signatures are, not only where the end record points: Windows Explorer, 7-Zip and
//   virus scanners disagree on which of two concatenated or doctored directories they show,
//   so every name any of them would show counts. A ZIP holding [Content_Types].xml is an
//   Office Open XML document (ECMA-376): its macros (vbaProject.bin, Excel 4.0 macro sheets)
//   and its relationships to external targets (ECMA-376 part 2 §9.3: TargetMode="External";
//   a remote template or OLE object is how CVE-2017-0199 and "Follina", CVE-2022-30190, ran).
// - RAR 4 and 5 (archive-rar.ts), 7z (archive-7z.ts: names and locks from its header, which
//   is usually LZMA-packed, so lzma.ts unpacks it; and the files asked for below), tar, gzip and Microsoft Cabinet
//   (archive-tar.ts; a gzip's content, a .tgz's tar, is inflated and read as an archive), ISO
//   9660 disk images (archive-iso.ts; known by bytes 32 769 on, so a part's first bytes cannot tell).
// - OLE2 compound files (old Office .doc/.xls/.ppt; ole.ts): a VBA project, an Excel 4.0
//   macro sheet, an "EncryptedPackage" stream (a password-protected Office Open XML
//   document), an encrypted workbook or Word document, a DDE field, Package and linked objects.
// A page or an Internet shortcut inside a ZIP, a tar, a 7z or a stored RAR entry is read as
// an attached one would be.
// An entry that is itself an archive is read too (an archive in an archive hides from
// scanners that open one level), when it is stored or deflated within the bounds below.
//
// Bounded, since the bytes are the attacker's: MAX_NAMES names, MAX_RECORDS headers looked at
// per archive, entries inflated only to MAX_INFLATED bytes each (zlib's maxOutputLength: a
// deflate bomb stops there) and MAX_TOTAL_INFLATED in all, 7z headers and data unpacked to
// MAX_TOTAL_LZMA in all, nesting MAX_DEPTH deep. Nothing is thrown: what cannot be read is
// skipped.
import { inflateRawSync } from "node:zlib";
import { isIso, readIso } from "./archive-iso";
import { holdsEquation, type OleObject, readOle } from "./ole";
import { isRtf, readRtf } from "./rtf";
import { readSevenZip, SEVEN_ZIP } from "./archive-7z";
import { readRar, RAR4, RAR5 } from "./archive-rar";
import { latin1 } from "./header-text";
import { CAB, gzipMember, isTar, readCab, readTar } from "./archive-tar";
import { isShortcutName, type Shortcut, shortcutOf } from "./shortcut";

export type ArchiveKind = "zip" | "rar" | "7z" | "gzip" | "tar" | "cab" | "iso" | "ole" | "office" | "rtf";
/** Documents rather than containers: their parts are XML, streams and objects, never files the reader opens from them (no pages, no nested archives). */
export const isDocument = (kind: ArchiveKind): boolean => kind === "office" || kind === "ole" || kind === "rtf";

export interface ArchiveFacts {
  /** "office": an Office Open XML document (a ZIP with [Content_Types].xml); "ole": an OLE2 compound file (old Office); "rtf": an RTF document; "iso": a disk image. */
  kind: ArchiveKind;
  /** Names of the files inside, "/" between folders; an archive's inside an archive as "outer.zip/inner.js". At most MAX_NAMES. */
  names: string[];
  /** A password locks some content (or, for 7z and RAR with encrypted headers, the names too). */
  encrypted: boolean;
  /** An Office document carries VBA or Excel 4.0 macros. */
  macro: boolean;
  /** External targets an Office document loads when opened (template, OLE object, frame, sub-document, an RTF object's link). */
  remote: string[];
  /** The classes of the OLE objects an RTF document embeds ("Equation.3", "Package", …), or an old Office document's Package and URL-linked ("OLE2Link") objects; at most 16. */
  objects: string[];
  /** The document embeds an Equation Editor object (CVE-2017-11882, CVE-2018-0802): in an RTF, an .xls/.doc or an Office Open XML document's embeddings. */
  equation: boolean;
  /** A field or link runs a program through DDE when the document opens (a DDE/DDEAUTO field in Word or RTF, an Excel ddeLink). */
  dde: boolean;
  /** External hyperlinks of an Office document (links the reader clicks, as a PDF's). */
  links: string[];
  /** The text of HTML or SVG pages inside a ZIP, tar or stored RAR entry (at most MAX_PAGES, each cut at MAX_PAGE_BYTES): a sign-in page zipped is still a sign-in page. */
  pages: string[];
  /** Internet shortcuts (.url) inside a ZIP, tar or stored RAR entry, read as attached ones are (at most MAX_SHORTCUTS): a shortcut to a share zipped still opens the share. */
  shortcuts: Shortcut[];
  /** An Office Open XML document's PNG, JPEG and GIF pictures (word/media/…; at most MAX_PICTURES, each at most MAX_PICTURE_BYTES stored): a QR code in a .docx is a link no text holds. */
  pictures: Uint8Array[];
}

// The bounds (see the top of the file): names kept, headers of each kind looked at, bytes an
// entry and an archive may inflate to, archives inside archives, relationship files read,
// external targets kept, pages kept and their length.
const [MAX_NAMES, MAX_RECORDS, MAX_DEPTH] = [200, 1024, 2];
const [MAX_INFLATED, MAX_TOTAL_INFLATED] = [1024 * 1024, 4 * 1024 * 1024];
const [MAX_RELS, MAX_TARGETS, MAX_PAGES, MAX_PAGE_BYTES, MAX_SHORTCUTS] = [32, 50, 4, 256 * 1024, 4];
/** Office parts looked into beside the relationships: Word's field parts and Excel's links (DDE), embedded OLE objects (Equation Editor). */
const [MAX_FIELD_PARTS, MAX_EMBEDS] = [8, 8];
/** Archives opened inside archives, and their bytes, per attachment: overlapping entries could otherwise make one 8 MB file a thousand 1 MB inner archives, each with a thousand of its own. */
const [MAX_NESTED, MAX_NESTED_BYTES] = [16, 4 * 1024 * 1024];
/** Pictures taken from an Office document for the QR check, and their stored size (a QR code compresses to a few KB; a photo is left alone). */
const [MAX_PICTURES, MAX_PICTURE_BYTES] = [4, 256 * 1024];
/** Relationships looked at in one relationships file (a document has tens). */
const MAX_RELATIONSHIPS = 1000;
/** 7z headers and data unpacked per attachment (archive-7z.ts bounds a header to 128 KB): LZMA in JavaScript is slow, ~50 ms for this of the worst input. */
const MAX_TOTAL_LZMA = 256 * 1024;

const OLE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

const startsWith = (b: Uint8Array, sig: readonly number[], at = 0) => sig.every((x, i) => b[at + i] === x);

/** The kind of archive or Office file the first bytes announce, if any (a part's name and type can lie; its bytes cannot). An ISO image is known further in (readArchive). */
export function archiveKind(head: Uint8Array): ArchiveKind | undefined {
  if (head[0] === 0x50 && head[1] === 0x4b && head[2] === 3 && head[3] === 4) return "zip";
  if (startsWith(head, RAR5) || startsWith(head, RAR4)) return "rar";
  if (startsWith(head, SEVEN_ZIP)) return "7z";
  if (head[0] === 0x1f && head[1] === 0x8b && head[2] === 8) return "gzip";
  if (startsWith(head, OLE)) return "ole";
  if (startsWith(head, CAB)) return "cab";
  if (isRtf(head)) return "rtf";
  if (isTar(head)) return "tar";
  return undefined;
}

/** What one attachment's reading has spent, across its nested archives. */
interface Budget {
  inflated: number;
  nested: number;
  nestedBytes: number;
  lzma: number;
}

/** What an archive's bytes hold; undefined when they are no archive this reads. */
export function readArchive(bytes: Uint8Array): ArchiveFacts | undefined {
  return read(bytes, 0, { inflated: 0, nested: 0, nestedBytes: 0, lzma: 0 });
}

function read(bytes: Uint8Array, depth: number, budget: Budget): ArchiveFacts | undefined {
  const kind = archiveKind(bytes.subarray(0, 512)) ?? (isIso(bytes) ? "iso" : undefined);
  if (!kind) return undefined;
  const facts: ArchiveFacts = { kind, names: [], encrypted: false, macro: false, remote: [], objects: [], equation: false, dde: false, links: [], pages: [], shortcuts: [], pictures: [] };
  const add = (name: string) => {
    if (facts.names.length < MAX_NAMES && !facts.names.includes(name)) facts.names.push(name);
  };
  const entry = (name: string, data: () => Uint8Array | undefined) => inside(name, data, facts, add, depth, budget);
  if (kind === "zip") readZip(bytes, facts, add, entry, budget);
  else if (kind === "rar") readRar(bytes, facts, add, (name, data) => entry(name, () => data));
  else if (kind === "7z") readSevenZip(bytes, facts, add, entry, budget, MAX_TOTAL_LZMA);
  else if (kind === "tar") readTar(bytes, add, (name, data) => entry(name, () => data));
  else if (kind === "cab") readCab(bytes, add);
  else if (kind === "gzip") {
    // One file, usually a tar (.tgz): its content is read as an archive whatever its name, under its stored name if it has one.
    const { name, deflated } = gzipMember(bytes);
    if (name) add(name);
    const data = inflateWithin(deflated, budget, true);
    if (data) open(name, data, facts, add, depth, budget);
  } else if (kind === "iso") readIso(bytes, add);
  else {
    let objects: OleObject[];
    if (kind === "rtf") ({ objects, dde: facts.dde } = readRtf(bytes));
    else objects = readOle(bytes, facts);
    for (const o of objects) {
      facts.objects.push(o.className);
      facts.equation ||= o.equation;
      if (o.link && facts.remote.length < MAX_TARGETS) facts.remote.push(o.link);
      if (o.file) add(o.file); // a packaged file is judged as a name in an archive (ATTACH_ARCHIVE_EXECUTABLE)
    }
  }
  return facts;
}

/**
 * An entry read by its name, as an attached file of that name would be: a page (its text), a
 * shortcut (where it leads), an archive (its names under the entry's). `data` is asked for only
 * for those names, so nothing else is inflated.
 */
function inside(name: string, data: () => Uint8Array | undefined, facts: ArchiveFacts, add: (n: string) => void, depth: number, budget: Budget): void {
  if (PAGE_NAME.test(name)) {
    const d = facts.pages.length < MAX_PAGES ? data() : undefined;
    if (d) facts.pages.push(utf8.decode(d.subarray(0, MAX_PAGE_BYTES)));
  } else if (isShortcutName(name)) {
    const d = facts.shortcuts.length < MAX_SHORTCUTS ? data() : undefined;
    if (d) keepShortcut(facts, shortcutOf(d));
  } else if (ARCHIVE_ENTRY.test(name)) {
    const d = data();
    if (d) open(name, d, facts, add, depth, budget);
  }
}

/** Bytes that may be an archive themselves: their names join the outer list under `name` (bare when it has none). */
function open(name: string | undefined, data: Uint8Array, facts: ArchiveFacts, add: (n: string) => void, depth: number, budget: Budget): void {
  if (depth + 1 > MAX_DEPTH || budget.nested >= MAX_NESTED || budget.nestedBytes + data.byteLength > MAX_NESTED_BYTES) return;
  budget.nested++;
  budget.nestedBytes += data.byteLength;
  const inner = read(data, depth + 1, budget);
  if (!inner || isDocument(inner.kind)) return;
  for (const n of inner.names) add(name ? `${name}/${n}` : n);
  for (const p of inner.pages) if (facts.pages.length < MAX_PAGES) facts.pages.push(p);
  for (const s of inner.shortcuts) keepShortcut(facts, s);
  if (inner.encrypted) facts.encrypted = true;
}

/** A shortcut once: a stored inner ZIP's entries are seen by the outer one's header search as well as by its own reading. */
function keepShortcut(facts: ArchiveFacts, s: Shortcut): void {
  if (facts.shortcuts.length < MAX_SHORTCUTS && !facts.shortcuts.some((k) => k.url === s.url && k.icon === s.icon)) facts.shortcuts.push(s);
}

interface ZipEntry {
  name: string;
  flags: number;
  method: number;
  size: number;
  /** Where the entry's data starts (local headers only). */
  data?: number;
}

function readZip(b: Uint8Array, facts: ArchiveFacts, add: (n: string) => void, entry: (name: string, data: () => Uint8Array | undefined) => void, budget: Budget): void {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const buf = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  const local: ZipEntry[] = [];
  const central = new Map<string, ZipEntry>();
  const own = ownDirectory(buf, view);
  let office = false;
  for (const at of records(buf, "PK\x03\x04")) {
    const e = record(b, view, at, LOCAL);
    if (e) local.push({ ...e, data: e.end + view.getUint16(at + 28, true) }); // the data follows the name and the extra field
  }
  for (const at of records(buf, "PK\x01\x02")) {
    const e = record(b, view, at, CENTRAL);
    if (!e) continue;
    if (e.name === CONTENT_TYPES && own && at >= own.start && at < own.end) office = true;
    if (!central.has(e.name)) central.set(e.name, e);
  }
  const all = [...local, ...central.values()];
  // An Office document by its own directory: a stored .docx inside a ZIP lists [Content_Types].xml
  // too, and must not make the ZIP around it a document whose pages and archives go unread.
  if (own ? office : all.some((e) => e.name === CONTENT_TYPES)) facts.kind = "office";
  for (const e of all) {
    if (e.flags & 1) facts.encrypted = true;
    if (e.name.endsWith("/")) continue; // a folder
    add(e.name);
  }
  if (facts.kind === "office") {
    facts.macro = all.some((e) => /(?:^|\/)vbaProject\.bin$|^xl\/macrosheets\//i.test(e.name));
    // One pass per kind of part, each within its count and the inflate budget, until it has its answer.
    // `maxStored`: entries stored larger than this are passed over without being inflated.
    const parts = (name: RegExp, max: number, done: () => boolean, use: (data: Uint8Array, part: string) => void, maxStored = Infinity) => {
      let n = 0;
      for (const e of local) {
        if (done() || !name.test(e.name) || (e.size || central.get(e.name)?.size || 0) > maxStored || n++ >= max) continue;
        const data = entryData(b, e, central, budget);
        if (data) use(data, e.name);
      }
    };
    parts(/\.rels$/i, MAX_RELS, () => false, (data) => readRels(data, facts));
    parts(FIELD_PART, MAX_FIELD_PARTS, () => facts.dde, (data, part) => (facts.dde = ddeIn(utf8.decode(data), part)));
    // Embedded OLE objects (word/embeddings/oleObject1.bin): Equation Editor's is an exploit's carrier.
    parts(EMBEDDED_OBJECT, MAX_EMBEDS, () => facts.equation, (data) => (facts.equation = holdsEquation(data)));
    // Pictures last, so that they never take the inflate budget from the parts above.
    parts(MEDIA_PICTURE, MAX_PICTURES, () => false, (data) => facts.pictures.push(data), MAX_PICTURE_BYTES);
    return;
  }
  for (const e of local) if (!(e.flags & 1)) entry(e.name, () => entryData(b, e, central, budget));
}

const CONTENT_TYPES = "[Content_Types].xml";
/** Where Word, Excel and PowerPoint keep a document's pictures (the media folder beside each main part, as Office and LibreOffice write it). */
const MEDIA_PICTURE = /^(?:word|xl|ppt)\/media\/[^/]+\.(?:png|jpe?g|gif)$/i;
/** The end record is in the last 22 bytes plus a comment of at most 65 535 (APPNOTE 4.3.16). */
const END_SEARCH = 22 + 65535;

/**
 * Where the archive's own central directory is: the one its last end record points to, which
 * Office and Windows read. Undefined without a readable end record (the directory is then
 * whatever central records are found).
 */
function ownDirectory(buf: Buffer, view: DataView): { start: number; end: number } | undefined {
  const at = buf.lastIndexOf("PK\x05\x06", buf.length - 22, "latin1");
  if (at < 0 || at < buf.length - END_SEARCH) return undefined;
  const size = view.getUint32(at + 12, true);
  const start = view.getUint32(at + 16, true);
  return start + size <= at ? { start, end: start + size } : undefined;
}

/** Names of pages a browser opens: entries of archives, attached files (beside.ts keeps their markup; attachments.ts reads them as attached pages). */
export const PAGE_NAME = /\.(?:s?html?|xhtml|svg|shtm)$/i;
/** Entry names that may be archives themselves (their bytes decide: archiveKind). */
const ARCHIVE_ENTRY = /\.(?:zip|rar|7z|gz|tgz|tar|jar|cab)$/i;

/** Where a signature occurs anywhere in the file, at most MAX_RECORDS times. */
function* records(buf: Buffer, signature: string): Generator<number> {
  for (let at = buf.indexOf(signature, 0, "latin1"), n = 0; at >= 0 && n < MAX_RECORDS; at = buf.indexOf(signature, at + 4, "latin1"), n++) yield at;
}

/** A local file header (APPNOTE 4.3.7) and a central directory header (4.3.12) share their fields from the flags on, two bytes further in the central one. */
const LOCAL = { fixed: 30, shift: 0 };
const CENTRAL = { fixed: 46, shift: 2 };

/** The entry a header at `at` describes, and where its name ends; undefined when it runs past the file. */
function record(b: Uint8Array, view: DataView, at: number, kind: typeof LOCAL): (ZipEntry & { end: number }) | undefined {
  const { fixed, shift } = kind;
  if (at + fixed > b.length) return undefined;
  const end = at + fixed + view.getUint16(at + 26 + shift, true);
  if (end > b.length) return undefined;
  const flags = view.getUint16(at + 6 + shift, true);
  return { name: zipName(b.subarray(at + fixed, end), flags), flags, method: view.getUint16(at + 8 + shift, true), size: view.getUint32(at + 18 + shift, true), end };
}

/** A local entry's content, stored or deflated, within the inflate budget; undefined when it cannot be had. */
function entryData(b: Uint8Array, e: ZipEntry, central: Map<string, ZipEntry>, budget: Budget): Uint8Array | undefined {
  if (e.data === undefined || e.flags & 1) return undefined;
  // With a data descriptor (flag bit 3) the local header's sizes are zero: the central directory has them.
  const size = e.size || central.get(e.name)?.size || 0;
  if (size === 0 || e.data + size > b.length) return undefined;
  const raw = b.subarray(e.data, e.data + size);
  if (budget.inflated >= MAX_TOTAL_INFLATED) return undefined;
  // Stored bytes are charged too: overlapping local headers can name the same megabyte a thousand times.
  if (e.method === 0) {
    if (raw.byteLength > MAX_INFLATED) return undefined;
    budget.inflated += raw.byteLength;
    return raw;
  }
  return e.method === 8 ? inflateWithin(raw, budget, false) : undefined;
}

/** Compressed bytes tried when a stream inflates past the bound and its start is wanted: each a prefix of the last, the last at most 1 032 times its size (deflate's limit) below the bound. */
const PREFIXES = [128 * 1024, 512];

/**
 * Deflate data inflated to MAX_INFLATED at most, charged to the budget; undefined when it cannot
 * be. A stream that inflates past the bound gives nothing (zlib then returns no output), unless
 * `start` asks for its first bytes: a gzip's tar lists its first files from them, whatever the
 * size of the program after them. A cut stream gives what it has (Z_SYNC_FLUSH).
 */
function inflateWithin(raw: Uint8Array, budget: Budget, start: boolean): Uint8Array | undefined {
  for (const input of [raw, ...(start ? PREFIXES.filter((n) => n < raw.length).map((n) => raw.subarray(0, n)) : [])]) {
    if (budget.inflated >= MAX_TOTAL_INFLATED) return undefined;
    const limit = Math.min(MAX_INFLATED, MAX_TOTAL_INFLATED - budget.inflated);
    try {
      const out = inflateRawSync(input, { maxOutputLength: limit, finishFlush: 2 /* Z_SYNC_FLUSH */ });
      budget.inflated += out.byteLength;
      return out;
    } catch (e) {
      // A bomb stopped at the bound inflated that much first; corrupt data that fails at once costs nothing (charging it would let broken entries hide later ones).
      if ((e as { code?: string }).code !== "ERR_BUFFER_TOO_LARGE") return undefined;
      budget.inflated += limit;
    }
  }
  return undefined;
}

const utf8 = new TextDecoder("utf-8");

/** Name bytes decoded at most: a longer name keeps its end, where the extension is (a hostile archive's 64 KB names cost no more). */
const MAX_NAME_BYTES = 512;

/** A ZIP name: UTF-8 when flag bit 11 says so, else read byte for byte (CP437 in the APPNOTE; extensions are ASCII either way). */
function zipName(bytes: Uint8Array, flags: number): string {
  const tail = bytes.subarray(Math.max(0, bytes.length - MAX_NAME_BYTES));
  return (flags & 0x800 ? utf8.decode(tail) : latin1(tail)).replaceAll("\\", "/");
}

// [^<>]: an attribute value holds no "<", so a match attempt ends at the next tag; with [^>] a run of "<Relationship" without ">" cost 4 096 steps per character.
const RELATIONSHIP = /<(?:\w+:)?Relationship\b([^<>]{0,4096})>/g;
const ATTR = Object.fromEntries(["TargetMode", "Target", "Type"].map((n) => [n, new RegExp(`\\b${n}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`)]));
const attr = (attrs: string, name: "TargetMode" | "Target" | "Type") => ATTR[name].exec(attrs)?.slice(1).find((v) => v !== undefined);
/** Relationship types an Office application follows by itself when the document opens. */
const LOADED = /\/(?:attachedTemplate|oleObject|frame|subDocument|externalLinkPath)$/;

/** External relationships of an Office Open XML part's relationships file. */
function readRels(data: Uint8Array, facts: ArchiveFacts): void {
  const xml = utf8.decode(data);
  RELATIONSHIP.lastIndex = 0;
  for (let m = RELATIONSHIP.exec(xml), n = 0; m && n < MAX_RELATIONSHIPS; m = RELATIONSHIP.exec(xml), n++) {
    if (attr(m[1], "TargetMode")?.toLowerCase() !== "external") continue;
    const target = decodeXml(attr(m[1], "Target") ?? "").trim();
    if (!target) continue;
    const list = LOADED.test(attr(m[1], "Type") ?? "") ? facts.remote : facts.links;
    if (list.length < MAX_TARGETS && !list.includes(target)) list.push(target);
  }
}

const decodeXml = (s: string) =>
  s.replace(/&(?:#(\d{1,7})|#x([0-9a-f]{1,6})|(amp|lt|gt|quot|apos));/gi, (_, d, h, n) =>
    d || h ? String.fromCodePoint(Math.min(parseInt(d ?? h, d ? 10 : 16), 0x10ffff)) : ({ amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" } as Record<string, string>)[n.toLowerCase()],
  );

const EMBEDDED_OBJECT = /(?:^|\/)embeddings\/[^/]+\.bin$/i;
/** The parts whose fields or links can run DDE: Word's body, headers and footers; Excel's external links. */
const FIELD_PART = /^(?:word\/(?:document|header\d*|footer\d*)\.xml|xl\/externalLinks\/[^/]+\.xml)$/i;
/** A field's instruction text, from instrText runs (one instruction may be split over several) or a simple field's attribute; bounded quantifiers, as the markup is the sender's. */
const INSTR_TEXT = /<w:instrText\b[^<>]{0,256}>([^<]{0,4096})</g;
const SIMPLE_FIELD = /<w:fldSimple\b[^<>]{0,256}?\bw:instr="([^"<>]{0,4096})"/g;
const DDE_INSTRUCTION = /(?:^|\s)DDE(?:AUTO)?\s/i;

/**
 * Field instructions (ECMA-376 §17.16.5: DDE and DDEAUTO run a program as the document opens;
 * the 2017 campaigns) and Excel's DDE links (§18.14.4 ddeLink).
 */
function ddeIn(xml: string, part: string): boolean {
  if (part.startsWith("xl/")) return /<(?:\w+:)?ddeLink\b/.test(xml);
  const instructions = [...xml.matchAll(INSTR_TEXT)].map((m) => m[1]).join("") + " " + [...xml.matchAll(SIMPLE_FIELD)].map((m) => m[1]).join(" ");
  return DDE_INSTRUCTION.test(` ${decodeXml(instructions)}`);
}

