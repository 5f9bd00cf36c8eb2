// Splitting a multipart body at its boundary (RFC 2046 §5.1.1), once, into every reading that
// mail programs are known to take (readings.ts says which and why).
//   delimiter       := CRLF "--" boundary transport-padding CRLF   (padding = LWSP, RFC 2046 §5.1.1)
//   close-delimiter := CRLF "--" boundary "--" transport-padding
// One pass collects each line that starts with "--" boundary; the readings are then cheap
// selections over that list, so a second reading costs no second scan of the body.
import type { Span } from "./readings";

export interface BoundaryLine {
  /** Offset of the "--" at the line start. */
  at: number;
  /** Offset of the line after it (or the end). */
  next: number;
  /** `--b--…`: a close delimiter in the readings that accept this line at all. */
  close: boolean;
  /** RFC 2046 delimiter: only LWSP after `--b` / `--b--`. */
  rfc: boolean;
  /** RFC delimiter carrying transport padding (`--b ` ): a reader that wants the exact line skips it. */
  padded: boolean;
}

/**
 * The lines starting with "--" boundary. Loop bounds: at most `maxLines` RFC delimiters (the
 * rest are not looked for) and `maxOdd` other lines (the rest are skipped, so padding a part
 * with delimiter-like lines cannot hide the real delimiters after them).
 */
export function boundaryLines(buf: Uint8Array, start: number, end: number, boundary: string, maxLines: number, maxOdd: number): BoundaryLine[] {
  const delim = Buffer.from("--" + boundary, "latin1");
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const out: BoundaryLine[] = [];
  let pos = start;
  let rfcLines = 0;
  let odd = 0;
  while (pos < end && rfcLines < maxLines) {
    const at = b.indexOf(delim, pos);
    if (at < 0 || at + delim.length > end) break;
    pos = at + delim.length;
    if (at !== start && buf[at - 1] !== 0x0a) continue;
    const nl = b.indexOf(0x0a, pos);
    const next = nl < 0 || nl >= end ? end : nl + 1;
    let lineEnd = next;
    if (lineEnd > pos && buf[lineEnd - 1] === 0x0a) lineEnd--;
    if (lineEnd > pos && buf[lineEnd - 1] === 0x0d) lineEnd--;
    const close = buf[pos] === 0x2d && buf[pos + 1] === 0x2d && pos + 2 <= lineEnd;
    let k = close ? pos + 2 : pos;
    while (k < lineEnd && (buf[k] === 0x20 || buf[k] === 0x09)) k++;
    const rfc = k === lineEnd;
    if (rfc) rfcLines++;
    if (rfc || odd++ < maxOdd) out.push({ at, next, close, rfc, padded: rfc && k > (close ? pos + 2 : pos) });
    pos = next;
  }
  return out;
}

export interface Split {
  parts: Span[];
  /** A close delimiter was met. */
  closed: boolean;
  /** Where the epilogue starts (after the close delimiter line); `end` when not closed. */
  epilogue: number;
}

/**
 * The parts between the accepted lines. The line break before a delimiter belongs to it
 * (RFC 2046 §5.1.1), so a part's text does not end with it. Without a close delimiter the
 * last part runs to the end (what every reader does with a truncated message).
 */
export function splitAt(buf: Uint8Array, start: number, end: number, lines: BoundaryLine[], accept: (l: BoundaryLine) => boolean): Split {
  const parts: Span[] = [];
  let partStart = -1;
  for (const l of lines) {
    if (!accept(l)) continue;
    let partEnd = l.at;
    if (partEnd > start && buf[partEnd - 1] === 0x0a) partEnd--;
    if (partEnd > start && buf[partEnd - 1] === 0x0d) partEnd--;
    if (partStart >= 0) parts.push({ start: partStart, end: Math.max(partStart, partEnd) });
    if (l.close) return { parts, closed: true, epilogue: l.next };
    partStart = l.next;
  }
  if (partStart >= 0) parts.push({ start: partStart, end });
  return { parts, closed: false, epilogue: end };
}
