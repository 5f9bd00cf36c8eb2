// "Dressed ham": a plain-text ham message re-sent as HTML, for `bun run eval --cv`.
//
// Why: the training ham (easy-ham-1) is almost all plain text (8 HTML messages in 2500),
// so anything learned from the training split cannot tell "HTML" from "spam": a rule or a
// token that fires on every HTML message looks perfectly spammy there. Real sites get
// plenty of wanted HTML mail (mail clients that send HTML, newsletters). Dressing held-out
// training ham in HTML, with its words unchanged, measures how much of a verdict rests on
// the dress alone — using training data only, so the evaluation split stays untouched.
//
// Two dresses, each as a common sender of wanted HTML mail writes it:
// - "client": multipart/alternative, the original text plus an HTML copy in a font tag, as
//   desktop mail clients send (Outlook Express, Thunderbird with HTML on);
// - "newsletter": HTML only, a centred fixed-width table with the sender's logo image, the
//   layout of a mailing from a shop or a publisher.
// Only single-part text/plain messages are dressed; others are returned as null.
import { parseMessageSync, type ScanLimits } from "../message/parse";

export type Dress = "client" | "newsletter";

const DROP = /^(content-type|content-transfer-encoding|mime-version)$/i;

export function dressAsHtml(raw: Uint8Array, dress: Dress, limits: ScanLimits): Uint8Array | null {
  const msg = parseMessageSync(raw, limits);
  if (msg.parts.length !== 1 || msg.parts[0].contentType !== "text/plain" || msg.truncated) return null;
  const text = msg.rawbody.replace(/\r\n/g, "\n");
  const from = msg.headers.find((h) => h.name.toLowerCase() === "from")?.value ?? "";
  const domain = /@([a-z0-9.-]+)/i.exec(from)?.[1]?.toLowerCase() ?? "example.com";
  const headers = msg.headers.filter((h) => !DROP.test(h.name)).map((h) => `${h.name}: ${h.raw}`);
  headers.push("MIME-Version: 1.0");
  const html = dress === "client" ? clientHtml(text) : newsletterHtml(text, domain);
  if (dress === "newsletter") {
    headers.push('Content-Type: text/html; charset="utf-8"', "Content-Transfer-Encoding: 8bit");
    return new TextEncoder().encode(`${headers.join("\n")}\n\n${html}\n`);
  }
  const b = "----=_NextPart_000_0001_01C2A9B5.5E1E4A40";
  headers.push(`Content-Type: multipart/alternative; boundary="${b}"`);
  const body = [
    "This is a multi-part message in MIME format.",
    "",
    `--${b}`,
    'Content-Type: text/plain; charset="utf-8"',
    "Content-Transfer-Encoding: 8bit",
    "",
    text,
    `--${b}`,
    'Content-Type: text/html; charset="utf-8"',
    "Content-Transfer-Encoding: 8bit",
    "",
    html,
    `--${b}--`,
    "",
  ].join("\n");
  return new TextEncoder().encode(`${headers.join("\n")}\n\n${body}`);
}

const escape = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const linkify = (s: string) => s.replace(/\bhttps?:\/\/[^\s<>"]+/g, (u) => `<a href="${u}">${u}</a>`);
const paragraphs = (text: string) =>
  text
    .split(/\n\s*\n/)
    .filter((p) => p.trim())
    .map((p) => linkify(escape(p)).replace(/\n/g, "<br>\n"));

function clientHtml(text: string): string {
  const body = paragraphs(text).map((p) => `<div><font face="Arial" size="2">${p}</font></div>\n<div>&nbsp;</div>`);
  return `<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.0 Transitional//EN">\n<html><head>\n<meta http-equiv="Content-Type" content="text/html; charset=utf-8">\n</head>\n<body bgcolor="#ffffff">\n${body.join("\n")}\n</body></html>`;
}

function newsletterHtml(text: string, domain: string): string {
  const body = paragraphs(text).map((p) => `<p>${p}</p>`);
  return [
    "<html><head><title>Newsletter</title></head>",
    '<body bgcolor="#ffffff" text="#000000">',
    '<table width="600" border="0" cellpadding="8" cellspacing="0" align="center">',
    `<tr><td><img src="http://www.${domain}/images/logo.gif" width="600" height="80" border="0" alt="${domain}"></td></tr>`,
    '<tr><td><font face="Verdana, Arial, Helvetica, sans-serif" size="2" color="#333333">',
    ...body,
    "</font></td></tr>",
    "</table>",
    "</body></html>",
  ].join("\n");
}
