// Generated MIME messages for the differential harness (mime-diff.ts): each message is a
// function of (seed, index) only, built from the constructs readers are known to disagree on.
// `recipe` names the quirks a message carries, so a disagreement can be traced to its cause.
//   - boundaries: quoted/token/long/special characters, RFC 2231 `boundary*0*`, encoded-word
//     look-alikes, comments, duplicates, a delimiter-like line, transport padding, a close
//     delimiter with a suffix, no close delimiter, a boundary that prefixes an inner one;
//   - parameters: quoted pairs, comments, whitespace around "=", charset-tagged values;
//   - transfer encodings: spellings ("Base64 ", "base64 (x)", "x-uuencode"), broken base64
//     (junk, missing padding, "=" inside) and broken quoted-printable;
//   - nesting: multipart in multipart, message/rfc822 (plain, as attachment, base64), digest;
//   - charsets: UTF-8/16/7, ISO-2022-JP, Shift_JIS, EUC-*, GB18030, Big5, KOI8-R, windows-125x,
//     ISO-8859-x, label spellings, and broken byte sequences.
import { CHARSETS, encodeText, SCRIPTS, type Script } from "./mime-gen-charsets";
import { createRng, itemSeed, type Rng } from "./mime-rng";

export interface Generated {
  raw: Uint8Array;
  recipe: string[];
}

/** Whether to apply a quirk: with probability p while the message's budget lasts. */
function quirk(c: Ctx, p: number): boolean {
  if (c.budget.left <= 0 || !c.r.chance(p)) return false;
  c.budget.left--;
  return true;
}

function words(r: Rng, scripts: readonly Script[], n: number): string {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(r.pick(SCRIPTS[r.chance(0.6) ? "ascii" : r.pick(scripts)]));
  return out.join(" ");
}

function textBody(c: Ctx, scripts: readonly Script[], html: boolean): string {
  const { r, recipe } = c;
  const lines: string[] = [];
  const n = 1 + r.int(12);
  for (let i = 0; i < n; i++) lines.push(words(r, scripts, 1 + r.int(14)));
  // Lines that look like delimiters, headers and dashes: text that must stay text.
  if (r.chance(0.05)) lines.splice(r.int(lines.length), 0, "-- ", "--", "-----Original Message-----");
  if (quirk(c, 0.03)) (lines.push("From someone", "Content-Type: image/png", ""), recipe.push("text-looks-like-header"));
  if (!html) return lines.join("\n");
  return `<html><body>\n${lines.map((l) => `<p>${l}</p>`).join("\n")}\n</body></html>`;
}


function base64Body(c: Ctx, bytes: Uint8Array): string {
  const { r, recipe } = c;
  let s = Buffer.from(bytes).toString("base64");
  const width = r.chance(0.8) ? 76 : r.pick([4, 60, 64, 72, 77, 1000]);
  if (quirk(c, 0.15)) {
    const how = r.int(5);
    recipe.push(`broken-base64-${["junk-chars", "no-padding", "padding-inside", "truncated", "trailing-junk"][how]}`);
    if (how === 0) s = s.replace(/./g, (c) => (r.chance(0.03) ? c + r.pick(["!", "*", "@", " ", "-", "."]) : c));
    else if (how === 1) s = s.replace(/=+$/, "");
    else if (how === 2) {
      const at = 4 * r.int(Math.max(1, s.length / 4));
      s = s.slice(0, at) + "==" + s.slice(at);
    } else if (how === 3) s = s.slice(0, Math.max(0, s.length - 1 - r.int(3)));
    else s += r.pick(["====", "AB", "\n--", "x"]);
  }
  const lines: string[] = [];
  for (let i = 0; i < s.length; i += width) lines.push(s.slice(i, i + width));
  return lines.join("\n");
}

function qpBody(c: Ctx, bytes: Uint8Array): string {
  const { r, recipe } = c;
  const lower = quirk(c, 0.05);
  const spaceSoft = quirk(c, 0.03);
  if (spaceSoft) recipe.push("qp-soft-break-space");
  let out = "";
  let line = 0;
  for (const b of bytes) {
    let piece: string;
    if (b === 0x0a) {
      out += "\n";
      line = 0;
      continue;
    }
    if ((b < 0x20 && b !== 0x09) || b >= 0x7f || b === 0x3d) piece = "=" + b.toString(16).toUpperCase().padStart(2, "0");
    else piece = String.fromCharCode(b);
    if (lower) piece = piece.toLowerCase();
    if (line + piece.length > 75) {
      out += spaceSoft && r.chance(0.5) ? "= \n" : "=\n";
      line = 0;
    }
    out += piece;
    line += piece.length;
  }
  if (lower) recipe.push("qp-lowercase-hex");
  if (quirk(c, 0.1)) {
    recipe.push("broken-qp");
    const at = r.int(out.length + 1);
    out = out.slice(0, at) + r.pick(["=G1", "=", "=4", "= x", "==41", "=\r"]) + out.slice(at);
  }
  return out;
}

/** A Content-Transfer-Encoding header value and the encoded body for the bytes. */
function transfer(c: Ctx, bytes: Uint8Array, eightBitOk: boolean): { cte: string | undefined; body: string } {
  const { r, recipe } = c;
  const kind = r.int(10);
  if (kind < 4) {
    const spelling = !quirk(c, 0.15) ? "base64" : r.pick(["Base64", "BASE64", " base64 ", "base64 (enc)", "base-64", "x-base64"]);
    if (spelling !== "base64") recipe.push(`cte-spelling:${spelling.trim()}`);
    return { cte: spelling, body: base64Body(c, bytes) };
  }
  if (kind < 7) {
    const spelling = !quirk(c, 0.15) ? "quoted-printable" : r.pick(["Quoted-Printable", "QUOTED-PRINTABLE", "quoted-printable (x)", "qp", "x-qp"]);
    if (spelling !== "quoted-printable") recipe.push(`cte-spelling:${spelling}`);
    return { cte: spelling, body: qpBody(c, bytes) };
  }
  const latin = Buffer.from(bytes).toString("latin1");
  if (!eightBitOk) recipe.push("8bit-unlabelled");
  const cte = r.pick([undefined, "7bit", "8bit", "binary", "8BIT"]);
  if (quirk(c, 0.05)) return (recipe.push("cte-spelling:x-uuencode"), { cte: "x-uuencode", body: latin });
  return { cte, body: latin };
}

interface Ctx {
  r: Rng;
  recipe: string[];
  /** Quirks left for this message: at most one, so a disagreement has one cause (charsets are not quirks). */
  budget: { left: number };
  depth: number;
  boundaries: string[];
}

function textLeaf(c: Ctx): string {
  const { r, recipe } = c;
  const html = r.chance(0.35);
  const type = html ? "text/html" : r.chance(0.03) ? "text/enriched" : "text/plain";
  const cs = r.pick(CHARSETS);
  const label = r.pick(cs.labels);
  recipe.push(`charset:${cs.encoder}`);
  let bytes: Uint8Array = encodeText(textBody(c, cs.scripts, html), cs.encoder);
  if (quirk(c, 0.06)) {
    recipe.push("broken-bytes");
    const b = Buffer.from(bytes);
    const at = r.int(b.length + 1);
    bytes = Buffer.concat([b.subarray(0, at), Buffer.from(r.pick([[0xff], [0xc3], [0xe2, 0x82], [0x80, 0x80], [0x1b, 0x24], [0xf0, 0x9f, 0x98], [0xa4]])), b.subarray(at)]);
  }
  let ct = `${type}; charset=${label}`;
  const noCharset = quirk(c, 0.05);
  if (noCharset) (ct = type, recipe.push("no-charset"));
  if (quirk(c, 0.05)) (ct = `${type}; charset*=''${label.replace(/"/g, "")}`, recipe.push("charset-rfc2231"));
  if (quirk(c, 0.03)) (ct = `${type}; format=flowed; charset=${label}`, recipe.push("format-flowed"));
  const { cte, body } = transfer(c, bytes, !noCharset);
  const dispo = quirk(c, 0.08) ? "\nContent-Disposition: attachment; filename=\"note.txt\"" : "";
  if (dispo) recipe.push("text-attachment");
  return `Content-Type: ${ct}${cte === undefined ? "" : `\nContent-Transfer-Encoding: ${cte}`}${dispo}\n\n${body}`;
}

function binaryLeaf(c: Ctx): string {
  const { r, recipe } = c;
  const type = r.pick(["image/png", "image/gif", "application/pdf", "application/octet-stream", "application/zip", "text/calendar", "audio/mpeg"]);
  const bytes = new Uint8Array(8 + r.int(200)).map(() => r.int(256));
  let name = r.pick(["a.png", "invoice.pdf", "photo 1.jpg", "=?utf-8?B?w6TDtsO8LnBkZg==?=", "=?iso-8859-1?Q?r=E9sum=E9.doc?="]);
  let params = `; name="${name}"`;
  if (quirk(c, 0.2)) (params = `; name*0="long-"; name*1="name.pdf"`, recipe.push("param-continuation"), (name = "long-name.pdf"));
  if (quirk(c, 0.1)) (params = `; name*=utf-8''%C3%A4%C3%B6.pdf`, recipe.push("param-rfc2231-charset"));
  return `Content-Type: ${type}${params}\nContent-Transfer-Encoding: base64\nContent-Disposition: attachment; filename="${name}"\n\n${base64Body(c, bytes)}`;
}

function newBoundary(c: Ctx): string {
  const { r, recipe } = c;
  const form = quirk(c, 0.4) ? 5 + r.int(4) : r.int(5);
  let b: string;
  if (form < 5) b = `b${c.depth}_${r.int(1e9).toString(36)}`;
  else if (form === 5) (b = `=_Part_${r.int(1e6)}.${r.int(1e6)}`, recipe.push("boundary-specials"));
  else if (form === 6) (b = "'()+_,-./:=? x".slice(0, 4 + r.int(10)) + r.int(1e4), recipe.push("boundary-specials"));
  else if (form === 7) (b = "x".repeat(60 + r.int(10)), recipe.push("boundary-long"));
  else if (form === 8 && c.boundaries.length) (b = c.boundaries[c.boundaries.length - 1] + "-inner", recipe.push("boundary-prefix"));
  else b = `----=_NextPart_${r.int(1e8)}`;
  return b;
}

/** The Content-Type value of a multipart, in one of the parameter spellings readers disagree on. */
function multipartType(c: Ctx, sub: string, b: string): { value: string; delim: string } {
  const { r, recipe } = c;
  const q = /^[A-Za-z0-9_.-]+$/.test(b) && r.chance(0.4) ? b : `"${b}"`;
  const which = quirk(c, 0.35) ? r.int(12) : -1;
  const names = ["ct-comment", "param-comment", "boundary-rfc2231", "boundary-rfc2231-charset", "boundary-encoded-word", "param-whitespace", "boundary-uppercase-name", "boundary-duplicate", "param-quoted-pair", "param-no-semicolon", "param-unclosed-quote", "param-trailing-semicolon"];
  if (which >= 0) recipe.push(names[which]);
  switch (which) {
    case 0:
      return { value: `multipart/${sub} (generated); boundary=${q}`, delim: b };
    case 1:
      return { value: `multipart/${sub}; (a comment) boundary=${q} (another)`, delim: b };
    case 2:
      return { value: `multipart/${sub}; boundary*0="${b.slice(0, 3)}"; boundary*1="${b.slice(3)}"`, delim: b };
    case 3:
      return { value: `multipart/${sub}; boundary*=us-ascii''${encodeURIComponent(b).replace(/'/g, "%27")}`, delim: b };
    case 4: {
      // The issue-13 case: the raw parameter is the encoded word itself.
      const ew = `=?utf-8?q?${b.replace(/[^A-Za-z0-9]/g, "_")}?=`;
      return { value: `multipart/${sub}; boundary="${ew}"`, delim: ew };
    }
    case 5:
      return { value: `multipart/${sub} ; boundary = ${q}`, delim: b };
    case 6:
      return { value: `Multipart/${sub.toUpperCase()}; BOUNDARY=${q}`, delim: b };
    case 7:
      return { value: `multipart/${sub}; boundary="${b}"; boundary="${b}X"`, delim: b };
    case 8: {
      const esc = `${b}\\"x`;
      return { value: `multipart/${sub}; boundary="${esc}"`, delim: `${b}"x` };
    }
    case 9:
      return { value: `multipart/${sub} boundary="${b}"`, delim: b };
    case 10:
      return { value: `multipart/${sub}; boundary="${b}`, delim: b };
    case 11:
      return { value: `multipart/${sub}; boundary=${q};`, delim: b };
  }
  return { value: `multipart/${sub}; boundary=${q}`, delim: b };
}

function multipart(c: Ctx): string {
  const { r, recipe } = c;
  // A digest changes the default type of its parts (RFC 2046 §5.1.5), which readers disagree on: a quirk.
  const sub = quirk(c, 0.05) ? (recipe.push("digest"), "digest") : r.pick(["mixed", "mixed", "mixed", "alternative", "alternative", "related", "related", "report", "signed"]);
  const b = newBoundary(c);
  const { value, delim } = multipartType(c, sub, b);
  // The delimiter quirks are drawn before the parts, so the parts' own quirks do not use up the budget first.
  const likeLine = quirk(c, 0.1);
  const preambleLike = quirk(c, 0.05);
  const suffixAt = quirk(c, 0.05) ? 0 : -1;
  const padded = quirk(c, 0.05) ? r.pick([" ", "\t", "  \t"]) : "";
  const close = quirk(c, 0.08) ? r.int(2) : 2;
  const inner: Ctx = { ...c, depth: c.depth + 1, boundaries: [...c.boundaries, delim] };
  const n = 1 + r.int(4);
  const parts: string[] = [];
  for (let i = 0; i < n; i++) parts.push(sub === "digest" && r.chance(0.7) ? `\n${message(inner, false)}` : entity(inner));
  if (padded) recipe.push("delimiter-padding");
  let out = `Content-Type: ${value}\n\n`;
  if (r.chance(0.2)) out += `This is a multi-part message in MIME format.\n`;
  if (preambleLike) (out += `--${delim}-not-a-delimiter\n`, recipe.push("preamble-delimiter-like"));
  for (const [i, p] of parts.entries()) {
    out += `--${delim}${i === 0 ? padded : ""}\n${p}\n`;
    if (i === 0 && likeLine) (out += `--${delim}-def\nContent-Type: image/png\n\nnot a picture: ${words(r, ["ascii"], 5)}\n`, recipe.push("delimiter-like-line"));
    if (i === suffixAt) (out += `--${delim}${r.pick(["x", "ABC", "_2"])}\n`, recipe.push("delimiter-suffix"));
  }
  if (close === 0) recipe.push("unterminated-multipart");
  else if (close === 1) (out += `--${delim}--junk after\n`, recipe.push("close-delimiter-suffix"));
  else out += `--${delim}--${padded}\n`;
  if (r.chance(0.1)) out += `epilogue ${words(r, ["ascii"], 4)}\n`;
  return out;
}

function rfc822(c: Ctx): string {
  const { r, recipe } = c;
  const inner = message({ ...c, depth: c.depth + 1 }, false);
  const how = quirk(c, 0.3) ? r.int(2) : 2;
  if (how === 0) {
    recipe.push("rfc822-base64");
    return `Content-Type: message/rfc822\nContent-Transfer-Encoding: base64\n\n${base64Body(c, Buffer.from(inner, "latin1"))}`;
  }
  if (how === 1) (recipe.push("rfc822-attachment"));
  return `Content-Type: message/rfc822${how === 1 ? '; name="fwd.eml"\nContent-Disposition: attachment; filename="fwd.eml"' : ""}\n\n${inner}`;
}

function entity(c: Ctx): string {
  const { r } = c;
  if (c.depth < 4 && r.chance(0.25)) return multipart(c);
  if (c.depth < 3 && r.chance(0.06)) return rfc822(c);
  return r.chance(0.75) ? textLeaf(c) : binaryLeaf(c);
}

function message(c: Ctx, top: boolean): string {
  const { r, recipe } = c;
  const subject = r.chance(0.2) ? "=?utf-8?B?w5xiZXIgZGllIFByZWlzZQ==?= =?utf-8?Q?_jetzt?=" : words(r, ["ascii", "latin"], 4);
  const head = `From: Sender <s${r.int(1000)}@example.com>\nTo: rcpt@example.org\nSubject: ${subject}\nDate: Mon, 1 Jan 2024 00:00:00 +0000\nMessage-ID: <${r.int(1e9)}@gen>\n${top || r.chance(0.5) ? "MIME-Version: 1.0\n" : ""}`;
  let body = entity(c);
  if (top && quirk(c, 0.01)) {
    // A chain deeper than max_mime_depth: the walker stops by design (a limit, not a reading).
    recipe.push("deep-nesting");
    for (let i = 0; i < 40; i++) body = `Content-Type: multipart/mixed; boundary="d${i}"\n\n--d${i}\n${body}\n--d${i}--\n`;
  }
  return head + body;
}

/** Message `index` of the run with `seed`. */
export function generateMessage(seed: number, index: number): Generated {
  const r = createRng(itemSeed(seed, index));
  const recipe: string[] = [];
  const c: Ctx = { r, recipe, depth: 0, boundaries: [], budget: { left: r.chance(0.8) ? 1 : 0 } };
  let text = message(c, true);
  if (r.chance(0.3)) (text = text.replace(/\n/g, "\r\n"), recipe.push("crlf"));
  else if (quirk(c, 0.03)) (text = text.replace(/\n/g, () => (r.chance(0.5) ? "\r\n" : "\n")), recipe.push("mixed-line-ends"));
  return { raw: new Uint8Array(Buffer.from(text, "latin1")), recipe: [...new Set(recipe)] };
}
