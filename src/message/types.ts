// What the engine knows about one message after parsing: the views the rule language
// matches against (SpamAssassin's header / body / rawbody / uri / full), plus the MIME facts
// code-backed checks need. Produced only by message/parse.ts.
import type { ReadingCase } from "./readings";

export interface HeaderField {
  /** Field name as written (case kept). */
  name: string;
  /** Unfolded value exactly as in the message (no RFC 2047 decoding), leading space trimmed. */
  raw: string;
  /** Unfolded value with RFC 2047 encoded-words decoded to text. */
  value: string;
}

export interface MimePart {
  /** e.g. "text/plain"; lower case. */
  contentType: string;
  charset?: string;
  filename?: string;
  disposition?: "inline" | "attachment";
  /** Decoded size in bytes. */
  size: number;
  /** Nesting depth, 0 = top level. */
  depth: number;
  /** Text parts: the text decoded (transfer encoding and charset undone, HTML not rendered). */
  text?: string;
}

/** A part that only another reading of the message finds (message/readings.ts says which and why). */
export interface AlternatePart extends MimePart {
  reading: ReadingCase;
}

export interface HtmlLink {
  href: string;
  /** The visible text of the anchor, whitespace collapsed. */
  text: string;
}

export interface ParsedMessage {
  /** Top-level header fields in order. */
  headers: HeaderField[];
  /** SA `body`: Subject line first, then every text part decoded to Unicode, HTML rendered to text; paragraphs separated by "\n". */
  body: string;
  /** SA `rawbody`: text parts decoded (transfer encoding + charset) but HTML not rendered. */
  rawbody: string;
  /** SA `full`: the undecoded message (headers + body) as a latin1 string, up to scan.max_message_size. */
  full: string;
  /** Every URI seen in text, HTML href/src and headers-independent: deduplicated, in order. */
  uris: string[];
  /** Anchors of HTML parts: for mismatched-link-text rules. */
  links: HtmlLink[];
  /** The parts of the RFC reading, in document order. */
  parts: MimePart[];
  /** Parts of the other readings (message/readings.ts); their new text is in body, rawbody and uris too. */
  alternates?: AlternatePart[];
  /** Hidden-text signals from HTML rendering (e.g. text in white-on-white or display:none). */
  htmlHiddenChars: number;
  htmlVisibleChars: number;
  /** True when a limit (size, parts, depth) cut parsing short: the views cover a prefix. */
  truncated: boolean;
  /** Problems the parser met and worked around, for logs and rule symbols (never thrown). */
  defects: string[];
  /** Size of the original message in bytes. */
  size: number;
}
