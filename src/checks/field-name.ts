// Header fields looked up by name in the checks (phishing, date-skew), without a copy: what
// message/mime.ts isNamed decides (length first, then the lower-cased name), but folding one
// character at a time. isNamed lower-cases every field of the same length as the name sought,
// and a message has several of them (each Received is read against "reply-to", each From
// against "date"): a new string per field, ~10 % of the phishing check's CPU on the corpus.

/**
 * `f.name.toLowerCase() === lower` for a lower-case ASCII `lower`. Of the non-ASCII
 * characters only U+212A KELVIN SIGN lower-cases to an ASCII letter alone ("k"); the others
 * that lower-case to ASCII give more than one character (U+0130: "i" + U+0307), which the
 * length compare already refuses, as it does in isNamed.
 */
export function fieldIs(f: { name: string }, lower: string): boolean {
  const name = f.name;
  if (name.length !== lower.length) return false;
  for (let i = 0; i < lower.length; i++) {
    let c = name.charCodeAt(i);
    if (c >= 0x41 && c <= 0x5a) c |= 0x20;
    else if (c === 0x212a) c = 0x6b;
    if (c !== lower.charCodeAt(i)) return false;
  }
  return true;
}
