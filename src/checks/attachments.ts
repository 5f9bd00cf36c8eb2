// The attachment signs of the phishing check (phishing.ts runs them; rules/62_phishing.cf
// weighs them):
//   ATTACH_HTML, ATTACH_HTML_FORM, ATTACH_HTML_SCRIPT, ATTACH_HTML_REDIRECT (forwards the reader or frames a remote page; an attached page, the page of an attached web archive, .mht, or a page under another type)
//   ATTACH_HTML_SMUGGLING      an attached page builds a file from text and has the browser save it, or carries one as a data: URI (HTML smuggling)
//   ATTACH_HTML_CLIPBOARD_COMMAND  an attached page puts a command line on the clipboard ("ClickFix": paste it into Win+R)
//   ATTACH_HTML_DOC_NAME       an HTML or SVG page named as a document, picture or recording ("Invoice.pdf.html", "VM_0412.wav.htm")
//   ATTACH_BIDI_NAME           an attachment's name holds a bidirectional control (invoice<RLO>fdp.exe shows as invoiceexe.pdf)
//   ATTACH_DISK_IMAGE          a disk image attached (.iso .img .vhd, or ISO 9660 bytes under any name): a container that hides an executable from scanners
//   ATTACH_ARCHIVE             an archive attached, by name, type or first bytes (for the metas: a password-protected one with its password in the text)
//   ATTACH_SHORTCUT_REMOTE_FILE  an Internet shortcut (.url), attached or in an archive, opens, or draws its icon from, a file on a remote share (message/shortcut.ts)
// What an archive, disk image or Office document holds (message/archive.ts lists it at parse time):
//   ATTACH_ARCHIVE_EXECUTABLE  an archive (or a Package object in an RTF or old Office document, or a PDF's embedded file) holds a program or script (the names of ATTACH_EXECUTABLE, rules/50_attachments.cf)
//   ATTACH_ARCHIVE_DOUBLE_EXT  ... named as a document ("Invoice.pdf.js")
//   ATTACH_ARCHIVE_HTML        an archive holds an HTML or SVG page (a sign-in page zipped past the HTML-attachment checks;
//                              the page itself is judged as an attached one: ATTACH_HTML_FORM, _SCRIPT, _REDIRECT)
//   ATTACH_ARCHIVE_DISK_IMAGE  an archive holds a disk image
//   ATTACH_ARCHIVE_NESTED      an archive holds another archive
//   ATTACH_ENCRYPTED           an archive, Office document or PDF is locked by a password (its content hidden from virus scanners;
//                              the PDF's is raised by phishing.ts checkPdfs)
//   ATTACH_OFFICE_MACRO        an Office document carries VBA or Excel 4.0 macros
//   ATTACH_EQUATION_EDITOR     an Office or RTF document embeds an Equation Editor object (CVE-2017-11882's carrier)
//   ATTACH_RTF_OBJECT          an RTF document embeds an OLE object (Word loads it as the file opens)
//   ATTACH_OFFICE_DDE          a Word or RTF field, an Excel link or a CSV cell's formula (message/csv.ts) runs a program through DDE when the document opens
//   ATTACH_OFFICE_REMOTE       an Office document loads a template, object or frame from elsewhere when opened
//   ATTACH_OFFICE_REMOTE_CODE  ... through a scheme that runs code (ms-msdt:, mhtml:, search-ms: ...), Follina's "!" form, or an OLE2Link object
import { type ArchiveFacts, isDocument, PAGE_NAME } from "../message/archive";
import { archiveFacts, attachedPages, csvDde, pdfFacts, shortcutFacts } from "../message/beside";
import { DATA_FILE } from "../message/page-files";
import { REMOTE_FILE, type Shortcut } from "../message/shortcut";
import type { MimePart, ParsedMessage } from "../message/types";
import { EXECUTABLE_EXTENSIONS } from "./phishing-data";

// A page that opens in the browser under a document's name: the reader expects a PDF, a sheet or
// a voicemail and gets a sign-in form (HTML smuggling and credential pages are sent so).
const DOC_AS_HTML_NAME = /\.(?:pdf|docx?|xlsx?|xls[mb]|pptx?|csv|txt|rtf|odt|ods|jpe?g|png|gif|tiff?|wav|mp3|m4a|ogg|zip|rar|7z|eml|msg)[\s_.-]{0,5}\.(?:s?html?|xhtml|svg|shtm)$/i;

// Unicode bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069): a
// file name has no use for them, and a right-to-left override makes the end of the name read
// backwards, so "invoice<U+202E>fdp.exe" shows as "invoiceexe.pdf".
const BIDI_CONTROL = /[\u202a-\u202e\u2066-\u2069]/;
// Disk images: Windows mounts them with a double click and the files inside carry no
// "downloaded from the Internet" mark, which is why malware is sent in them.
const DISK_IMAGE_NAME = /\.(?:iso|img|vhdx?)$/i;
const ARCHIVE_NAME = /\.(?:zip|7z|rar|ace|arj|cab|gz|tgz|bz2|xz|tar|lzh|uue)$/i;
const ARCHIVE_TYPE = /^application\/(?:zip|x-zip(?:-compressed)?|x-7z-compressed|x-rar(?:-compressed)?|vnd\.rar|gzip|x-gzip|x-tar)$/;

/**
 * Attachments: HTML (or SVG) files, a local page that shows a login form, runs script or
 * forwards the reader; names that disguise their type; disk images and archives; what
 * archives and Office documents hold.
 */
export function attachmentSymbols(msg: ParsedMessage, out: Set<string>): void {
  for (const p of msg.parts) checkAttachment(p, out);
  for (const p of msg.alternates ?? []) checkAttachment(p, out);
  // The page of a web archive (.mht: a MIME message of a page and its pictures, which Windows
  // opens in the browser; the parse reads it as an attached message) is an attached page, and
  // so is a page under a type that is not text (an octet stream named .html, an SVG picture).
  for (const page of attachedPages(msg)) {
    out.add("ATTACH_HTML");
    pageSigns(page, out);
  }
  for (const a of archiveFacts(msg)) checkArchive(a, out);
  // A PDF's embedded files are judged as an archive's names: a program or page carried inside a document.
  for (const p of pdfFacts(msg)) checkNames(p.files, true, out);
  if (csvDde(msg)) out.add("ATTACH_OFFICE_DDE");
  if (shortcutFacts(msg).some(remoteShortcut)) out.add("ATTACH_SHORTCUT_REMOTE_FILE");
}

const remoteShortcut = ({ url, icon }: Shortcut) => (url !== undefined && REMOTE_FILE.test(url)) || (icon !== undefined && REMOTE_FILE.test(icon));

function checkAttachment(p: MimePart, out: Set<string>): void {
  if (p.filename) {
    if (BIDI_CONTROL.test(p.filename)) out.add("ATTACH_BIDI_NAME");
    if (DISK_IMAGE_NAME.test(p.filename.trim())) out.add("ATTACH_DISK_IMAGE");
    if (ARCHIVE_NAME.test(p.filename.trim())) out.add("ATTACH_ARCHIVE");
  }
  if (ARCHIVE_TYPE.test(p.contentType)) out.add("ATTACH_ARCHIVE");
  const named = p.filename && PAGE_NAME.test(p.filename);
  if (!named && !(p.disposition === "attachment" && p.contentType === "text/html")) return;
  out.add("ATTACH_HTML");
  if (named && DOC_AS_HTML_NAME.test(p.filename!.trim())) out.add("ATTACH_HTML_DOC_NAME");
  pageSigns(p.text ?? "", out);
}

/** What an attached page does when opened in a browser: shows a login form, runs script, forwards the reader. */
function pageSigns(t: string, out: Set<string>): void {
  if (/<form\b|<input\b[^>]{0,200}type\s*=\s*["']?password/i.test(t)) out.add("ATTACH_HTML_FORM");
  if (/<script\b|\bon(?:load|error)\s*=/i.test(t)) out.add("ATTACH_HTML_SCRIPT");
  if (/<meta\b[^>]{0,200}http-equiv\s*=\s*["']?refresh|(?:window|document|top|self)\.location(?:\.href)?\s*=|location\.(?:replace|assign)\s*\(/i.test(t) || FRAMES_REMOTE.test(t)) out.add("ATTACH_HTML_REDIRECT");
  if (SMUGGLING.every((r) => r.test(t)) || DATA_FILE.test(t)) out.add("ATTACH_HTML_SMUGGLING");
  if (CLIPBOARD_WRITE.test(t) && COMMAND_LINE.test(t)) out.add("ATTACH_HTML_CLIPBOARD_COMMAND");
}

// A page that is a frame around a remote one (an <iframe>, <frame>, <embed> or <object> the size
// of the window): the local file shows the kit's live page, with no form or script of its own.
const FRAMES_REMOTE = /<(?:i?frame|embed)\b[^>]{0,300}?\ssrc\s*=\s*["']?\s*(?:https?:)?\/\/|<object\b[^>]{0,300}?\sdata\s*=\s*["']?\s*(?:https?:)?\/\//i;

// "ClickFix" (2024 on): a fake CAPTCHA or "fix this error" button copies a command to the
// clipboard, and the page tells the reader to press Win+R, Ctrl+V and Enter, so the reader runs
// it in the Run dialog: no download, no macro, no exploit for a gateway to see. The copy as
// scripts write it, and a command line as Windows' Run dialog takes one.
const CLIPBOARD_WRITE = /\bclipboard\s*\.\s*write(?:Text)?\s*\(|\bexecCommand\s*\(\s*["'`]copy["'`]|\bclipboardData\s*\.\s*setData\s*\(/;
const COMMAND_LINE = /\b(?:powershell|pwsh|mshta|rundll32|regsvr32|msiexec|wscript|cscript|certutil|bitsadmin|conhost)(?:\.exe)?\b|\bcmd(?:\.exe)?\s+\/[ck]\b/i;

// HTML smuggling: the page carries a file as text, turns it into bytes and has the browser save
// it, so the file (an archive, a disk image, a script) never crosses the mail gateway as an
// attachment. All three steps, each as browsers spell them: a Blob (or IE's msSaveBlob), bytes
// from text (atob, a typed array, fromCharCode), a download.
// ... or the file written into the page as a data: URI of an archive, a disk image, a program
// or a script, for a download link or a script to save (no Blob needed): message/page-files.ts DATA_FILE.
const SMUGGLING = [/\bnew\s+Blob\s*\(|\bmsSave(?:OrOpen)?Blob\b/, /\batob\s*\(|\bUint8Array\b|\bfromCharCode\b/, /\.download\s*=|\bsetAttribute\s*\(\s*["']download["']|\bmsSave(?:OrOpen)?Blob\b/];

const EXECUTABLE_NAME = new RegExp(`\\.(?:${EXECUTABLE_EXTENSIONS.join("|")})$`, "i");
// The document extensions of ATTACH_DOUBLE_EXT (rules/50_attachments.cf), before a program's.
const DOCUMENT_THEN_EXECUTABLE = new RegExp(`\\.(?:pdf|docx?|xlsx?|pptx?|txt|rtf|jpe?g|gif|png|bmp|zip|rar|html?|mp3|mpe?g|avi|wav)[\\s_.-]{0,40}\\.(?:${EXECUTABLE_EXTENSIONS.join("|")})$`, "i");
/** Schemes that hand the target to a program rather than fetch a file (Follina: ms-msdt:; mhtml: loads script in the old HTML engine). */
const CODE_SCHEME = /^(?:ms-[\w-]+|mhtml|search-ms|its|mk|vbscript|javascript):/i;

/** A name inside an archive without its folders ("docs/Scan.js" is "Scan.js"). */
const baseName = (path: string) => path.slice(path.lastIndexOf("/") + 1).trim();

function checkArchive(a: ArchiveFacts, out: Set<string>): void {
  const container = !isDocument(a.kind);
  if (a.kind === "iso") out.add("ATTACH_DISK_IMAGE"); // whatever it is named
  else if (container) out.add("ATTACH_ARCHIVE");
  if (a.encrypted) out.add("ATTACH_ENCRYPTED");
  if (a.macro) out.add("ATTACH_OFFICE_MACRO");
  if (a.equation) out.add("ATTACH_EQUATION_EDITOR");
  if (a.dde) out.add("ATTACH_OFFICE_DDE");
  if (a.kind === "rtf" && a.objects.length) out.add("ATTACH_RTF_OBJECT"); // an old document's objects are listed only when they are Packages or links
  if (a.remote.length) out.add("ATTACH_OFFICE_REMOTE");
  // Follina's target is an HTML page whose address ends in "!" (it makes Word hand it to the MSHTML engine).
  // An OLE2Link object (an RTF's, or a .doc's linked object) fetches its target as Word opens the
  // file, and runs it if it is a script (CVE-2017-0199): the object kind is the exploit's, whatever the address looks like.
  const ole2link = a.remote.length > 0 && a.objects.some((c) => /^ole2link$/i.test(c));
  if (ole2link || a.remote.some((t) => CODE_SCHEME.test(t) || t.endsWith("!"))) out.add("ATTACH_OFFICE_REMOTE_CODE");
  // A zipped page is judged as an attached one (ATTACH_HTML_FORM and the rest, and so PHISH_HTML_ATTACHMENT).
  for (const page of a.pages) pageSigns(page, out);
  checkNames(a.names, container, out);
}

/** The names of the files a container (or a document's objects) holds: programs, and for containers pages, disk images and archives the reader opens from it. */
function checkNames(names: string[], container: boolean, out: Set<string>): void {
  for (const full of names) {
    const name = baseName(full);
    if (EXECUTABLE_NAME.test(name)) {
      out.add("ATTACH_ARCHIVE_EXECUTABLE");
      if (DOCUMENT_THEN_EXECUTABLE.test(name)) out.add("ATTACH_ARCHIVE_DOUBLE_EXT");
    }
    if (!container) continue; // an Office document's own parts are XML and binaries, never pages or archives the reader opens
    if (PAGE_NAME.test(name)) out.add("ATTACH_ARCHIVE_HTML");
    if (DISK_IMAGE_NAME.test(name)) out.add("ATTACH_ARCHIVE_DISK_IMAGE");
    if (ARCHIVE_NAME.test(name)) out.add("ATTACH_ARCHIVE_NESTED");
  }
}

/** Names shown per archive in the notes. */
const MAX_NOTED = 5;

/**
 * What the archive signs saw, for the scan's notes, so an administrator reads why a message
 * scored ("zip holds \"Invoice_0412.pdf.js\""): the programs, pages and disk images inside,
 * the targets an Office document loads, where a shortcut to a share leads. Names are the
 * sender's bytes: quoted as JSON and cut at 120 characters (the log writer escapes the rest).
 */
export function archiveNotes(msg: ParsedMessage): string[] {
  const notes: string[] = [];
  for (const a of archiveFacts(msg)) {
    const telling = a.names.filter(tellingName);
    if (telling.length) notes.push(`attachments: ${a.kind} holds ${listed(telling)}`);
    const doc = a.kind === "rtf" ? "rtf document" : "office document";
    if (a.remote.length) notes.push(`attachments: ${doc} loads ${listed(a.remote)} when opened`);
    if (a.dde) notes.push(`attachments: ${doc} runs a program through DDE when opened`);
    if (a.objects.length) notes.push(`attachments: ${doc} embeds ${listed(a.objects)}`);
  }
  for (const p of pdfFacts(msg)) {
    const telling = p.files.filter(tellingName);
    if (telling.length) notes.push(`attachments: pdf holds ${listed(telling)}`);
  }
  if (pdfFacts(msg).some((p) => p.locked)) notes.push("attachments: pdf opens only with a password");
  if (csvDde(msg)) notes.push("attachments: csv file runs a program through a DDE formula when opened in Excel");
  for (const s of shortcutFacts(msg).filter(remoteShortcut)) notes.push(`attachments: shortcut opens ${quote(s.url ?? "")}${s.icon && REMOTE_FILE.test(s.icon) ? ` with its icon from ${quote(s.icon)}` : ""}`);
  return notes;
}

const quote = (s: string) => JSON.stringify(s.slice(0, 120));
/** The first MAX_NOTED of a list, quoted, and how many more. */
const listed = (list: string[]) => `${list.slice(0, MAX_NOTED).map(quote).join(", ")}${list.length > MAX_NOTED ? ` and ${list.length - MAX_NOTED} more` : ""}`;
/** A name worth showing: a program, a page or a disk image. */
const tellingName = (full: string) => [EXECUTABLE_NAME, PAGE_NAME, DISK_IMAGE_NAME].some((r) => r.test(baseName(full)));

