// 7z for archive.ts: the names a 7z archive holds and whether a password locks its files or
// its names, from its header as 7-Zip's 7zFormat.txt lays it out. The header is usually an
// "encoded header": itself packed, with LZMA (7-Zip) or LZMA2 (other writers), so lzma.ts
// unpacks it first. A file archive.ts asks for (a page, a shortcut, an archive inside) is
// unpacked too when its folder (a solid block: the files packed together) has one LZMA, LZMA2
// or stored coder and fits what the attachment's LZMA budget has left; a folder behind a
// filter (BCJ for programs) or a password is not, and its files are known by name only.
import type { ArchiveFacts } from "./archive";
import { Corrupt, Cursor, K_ADDITIONAL_STREAMS, K_ARCHIVE_PROPERTIES, K_ENCODED_HEADER, K_END, K_FILES, K_HEADER, K_MAIN_STREAMS, readFiles, type SevenZipFile, type Streams, streamsInfo } from "./archive-7z-header";
import { unlzma, unlzma2 } from "./lzma";

export const SEVEN_ZIP = [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c];

/**
 * A header unpacked to at most this: ~60 bytes a file, so some 2 000 files (names past the
 * 200th are not kept anyway). LZMA in JavaScript unpacks ~5 MB/s of the worst input (literals
 * only; text ~40 MB/s), so this bound, and the caller's for all 7z headers of an attachment,
 * keep a hostile header to tens of milliseconds.
 */
const MAX_HEADER = 128 * 1024;
// Coder ids, as hex.
const AES = "06f10701";
const LZMA = "030101";
const LZMA2 = "21";
const COPY = "00";

/** What a file's bytes are asked by (archive.ts's reading of pages, shortcuts and archives within). */
export type SevenZipEntry = (name: string, data: () => Uint8Array | undefined) => void;
/** The LZMA an attachment may still unpack (archive.ts's budget, shared by its nested archives). */
export interface LzmaBudget {
  lzma: number;
}

/**
 * Reads what the 7z holds into facts: names through `add`, and each file through `entry`
 * (whose data is unpacked only when asked). Header and data unpacked count in `budget.lzma`,
 * which stays under `max`.
 */
export function readSevenZip(b: Uint8Array, facts: ArchiveFacts, add: (name: string) => void, entry: SevenZipEntry, budget: LzmaBudget, max: number): void {
  let header: Uint8Array | undefined;
  try {
    header = nextHeader(b);
    // An encoded header packs the real one (twice at most in practice; four rounds allowed).
    for (let round = 0; header && header[0] === K_ENCODED_HEADER && round < 4; round++) {
      const packed = streamsInfo(new Cursor(header, 1));
      if (locked(packed)) {
        facts.encrypted = true; // -mhe: names and files locked alike
        return;
      }
      const size = packedSize(packed);
      if (size === undefined || size > Math.min(MAX_HEADER, max - budget.lzma)) return;
      budget.lzma += size; // charged whether or not the stream turns out whole: the work is done either way
      header = unpack(b, packed, 0, MAX_HEADER);
    }
    if (header?.[0] === K_HEADER) readHeader(new Cursor(header, 1), b, facts, add, entry, budget, max);
  } catch (e) {
    if (!(e instanceof Corrupt)) throw e;
    // Half a header: its AES coder id still says the archive is locked (7-Zip would refuse it anyway).
    if (header && Buffer.from(header.buffer, header.byteOffset, header.byteLength).includes(Buffer.from(AES, "hex"))) facts.encrypted = true;
  }
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

/**
 * Folder `i` of `s` unpacked whole, when it is one coder (LZMA, LZMA2 or stored) reading one
 * packed stream: its result's size, at most `max`.
 */
function unpack(b: Uint8Array, s: Streams, i: number, max: number): Uint8Array | undefined {
  const folder = s.folders[i];
  if (folder?.coders.length !== 1 || folder.packed !== 1) return undefined;
  // The packed streams follow one another from packPos, folder by folder.
  let first = 0;
  for (let k = 0; k < i; k++) first += s.folders[k].packed;
  if (first >= s.packSizes.length) return undefined;
  let start = 32 + s.packPos;
  for (let k = 0; k < first; k++) start += s.packSizes[k];
  const end = start + s.packSizes[first];
  if (!Number.isSafeInteger(end) || end > b.length) return undefined;
  const input = b.subarray(start, end);
  const size = folder.sizes[folder.main];
  const { id, props } = folder.coders[0];
  if (id === LZMA) return unlzma(props, input, size, max);
  if (id === LZMA2 && props.length === 1) return unlzma2(props[0], input, size, max);
  if (id === COPY && input.length === size && size <= max) return input;
  return undefined;
}

function readHeader(r: Cursor, b: Uint8Array, facts: ArchiveFacts, add: (name: string) => void, entry: SevenZipEntry, budget: LzmaBudget, max: number): void {
  let main: Streams | undefined;
  for (;;) {
    const id = r.byte();
    if (id === K_END) return;
    if (id === K_ARCHIVE_PROPERTIES) while (r.byte() !== 0) r.skipData();
    else if (id === K_ADDITIONAL_STREAMS) streamsInfo(r);
    else if (id === K_MAIN_STREAMS) {
      main = streamsInfo(r);
      facts.encrypted ||= locked(main);
    } else if (id === K_FILES) {
      const files = readFiles(r);
      for (const f of files) if (f.name) add(f.name);
      if (main && !locked(main)) entries(b, main, files, entry, budget, max);
      return;
    } else throw new Corrupt();
  }
}

/**
 * Each file with data offered to `entry`: the files with a stream take the folders' files in
 * order. A folder is unpacked once, when one of its files is first asked for, if its size
 * fits the budget (charged whether or not it unpacks whole, as the header is).
 */
function entries(b: Uint8Array, s: Streams, files: SevenZipFile[], entry: SevenZipEntry, budget: LzmaBudget, max: number): void {
  const where: { folder: number; at: number; size: number }[] = [];
  s.folders.forEach((f, i) => {
    const sizes = s.files ? s.files[i] : [f.sizes[f.main]];
    let at = 0;
    for (const size of sizes) {
      where.push({ folder: i, at, size });
      at += size;
    }
  });
  const unpacked = new Map<number, Uint8Array | undefined>();
  const folderData = (i: number) => {
    if (!unpacked.has(i)) {
      const f = s.folders[i];
      const size = f.sizes[f.main];
      let data: Uint8Array | undefined;
      if (size <= max - budget.lzma) {
        budget.lzma += size;
        data = unpack(b, s, i, size);
      }
      unpacked.set(i, data);
    }
    return unpacked.get(i);
  };
  let stream = 0;
  for (const f of files) {
    if (!f.stream) continue;
    const w = where[stream++];
    if (!w || !f.name) continue;
    entry(f.name, () => {
      const data = folderData(w.folder);
      return data && w.at + w.size <= data.length ? data.subarray(w.at, w.at + w.size) : undefined;
    });
  }
}
