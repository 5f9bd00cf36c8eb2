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

/**
 * A link as a browser opens it (WHATWG URL, for http and https): a "\\" before the query is a
 * "/", and the slashes after the scheme may be missing; a link that starts "//" takes the
 * page's scheme (https in webmail). "https:\\kit.example\\login" opens kit.example, though
 * no filter pattern written for "https://" sees it (a current evasion). An HTML link's href
 * (html.ts) and a PDF's link action (pdf.ts: the viewer hands it to the browser) are read so.
 */
export function browserUrl(v: string): string {
  if (v.startsWith("//")) return `https:${v}`;
  const scheme = /^https?:/i.exec(v);
  if (!scheme || (v.startsWith("//", scheme[0].length) && v[scheme[0].length + 2] !== "/" && !v.includes("\\"))) return v;
  const end = v.search(/[?#]/);
  const head = (end < 0 ? v : v.slice(0, end)).replace(/\\/g, "/");
  const slashes = /^\/*/.exec(head.slice(scheme[0].length))![0].length;
  return `${scheme[0]}//${head.slice(scheme[0].length + slashes)}${end < 0 ? "" : v.slice(end)}`;
}
