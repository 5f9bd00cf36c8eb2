// Comparing two MimeViews (mime-views.ts) and naming a disagreement. Normalisation removes
// what no rule can tell apart (line-end style, trailing blanks, runs of blank lines, a byte
// order mark) so that only real differences count; each difference gets one kind, chosen by
// looking at the raw message for the construct that readers are known to read differently.
// The kinds are heuristics over the raw bytes: a sample of each is kept for a human to judge.
import iconv from "iconv-lite";
import { LIMITS, type MimeView, type TextMeta } from "./mime-views";

/** Text as a rule would see it, minus presentation noise. */
export function normaliseText(s: string): string {
  return s
    .replace(/\uFEFF/g, "")
    .replace(/\r\n?/g, "\n")
    .replace(/[ \t]+$/gm, "")
    .replace(/\n{2,}/g, "\n")
    .replace(/^\n+|\n+$/g, "");
}

/** Charset labels with the same meaning compare equal: "UTF8", "utf-8", "\"utf-8\"". */
export function normaliseCharset(label: string): string {
  const l = label.trim().toLowerCase().replace(/^["']|["']$/g, "");
  const k = l.replace(/[^a-z0-9]/g, "");
  const ALIASES: Record<string, string> = { utf8: "utf-8", usascii: "us-ascii", ascii: "us-ascii", latin1: "iso-8859-1", iso88591: "iso-8859-1", cp1252: "windows-1252", utf16: "utf-16", utf7: "utf-7", unicode11utf7: "utf-7", ksc56011987: "euc-kr", sjis: "shift_jis", shiftjis: "shift_jis", gb2312: "gbk", gbk: "gbk" };
  if (ALIASES[k]) return ALIASES[k];
  const win = /^(?:windows|cp|xcp)(125\d)$/.exec(k);
  if (win) return `windows-${win[1]}`;
  const iso = /^iso8859(\d+)$/.exec(k);
  if (iso) return `iso-8859-${iso[1]}`;
  return l;
}

const collapse = (s: string) => s.replace(/\s+/g, "");

/** Content-Type field values anywhere in the message (every entity's header), unfolded. */
export function contentTypeFields(latin1: string): string[] {
  const out: string[] = [];
  for (const m of latin1.matchAll(/^content-type[ \t]*:[ \t]*([^\r\n]*(?:\r?\n[ \t][^\r\n]*)*)/gim)) out.push(m[1].replace(/\r?\n/g, ""));
  return out;
}

/** The boundary values as a plain reading finds them (quoted or token), for line checks. */
export function boundaries(cts: string[]): string[] {
  const out: string[] = [];
  for (const v of cts) {
    const m = /;\s*boundary\s*=\s*(?:"([^"]*)"|([^\s;()]+))/i.exec(v);
    if (m) out.push(m[1] ?? m[2]);
  }
  return out;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Structural constructs known to split readers, most specific first. */
function structureKind(raw: string): string {
  const cts = contentTypeFields(raw);
  const multipart = cts.filter((v) => /^\s*multipart\//i.test(v));
  // Our walker stops at scan.max_mime_depth by design: a limit, not a reading.
  if (multipart.length >= LIMITS.max_mime_depth) return "depth-limit";
  if (multipart.some((v) => /boundary\s*=\s*"?[^";]*=\?/i.test(v))) return "boundary-encoded-word";
  if (multipart.some((v) => /boundary\*/i.test(v))) return "boundary-rfc2231";
  // RFC 2045 §5.1 with RFC 5322 §3.2.2: comments may stand between any tokens of the field.
  if (cts.some((v) => /^[^;"]*\(/.test(v))) return "ct-comment";
  if (multipart.some((v) => /;\s*\(|\)\s*;|boundary\s*=\s*\(|"\s*\(/i.test(v))) return "param-comment";
  if (multipart.some((v) => (v.match(/boundary\s*\*?\d*\s*=/gi) ?? []).length > 1)) return "boundary-duplicate";
  if (multipart.some((v) => /boundary\s+=|=\s+"?[^"]/i.test(v.slice(v.search(/boundary/i))))) return "param-whitespace";
  if (multipart.some((v) => /boundary\s*=\s*"(?:[^"\\]|\\.)*\\/i.test(v))) return "param-quoted-pair";
  if (multipart.some((v) => !/;\s*boundary/i.test(v) && /boundary/i.test(v))) return "param-separator";
  if (multipart.some((v) => /boundary\s*=\s*"[^"]*$/i.test(v))) return "param-unclosed-quote";
  const bs = boundaries(multipart);
  for (const b of bs) {
    if (!b) continue;
    const lines = raw.match(new RegExp(`^--${escapeRe(b)}[^\\r\\n]*`, "gm")) ?? [];
    if (lines.some((l) => !/^(--)?[ \t]*$/.test(l.slice(2 + b.length)) && !/^--/.test(l.slice(2 + b.length)))) return "delimiter-line";
    if (lines.some((l) => /^--[ \t]*\S/.test(l.slice(2 + b.length)))) return "close-delimiter-suffix";
    if (lines.some((l) => /[ \t]$/.test(l))) return "delimiter-padding";
    if (!lines.some((l) => /^--[ \t]*$/.test(l.slice(2 + b.length)))) return "unterminated-multipart";
    if (bs.some((o) => o !== b && (o.startsWith(b) || b.startsWith(o)))) return "boundary-prefix";
  }
  if (multipart.some((v) => !/boundary/i.test(v))) return "multipart-no-boundary";
  // RFC 2046 §5.1.5: a digest's parts without Content-Type are message/rfc822.
  if (multipart.some((v) => /^\s*multipart\/digest/i.test(v))) return "digest-default-type";
  if (/^content-type[ \t]*:[ \t]*message\/rfc822[^\n]*\n(?:[^\r\n][^\n]*\n)*?content-transfer-encoding[ \t]*:[ \t]*(base64|quoted)/im.test(raw)) return "rfc822-encoded";
  if (cts.some((v) => !/^\s*[a-z0-9!#$&.+^_-]+\/[a-z0-9!#$&.+^_-]+\s*(;|$)/i.test(v))) return "malformed-content-type";
  if (cts.some((v) => /^\s*message\/rfc822/i.test(v))) return "rfc822-nesting";
  if (/^content-type[ \t]*:[^\n]*\n(?![ \t])[^:\n]*\n/im.test(raw)) return "header-line-broken";
  return "structure-other";
}

const CTE_STANDARD = new Set(["", "7bit", "8bit", "binary", "base64", "quoted-printable"]);

/** Whether a WHATWG TextDecoder (what our walker decodes with) knows the label. */
function knownToKas(label: string): boolean {
  try {
    new TextDecoder(label);
    return true;
  } catch {
    return false;
  }
}

/** Charset labels that declare nothing useful: the reader guesses. */
const UNDECLARED = new Set(["", "us-ascii", "unknown-8bit", "default_charset", "x-unknown", "unknown"]);

/** Why one text leaf reads differently, from its declaration and the first differing characters. */
function textKind(meta: TextMeta, mpText: string, kasText: string, raw: string): string {
  const cte = meta.cte;
  // RFC 2045 §6.1: the field is structured, so comments are allowed in it.
  if (/^content-transfer-encoding[ \t]*:[^\r\n(]*\(/im.test(raw)) return "cte-comment";
  if (!CTE_STANDARD.has(cte)) return "cte-spelling";
  if (cte === "base64") {
    const b = brokenBase64(raw, boundaries(contentTypeFields(raw)));
    if (b) return b;
  }
  const m = normaliseText(mpText);
  const k = normaliseText(kasText);
  // Align on the longest common prefix of this leaf with our text (it starts somewhere in ours).
  const head = m.slice(0, 24);
  let at = head ? k.indexOf(head) : -1;
  if (at < 0) at = 0;
  let i = 0;
  while (i < m.length && at + i < k.length && m[i] === k[at + i]) i++;
  const cm = m.charCodeAt(i);
  const ck = k.charCodeAt(at + i);
  const cs = normaliseCharset(meta.charset);
  if (cs && !knownToKas(cs)) return iconv.encodingExists(cs) ? `charset-unknown-to-kas(${cs})` : "charset-label-unknown";
  // RFC 2045 §2.8: UTF-16 has NUL bytes and bare CR/LF; only base64 can carry it.
  if (cs.startsWith("utf-16") && cte !== "base64") return "charset-utf16-unencoded";
  // RFC 3676 §4.2: mailparser joins flowed lines (it also joins across a change of quote depth, §4.5).
  if (meta.flowed && ((m[i] === " " && k[at + i] === "\n") || (collapse(mpText) && collapse(kasText).includes(collapse(mpText))))) return "format-flowed";
  // ISO-8859-1 / ASCII declared, bytes 0x80-0x9F used as windows-1252 (WHATWG Encoding maps the label so).
  if (cm >= 0x80 && cm <= 0x9f && (cs === "iso-8859-1" || UNDECLARED.has(cs))) return "charset-c1-as-windows-1252";
  // No charset and 8-bit bytes: our walker tries UTF-8 then windows-1252, mailparser UTF-8 only.
  if (UNDECLARED.has(cs) && (cm === 0xfffd || ck === 0xfffd || m.includes("\uFFFD"))) return "charset-8bit-undeclared";
  if (cm === 0xfffd || ck === 0xfffd) return `charset-broken-bytes(${cs})`;
  // A "=" ending the last line of a part: a soft break before the delimiter's CRLF (RFC 2045 §6.7 rule 5) or a literal.
  if (cte === "quoted-printable" && (m[i] === "=" || k[at + i] === "=")) return "cte-qp-trailing-soft-break";
  if (cte === "quoted-printable" && /=(?:[0-9a-f][a-f]|[a-f][0-9a-f])/.test(raw)) return "cte-qp-lowercase-hex";
  if (cte === "quoted-printable") return "cte-broken-qp";
  if (Number.isNaN(cm) || Number.isNaN(ck)) return "text-truncated";
  return cs ? `charset-decoding(${cs})` : "text-other";
}

/**
 * What is wrong with the first damaged base64 body, or "" when none is: base64url digits
 * ("-", "_"), padding before the end (concatenated chunks), other characters outside the
 * alphabet (RFC 2045 §6.8: to be ignored), or a length that is not a multiple of 4.
 */
export function brokenBase64(raw: string, bounds: string[] = []): string {
  // A body ends at a delimiter of a known boundary (a "--x" line that is none is base64 junk), or at any "--" line when none is known.
  const end = bounds.length ? `(?=\\r?\\n--(?:${bounds.map(escapeRe).join("|")})(?:--)?[ \\t]*\\r?(?:\\n|$)|(?![\\s\\S]))` : "(?=\\r?\\n--|(?![\\s\\S]))";
  const re = new RegExp(`^content-transfer-encoding[ \\t]*:[ \\t]*base64[^\\n]*\\n(?:[^\\r\\n][^\\n]*\\n)*?\\r?\\n([\\s\\S]*?)${end}`, "gim");
  for (const m of raw.matchAll(re)) {
    const body = m[1].replace(/\s+/g, "");
    if (/[-_]/.test(body)) return "cte-base64-url-chars";
    if (/=[^=]/.test(body)) return "cte-base64-padding-inside";
    if (/[^A-Za-z0-9+/=]/.test(body)) return "cte-base64-junk-chars";
    if (body.length % 4 !== 0) return "cte-base64-length";
  }
  return "";
}

export type Verdict = { same: true } | { same: false; kind: string; detail: string };

/** Compare the two views of one raw message; `raw` is the message as latin1 text. */
export function compareViews(kas: MimeView, mp: MimeView, raw: string): Verdict {
  if (kas.error) return { same: false, kind: "kas-error", detail: kas.error };
  if (mp.error) return { same: false, kind: "mailparser-error", detail: mp.error };
  const v = comparePrimary(kas, mp, raw);
  if (v.same || !kas.readings?.length) return v;
  // Our walker also scans other readings of the structure (message/readings.ts): its text is
  // the RFC reading's plus theirs. When that holds every text mailparser shows, the rules are not
  // blinded: the kind says so ("+union"), and text only the other readings add is its own kind.
  const kt = normaliseText(kas.text);
  const covered = (mp.texts ?? [mp.text]).every((t) => kt.includes(normaliseText(t)));
  if (!covered) return v;
  if (v.kind === "text-extra-in-kas") return { ...v, kind: `kas-union-extra(${kas.readings.join("+")})` };
  return { ...v, kind: `${v.kind}+union` };
}

/** The comparison of what both readers read as the message's structure. */
function comparePrimary(kas: MimeView, mp: MimeView, raw: string): Verdict {
  const kl = kas.leaves.join(" ");
  const ml = mp.leaves.join(" ");
  if (kl !== ml) {
    // RFC 2046 §5.2.1: the body of message/rfc822 is a message; one reader kept it whole as an attachment.
    const opaque = (a: string[], b: string[]) => a.includes("message/rfc822") && !b.includes("message/rfc822");
    const kind = opaque(mp.leaves, kas.leaves) ? "rfc822-opaque-in-mailparser" : opaque(kas.leaves, mp.leaves) ? "rfc822-opaque-in-kas" : structureKind(raw);
    return { same: false, kind, detail: `leaves kas [${kl}] mailparser [${ml}]` };
  }
  const kt = normaliseText(kas.text);
  const mt = normaliseText(mp.text);
  if (kt === mt) return { same: true };
  if (collapse(kt) === collapse(mt)) {
    const flowed = mp.textMeta?.some((m) => m.flowed);
    return { same: false, kind: flowed ? "format-flowed" : "whitespace", detail: firstDiff(kt, mt) };
  }
  // Undecodable bytes shown as a different number of U+FFFD (WHATWG decoders against iconv-lite),
  // an incomplete last character (odd UTF-16 byte) included: nothing a rule could read differs.
  const noFffd = (t: string) => t.replace(/\uFFFD+/g, "");
  if (noFffd(kt) === noFffd(mt)) return { same: false, kind: "replacement-char-count", detail: firstDiff(kt, mt) };
  // A delimiter-like line in the differing text: the readers split the multipart differently.
  const d = diffIndex(kt, mt);
  const region = kt.slice(Math.max(0, d - 2), d + 300) + "\n" + mt.slice(Math.max(0, d - 2), d + 300);
  if (boundaries(contentTypeFields(raw)).some((b) => b && region.includes(`--${b}`))) return { same: false, kind: structureKind(raw), detail: firstDiff(kt, mt) };
  // A digest part read as text/plain shows the embedded message's header as text.
  if (/^\s*content-type[ \t]*:[ \t]*multipart\/digest/im.test(raw) && /^(from|to|subject|date|message-id|content-type): /im.test(mt.slice(d, d + 300))) return { same: false, kind: "digest-default-type", detail: firstDiff(kt, mt) };
  // The first text leaf whose text our reading does not contain is the one that disagrees.
  const texts = mp.texts ?? [mp.text];
  const metas = mp.textMeta ?? [];
  for (let i = 0; i < texts.length; i++) {
    const t = normaliseText(texts[i]);
    if (t && !kt.includes(t)) return { same: false, kind: metas[i] ? textKind(metas[i], texts[i], kas.text, raw) : "text-other", detail: firstDiff(kt, mt) };
  }
  return { same: false, kind: kt.length > mt.length ? "text-extra-in-kas" : "text-other", detail: firstDiff(kt, mt) };
}

/** Where two texts first differ, with a little context from each, for the report. */
export function firstDiff(a: string, b: string): string {
  const i = diffIndex(a, b);
  const cut = (s: string) => JSON.stringify(s.slice(Math.max(0, i - 20), i + 40));
  return `at ${i}: kas ${cut(a)} mailparser ${cut(b)}`;
}

export function diffIndex(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}
