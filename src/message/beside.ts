// What the parse learns for the checks beside the views rules match: the message's pictures
// (the QR check), what its attached PDFs, archives, Office documents, shortcuts and CSV files
// hold, the pages a browser would open from it, the From of attached messages, and whether a
// link went through an open redirect. Kept beside the ParsedMessage, not in it: the parse
// result is compared structurally (the mailparser oracle, engine-equal), and none of this is
// one of the views rules match. parse.ts fills one Beside per walk as it meets the parts;
// every list has its bound here, so a message of a thousand attachments costs at most these.
import { archiveKind, PAGE_NAME, readArchive, type ArchiveFacts } from "./archive";
import { ISO_NAME } from "./archive-iso";
import { csvDdeFormula, isCsv, MAX_CSV_BYTES } from "./csv";
import { renderHtml } from "./html";
import { decodeText } from "./mime";
import { pageArchives, scriptUrls } from "./page-files";
import { readPdf, type PdfFacts } from "./pdf";
import { isShortcutName, MAX_SHORTCUT_BYTES, type Shortcut, shortcutOf } from "./shortcut";
import type { MimePart, ParsedMessage } from "./types";

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
/** A data: picture in the HTML (<img src="data:image/png;base64,…">): a picture like a part. */
const DATA_PICTURE = /^data:image\/(?:png|jpe?g|gif)(?:;[\w.+-]+=[^,;]*)*;base64,/i;

/** A PNG, JPEG or GIF part of the RFC reading, or such a data: URI of its HTML; its bytes are decoded only when a check asks. */
export interface ImagePart {
  contentType: string;
  /** Encoded size in the message. */
  encodedSize: number;
  bytes(): Uint8Array;
}
/** A part's body decoded: whole, or from at most 2 × `max` encoded bytes when only the first `max` are wanted. */
export type Content = (max?: number) => Uint8Array;

/** One walk's findings. `addUris` is the walk's own (the message's links): PDFs', archives', pages' and shortcuts' links join them. */
export class Beside {
  readonly images: ImagePart[] = [];
  readonly pdfs: PdfFacts[] = [];
  readonly archives: ArchiveFacts[] = [];
  readonly shortcuts: Shortcut[] = [];
  /** An attached CSV file has a DDE formula in a cell (csv.ts). */
  csvDde = false;
  /** The markup of attached pages the part list holds no text of (web archives' pages, pages under another type), at most MAX_WEB_PAGES. */
  readonly webPages: string[] = [];
  openRedirect = false;
  /** The From fields of attached messages (message/rfc822), decoded, at most MAX_ATTACHED_FROM. */
  readonly attachedFrom: string[] = [];

  constructor(private readonly addUris: (list: Iterable<string>) => void) {}

  /** Room for another attached page (a web archive is read apart only then). */
  get wantsPages(): boolean {
    return this.webPages.length < MAX_WEB_PAGES;
  }

  /** An attached page the part list holds no text of (a web archive's, one under another type), and what it carries. */
  keepWebPage(html: string): void {
    if (this.webPages.length < MAX_WEB_PAGES) this.webPages.push(html);
    this.takePageFiles(html);
  }

  /**
   * What an attached page carries (page-files.ts): archives as data: URIs, as attached
   * archives; the web addresses its scripts send the reader or the form to, as its links.
   */
  takePageFiles(html: string): void {
    if (/<script/i.test(html)) this.addUris(scriptUrls(html));
    if (this.archives.length >= MAX_ARCHIVES || !html.includes("data:application/")) return;
    for (const facts of pageArchives(html)) if (this.archives.length < MAX_ARCHIVES) this.archives.push(facts);
  }

  /** Pictures found inside attachments (a PDF's, an Office document's) or drawn in the text, known by their first bytes. */
  keepPictures(pictures: Uint8Array[]): void {
    for (const p of pictures) if (this.images.length < MAX_IMAGES) this.images.push({ contentType: p[0] === 0xff ? "image/jpeg" : p[0] === 0x47 ? "image/gif" : "image/png", encodedSize: p.byteLength, bytes: () => p });
  }

  /** An attached message's decoded From: who a forwarded lure claims to be from. */
  takeFrom(from: string | undefined): void {
    if (from !== undefined && this.attachedFrom.length < MAX_ATTACHED_FROM) this.attachedFrom.push(from);
  }

  /** An Internet shortcut attached or zipped: where it leads (a web address is one of the message's links). */
  private takeShortcut(s: Shortcut): void {
    this.shortcuts.push(s);
    if (s.url && /^https?:\/\//i.test(s.url)) this.addUris([s.url]);
  }

  /**
   * A part of the message's own reading that is not multipart or message: a picture, an attached
   * PDF (its links are the message's links: the link checks, uri rules and URI block lists see
   * them; a PDF whose content is a QR code gives its picture), an Internet shortcut, a CSV file
   * (Windows types .csv as Excel's, so any type) with a DDE formula.
   */
  part(type: string, part: MimePart, encodedSize: number, content: Content): void {
    if (/^image\/(?:png|jpeg|jpg|pjpeg|gif)$/.test(type) && this.images.length < MAX_IMAGES && encodedSize <= MAX_IMAGE_ENCODED) {
      this.images.push({ contentType: type, encodedSize, bytes: () => content() });
    }
    if ((type === "application/pdf" || (part.filename !== undefined && PDF_NAME.test(part.filename.trim()))) && this.pdfs.length < MAX_PDFS && encodedSize <= MAX_PDF_ENCODED) {
      const facts = readPdf(content());
      this.pdfs.push(facts);
      this.addUris(facts.uris);
      this.keepPictures(facts.pictures);
    }
    if (this.shortcuts.length < MAX_SHORTCUTS && isShortcutName(part.filename)) this.takeShortcut(shortcutOf(content(MAX_SHORTCUT_BYTES)));
    if (!this.csvDde && isCsv(type, part.filename)) this.csvDde = csvDdeFormula(content(MAX_CSV_BYTES));
  }

  /**
   * A part that is no text kas reads, by its first bytes `head`: an archive or Office document,
   * whatever its name and type say (what it holds is listed for the attachment checks; an
   * Office document's external links and targets, a zipped page's links and form targets and
   * a zipped shortcut's address join the message's links; its pictures are read for QR codes),
   * or a page a browser opens (`readAsHtml`: the walk renders it as HTML anyway, so only its
   * markup is kept here).
   */
  document(type: string, part: MimePart, head: Uint8Array, encodedSize: number, content: Content, readAsHtml: boolean): void {
    if (this.archives.length < MAX_ARCHIVES && encodedSize <= MAX_ARCHIVE_ENCODED && (archiveKind(head) || (part.filename !== undefined && ISO_NAME.test(part.filename.trim())))) {
      const facts = readArchive(content());
      if (facts) {
        this.archives.push(facts);
        this.addUris([...facts.links, ...facts.remote]);
        for (const page of facts.pages) {
          this.addUris(renderHtml(page).uris);
          this.takePageFiles(page);
        }
        // The DarkGate mails of 2024 zipped their shortcuts.
        for (const s of facts.shortcuts) if (this.shortcuts.length < MAX_SHORTCUTS) this.takeShortcut(s);
        // A QR code in a .docx or .xlsx (2024's quishing).
        this.keepPictures(facts.pictures);
      }
    }
    // An SVG shown inline (a signature's logo, by Content-ID) is drawn, never opened: only a named or attached one counts.
    const page = PAGE_TYPE.test(type) ? part.filename !== undefined || part.disposition === "attachment" : part.filename !== undefined && PAGE_NAME.test(part.filename.trim());
    if (page && this.webPages.length < MAX_WEB_PAGES && !archiveKind(head)) {
      const markup = decodeText(content(MAX_PAGE_BYTES).subarray(0, MAX_PAGE_BYTES), part.charset, []);
      this.keepWebPage(markup);
      if (!readAsHtml) this.addUris(renderHtml(markup).uris);
    }
  }

  /** Ends the walk: the HTML's data: pictures after the parts', then pictures `drawn` in the text (text-qr.ts), and the findings set beside `msg` (when there are any). */
  attach(msg: ParsedMessage, drawn: Uint8Array[]): void {
    for (const u of msg.uris) {
      if (this.images.length >= MAX_IMAGES) break;
      const m = u.startsWith("data:") ? DATA_PICTURE.exec(u) : null;
      if (!m || u.length - m[0].length > MAX_IMAGE_ENCODED) continue;
      const b64 = u.slice(m[0].length);
      this.images.push({ contentType: "image", encodedSize: b64.length, bytes: () => new Uint8Array(Buffer.from(b64, "base64")) });
    }
    this.keepPictures(drawn);
    const any = this.images.length || this.pdfs.length || this.archives.length || this.shortcuts.length || this.csvDde || this.webPages.length || this.openRedirect || this.attachedFrom.length;
    if (any) BESIDE.set(msg, this);
  }
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
