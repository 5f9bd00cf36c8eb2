// Long texts (body, rawbody, full) are matched in segments, the way SpamAssassin feeds body
// rules one paragraph at a time with a length cap (Message.pm: paragraphs, then lines cut
// at 2 KB): the work of one rule on one segment is bounded by the segment's length whatever
// the pattern does, so the work over the whole text grows linearly with its length, and the
// literal prefilter runs per segment, so a rule's regex only sees the segments that hold one
// of its literals. Segments are long enough (SEGMENT_MAX) that nearly every message is one
// segment, and cut where a pattern is least likely to span: after a blank line, else after a
// line, else after a space; only a run of SEGMENT_MAX characters without either is cut hard.
// A match that would span a cut is not found (SpamAssassin's per-paragraph matching has the
// same edge); rules that use \A, \z or \Z see the whole text instead (format.ts `whole`).

/** Characters in one segment at most. */
export const SEGMENT_MAX = 8 * 1024;

/** `text` cut into consecutive pieces of at most `max` characters (one piece when it fits). */
export function segments(text: string, max = SEGMENT_MAX): string[] {
  if (text.length <= max) return [text];
  const out: string[] = [];
  let start = 0;
  while (text.length - start > max) {
    const end = start + max;
    // Look for a cut only in the second half, so no segment is shorter than max / 2 (and the
    // search never scans back past it: the whole cut stays linear in the text).
    const floor = start + (max >> 1);
    const window = text.slice(floor, end);
    let cut = window.lastIndexOf("\n\n");
    if (cut >= 0) cut += floor + 2;
    else {
      cut = window.lastIndexOf("\n");
      if (cut >= 0) cut += floor + 1;
      else {
        cut = Math.max(window.lastIndexOf(" "), window.lastIndexOf("\t"));
        if (cut >= 0) cut += floor + 1;
        else {
          cut = end;
          // Never between the two halves of a surrogate pair.
          const c = text.charCodeAt(cut - 1);
          if (c >= 0xd800 && c <= 0xdbff) cut--;
        }
      }
    }
    out.push(text.slice(start, cut));
    start = cut;
  }
  out.push(text.slice(start));
  return out;
}
