import { expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { pdfCrypt } from "./pdf-lock";

const pdfEncryption = (text: string) => pdfCrypt(text).state;
import { readPdf } from "./pdf";

// qpdf made these and its own check sorts them (fixtures/pdf-locked/README.md): every revision
// of the standard security handler, with and without a user password.
const DIR = join(import.meta.dir, "../../fixtures/pdf-locked");
const files = readdirSync(DIR).filter((f) => /^(?:open|locked)-.*\.pdf$/.test(f));
const links = readdirSync(DIR).filter((f) => /^link-.*\.pdf$/.test(f));
const text = (f: string) => readFileSync(join(DIR, f)).toString("latin1");

test("the fixtures cover revisions 2 to 6, each locked and open", () => {
  for (const r of ["r2", "r3", "r4", "r5", "r6", "r6-xref"]) for (const kind of ["open", "locked"]) expect(files).toContain(`${kind}-${r}.pdf`);
});

test.each(files)("%s: asks for a password exactly when its user password is not empty", (f) => {
  expect(pdfEncryption(text(f))).toBe(f.startsWith("locked-") ? "locked" : "open");
  expect(readPdf(new Uint8Array(readFileSync(join(DIR, f)))).locked).toBe(f.startsWith("locked-"));
});

test("a PDF without /Encrypt is not encrypted; another security handler (certificates) always asks", () => {
  expect(pdfEncryption(readFileSync(join(DIR, "../pdf-pictures/qr-png.pdf")).toString("latin1"))).toBe("none");
  const pubsec = "%PDF-1.7\n5 0 obj\n<< /Filter /Adobe.PubSec /SubFilter /adbe.pkcs7.s5 /V 4 /R 4 >>\nendobj\ntrailer\n<< /Root 1 0 R /Encrypt 5 0 R /ID [<00112233445566778899aabbccddeeff><00112233445566778899aabbccddeeff>] >>\n";
  expect(pdfEncryption(pubsec)).toBe("locked");
});

test("the last trailer's /Encrypt counts (an update appends its own), and a broken dictionary is not scored as locked", () => {
  const locked = text("locked-r4.pdf");
  // The dictionary's /U changed: the empty password no longer checks, so the file reads as locked; its /R removed: unknown, not scored.
  expect(pdfEncryption(text("open-r4.pdf").replace(/\/U\s*<([0-9a-f]{2})/, (_m, h: string) => `/U <${((parseInt(h, 16) + 1) & 255).toString(16).padStart(2, "0")}`))).toBe("locked");
  expect(pdfEncryption(locked.replace(/\/R 4\b/, "/Q 4"))).toBe("open");
  expect(pdfEncryption(locked.replace(/\/Encrypt\s+\d+\s+\d+\s+R/g, "/Encrypt 999 0 R"))).toBe("open");
});

test("the link fixtures cover revisions 2 to 6, each with the link in a plain object and in an object stream", () => {
  for (const r of ["r2", "r3", "r4", "r5", "r6"]) for (const where of ["", "-objstm"]) expect(links).toContain(`link-${r}${where}.pdf`);
});

test.each(links)("%s: opens without a password, and its link is read decrypted, as from the file in the clear", (f) => {
  const clear = readPdf(new Uint8Array(readFileSync(join(DIR, "link.pdf"))));
  expect(clear.uris).toEqual(["https://remittance-docs.web.app/view?id=88231"]);
  const encrypted = readFileSync(join(DIR, f));
  expect(encrypted.toString("latin1")).not.toContain("remittance-docs");
  expect(readPdf(new Uint8Array(encrypted))).toEqual({ ...clear, locked: false });
});

test("an encrypted PDF's strings are ciphertext: one written in the clear decrypts to noise and is no link", () => {
  const withLink = text("open-r3.pdf").replace("%PDF-1.", "%PDF-1.").concat("\n99 0 obj << /S /URI /URI (https://seen-in-clear.example/) >> endobj\n");
  expect(readPdf(new Uint8Array(Buffer.from(withLink, "latin1"))).uris).toEqual([]);
  expect(readPdf(new Uint8Array(Buffer.from("%PDF-1.7\n1 0 obj << /S /URI /URI (https://plain.example/) >> endobj\n", "latin1"))).uris).toEqual(["https://plain.example/"]);
});

test("every prefix and byte-flipped copy of a locked R6 file gives an answer, never a throw", () => {
  const b = readFileSync(join(DIR, "locked-r6.pdf"));
  for (let n = 0; n < b.length; n += 7) pdfEncryption(b.subarray(0, n).toString("latin1"));
  for (let i = 0; i < b.length; i += 3) {
    const c = Buffer.from(b);
    c[i] ^= 0x55;
    expect(["none", "open", "locked"]).toContain(pdfEncryption(c.toString("latin1")));
  }
});

test("an open encrypted PDF's QR-sized picture is read decrypted, the same bytes as from the file in the clear; a locked one's is not read", () => {
  const clear = readPdf(new Uint8Array(readFileSync(join(DIR, "../pdf-pictures/qr-png.pdf")))).pictures;
  expect(clear).toHaveLength(1);
  for (const f of files) {
    const pictures = readPdf(new Uint8Array(readFileSync(join(DIR, f)))).pictures;
    if (f.startsWith("locked-")) expect(pictures).toEqual([]);
    else expect(pictures.map((p) => Buffer.from(p).toString("hex"))).toEqual(clear.map((p) => Buffer.from(p).toString("hex")));
  }
});
