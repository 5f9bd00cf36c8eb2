// 7z for archive.ts: the names a 7z archive holds and whether a password locks its files or
// its names, from its header as 7-Zip's 7zFormat.txt lays it out. The header is usually an
// "encoded header": itself packed, with LZMA (7-Zip) or LZMA2 (other writers), so lzma.ts
// unpacks it first. The files' data is not unpacked (solid LZMA2 blocks): an archive inside a
// 7z is listed by its name only.
import type { ArchiveFacts } from "./archive";
import { unlzma, unlzma2 } from "./lzma";

export const SEVEN_ZIP = [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c];

/**
 * A header unpacked to at most this: ~60 bytes a file, so some 2 000 files (names past the
 * 200th are not kept anyway). LZMA in JavaScript unpacks ~5 MB/s of the worst input (literals
 * only; text ~40 MB/s), so this bound, and the caller's for all 7z headers of an attachment,
 * keep a hostile header to tens of milliseconds.
 */
const MAX_HEADER = 128 * 1024;
/** Folders, coders, streams and files a header may declare before it is taken as hostile. */
const MAX_ITEMS = 1 << 20;
const MAX_CODERS = 64;
/** Name characters kept: a long name's end, where its extension is (as the other readers). */
const MAX_NAME_UNITS = 256;

// Property ids (7zFormat.txt).
const K_END = 0x00;
const K_HEADER = 0x01;
const K_ARCHIVE_PROPERTIES = 0x02;
const K_ADDITIONAL_STREAMS = 0x03;
const K_MAIN_STREAMS = 0x04;
const K_FILES = 0x05;
const K_PACK_INFO = 0x06;
const K_UNPACK_INFO = 0x07;
const K_SUBSTREAMS = 0x08;
const K_SIZE = 0x09;
const K_CRC = 0x0a;
const K_FOLDER = 0x0b;
const K_UNPACK_SIZE = 0x0c;
const K_NUM_UNPACK_STREAM = 0x0d;
const K_EMPTY_STREAM = 0x0e;
const K_EMPTY_FILE = 0x0f;
const K_NAME = 0x11;
const K_ENCODED_HEADER = 0x17;

// Coder ids, as hex.
const AES = "06f10701";
const LZMA = "030101";
const LZMA2 = "21";
const COPY = "00";

/** A header that breaks its own format: reading stops, with what was read so far. */
class Corrupt extends Error {}

class Cursor {
  constructor(
    readonly b: Uint8Array,
    public at: number,
  ) {}

  byte(): number {
    if (this.at >= this.b.length) throw new Corrupt();
    return this.b[this.at++];
  }

  /** 7z's UINT64: the first byte's leading 1 bits say how many little-endian bytes follow. */
  num(): number {
    const first = this.byte();
    let mask = 0x80;
    let value = 0;
    for (let i = 0; i < 8; i++) {
      if ((first & mask) === 0) return value + (first & (mask - 1)) * 2 ** (8 * i);
      value += this.byte() * 2 ** (8 * i);
      mask >>>= 1;
    }
    if (!Number.isSafeInteger(value)) throw new Corrupt();
    return value;
  }

  count(max = MAX_ITEMS): number {
    const n = this.num();
    if (n > max) throw new Corrupt();
    return n;
  }

  take(n: number): Uint8Array {
    if (n > this.b.length - this.at) throw new Corrupt();
    return this.b.subarray(this.at, (this.at += n));
  }

  /** A bit field of n flags, most significant bit first. */
  bits(n: number): boolean[] {
    const bytes = this.take(Math.ceil(n / 8));
    return Array.from({ length: n }, (_, i) => (bytes[i >>> 3] & (0x80 >>> (i & 7))) !== 0);
  }

  /** CRCs of n streams: "all defined" or a bit field, then four bytes for each defined one. */
  digests(n: number): boolean[] {
    const all = this.byte() !== 0;
    const defined = all ? new Array<boolean>(n).fill(true) : this.bits(n);
    this.take(4 * defined.filter(Boolean).length);
    return defined;
  }

  /** A property this reader does not need: its size, then that many bytes. */
  skipData(): void {
    this.take(this.num());
  }
}

interface Coder {
  id: string;
  props: Uint8Array;
}
interface Folder {
  coders: Coder[];
  /** Which of the folder's output streams is its result (the one no other coder reads). */
  main: number;
  sizes: number[];
  crc: boolean;
}
interface Streams {
  packPos: number;
  packSizes: number[];
  folders: Folder[];
}

/** Reads what the 7z holds into facts; unpacks at most `room` bytes of header, and returns how many it tried. */
export function readSevenZip(b: Uint8Array, facts: ArchiveFacts, add: (name: string) => void, room: number): number {
  let header: Uint8Array | undefined;
  let spent = 0;
  try {
    header = nextHeader(b);
    // An encoded header packs the real one (twice at most in practice; four rounds allowed).
    for (let round = 0; header && header[0] === K_ENCODED_HEADER && round < 4; round++) {
      const packed = streamsInfo(new Cursor(header, 1));
      if (locked(packed)) {
        facts.encrypted = true; // -mhe: names and files locked alike
        return spent;
      }
      const size = packedSize(packed);
      if (size === undefined || size > Math.min(MAX_HEADER, room - spent)) return spent;
      spent += size; // charged whether or not the stream turns out whole: the work is done either way
      header = unpack(b, packed, size);
    }
    if (header?.[0] === K_HEADER) readHeader(new Cursor(header, 1), facts, add);
  } catch (e) {
    if (!(e instanceof Corrupt)) throw e;
    // Half a header: its AES coder id still says the archive is locked (7-Zip would refuse it anyway).
    if (header && Buffer.from(header.buffer, header.byteOffset, header.byteLength).includes(Buffer.from(AES, "hex"))) facts.encrypted = true;
  }
  return spent;
}

/** The header the signature header points to (7zFormat.txt: next-header offset and size from byte 12, after 32 bytes). */
function nextHeader(b: Uint8Array): Uint8Array | undefined {
  if (b.length < 32) return undefined;
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const start = 32 + Number(view.getBigUint64(12, true));
  const size = Number(view.getBigUint64(20, true));
  if (!Number.isSafeInteger(start) || size > MAX_HEADER || start + size > b.length) return undefined;
  return b.subarray(start, start + size);
}

const locked = (s: Streams) => s.folders.some((f) => f.coders.some((c) => c.id === AES));

/** The size an encoded header unpacks to: its one folder's result. */
const packedSize = (s: Streams) => (s.folders.length === 1 ? s.folders[0].sizes[s.folders[0].main] : undefined);

/** An encoded header's one folder, one coder, unpacked: LZMA, LZMA2 or stored. */
function unpack(b: Uint8Array, s: Streams, size: number): Uint8Array | undefined {
  const folder = s.folders[0];
  if (folder.coders.length !== 1 || s.packSizes.length < 1) return undefined;
  const start = 32 + s.packPos;
  if (start + s.packSizes[0] > b.length) return undefined;
  const input = b.subarray(start, start + s.packSizes[0]);
  const { id, props } = folder.coders[0];
  if (id === LZMA) return unlzma(props, input, size, MAX_HEADER);
  if (id === LZMA2 && props.length === 1) return unlzma2(props[0], input, size, MAX_HEADER);
  if (id === COPY && input.length === size) return input;
  return undefined;
}

function readHeader(r: Cursor, facts: ArchiveFacts, add: (name: string) => void): void {
  for (;;) {
    const id = r.byte();
    if (id === K_END) return;
    if (id === K_ARCHIVE_PROPERTIES) while (r.byte() !== 0) r.skipData();
    else if (id === K_ADDITIONAL_STREAMS) streamsInfo(r);
    else if (id === K_MAIN_STREAMS) facts.encrypted ||= locked(streamsInfo(r));
    else if (id === K_FILES) return readFiles(r, add);
    else throw new Corrupt();
  }
}

function streamsInfo(r: Cursor): Streams {
  const s: Streams = { packPos: 0, packSizes: [], folders: [] };
  for (;;) {
    const id = r.byte();
    if (id === K_END) return s;
    if (id === K_PACK_INFO) packInfo(r, s);
    else if (id === K_UNPACK_INFO) unpackInfo(r, s);
    else if (id === K_SUBSTREAMS) subStreams(r, s);
    else throw new Corrupt();
  }
}

function packInfo(r: Cursor, s: Streams): void {
  s.packPos = r.num();
  const n = r.count();
  for (let id = r.byte(); id !== K_END; id = r.byte()) {
    if (id === K_SIZE) s.packSizes = Array.from({ length: n }, () => r.num());
    else if (id === K_CRC) r.digests(n);
    else r.skipData();
  }
}

function unpackInfo(r: Cursor, s: Streams): void {
  if (r.byte() !== K_FOLDER) throw new Corrupt();
  const n = r.count();
  if (r.byte() !== 0) throw new Corrupt(); // folders kept in another stream: never written by 7-Zip
  for (let i = 0; i < n; i++) s.folders.push(folder(r));
  if (r.byte() !== K_UNPACK_SIZE) throw new Corrupt();
  for (const f of s.folders) f.sizes = f.sizes.map(() => r.num());
  for (let id = r.byte(); id !== K_END; id = r.byte()) {
    if (id === K_CRC) r.digests(n).forEach((d, i) => (s.folders[i].crc = d));
    else r.skipData();
  }
}

/** A folder: its coders, how their streams are bound to each other, which are packed. */
function folder(r: Cursor): Folder {
  const coders: Coder[] = [];
  let ins = 0;
  let outs = 0;
  const n = r.count(MAX_CODERS);
  for (let i = 0; i < n; i++) {
    const flags = r.byte();
    if (flags & 0x80) throw new Corrupt(); // "alternative methods": never used
    const id = Buffer.from(r.take(flags & 0x0f)).toString("hex");
    const complex = (flags & 0x10) !== 0;
    ins += complex ? r.count(MAX_CODERS) : 1;
    outs += complex ? r.count(MAX_CODERS) : 1;
    coders.push({ id, props: flags & 0x20 ? r.take(r.num()) : new Uint8Array(0) });
  }
  if (outs === 0 || outs > MAX_CODERS || ins > MAX_CODERS) throw new Corrupt();
  const bound = new Set<number>();
  for (let i = 0; i < outs - 1; i++) {
    r.num(); // the coder input this output feeds
    bound.add(r.num());
  }
  const packed = ins - (outs - 1);
  if (packed < 1) throw new Corrupt();
  if (packed > 1) for (let i = 0; i < packed; i++) r.num();
  let main = 0;
  while (bound.has(main)) main++;
  return { coders, main, sizes: new Array<number>(outs).fill(0), crc: false };
}

/** How the folders' output splits into files; read only to get past it (files hold the names). */
function subStreams(r: Cursor, s: Streams): void {
  const per = s.folders.map(() => 1);
  let id = r.byte();
  while (id !== K_CRC && id !== K_SIZE && id !== K_END) {
    if (id === K_NUM_UNPACK_STREAM) per.forEach((_, i) => (per[i] = r.count()));
    else r.skipData();
    id = r.byte();
  }
  if (id === K_SIZE) {
    for (const n of per) for (let i = 1; i < n; i++) r.num();
    id = r.byte();
  }
  while (id !== K_END) {
    if (id === K_CRC) {
      const unknown = per.reduce((sum, n, i) => sum + (n === 1 && s.folders[i].crc ? 0 : n), 0);
      if (unknown > MAX_ITEMS) throw new Corrupt();
      r.digests(unknown);
    } else r.skipData();
    id = r.byte();
  }
}

/** Files: names (UTF-16LE, each ended by a 0), and which entries are folders (an empty stream that is no empty file). */
function readFiles(r: Cursor, add: (name: string) => void): void {
  const n = r.count();
  let emptyStream: boolean[] = [];
  let emptyFile: boolean[] = [];
  let names: string[] = [];
  for (let id = r.num(); id !== K_END; id = r.num()) {
    const size = r.num();
    const body = new Cursor(r.take(size), 0);
    if (id === K_EMPTY_STREAM) emptyStream = body.bits(n);
    else if (id === K_EMPTY_FILE) emptyFile = body.bits(emptyStream.filter(Boolean).length);
    else if (id === K_NAME && body.byte() === 0) names = utf16Names(body.b.subarray(1), n);
  }
  let empty = 0;
  names.forEach((name, i) => {
    const folderEntry = emptyStream[i] === true && emptyFile[empty++] !== true;
    if (!folderEntry && name) add(name);
  });
}

const utf16 = new TextDecoder("utf-16le");

function utf16Names(b: Uint8Array, n: number): string[] {
  const names: string[] = [];
  let start = 0;
  for (let i = 0; i + 1 < b.length && names.length < n; i += 2) {
    if (b[i] !== 0 || b[i + 1] !== 0) continue;
    names.push(utf16.decode(b.subarray(Math.max(start, i - 2 * MAX_NAME_UNITS), i)).replaceAll("\\", "/"));
    start = i + 2;
  }
  return names;
}
