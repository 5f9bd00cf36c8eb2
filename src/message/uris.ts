// URIs written in text (plain parts, rendered HTML): what `uri` rules and Bayes see.
// Schemes spammers use in mail, and bare www. hosts (shown as links by every mail reader).

const URI_RE = /\b(?:(?:https?|ftp):\/\/[^\s<>"'`{}|\\^\[\]]{1,2000}|www\d{0,3}\.[a-z0-9-]{1,63}(?:\.[a-z0-9-]{1,63})+(?:[:\/?#][^\s<>"'`{}|\\^\[\]]{0,2000})?|mailto:[^\s<>"'`{}|\\^\[\]]{3,500})/gi;

/** URIs in order of appearance; trailing sentence punctuation dropped; `www.x` becomes `http://www.x`. */
export function* findUris(text: string, max = 1000): Generator<string> {
  if (!text.includes(".") && !text.includes(":")) return;
  let n = 0;
  for (const m of text.matchAll(URI_RE)) {
    let u = m[0].replace(/[.,;:!?)>\]}'"]+$/, "");
    if (/^www/i.test(u)) u = "http://" + u;
    yield u;
    if (++n >= max) return;
  }
}
