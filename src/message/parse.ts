// Raw message bytes → ParsedMessage, the views the rule language matches (SpamAssassin's
// header / body / rawbody / uri / full). Total: any byte string gives a result; what was
// wrong is listed in `defects`, never thrown, so broken mail is still judged.
//
// Why our own walker and not mailparser's simpleParser: measured on this machine at 1.3 ms a
// message on spam-1 with every optional feature off, mailparser alone would spend more than
// the whole 2 ms a message the engine may take for 500 messages/s; and its recursion over
// nested parts cannot be bounded by max_mime_parts / max_mime_depth. Here every limit is a
// loop bound: parts, depth, bytes of text rendered, URIs kept.
// Where mail programs read a structure two ways, the text of every reading is scanned: the
// RFC reading first, the others after it (readings.ts lists the cases and why).
import type { KasConfig } from "../config/schema";
import { attachedFrom, Beside } from "./beside";
import { latin1 } from "./header-text";
import { renderHtml } from "./html";
import { asRead } from "./styled";
import { textQrPictures } from "./text-qr";
import { calendarText } from "./calendar";
import { base64Chunks, decodeHeaderValue, decodeText, decodeTransfer, hasBase64AfterPadding, isNamed, parseFields, splitEntity } from "./mime";
import { boundaryLines, splitAt, type BoundaryLine } from "./multipart";
import { parseParamValue } from "./params";
import { unwrap } from "./redirects";
import { ALT_SPAN_FACTOR, MAX_ALT_TEXT, sniffedTextType, startsAsHtml, type ReadingCase, type Span } from "./readings";
import type { AlternatePart, HeaderField, HtmlLink, MimePart, ParsedMessage } from "./types";
import { findUris } from "./uris";

/** Text collected into body/rawbody at most (the matcher looks at less; Bayes at less still). */
const MAX_TEXT = 2 * 1024 * 1024;
/** A single text part larger than this is rendered from its first MAX_PART_TEXT bytes only. */
const MAX_PART_TEXT = 1024 * 1024;
const MAX_URIS = 1000;
/** Delimiter-like lines that are not delimiters, kept per multipart (a loop bound for the prefix reading). */
const MAX_ODD_LINES = 256;
/** Decoded bytes looked at to tell what a part's content is (readings.ts sniffedTextType). */
const SNIFF_BYTES = 1024;
/** A web archive (.mht: a MIME message of a page and its pictures) by its name: Windows opens it in the browser. */
const WEB_ARCHIVE_NAME = /\.mht(?:ml)?$/i;
/** A web archive under another type is parsed apart: at most this large encoded, and this many parts. */
const [MAX_WEB_ARCHIVE_ENCODED, MAX_WEB_ARCHIVE_PARTS] = [2 * 1024 * 1024, 32];

export type ScanLimits = Pick<KasConfig["scan"], "max_message_size" | "max_mime_parts" | "max_mime_depth">;

interface Entity extends Span {
  depth: number;
  /** Content type assumed when the entity has none (message/digest children: message/rfc822). */
  defaultType: string;
  /** Inside multipart/alternative: its text/plain sibling makes an HTML rendering redundant. */
  alternative?: AltGroup;
  /** Set on entities of an alternate reading (readings.ts): the case that made them. */
  reading?: ReadingCase;
  /** Read the span as a body without a header, of this type (alternate readings). */
  as?: { type: string; cte: string; charset?: string };
  /** Content-Type values that replace the ones in the header (repeated-value reading). */
  over?: { type?: string; params?: Record<string, string> };
  /** base64 decoded on past padding (base64-padding reading). */
  chunks?: boolean;
  /** Inside an attached web archive (.mht): its HTML is a page the browser opens. */
  webArchive?: boolean;
  /** The entity is a message attached as message/rfc822: its header is another message's. */
  message?: boolean;
}
interface AltGroup {
  hasPlain: boolean;
}

export async function parseMessage(raw: Uint8Array, limits: ScanLimits): Promise<ParsedMessage> {
  return parseMessageSync(raw, limits);
}

/** Encoded message/rfc822 inside encoded message/rfc822 is walked this many levels deep at most. */
const MAX_ENCODED_NESTING = 3;

/**
 * `size`: the whole message's size when `raw` is only its first bytes (ScanRequest.size).
 * `nesting`: how many encoded messages this walk is inside (encoded-message reading).
 */
export function parseMessageSync(raw: Uint8Array, limits: ScanLimits, size = raw.byteLength, nesting = 0): ParsedMessage {
  const defects: string[] = [];
  let truncated = false;
  let buf = raw;
  if (size > limits.max_message_size || raw.byteLength > limits.max_message_size) {
    buf = raw.subarray(0, limits.max_message_size);
    truncated = true;
    defects.push(`message of ${Math.max(size, raw.byteLength)} bytes: only the first ${limits.max_message_size} parsed (scan.max_message_size)`);
  }
  const top = splitEntity(buf, 0, buf.byteLength);
  const topFields = parseFields(latin1(buf.subarray(0, top.headerEnd)), defects);
  const headers: HeaderField[] = topFields.map((f) => ({ name: f.name, raw: f.raw, value: decodeHeaderValue(f.raw, defects) }));

  const parts: MimePart[] = [];
  const alternates: AlternatePart[] = [];
  const bodyText: string[] = [];
  const rawText: string[] = [];
  const altBody: string[] = [];
  const altRaw: string[] = [];
  const links: HtmlLink[] = [];
  const uris = new Set<string>();
  let textBytes = 0;
  let altTextBytes = 0;
  let hidden = 0;
  let visible = 0;
  // A link through a known redirector (google.com/url?q=…, Safe Links) brings its destination
  // along, right after it: the link checks, uri rules and URI block lists judge both (redirects.ts).
  const addUris = (list: Iterable<string>) => {
    for (const u of list) {
      if (uris.size >= MAX_URIS) return;
      uris.add(u);
      const via = unwrap(u);
      beside.openRedirect ||= via.abused;
      for (const t of via.targets) if (uris.size < MAX_URIS) uris.add(t);
    }
  };
  // What the checks want beside the views: pictures, attachments' facts, attached pages (beside.ts).
  const beside = new Beside(addUris);

  // Depth-first over entities with an explicit stack: no recursion (but the encoded-message
  // reading's, at most MAX_ENCODED_NESTING deep), so nesting cannot blow the call stack;
  // max_mime_parts / max_mime_depth bound the work. Alternate readings (readings.ts) wait in
  // their own queue until the primary reading is done, so its text comes first and the part
  // limit serves it first.
  const stack: Entity[] = [{ start: 0, end: buf.byteLength, depth: 0, defaultType: "text/plain" }];
  const alts: Entity[] = [];
  const walked = new Set<string>();
  let altBudget = ALT_SPAN_FACTOR * buf.byteLength + 65536;
  const addAlt = (x: Entity) => {
    const key = `${x.start}:${x.end}:${x.as?.type ?? ""}:${x.chunks ? "chunks" : ""}`;
    if (!x.over && walked.has(key)) return; // the same bytes read the same way: nothing new
    if (x.end - x.start > altBudget) {
      defects.push("alternate readings over their byte budget; the rest not scanned");
      return;
    }
    altBudget -= x.end - x.start;
    walked.add(key);
    alts.push(x);
  };
  let first = true;
  while (stack.length || alts.length) {
    const e = stack.length ? stack.pop()! : alts.shift()!;
    if (parts.length + alternates.length >= limits.max_mime_parts) {
      if (!e.reading) {
        defects.push(`more than ${limits.max_mime_parts} MIME parts; the rest not parsed (scan.max_mime_parts)`);
        truncated = true;
      } else defects.push(`alternate readings stopped at ${limits.max_mime_parts} parts (scan.max_mime_parts)`);
      break;
    }
    if (!e.reading) walked.add(`${e.start}:${e.end}::`);
    const { headerEnd, bodyStart } = e.as ? { headerEnd: e.start, bodyStart: e.start } : first ? top : splitEntity(buf, e.start, e.end);
    const fields = e.as ? [] : first ? topFields : parseFields(latin1(buf.subarray(e.start, headerEnd)), defects, 200);
    first = false;
    const field = (name: string) => fields.find((f) => isNamed(f, name))?.raw;
    const innerFrom = e.message && !e.reading && !e.webArchive ? field("from") : undefined;
    if (innerFrom !== undefined) beside.takeFrom(decodeHeaderValue(innerFrom, []));
    const ctFields = fields.filter((f) => isNamed(f, "content-type"));
    const ct = parseParamValue(e.as?.type ?? ctFields[0]?.raw ?? e.defaultType);
    for (const d of ct.defects) defects.push(`Content-Type: ${d}`);
    if (e.over?.type) ct.type = e.over.type;
    Object.assign(ct.params, e.over?.params);
    let type = ct.type;
    if (!/^[a-z0-9!#$&.+^_-]+\/[a-z0-9!#$&.+^_-]+$/.test(type)) {
      if (ctFields.length) defects.push(`malformed Content-Type ${JSON.stringify(type.slice(0, 60))}`);
      type = "text/plain";
    }
    if (!e.over) {
      // repeated-value: the other Content-Type field, or the other value of a repeated parameter.
      for (const f of ctFields.slice(1, 4)) {
        const other = parseParamValue(f.raw);
        if (f.raw !== ctFields[0].raw) addAlt({ ...e, reading: "repeated-value", over: { type: other.type, params: other.params } });
      }
      for (const name of ["boundary", "charset"]) for (const v of ct.repeated[name]?.slice(1, 4) ?? []) addAlt({ ...e, reading: "repeated-value", over: { params: { [name]: v } } });
    }
    // RFC 2045 §6.1 keeps RFC 822's lexical rules: `base64 (note)` is base64. The Content-Type
    // scanner's token-and-comment reading gives the token alone, lower case.
    const cte = e.as?.cte ?? parseParamValue(field("content-transfer-encoding") ?? "").type;
    /** The part's body decoded: whole, or from at most 2 × `max` encoded bytes (base64 and QP need no more) when only the first `max` are wanted. */
    const content = (max?: number) => decodeTransfer(buf.subarray(bodyStart, max === undefined ? e.end : Math.min(e.end, bodyStart + max * 2)), cte, []);
    const dispo = parseParamValue(field("content-disposition") ?? "");
    // RFC 2047 does not apply to parameters (RFC 2047 §5), but Outlook writes encoded words
    // into file names and every reader shows them decoded: the displayed name is what counts.
    const filename = dispo.params.filename ?? ct.params.name;
    const part: MimePart = { contentType: type, depth: e.depth, size: e.end - bodyStart };
    const charset = e.as?.charset ?? ct.params.charset;
    if (charset) part.charset = charset.toLowerCase();
    if (filename) part.filename = decodeHeaderValue(filename, defects);
    if (dispo.type === "attachment" || dispo.type === "inline") part.disposition = dispo.type;
    if (e.reading) alternates.push({ ...part, reading: e.reading });
    else parts.push(part);
    const webArchive = !e.reading && part.filename !== undefined && WEB_ARCHIVE_NAME.test(part.filename.trim());

    if (type.startsWith("multipart/")) {
      const boundary = ct.params.boundary;
      if (!boundary) {
        if (!e.reading) defects.push(`${type} without a boundary`);
        addAlt({ start: bodyStart, end: e.end, depth: e.depth, defaultType: "text/plain", reading: e.reading ?? "no-boundary", as: { type: "text/plain", cte } });
        continue;
      }
      if (e.depth + 1 > limits.max_mime_depth) {
        defects.push(`MIME nesting deeper than ${limits.max_mime_depth}; inner parts not parsed (scan.max_mime_depth)`);
        truncated = true;
        continue;
      }
      const alt = type === "multipart/alternative" ? { hasPlain: false } : undefined;
      const child = { depth: e.depth + 1, defaultType: type === "multipart/digest" ? "message/rfc822" : "text/plain" };
      const lines = boundaryLines(buf, bodyStart, e.end, boundary, limits.max_mime_parts + 1, MAX_ODD_LINES);
      const main = splitAt(buf, bodyStart, e.end, lines, (l) => l.rfc);
      if (!main.closed && !e.reading) defects.push(main.parts.length ? "multipart without its closing boundary" : "multipart boundary never found");
      // Pushed in reverse so the stack pops them in document order.
      for (let k = main.parts.length - 1; k >= 0; k--) stack.push({ ...main.parts[k], ...child, alternative: alt, reading: e.reading, webArchive: e.webArchive || webArchive });
      for (const [reading, spans] of otherSplits(buf, bodyStart, e.end, lines, main)) {
        for (const s of spans) addAlt({ ...s, ...child, reading: e.reading ?? reading });
      }
      if (!main.parts.length) addAlt({ start: bodyStart, end: e.end, depth: e.depth, defaultType: "text/plain", reading: e.reading ?? "no-boundary", as: { type: "text/plain", cte } });
      continue;
    }
    if (type === "message/rfc822" || type === "message/global") {
      if (e.depth + 1 > limits.max_mime_depth) {
        defects.push(`MIME nesting deeper than ${limits.max_mime_depth}; inner parts not parsed (scan.max_mime_depth)`);
        truncated = true;
        continue;
      }
      if (cte === "" || cte === "7bit" || cte === "8bit" || cte === "binary") stack.push({ start: bodyStart, end: e.end, depth: e.depth + 1, defaultType: "text/plain", reading: e.reading, webArchive: e.webArchive || webArchive, message: true });
      else if (cte === "base64" || cte === "quoted-printable") {
        // encoded-message: RFC 2046 §5.2.1 forbids encoding a message/rfc822 body, so the RFC
        // reading leaves it opaque, but mail programs decode it and show the message inside.
        // Its decoded bytes are another buffer than the one this walker spans, so they are read
        // by a nested walk, bounded by what is left of the depth, parts and text budgets; the
        // decoded bytes are smaller than the encoded ones, so the work stays bounded too.
        const room = limits.max_mime_parts - parts.length - alternates.length;
        const decoded = nesting < MAX_ENCODED_NESTING ? content() : undefined;
        if (!decoded) defects.push(`encoded message/rfc822 nested more than ${MAX_ENCODED_NESTING} deep; not scanned`);
        else if (decoded.byteLength > altBudget || room < 1 || altTextBytes >= MAX_ALT_TEXT) defects.push("encoded message/rfc822 over the alternate readings' budget; not scanned");
        else {
          altBudget -= decoded.byteLength;
          const inner = parseMessageSync(decoded, { max_message_size: limits.max_message_size, max_mime_parts: room, max_mime_depth: limits.max_mime_depth - e.depth - 1 }, decoded.byteLength, nesting + 1);
          for (const d of inner.defects) defects.push(`in an encoded message/rfc822: ${d}`);
          if (!e.reading && !e.webArchive && !webArchive) for (const f of [inner.headers.find((h) => isNamed(h, "from"))?.value, ...attachedFrom(inner)]) beside.takeFrom(f);
          if (e.webArchive || webArchive) for (const x of inner.parts) if (x.contentType === "text/html" && x.text !== undefined) beside.keepWebPage(x.text);
          for (const x of [...inner.parts, ...(inner.alternates ?? [])]) alternates.push({ ...x, depth: x.depth + e.depth + 1, reading: "encoded-message" });
          for (const l of inner.links) if (links.length < MAX_URIS) links.push(l);
          addUris(inner.uris);
          hidden += inner.htmlHiddenChars;
          visible += inner.htmlVisibleChars;
          altTextBytes += inner.rawbody.length;
          altBody.push(inner.body);
          altRaw.push(inner.rawbody);
        }
      }
      continue;
    }
    // Pictures, attached PDFs, shortcuts and CSV files: what the checks look into (beside.ts).
    if (!e.reading) beside.part(type, part, e.end - bodyStart, content);
    // A web archive under another type (an octet stream, application/x-mimearchive): Windows opens
    // it by its name, so its page is read out of it as from one typed message/rfc822.
    if (webArchive && !e.webArchive && beside.wantsPages && nesting < MAX_ENCODED_NESTING && e.end - bodyStart <= MAX_WEB_ARCHIVE_ENCODED) {
      const inner = parseMessageSync(content(), { max_message_size: limits.max_message_size, max_mime_parts: MAX_WEB_ARCHIVE_PARTS, max_mime_depth: 4 }, undefined, nesting + 1);
      for (const x of inner.parts) if (x.contentType === "text/html" && x.text !== undefined) beside.keepWebPage(x.text);
    }
    // text/rtf is no text kas reads (the type check below skips it) but a document whose objects are listed, as application/rtf's.
    if (!type.startsWith("text/") || type === "text/rtf") {
      // sniffed-type: a reader going by content or file name shows this part as text.
      const head = content(SNIFF_BYTES).subarray(0, SNIFF_BYTES);
      const as = sniffedTextType(type, filename, head);
      // An archive or Office document known by its first bytes, or a page a browser opens.
      if (!e.reading) beside.document(type, part, head, e.end - bodyStart, content, as === "text/html");
      if (as) addAlt({ start: bodyStart, end: e.end, depth: e.depth, defaultType: as, reading: e.reading ?? "sniffed-type", as: { type: as, cte, charset: part.charset } });
      continue;
    }
    if (e.reading ? altTextBytes >= MAX_ALT_TEXT : textBytes >= MAX_TEXT) continue;
    if (type !== "text/plain" && type !== "text/html" && type !== "text/enriched" && type !== "text/richtext" && type !== "text/calendar") continue;
    let body = buf.subarray(bodyStart, e.end);
    if (body.byteLength > MAX_PART_TEXT * 2) {
      body = body.subarray(0, MAX_PART_TEXT * 2);
      defects.push("text part larger than 2 MiB: the rest not rendered");
      if (!e.reading) truncated = true; // the message's own reading is what `truncated` speaks of
    }
    const decoded = e.chunks ? base64Chunks(body) : decodeTransfer(body, cte, defects);
    // base64-padding: text after an early "=" is shown by readers that decode on.
    if (cte === "base64" && !e.chunks && hasBase64AfterPadding(body)) {
      addAlt({ start: bodyStart, end: e.end, depth: e.depth, defaultType: type, reading: e.reading ?? "base64-padding", as: { type, cte, charset: part.charset }, chunks: true });
    }
    let text = decodeText(decoded.byteLength > MAX_PART_TEXT ? decoded.subarray(0, MAX_PART_TEXT) : decoded, part.charset, defects);
    part.size = decoded.byteLength;
    part.text = text;
    if (e.reading) alternates[alternates.length - 1].size = decoded.byteLength;
    if (e.reading) altTextBytes += text.length;
    else textBytes += text.length;
    (e.reading ? altRaw : rawText).push(text);
    if (type === "text/html") {
      if (e.webArchive && !e.reading) beside.keepWebPage(text);
      else if (!e.reading && (part.disposition === "attachment" || part.filename !== undefined)) beside.takePageFiles(text);
      const r = renderHtml(text);
      hidden += r.hiddenChars;
      visible += r.visibleChars;
      for (const l of r.links) if (links.length < MAX_URIS) links.push(l);
      addUris(r.uris);
      addUris(findUris(r.text));
      // In multipart/alternative the plain sibling already carries the words; the rendering
      // would count every word twice (Bayes) and double every `multiple` rule.
      if (e.alternative?.hasPlain) continue;
      text = r.text;
    } else if (type === "text/calendar") {
      // An invitation's title, place, description and links, as readers draw them (calendar.ts).
      const shown = asRead(calendarText(text));
      visible += shown.length;
      addUris(findUris(shown));
      // Beside a plain sibling (Outlook's invitations), the plain part carries the same words.
      if (e.alternative?.hasPlain) continue;
      text = shown;
    } else {
      if (e.alternative) e.alternative.hasPlain = true;
      // html-in-plain: a reader that sniffs an HTML document in text/plain renders it.
      if (type === "text/plain" && startsAsHtml(text.slice(0, SNIFF_BYTES))) {
        addAlt({ start: bodyStart, end: e.end, depth: e.depth, defaultType: "text/html", reading: e.reading ?? "html-in-plain", as: { type: "text/html", cte, charset: part.charset } });
      }
      // What the reader sees: no invisible characters inside words, styled letters as letters
      // (invisible.ts, styled.ts); rawbody keeps them.
      text = asRead(text);
      visible += text.length;
      addUris(findUris(text));
    }
    (e.reading ? altBody : bodyText).push(text);
  }

  const subject = headers.find((h) => isNamed(h, "subject"))?.value ?? "";
  const primaryBody = bodyText.join("\n");
  const primaryRaw = rawText.join("\n");
  const msg: ParsedMessage = {
    headers,
    body: [asRead(subject), ...bodyText, ...novel(altBody, primaryBody)].join("\n"),
    rawbody: [...rawText, ...novel(altRaw, primaryRaw)].join("\n"),
    full: latin1(buf),
    uris: [...uris],
    links,
    parts,
    alternates,
    htmlHiddenChars: hidden,
    htmlVisibleChars: visible,
    truncated,
    defects: [...new Set(defects)].slice(0, 50),
    size: Math.max(size, raw.byteLength),
  };
  // QR codes drawn as a table of painted cells or as block characters: pictures like the others
  // (text-qr.ts). Read once, by the top walk: its rawbody holds the encoded messages' text too,
  // and a nested walk's pictures are not kept.
  beside.attach(msg, nesting === 0 ? textQrPictures(msg.rawbody) : []);
  return msg;
}

/** Texts of alternate readings that the primary text does not already hold (once each). */
function novel(texts: string[], primary: string): string[] {
  const seen = new Set<string>();
  return texts.filter((t) => {
    const k = t.trim();
    if (!k || seen.has(k) || primary.includes(k)) return false;
    seen.add(k);
    return true;
  });
}

/** The parts that the other readings of one multipart find and the RFC reading does not (readings.ts). */
function otherSplits(buf: Uint8Array, start: number, end: number, lines: BoundaryLine[], main: ReturnType<typeof splitAt>): [ReadingCase, Span[]][] {
  const out: [ReadingCase, Span[]][] = [];
  const known = new Set(main.parts.map((p) => `${p.start}:${p.end}`));
  const fresh = (spans: Span[]) => spans.filter((s) => !known.has(`${s.start}:${s.end}`));
  if (lines.some((l) => !l.rfc)) out.push(["prefix-line", fresh(splitAt(buf, start, end, lines, () => true).parts)]);
  if (lines.some((l) => l.padded)) out.push(["padded-line", fresh(splitAt(buf, start, end, lines, (l) => l.rfc && !l.padded).parts)]);
  if (main.closed && main.epilogue < end) {
    const rest = lines.filter((l) => l.at >= main.epilogue && l.rfc);
    if (rest.length) out.push(["after-close", fresh(splitAt(buf, main.epilogue, end, rest, () => true).parts)]);
  }
  return out;
}
