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
import { archiveKind, PAGE_NAME, readArchive, type ArchiveFacts } from "./archive";
import { pageArchives, scriptUrls } from "./page-files";
import { ISO_NAME } from "./archive-iso";
import { latin1 } from "./header-text";
import { isShortcutName, MAX_SHORTCUT_BYTES, type Shortcut, shortcutOf } from "./shortcut";
import { csvDdeFormula, isCsv, MAX_CSV_BYTES } from "./csv";
import { renderHtml } from "./html";
import { asRead } from "./styled";
import { textQrPictures } from "./text-qr";
import { calendarText } from "./calendar";
import { base64Chunks, decodeHeaderValue, decodeText, decodeTransfer, hasBase64AfterPadding, isNamed, parseFields, splitEntity } from "./mime";
import { boundaryLines, splitAt, type BoundaryLine } from "./multipart";
import { parseParamValue } from "./params";
import { readPdf, type PdfFacts } from "./pdf";
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
/** Pictures kept for checks that look into them (checks/qr.ts): how many, and how large encoded. */
const MAX_IMAGES = 8;
const MAX_IMAGE_ENCODED = 1536 * 1024;
/** Attached PDFs whose links and actions are read (pdf.ts): how many, and how large encoded. */
const MAX_PDFS = 3;
const MAX_PDF_ENCODED = 6 * 1024 * 1024;
const PDF_NAME = /\.pdf$/i;
/** Attached archives and Office documents whose insides are listed (archive.ts): how many, and how large encoded. */
const MAX_ARCHIVES = 4;
const MAX_ARCHIVE_ENCODED = 8 * 1024 * 1024;
/** Attached Internet shortcuts read a message (shortcut.ts). */
const MAX_SHORTCUTS = 4;
/** Pages kept for the attachment checks that the part list does not carry as text: those of attached web archives, and pages under another type. */
const MAX_WEB_PAGES = 4;
/**
 * A page under a type that is not text (an octet stream named Invoice.html, an SVG picture, an
 * XHTML file): a browser opens it by its name or content and runs its script. Its first
 * MAX_PAGE_BYTES are kept as an attached page's (as archive.ts keeps a zipped page's).
 */
const PAGE_TYPE = /^(?:image\/svg\+xml|application\/xhtml\+xml)$/;
const MAX_PAGE_BYTES = 256 * 1024;
/** Attached messages whose From is kept for the phishing check (a forwarded lure; a digest of hundreds needs no more). */
const MAX_ATTACHED_FROM = 4;
/** A web archive (.mht: a MIME message of a page and its pictures) by its name: Windows opens it in the browser. */
const WEB_ARCHIVE_NAME = /\.mht(?:ml)?$/i;
/** A web archive under another type is parsed apart: at most this large encoded, and this many parts. */
const [MAX_WEB_ARCHIVE_ENCODED, MAX_WEB_ARCHIVE_PARTS] = [2 * 1024 * 1024, 32];

/** A data: picture in the HTML (<img src="data:image/png;base64,…">): a picture like a part. */
const DATA_PICTURE = /^data:image\/(?:png|jpe?g|gif)(?:;[\w.+-]+=[^,;]*)*;base64,/i;

/** A PNG, JPEG or GIF part of the RFC reading, or such a data: URI of its HTML; its bytes are decoded only when a check asks. */
export interface ImagePart {
  contentType: string;
  /** Encoded size in the message. */
  encodedSize: number;
  bytes(): Uint8Array;
}
// What the parse learnt for the checks, beside the ParsedMessage rather than in it: the parse
// result is compared structurally (the mailparser oracle, engine-equal), and none of this is
// one of the views rules match.
interface Beside {
  images: ImagePart[];
  pdfs: PdfFacts[];
  archives: ArchiveFacts[];
  shortcuts: Shortcut[];
  /** An attached CSV file has a DDE formula in a cell (csv.ts). */
  csvDde: boolean;
  /** The markup of attached pages the part list holds no text of (web archives' pages, pages under another type), at most MAX_WEB_PAGES. */
  webPages: string[];
  openRedirect: boolean;
  /** The From fields of attached messages (message/rfc822), decoded, at most MAX_ATTACHED_FROM. */
  attachedFrom: string[];
}
const BESIDE = new WeakMap<ParsedMessage, Beside>();
/** The message's pictures, parts first (at most MAX_IMAGES, each at most MAX_IMAGE_ENCODED bytes encoded). */
export const imageParts = (msg: ParsedMessage): ImagePart[] => BESIDE.get(msg)?.images ?? [];
/** What the message's attached PDFs do (pdf.ts), at most MAX_PDFS; their links are in `uris` too. */
export const pdfFacts = (msg: ParsedMessage): PdfFacts[] => BESIDE.get(msg)?.pdfs ?? [];
/** What the message's attached archives and Office documents hold (archive.ts), at most MAX_ARCHIVES; an Office document's external links are in `uris` too. */
export const archiveFacts = (msg: ParsedMessage): ArchiveFacts[] => BESIDE.get(msg)?.archives ?? [];
/** Where the message's attached Internet shortcuts (.url) lead, at most MAX_SHORTCUTS; a web address among them is in `uris` too. */
export const shortcutFacts = (msg: ParsedMessage): Shortcut[] => BESIDE.get(msg)?.shortcuts ?? [];
/** Whether an attached CSV file (at most its first MAX_CSV_BYTES) has a cell Excel runs as a DDE formula (csv.ts). */
export const csvDde = (msg: ParsedMessage): boolean => BESIDE.get(msg)?.csvDde ?? false;
/**
 * Attached pages the part list holds no text of, at most MAX_WEB_PAGES: the pages inside the
 * message's attached web archives (.mht, .mhtml; parsed as attached messages) and pages under a
 * type that is not text (Invoice.html as an octet stream, an SVG picture). The browser opens them.
 */
export const attachedPages = (msg: ParsedMessage): string[] => BESIDE.get(msg)?.webPages ?? [];
/** The From fields of the messages attached to it (message/rfc822, digests' parts, encoded ones), at most MAX_ATTACHED_FROM: who a forwarded lure claims to be from. */
export const attachedFrom = (msg: ParsedMessage): string[] => BESIDE.get(msg)?.attachedFrom ?? [];
/** Whether one of the message's links went through an open redirect phishing uses (redirects.ts; its destination is in `uris`). */
export const viaOpenRedirect = (msg: ParsedMessage): boolean => BESIDE.get(msg)?.openRedirect ?? false;

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
  const images: ImagePart[] = [];
  const pdfs: PdfFacts[] = [];
  const archives: ArchiveFacts[] = [];
  const shortcuts: Shortcut[] = [];
  let csvDdeSeen = false;
  const webPages: string[] = [];
  // An attached page the part list holds no text of (a web archive's, one under another type), and what it carries.
  const keepWebPage = (html: string) => {
    if (webPages.length < MAX_WEB_PAGES) webPages.push(html);
    takePageFiles(html);
  };
  // What an attached page carries (page-files.ts): archives as data: URIs, as attached
  // archives; the web addresses its scripts send the reader or the form to, as its links.
  const takePageFiles = (html: string) => {
    if (/<script/i.test(html)) addUris(scriptUrls(html));
    if (archives.length >= MAX_ARCHIVES || !html.includes("data:application/")) return;
    for (const facts of pageArchives(html)) if (archives.length < MAX_ARCHIVES) archives.push(facts);
  };
  // Pictures found inside attachments (a PDF's, an Office document's), known by their first bytes.
  const keepPictures = (pictures: Uint8Array[]) => {
    for (const p of pictures) if (images.length < MAX_IMAGES) images.push({ contentType: p[0] === 0xff ? "image/jpeg" : p[0] === 0x47 ? "image/gif" : "image/png", encodedSize: p.byteLength, bytes: () => p });
  };
  const uris = new Set<string>();
  let textBytes = 0;
  let altTextBytes = 0;
  let hidden = 0;
  let visible = 0;
  // A link through a known redirector (google.com/url?q=…, Safe Links) brings its destination
  // along, right after it: the link checks, uri rules and URI block lists judge both (redirects.ts).
  let openRedirect = false;
  const attached: string[] = [];
  const takeFrom = (from: string | undefined) => from !== undefined && attached.length < MAX_ATTACHED_FROM && attached.push(from);
  const addUris = (list: Iterable<string>) => {
    for (const u of list) {
      if (uris.size >= MAX_URIS) return;
      uris.add(u);
      const via = unwrap(u);
      openRedirect ||= via.abused;
      for (const t of via.targets) if (uris.size < MAX_URIS) uris.add(t);
    }
  };
  /** An Internet shortcut attached or zipped: where it leads (a web address is one of the message's links). */
  const takeShortcut = (s: Shortcut) => {
    shortcuts.push(s);
    if (s.url && /^https?:\/\//i.test(s.url)) addUris([s.url]);
  };

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
    if (innerFrom !== undefined) takeFrom(decodeHeaderValue(innerFrom, []));
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
          if (!e.reading && !e.webArchive && !webArchive) for (const f of [inner.headers.find((h) => isNamed(h, "from"))?.value, ...attachedFrom(inner)]) takeFrom(f);
          if (e.webArchive || webArchive) for (const x of inner.parts) if (x.contentType === "text/html" && x.text !== undefined) keepWebPage(x.text);
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
    if (!e.reading && /^image\/(?:png|jpeg|jpg|pjpeg|gif)$/.test(type) && images.length < MAX_IMAGES && e.end - bodyStart <= MAX_IMAGE_ENCODED) {
      images.push({ contentType: type, encodedSize: e.end - bodyStart, bytes: () => content() });
    }
    // An attached PDF's links are the message's links: the link checks, uri rules and URI
    // block lists see them (pdf.ts reads only its link annotations and actions).
    if (!e.reading && (type === "application/pdf" || (part.filename !== undefined && PDF_NAME.test(part.filename.trim()))) && pdfs.length < MAX_PDFS && e.end - bodyStart <= MAX_PDF_ENCODED) {
      const facts = readPdf(content());
      pdfs.push(facts);
      addUris(facts.uris);
      // A PDF whose content is a QR code: its picture is read like the mail's own (checks/qr.ts).
      keepPictures(facts.pictures);
    }
    // An attached Internet shortcut: where it leads (a web address is one of the message's links).
    if (!e.reading && shortcuts.length < MAX_SHORTCUTS && isShortcutName(part.filename)) {
      takeShortcut(shortcutOf(content(MAX_SHORTCUT_BYTES)));
    }
    // A web archive under another type (an octet stream, application/x-mimearchive): Windows opens
    // it by its name, so its page is read out of it as from one typed message/rfc822.
    if (webArchive && !e.webArchive && webPages.length < MAX_WEB_PAGES && nesting < MAX_ENCODED_NESTING && e.end - bodyStart <= MAX_WEB_ARCHIVE_ENCODED) {
      const inner = parseMessageSync(content(), { max_message_size: limits.max_message_size, max_mime_parts: MAX_WEB_ARCHIVE_PARTS, max_mime_depth: 4 }, undefined, nesting + 1);
      for (const x of inner.parts) if (x.contentType === "text/html" && x.text !== undefined) keepWebPage(x.text);
    }
    // An attached spreadsheet as text, whatever its type says (Windows types .csv as Excel's): a cell with a DDE formula.
    if (!e.reading && !csvDdeSeen && isCsv(type, part.filename)) csvDdeSeen = csvDdeFormula(content(MAX_CSV_BYTES));
    // text/rtf is no text kas reads (the type check below skips it) but a document whose objects are listed, as application/rtf's.
    if (!type.startsWith("text/") || type === "text/rtf") {
      // sniffed-type: a reader going by content or file name shows this part as text.
      const head = content(SNIFF_BYTES).subarray(0, SNIFF_BYTES);
      // An archive or Office document, known by its first bytes whatever its name and type
      // say: what it holds is listed for the attachment checks, and an Office document's
      // external links and targets join the message's links, as a PDF's do.
      if (!e.reading && archives.length < MAX_ARCHIVES && e.end - bodyStart <= MAX_ARCHIVE_ENCODED && (archiveKind(head) || (part.filename !== undefined && ISO_NAME.test(part.filename.trim())))) {
        const facts = readArchive(content());
        if (facts) {
          archives.push(facts);
          addUris([...facts.links, ...facts.remote]);
          // A zipped page's links and form targets, as an attached page's (where a sign-in form posts is the lure's address).
          for (const page of facts.pages) {
            addUris(renderHtml(page).uris);
            takePageFiles(page);
          }
          // A zipped shortcut, as an attached one (the DarkGate mails of 2024 zipped theirs).
          for (const s of facts.shortcuts) if (shortcuts.length < MAX_SHORTCUTS) takeShortcut(s);
          // An Office document's pictures, as a PDF's: a QR code in a .docx or .xlsx (2024's quishing).
          keepPictures(facts.pictures);
        }
      }
      // An SVG shown inline (a signature's logo, by Content-ID) is drawn, never opened: only a named or attached one counts.
      const page = PAGE_TYPE.test(type) ? part.filename !== undefined || part.disposition === "attachment" : part.filename !== undefined && PAGE_NAME.test(part.filename.trim());
      const as = sniffedTextType(type, filename, head);
      if (!e.reading && page && webPages.length < MAX_WEB_PAGES && !archiveKind(head)) {
        const markup = decodeText(content(MAX_PAGE_BYTES).subarray(0, MAX_PAGE_BYTES), part.charset, []);
        keepWebPage(markup);
        // Where its form posts and its links go, as a zipped page's; read as HTML below already
        // when the sniffed reading takes it for HTML (an octet stream named .htm).
        if (as !== "text/html") addUris(renderHtml(markup).uris);
      }
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
      if (e.webArchive && !e.reading) keepWebPage(text);
      else if (!e.reading && (part.disposition === "attachment" || part.filename !== undefined)) takePageFiles(text);
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
  for (const u of uris) {
    if (images.length >= MAX_IMAGES) break;
    const m = u.startsWith("data:") ? DATA_PICTURE.exec(u) : null;
    if (!m || u.length - m[0].length > MAX_IMAGE_ENCODED) continue;
    const b64 = u.slice(m[0].length);
    images.push({ contentType: "image", encodedSize: b64.length, bytes: () => new Uint8Array(Buffer.from(b64, "base64")) });
  }
  // QR codes drawn as a table of painted cells or as block characters: pictures like the others
  // (text-qr.ts). Read once, by the top walk: its rawbody holds the encoded messages' text too,
  // and a nested walk's pictures are not kept.
  if (nesting === 0) keepPictures(textQrPictures(msg.rawbody));
  if (images.length || pdfs.length || archives.length || shortcuts.length || csvDdeSeen || webPages.length || openRedirect || attached.length) BESIDE.set(msg, { images, pdfs, archives, shortcuts, csvDde: csvDdeSeen, webPages, openRedirect, attachedFrom: attached });
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
