// Where mail programs read one message two ways, kas scans both: the walker (parse.ts) takes
// the RFC reading first, and every other reading below becomes an "alternate" entity whose
// text is added to body / rawbody / uris after the primary text (when not already there).
// A spam filter that picks one reading can be blinded by a message built so that the
// recipient's program picks the other.
//
// | case           | the structure                                       | reading A (primary)                 | reading B (alternate)                      | who reads B, and why it matters                                                                          |
// |----------------|-----------------------------------------------------|-------------------------------------|--------------------------------------------|----------------------------------------------------------------------------------------------------------|
// | prefix-line    | a line `--b` + more (`--b-x`, `--b--x`)             | text of the part (RFC 2046 §5.1.1)  | a delimiter: the part is split there       | splitters that compare only the boundary's length (kas before issue 13): the rest turns into a "picture" |
// | padded-line    | `--b` + spaces/tabs (transport padding)             | a delimiter (RFC 2046 §5.1.1)       | text of the part                           | splitters that want the line exactly; mailparser 3.9 takes `--b\t ` for text                            |
// | after-close    | parts after a close delimiter `--b--`               | epilogue, ignored (RFC 2046 §5.1.1) | more parts                                 | a multipart nested with its parent's boundary: mailparser matches the innermost first, so the inner     |
// |                |                                                     |                                     |                                            | `--b--` closes only the inner one and the outer's later parts are shown; Python's email and RFC stop    |
// | no-boundary    | a multipart whose boundary never occurs             | no parts                            | the body as text/plain                     | readers that show what they cannot split (Python's email keeps the body as the payload)                 |
// | repeated-value | two Content-Type fields, or a parameter twice       | the first (RFC 5322 §3.6: once)     | the other value (type, boundary, charset)  | Python's email takes the first boundary, mailparser 3.9 the last                                         |
// | sniffed-type   | image/audio/video with text in it (no image magic), | an attachment, not scanned          | the text (HTML rendered)                   | readers that preview by content or file name (webmail, `.html`/`.txt` names): the user sees the text    |
// |                | or any non-text type holding an HTML document       |                                     |                                            |                                                                                                          |
// | html-in-plain  | text/plain whose content is an HTML document        | plain text (tags, entities kept)    | rendered as HTML                           | readers that sniff content as browsers do for text/plain: `&#71;TUBE` is then "GTUBE"                   |
// | base64-padding | base64 text with digits after a padding "="         | decoded up to the first "=" (RFC    | each padded chunk decoded, bytes joined    | mailparser 3.9 and readers that decode concatenated base64 chunks: `aGVsbA==bG8=` shows "hello", so    |
// |                | (`aGVsbA==bG8gd29ybGQ=`, concatenated chunks)       | 2045 §6.8 allows stopping there)    | (`hello world`)                            | words after the first "==" would otherwise be invisible to the rules                                    |
// | encoded-message| message/rfc822 (or global) in base64 or quoted-     | opaque: RFC 2046 §5.2.1 forbids the | the message decoded and walked (a nested   | mail programs decode it and show the forwarded message, so spam wrapped this way would otherwise reach   |
// |                | printable                                           | encoding, so nothing is read        | walk: its bytes are another buffer)        | the reader unscanned                                                                                     |
//
// Agreed readings that need no alternate: a multipart without its close delimiter ends its
// last part at the end of the message, a truncated base64 part decodes as far as it goes
// (Python's email, mailparser and kas alike); a boundary line inside a part of a nested
// multipart ends that part in every reader (the outer split comes first in kas, the parent
// check in mailparser), so its text lands in some part that the walker scans.
// Bounds: alternates count against scan.max_mime_parts like any part, walk at most
// ALT_SPAN_FACTOR × the message size of bytes in all, and add at most MAX_ALT_TEXT of text.

export interface Span {
  start: number;
  end: number;
}

export type ReadingCase = "prefix-line" | "padded-line" | "after-close" | "no-boundary" | "repeated-value" | "sniffed-type" | "html-in-plain" | "base64-padding" | "encoded-message";

/** Alternate readings walk at most this many times the message's size in bytes (a loop bound). */
export const ALT_SPAN_FACTOR = 4;
/** Text that alternate readings may add to body, at most. */
export const MAX_ALT_TEXT = 1024 * 1024;

// Magic numbers of the binary formats mail carries as image/audio/video/application parts.
const MAGIC: [number, number[]][] = [
  [0, [0x89, 0x50, 0x4e, 0x47]], // PNG
  [0, [0xff, 0xd8, 0xff]], // JPEG
  [0, [0x47, 0x49, 0x46, 0x38]], // GIF8
  [0, [0x42, 0x4d]], // BMP
  [0, [0x52, 0x49, 0x46, 0x46]], // RIFF (WEBP, WAV, AVI)
  [0, [0x49, 0x49, 0x2a, 0x00]], // TIFF
  [0, [0x4d, 0x4d, 0x00, 0x2a]], // TIFF
  [0, [0x25, 0x50, 0x44, 0x46]], // %PDF
  [0, [0x50, 0x4b, 0x03, 0x04]], // ZIP, OOXML
  [0, [0xd0, 0xcf, 0x11, 0xe0]], // OLE (doc, xls, msg)
  [0, [0x1f, 0x8b]], // gzip
  [0, [0x52, 0x61, 0x72, 0x21]], // RAR
  [0, [0x37, 0x7a, 0xbc, 0xaf]], // 7z
  [4, [0x66, 0x74, 0x79, 0x70]], // ISO media (mp4, heic)
  [0, [0x49, 0x44, 0x33]], // MP3
  [0, [0x4f, 0x67, 0x67, 0x53]], // Ogg
];
/** Types whose content is text by definition: a text body there agrees with the declared type. */
const TEXTUAL = /^(?:application\/(?:pgp-[a-z]+|json|[a-z.+-]*xml|ics|x-sh|javascript|x-pkcs7-[a-z-]+|pkcs7-[a-z-]+)|message\/(?:delivery-status|disposition-notification|feedback-report)|image\/svg\+xml)$/;
const TEXT_NAME = /\.(?:txt|text|html?|xhtml|shtml|eml|mht|mhtml)$/i;
const HTML_START = /^\s*(?:<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]|<!--[\s\S]{0,200}?-->\s*<html[\s>])/i;

/** Whether decoded bytes look like text: no NUL, almost no control bytes in the first KB. */
function looksLikeText(head: Uint8Array): boolean {
  if (head.byteLength === 0) return false;
  let bad = 0;
  for (const c of head) {
    if (c === 0) return false;
    if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0x0c && c !== 0x1b) bad++;
  }
  return bad * 50 < head.byteLength;
}

export function startsAsHtml(head: string): boolean {
  return HTML_START.test(head);
}

/**
 * The text type a reader might show a non-text part as, judged from its first decoded bytes
 * and its file name; undefined when the declared type and the content agree.
 */
export function sniffedTextType(type: string, filename: string | undefined, head: Uint8Array): "text/html" | "text/plain" | undefined {
  if (type.startsWith("text/") || type.startsWith("multipart/") || type === "message/rfc822" || type === "message/global") return undefined;
  if (MAGIC.some(([off, m]) => m.every((b, k) => head[off + k] === b))) return undefined;
  if (!looksLikeText(head)) return undefined;
  const s = Buffer.from(head.buffer, head.byteOffset, head.byteLength).toString("latin1");
  if (startsAsHtml(s) || (filename && /\.x?html?$/i.test(filename))) return "text/html";
  if (TEXTUAL.test(type)) return undefined;
  // Text under an image/audio/video type, or an octet-stream named like text: readers that go
  // by content or name show it. Other application types holding text stay attachments.
  if (/^(?:image|audio|video)\//.test(type) || (filename && TEXT_NAME.test(filename))) return "text/plain";
  return undefined;
}
