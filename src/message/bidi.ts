// Text drawn backwards. A right-to-left override (U+202E RLO, until U+202C PDF or the end of
// the paragraph: Unicode's bidirectional algorithm, UAX #9 §2.2 and X6) makes a reader draw
// every character of its run from right to left, Latin letters too: "<RLO>tnuocca ruoy yfirev"
// shows as "verify your account". HTML does the same with <bdo dir="rtl"> and with
// `unicode-bidi:bidi-override; direction:rtl` (html.ts). Spam writes its words so, reversed,
// so that no pattern or token list finds them; the text the rules and Bayes read is turned
// round as the reader sees it. Brackets are mirrored as a renderer draws them in a
// right-to-left run (UAX #9 L4: "(" shows as ")").
//
// Only overrides turn Latin text round: embeddings (RLE) and isolates (RLI) keep each script's
// own direction, so Hebrew or Arabic mail that uses them reads as before.

const RLO = "\u202e";
const MIRROR: Record<string, string> = { "(": ")", ")": "(", "[": "]", "]": "[", "{": "}", "}": "{", "<": ">", ">": "<", "«": "»", "»": "«" };

/** The characters of `s` in the order a right-to-left run draws them (by code point, brackets mirrored). */
export function drawnRightToLeft(s: string): string {
  const cps = Array.from(s);
  let out = "";
  for (let k = cps.length - 1; k >= 0; k--) out += MIRROR[cps[k]] ?? cps[k];
  return out;
}

/**
 * `s` with each right-to-left override's run turned round as it is drawn (the controls kept:
 * invisible.ts drops them). A run ends at its PDF (U+202C), at the end of its line, or at the
 * end of `s`; overrides and embeddings opened inside it are closed by their own PDFs first.
 */
export function unreverse(s: string): string {
  if (!s.includes(RLO)) return s;
  let out = "";
  let i = 0;
  for (let at = s.indexOf(RLO); at >= 0; at = s.indexOf(RLO, i)) {
    out += s.slice(i, at + 1);
    let depth = 1;
    let end = at + 1;
    for (; end < s.length; end++) {
      const c = s.charCodeAt(end);
      if (c === 0x0a || c === 0x0d || c === 0x2029) break;
      if (c === 0x202c) {
        if (--depth === 0) break;
      } else if (c >= 0x202a && c <= 0x202e) depth++;
    }
    out += drawnRightToLeft(s.slice(at + 1, end));
    i = end;
  }
  return out + s.slice(i);
}
