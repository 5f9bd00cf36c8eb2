// The names on an ISO 9660 disk image, for archive.ts. Windows mounts an attached .iso or
// .img with a double click and the files on it carry no "downloaded from the Internet" mark,
// which is why malware was mailed as an image holding a shortcut (invoice.lnk) and a hidden
// library in 2022-2023. ECMA-119: volume descriptors from sector 16 (2 048-byte sectors), the
// root directory record at byte 156 of the primary descriptor, directory records of one
// length byte, extent at +2, size at +10, flags at +25 (bit 1: a directory), name length at
// +32, name at +33. A Joliet supplementary descriptor (type 2 with an escape sequence %/@,
// %/C or %/E at +88) holds the long names in UCS-2 big-endian; it is preferred when present.
// UDF-only images and FAT disk images are not read.
//
// Bounded: MAX_DIRS directories (each extent visited once, so a directory that contains
// itself ends), MAX_RECORDS records, MAX_DEPTH folders deep.
const SECTOR = 2048;
const MAX_DESCRIPTORS = 32;
const MAX_DIRS = 256;
const MAX_RECORDS = 1024;
const MAX_DEPTH = 8;

const CD001 = [0x43, 0x44, 0x30, 0x30, 0x31];

/** Names an ISO 9660 image is attached under (Windows mounts those with a double click): its kind shows only 32 KB in, so the parse decodes parts so named to look. */
export const ISO_NAME = /\.(?:iso|img)$/i;

/** Whether the bytes are an ISO 9660 image (its first volume descriptor's standard identifier). */
export const isIso = (b: Uint8Array) => b.length >= 17 * SECTOR && CD001.every((c, i) => b[16 * SECTOR + 1 + i] === c);

export function readIso(b: Uint8Array, add: (name: string) => void): void {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let root: { lba: number; size: number; joliet: boolean } | undefined;
  for (let i = 0; i < MAX_DESCRIPTORS; i++) {
    const at = (16 + i) * SECTOR;
    if (at + 190 > b.length || !CD001.every((c, k) => b[at + 1 + k] === c)) break;
    const type = b[at];
    if (type === 255) break; // set terminator
    const joliet = type === 2 && b[at + 88] === 0x25 && b[at + 89] === 0x2f && [0x40, 0x43, 0x45].includes(b[at + 90]);
    if ((type === 1 && !root) || joliet) root = { lba: view.getUint32(at + 156 + 2, true), size: view.getUint32(at + 156 + 10, true), joliet };
  }
  if (!root) return;
  const queue = [{ lba: root.lba, size: root.size, path: "", depth: 0 }];
  const seen = new Set<number>();
  let records = 0;
  while (queue.length && seen.size < MAX_DIRS) {
    const dir = queue.shift()!;
    if (seen.has(dir.lba)) continue;
    seen.add(dir.lba);
    const start = dir.lba * SECTOR;
    const end = Math.min(start + dir.size, b.length);
    for (let p = start; p < end && records < MAX_RECORDS; ) {
      const len = b[p];
      if (len === 0) {
        p = (Math.floor((p - start) / SECTOR) + 1) * SECTOR + start; // records never cross a sector: the rest is padding
        continue;
      }
      records++;
      if (len < 34 || p + 33 > end) break; // a record cut by the end of its extent or of the image
      const nameLen = b[p + 32];
      if (p + 33 + nameLen > end) break;
      const raw = b.subarray(p + 33, p + 33 + nameLen);
      const flags = b[p + 25];
      p += len;
      if (nameLen === 1 && raw[0] <= 1) continue; // "." and ".."
      const name = `${dir.path}${root.joliet ? ucs2be(raw) : String.fromCharCode(...raw)}`.replace(/;\d+$/, "").replace(/\.$/, "");
      if (flags & 2) {
        if (dir.depth < MAX_DEPTH) queue.push({ lba: view.getUint32(p - len + 2, true), size: view.getUint32(p - len + 10, true), path: `${name}/`, depth: dir.depth + 1 });
      } else add(name);
    }
  }
}

function ucs2be(raw: Uint8Array): string {
  let s = "";
  for (let i = 0; i + 1 < raw.length; i += 2) s += String.fromCharCode((raw[i] << 8) | raw[i + 1]);
  return s;
}
