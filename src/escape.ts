// Control characters out of text that comes from a client and goes into a line-oriented place
// (a log line, the license usage store): a CR or LF there would start a forged line (e.g. a
// fake `[scan] id=…` entry from `X-KAS-From: a%0A…`), other controls confuse terminals.
// Escaped, not dropped, so the administrator still sees what was sent. Tab stays: it cannot
// start a line. U+0085, U+2028 and U+2029 are line ends to some readers, so they go too.
const CONTROLS = /[\x00-\x08\x0a-\x1f\x7f\x85\u2028\u2029]/g;
const NAMED: Record<string, string> = { "\n": "\\n", "\r": "\\r" };

export function escapeControls(s: string): string {
  return s.replace(CONTROLS, (c) => NAMED[c] ?? (c.charCodeAt(0) <= 0xff ? `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}` : `\\u${c.charCodeAt(0).toString(16)}`));
}
