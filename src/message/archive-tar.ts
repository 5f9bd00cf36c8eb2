// Tar archives, gzip members and Microsoft Cabinet files, for archive.ts: the names inside.
// Windows 11 opens .tar (and .tar.gz) in Explorer since 2023, and loader campaigns (Agent
// Tesla, Formbook, GuLoader) mail "invoice.tar" or ".tgz" holding a program, because a gateway
// that lists ZIP entries does not list these; Explorer opens cabinets as folders.
// - tar (POSIX.1-1988 ustar, GNU, pax; V7 without a magic): 512-byte headers, name at 0
//   (100 bytes), size in octal at 124, checksum at 148 (the header's bytes summed with the
//   checksum field as spaces), type at 156, "ustar" at 257 and a name prefix at 345 (155 bytes,
//   ustar and pax; GNU keeps other fields there). Long names: a GNU "L" entry's data is the next
//   entry's name; a pax "x" entry's `path=` record is. Data follows each header, padded to 512.
// - gzip (RFC 1952): the member's stored name (FNAME) and where its deflate data starts, past
//   the optional extra field, name, comment and header CRC; archive.ts inflates it.
// - CAB (Microsoft Cabinet format): "MSCF", the first CFFILE at the offset in bytes 16–19, the
//   file count at 28; each CFFILE is 16 bytes then a NUL-ended name (UTF-8 with attribute 0x80,
//   else the OEM code page) with "\" between folders.
import { latin1 } from "./header-text";

/** Headers walked at most (a tar of a thousand files is read whole). */
const MAX_HEADERS = 1024;
/** A name's bytes at most (GNU long names and pax paths; Windows' longest path is 32 767 characters, none of ours is). */
const MAX_NAME_BYTES = 4096;

const utf8 = new TextDecoder("utf-8");

/** Whether a 512-byte block is a tar header: its checksum, as tar computes it, is right (ustar or not). */
export function isTar(b: Uint8Array): boolean {
  if (b.length < 512 || b[0] === 0) return false;
  const stored = octal(b.subarray(148, 156));
  if (stored === undefined) return false;
  let sum = 8 * 0x20;
  for (let i = 0; i < 512; i++) if (i < 148 || i >= 156) sum += b[i];
  return sum === stored;
}

/**
 * The names of a tar's files (folders, links and the long-name carriers left out), and each
 * regular file's data to `entry` (what archive.ts reads by name: pages, shortcuts, archives).
 * A cut tar gives the names of the headers it holds.
 */
export function readTar(b: Uint8Array, add: (name: string) => void, entry: (name: string, data: Uint8Array) => void): void {
  let longName: string | undefined;
  for (let at = 0, n = 0; at + 512 <= b.length && n < MAX_HEADERS; n++) {
    const h = b.subarray(at, at + 512);
    if (!isTar(h)) return; // the end blocks (zeros), or no tar from here on
    const size = octal(h.subarray(124, 136)) ?? 0;
    const type = String.fromCharCode(h[156]);
    const dataAt = at + 512;
    const data = b.subarray(dataAt, Math.min(b.length, dataAt + size));
    at = dataAt + Math.ceil(size / 512) * 512;
    if (type === "L") {
      longName = cString(data.subarray(0, MAX_NAME_BYTES));
      continue;
    }
    if (type === "x") {
      longName = paxPath(data.subarray(0, 64 * 1024)) ?? longName;
      continue;
    }
    const ustar = latin1(h.subarray(257, 263)) === "ustar\0";
    const name = longName ?? (ustar && h[345] ? `${cString(h.subarray(345, 500))}/` : "") + cString(h.subarray(0, 100));
    longName = undefined;
    // Regular files only ("0", or NUL in old tars; "7" contiguous): folders, links, devices and global pax headers are no files.
    if (!/^[0\x007]$/.test(type) || name.endsWith("/") || !name) continue;
    add(name.replace(/^\.\//, ""));
    if (data.length === size) entry(name, data);
  }
}

/** The path= record of a pax extended header ("%d path=%s\n" records, each giving its own length in bytes; the value is UTF-8). */
function paxPath(d: Uint8Array): string | undefined {
  const bytes = latin1(d); // one character a byte, so the records' lengths index it
  for (let at = 0; at < bytes.length; ) {
    const m = /^(\d{1,6}) ([^=\n]{1,64})=/.exec(bytes.slice(at, at + 80));
    if (!m) return undefined;
    const end = at + Number(m[1]);
    if (end <= at + m[0].length) return undefined;
    if (m[2] === "path") return utf8.decode(d.subarray(at + m[0].length, Math.min(end - 1, at + m[0].length + MAX_NAME_BYTES)));
    at = end;
  }
  return undefined;
}

/** A tar number field: octal digits, space- or NUL-ended (GNU's base-256 form, for sizes over 8 GB, is no size here). */
function octal(f: Uint8Array): number | undefined {
  const s = latin1(f).replace(/[\0 ]+$/, "").trim();
  return /^[0-7]{1,12}$/.test(s) ? parseInt(s, 8) : undefined;
}

const cString = (f: Uint8Array): string => {
  const end = f.indexOf(0);
  return utf8.decode(end < 0 ? f : f.subarray(0, end));
};

export const CAB = [0x4d, 0x53, 0x43, 0x46, 0, 0, 0, 0];

/** The names of a cabinet's files, from its CFFILE entries. */
export function readCab(b: Uint8Array, add: (name: string) => void): void {
  if (b.length < 36) return;
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const files = view.getUint16(28, true);
  for (let at = view.getUint32(16, true), n = 0; n < Math.min(files, MAX_HEADERS) && at + 17 <= b.length; n++) {
    const attributes = view.getUint16(at + 14, true);
    const end = b.indexOf(0, at + 16);
    if (end < 0 || end - (at + 16) > 256) return;
    const raw = b.subarray(at + 16, end);
    const name = (attributes & 0x80 ? utf8.decode(raw) : latin1(raw)).replaceAll("\\", "/");
    if (name) add(name);
    at = end + 1;
  }
}

/** A gzip member's stored name, if it has one, and its deflate data. */
export function gzipMember(b: Uint8Array): { name?: string; deflated: Uint8Array } {
  const flags = b[3];
  let at = 10;
  if (flags & 4) at += 2 + (b[10] | (b[11] << 8));
  let name: string | undefined;
  for (const field of [8, 16]) {
    if (!(flags & field)) continue;
    const end = b.indexOf(0, at);
    if (end < 0) return { name, deflated: b.subarray(b.length) };
    if (field === 8 && end > at && end - at <= 1024) name = latin1(b.subarray(at, end)).replaceAll("\\", "/");
    at = end + 1;
  }
  if (flags & 2) at += 2;
  return { name, deflated: b.subarray(Math.min(at, b.length)) };
}
