// Windows Internet Shortcut files (.url), for the attachment checks: where a shortcut takes the
// reader when double-clicked. An honest one points at a web page (people shared them by mail
// in 2002: the training corpus has one). The malicious ones point at a file on a remote share
// (file://host/share/…, \\host\share\…, or a search-ms: query of one): Windows opens what is
// there, a shortcut or a control-panel item, without the "downloaded from the Internet" mark
// that would make SmartScreen warn (CVE-2023-36025, CVE-2024-21412, mailed by the DarkGate
// and Water Hydra campaigns). An IconFile on a remote share makes Explorer fetch it on sight
// and hand the share the reader's NTLM hash.
// The format is an INI file: a [InternetShortcut] section with URL= and IconFile= keys, in the
// ANSI code page or, after a byte-order mark, UTF-16 (Windows' profile reader takes either).
import { markedText } from "./charsets";

/** What an attached shortcut opens, and the icon Explorer fetches to draw it. */
export interface Shortcut {
  url?: string;
  icon?: string;
}

/** The shortcut's first bytes are read (the whole file, for any honest one). */
export const MAX_SHORTCUT_BYTES = 64 * 1024;
const SECTION = /^\s*\[([^\]\r\n]*)\]/;
const KEY = /^\s*(URL|IconFile)\s*=\s*(.*?)\s*$/i;

/** A part is a shortcut by its name: Explorer opens a .url as one whatever its content type, and nothing else as one. */
export const isShortcutName = (filename: string | undefined): boolean => filename !== undefined && /\.url$/i.test(filename.trim());

/** A shortcut file's bytes (its first MAX_SHORTCUT_BYTES), decoded as Windows reads them. */
export function shortcutOf(bytes: Uint8Array): Shortcut {
  return readShortcut(markedText(bytes.subarray(0, MAX_SHORTCUT_BYTES)));
}

/** The [InternetShortcut] section's URL and IconFile: the first of each, as Windows' profile-string reader finds them. */
function readShortcut(text: string): Shortcut {
  const out: Shortcut = {};
  let inSection = false;
  for (const line of text.split(/\r?\n|\r/)) {
    const s = SECTION.exec(line);
    if (s) {
      inSection = s[1].trim().toLowerCase() === "internetshortcut";
      continue;
    }
    const k = inSection ? KEY.exec(line) : null;
    if (!k) continue;
    if (k[1].toLowerCase() === "url") out.url ??= k[2];
    else out.icon ??= k[2];
  }
  return out;
}

/** A target that Windows fetches from a share rather than a web page: file:, a UNC path, a search-ms: query. */
export const REMOTE_FILE = /^(?:file:|\\\\|search-ms:|search:)/i;
