import { expect, test } from "bun:test";
import { deflateSync } from "node:zlib";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pdfFacts } from "./beside";
import { parseMessageSync } from "./parse";
import { readPdf } from "./pdf";

const enc = (s: string) => new TextEncoder().encode(s);
const cat = (...parts: (string | Uint8Array)[]) => Buffer.concat(parts.map((p) => (typeof p === "string" ? Buffer.from(p, "latin1") : Buffer.from(p))));
/** A compressed object stream (ISO 32000-1 §7.5.7) holding `objects`, as PDF 1.5 writers pack annotations. */
const objStm = (objects: string[], filter = "/FlateDecode") => {
  let header = "";
  let body = "";
  objects.forEach((o, i) => {
    header += `${10 + i} ${body.length} `;
    body += o + "\n";
  });
  const data = deflateSync(Buffer.from(header + body, "latin1"));
  return cat(`7 0 obj\n<< /Type /ObjStm /N ${objects.length} /First ${header.length} /Length ${data.length} /Filter ${filter} >>\nstream\r\n`, data, "\nendstream\nendobj\n");
};

test("a link action written with backslashes or without the slashes is read as the browser it is handed to opens it", () => {
  // A PDF literal string writes a backslash as two (each written "\\\\" here): the action's link is https:\\kit.example\login.
  const pdf = enc("%PDF-1.4\n1 0 obj << /A << /S /URI /URI (https:\\\\\\\\kit.example\\\\login?next=\\\\x) >> >> endobj\n2 0 obj << /A << /S /URI /URI (https:pay.example/x) >> >> endobj\n%%EOF\n");
  expect(readPdf(pdf).uris).toEqual(["https://kit.example/login?next=\\x", "https://pay.example/x"]);
});

test("links in plain annotation objects, as literal strings (escapes, balanced parentheses) and hex strings", () => {
  const pdf = enc(
    "%PDF-1.4\n1 0 obj << /Type /Annot /Subtype /Link /A << /S /URI /URI (https://a.example/x\\(1\\)?q=\\061) >> >> endobj\n" +
      "2 0 obj << /A << /S /URI /URI <68747470733a2f2f622e6578616d706c652f> >> >> endobj\n" +
      "3 0 obj << /A << /URI (https://c.example/(nested)) >> >> endobj\n%%EOF\n",
  );
  expect(readPdf(pdf)).toEqual({ uris: ["https://a.example/x(1)?q=1", "https://b.example/", "https://c.example/(nested)"], script: false, pictures: [], locked: false, files: [] });
});

test("links packed in compressed object streams are read; other streams (page content, fonts, pictures) are not inflated", () => {
  const content = deflateSync(Buffer.from("BT (/URI (https://in-content.example/)) Tj ET"));
  const pdf = cat(
    "%PDF-1.7\n",
    objStm(["<< /Type /Annot /Subtype /Link /A << /S /URI /URI (https://packed.example/login) >> >>", "<< /S /JavaScript /JS (app.alert\\(1\\)) >>"]),
    `4 0 obj << /Length ${content.length} /Filter /FlateDecode >>\nstream\n`, content, "\nendstream\nendobj\n%%EOF\n",
  );
  expect(readPdf(pdf)).toEqual({ uris: ["https://packed.example/login"], script: true, pictures: [], locked: false, files: [] });
});

test("script and launch actions are named; a PDF without them is not", () => {
  expect(readPdf(enc("%PDF-1.4\n1 0 obj << /OpenAction << /S /Launch /F (cmd.exe) >> >> endobj")).script).toBe(true);
  expect(readPdf(enc("%PDF-1.4\n1 0 obj << /Names << /JavaScript 2 0 R >> >> endobj")).script).toBe(true);
  expect(readPdf(enc("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj")).script).toBe(false);
});

test("hostile PDFs cost bounded work and lose nothing: a deflate bomb, a corrupt or cut stream, a string left open, no header", () => {
  const bomb = deflateSync(Buffer.alloc(64 * 1024 * 1024, 0x20)); // 64 MB of spaces in ~64 KB
  const t0 = performance.now();
  expect(readPdf(cat("%PDF-1.7\n", `7 0 obj << /Type /ObjStm /Filter /FlateDecode >>\nstream\n`, bomb, "\nendstream\n1 0 obj << /URI (https://after.example/) >>"))).toEqual({ uris: ["https://after.example/"], script: false, pictures: [], locked: false, files: [] });
  expect(performance.now() - t0).toBeLessThan(5000); // a hang guard: the inflate stops at 1 MB
  expect(readPdf(cat("%PDF-1.7\n", "7 0 obj << /Type /ObjStm /Filter /FlateDecode >>\nstream\n", "not deflate at all", "\nendstream\n"))).toEqual({ uris: [], script: false, pictures: [], locked: false, files: [] });
  const cut = deflateSync(Buffer.from("<< /URI (https://cut.example/) >> << /URI (https://lost.example/) >>"));
  expect(readPdf(cat("%PDF-1.7\n7 0 obj << /Type /ObjStm /Filter /FlateDecode >>\nstream\n", cut.subarray(0, cut.length - 6), "\nendstream\n")).uris).toContain("https://cut.example/");
  expect(readPdf(enc("%PDF-1.4\n<< /URI (https://open.example/ never closed")).uris).toEqual([]);
  expect(readPdf(enc("<< /URI (https://no-header.example/) >>")).uris).toEqual([]);
  expect(readPdf(cat("%PDF-1.4\n", "stream\n".repeat(10_000))).uris).toEqual([]);
});

test("an attached PDF's links are the message's links: in `uris`, and its facts beside the message", () => {
  const raw = readFileSync(join(import.meta.dir, "../../fixtures/messages/phishing/pdf-link-lure.eml"));
  const msg = parseMessageSync(raw, { max_message_size: 20 * 1024 * 1024, max_mime_parts: 1000, max_mime_depth: 32 });
  expect(msg.uris).toContain("https://remittance-docs.web.app/view?id=88231");
  expect(pdfFacts(msg)).toEqual([{ uris: ["https://remittance-docs.web.app/view?id=88231"], script: false, pictures: [], locked: false, files: [] }]);
});

test("a file full of stream keywords or object-stream types without data is read in one pass", () => {
  for (const pad of ["stream\n", "<< /Type /ObjStm /Filter /FlateDecode >> ", "/Type/ObjStm stream "]) {
    const t0 = performance.now();
    expect(readPdf(cat("%PDF-1.4\n", pad.repeat(Math.floor((4 * 1024 * 1024) / pad.length)))).uris).toEqual([]);
    expect(performance.now() - t0).toBeLessThan(5000); // a hang guard
  }
});

test("embedded files (qpdf --add-attachment): their names, from a plain object, an object stream, a UTF-16 name, and encrypted files that open without a password; a locked file's are ciphertext", () => {
  const names = (f: string) => readPdf(new Uint8Array(readFileSync(join(import.meta.dir, "../../fixtures/pdf-locked", f)))).files;
  for (const f of ["embedded.pdf", "embedded-objstm.pdf", "embedded-r3.pdf", "embedded-r6.pdf"]) expect(names(f)).toEqual(["Invoice_0412.pdf.exe"]);
  for (const f of ["embedded-utf16.pdf", "embedded-utf16-r4.pdf"]) expect(names(f)).toEqual(["Счёт_0412.html"]);
  expect(names("embedded-locked.pdf")).toEqual([]);
  expect(names("link.pdf")).toEqual([]);
  // /UF is preferred to /F; "/F 6 0 R" inside /EF is no name; a name that decodes to control characters is none.
  const spec = (dict: string) => readPdf(new TextEncoder().encode(`%PDF-1.7\n5 0 obj ${dict} endobj`)).files;
  expect(spec("<< /Type /Filespec /F (INVOICE.PDF) /EF << /F 6 0 R >> /UF (Invoice.pdf.js) >>")).toEqual(["Invoice.pdf.js"]);
  expect(spec("<< /EF << /F 6 0 R /UF 6 0 R >> >>")).toEqual([]);
  expect(spec("<< /EF << /F 6 0 R >> /F (\\001\\002) >>")).toEqual([]);
});
