// The structures of a 7z header (7-Zip's 7zFormat.txt) for archive-7z.ts: its property ids,
// a cursor over its numbers, the streams (packed streams, folders and their coders, how a
// folder's output splits into files) and the files (names, which have data, which are folders).
// Every count and size is the attacker's: a header that breaks its own format or declares more
// than the bounds below throws Corrupt, and archive-7z.ts keeps what was read before it.

/** Folders, coders, streams and files a header may declare before it is taken as hostile. */
const MAX_ITEMS = 1 << 20;
const MAX_CODERS = 64;
/** Name characters kept: a long name's end, where its extension is (as the other readers). */
const MAX_NAME_UNITS = 256;

// Property ids (7zFormat.txt).
export const K_END = 0x00;
export const K_HEADER = 0x01;
export const K_ARCHIVE_PROPERTIES = 0x02;
export const K_ADDITIONAL_STREAMS = 0x03;
export const K_MAIN_STREAMS = 0x04;
export const K_FILES = 0x05;
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
export const K_ENCODED_HEADER = 0x17;

/** A header that breaks its own format: reading stops, with what was read so far. */
export class Corrupt extends Error {}

export class Cursor {
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

export interface Coder {
  id: string;
  props: Uint8Array;
}
export interface Folder {
  coders: Coder[];
  /** How many packed streams the folder reads (one for a folder of one coder). */
  packed: number;
  /** Which of the folder's output streams is its result (the one no other coder reads). */
  main: number;
  sizes: number[];
  crc: boolean;
}
export interface Streams {
  packPos: number;
  packSizes: number[];
  folders: Folder[];
  /** Each folder's files' sizes, in order (SubStreamsInfo; one file of the folder's size when absent; NaN where the sizes do not add up). */
  files?: number[][];
}

export function streamsInfo(r: Cursor): Streams {
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
  return { coders, packed, main, sizes: new Array<number>(outs).fill(0), crc: false };
}

/** How the folders' output splits into files: how many each holds, and their sizes (the last is what the others leave of the folder). */
function subStreams(r: Cursor, s: Streams): void {
  const per = s.folders.map(() => 1);
  let id = r.byte();
  while (id !== K_CRC && id !== K_SIZE && id !== K_END) {
    if (id === K_NUM_UNPACK_STREAM) per.forEach((_, i) => (per[i] = r.count()));
    else r.skipData();
    id = r.byte();
  }
  const given = id === K_SIZE;
  s.files = per.map((n, i) => {
    const f = s.folders[i];
    const total = f.sizes[f.main];
    if (n <= 1) return n ? [total] : [];
    // Sizes missing or adding up to more than the folder: the files keep their places, unread.
    const unknown = () => new Array<number>(n).fill(Number.NaN);
    if (!given) return unknown();
    const sizes: number[] = [];
    let sum = 0;
    for (let k = 1; k < n; k++) {
      const size = r.num();
      sizes.push(size);
      sum += size;
    }
    return sum <= total ? [...sizes, total - sum] : unknown();
  });
  if (given) id = r.byte();
  while (id !== K_END) {
    if (id === K_CRC) {
      const unknown = per.reduce((sum, n, i) => sum + (n === 1 && s.folders[i].crc ? 0 : n), 0);
      if (unknown > MAX_ITEMS) throw new Corrupt();
      r.digests(unknown);
    } else r.skipData();
    id = r.byte();
  }
}

export interface SevenZipFile {
  name: string;
  /** The file has data (is no folder and no empty file). */
  stream: boolean;
  /** A folder entry (an empty stream that is no empty file). */
  folder: boolean;
}

/** Files: names (UTF-16LE, each ended by a 0), which have data, and which entries are folders (an empty stream that is no empty file); folders come back nameless. */
export function readFiles(r: Cursor): SevenZipFile[] {
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
  return Array.from({ length: n }, (_, i) => {
    const noStream = emptyStream[i] === true;
    const folderEntry = noStream && emptyFile[empty++] !== true;
    return { name: folderEntry ? "" : (names[i] ?? ""), stream: !noStream, folder: folderEntry };
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
