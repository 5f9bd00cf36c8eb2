// What an attached page carries besides its markup. Files as data: URIs (HTML smuggling
// without a script: <a href="data:application/zip;base64,…" download="Invoice.zip">): the
// archive is read as an attached one would be (archive.ts), so a program inside it is judged
// by its name; only the archive and disk-image types, at most MAX_FILES a page, each at most
// MAX_ENCODED characters. And the web addresses its scripts hold as string literals
// (window.location = "https://kit…", fetch("https://…/next.php")): where the page sends the
// reader or the password, which no href shows.
import { readArchive, type ArchiveFacts } from "./archive";

const MAX_FILES = 2;
const MAX_ENCODED = 8 * 1024 * 1024;
/** The data: types of archives and disk images (read as attached archives) … */
const ARCHIVE_TYPES = "zip|x-zip-compressed|x-7z-compressed|x-rar-compressed|vnd\\.rar|x-iso9660-image|java-archive|x-tar|gzip";
/** … and of programs, scripts and Office documents: no honest page inlines these. Pictures, fonts, text and PDFs are what honest pages inline (fonts often as application/octet-stream, so that type is not counted). */
const PROGRAM_TYPES = "x-msdownload|x-msdos-program|x-msi|x-ms-shortcut|hta|javascript|x-javascript|vnd\\.ms-[\\w.-]+|vnd\\.openxmlformats-[\\w.-]+";
const DATA_ARCHIVE = new RegExp(`data:application\\/(?:${ARCHIVE_TYPES})\\s*;\\s*base64\\s*,`, "gi");
/** A page carries a file as a data: URI (HTML smuggling without a Blob; checks/attachments.ts). */
export const DATA_FILE = new RegExp(`\\bdata:application\\/(?:${ARCHIVE_TYPES}|${PROGRAM_TYPES})\\s*;\\s*base64\\s*,`, "i");

/** The archives a page carries as data: URIs, as archive.ts reads them. */
export function pageArchives(html: string): ArchiveFacts[] {
  const out: ArchiveFacts[] = [];
  DATA_ARCHIVE.lastIndex = 0;
  for (let m = DATA_ARCHIVE.exec(html), n = 0; m && n < MAX_FILES; m = DATA_ARCHIVE.exec(html), n++) {
    const from = m.index + m[0].length;
    let to = from;
    // The base64 digits (and the white space a writer may fold them with), within the bound.
    while (to < html.length && to - from < MAX_ENCODED && isBase64Char(html.charCodeAt(to))) to++;
    const facts = readArchive(new Uint8Array(Buffer.from(html.slice(from, to), "base64")));
    if (facts) out.push(facts);
    DATA_ARCHIVE.lastIndex = to;
  }
  return out;
}

/** A base64 digit, "=", or white space (RFC 4648 §4; writers fold long data: URIs). */
function isBase64Char(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2f || c === 0x3d || c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/** Script URLs kept a page: a kit names a few; a page of library code may hold hundreds. */
const MAX_SCRIPT_URLS = 16;
const SCRIPT = /<script\b[^>]*>([\s\S]*?)(?:<\/script\s*>|$)/gi;
const QUOTED_URL = /["'`](https?:\/\/[^"'`\s<>\\]{3,2000})["'`]/g;

/** The http(s) addresses written as string literals in a page's scripts, each once, at most MAX_SCRIPT_URLS. */
export function scriptUrls(html: string): string[] {
  const out = new Set<string>();
  SCRIPT.lastIndex = 0;
  for (let m = SCRIPT.exec(html); m && out.size < MAX_SCRIPT_URLS; m = SCRIPT.exec(html)) {
    QUOTED_URL.lastIndex = 0;
    for (let u = QUOTED_URL.exec(m[1]); u && out.size < MAX_SCRIPT_URLS; u = QUOTED_URL.exec(m[1])) out.add(u[1]);
  }
  return [...out];
}
