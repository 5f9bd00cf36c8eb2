import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { deflateRawSync, gzipSync } from "node:zlib";
import { archiveKind, readArchive, type ArchiveFacts } from "./archive";
import { readSevenZip } from "./archive-7z";

const DIR = join(import.meta.dir, "../../fixtures/archives");
const file = (f: string) => new Uint8Array(readFileSync(join(DIR, f)));
const facts = (f: string) => readArchive(file(f))!;

/** A ZIP of the given entries (local headers, central directory, end record), as APPNOTE 4.3 lays them out. */
function zipOf(entries: { name: string; data: Uint8Array; deflate?: boolean; flags?: number }[]): Uint8Array {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const body = e.deflate ? deflateRawSync(e.data) : Buffer.from(e.data);
    const name = Buffer.from(e.name, "utf8");
    // The fields both records share, from the flags on (the central directory has one more field before them).
    const shared = (r: Buffer, at: number) => {
      r.writeUInt16LE((e.flags ?? 0) | 0x800, at);
      r.writeUInt16LE(e.deflate ? 8 : 0, at + 2);
      r.writeUInt32LE(body.length, at + 12);
      r.writeUInt32LE(e.data.length, at + 16);
      r.writeUInt16LE(name.length, at + 20);
      return r;
    };
    const h = shared(Buffer.alloc(30), 6);
    h.writeUInt32LE(0x04034b50, 0);
    h.writeUInt16LE(20, 4);
    const c = shared(Buffer.alloc(46), 8);
    c.writeUInt32LE(0x02014b50, 0);
    c.writeUInt16LE(20, 4);
    c.writeUInt16LE(20, 6);
    c.writeUInt32LE(offset, 42);
    locals.push(h, name, body);
    centrals.push(c, name);
    offset += 30 + name.length + body.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...locals, cd, end]));
}

describe("what an archive holds, from files made by the tools that make them", () => {
  test.each([
    ["made/invoice-js.zip", "zip", ["Invoice_0412.pdf.js", "report.txt"], false],
    ["made/locked-zipcrypto.zip", "zip", ["statement.exe"], true],
    ["made/locked-aes.zip", "zip", ["statement.exe"], true],
    ["made/page.zip", "zip", ["Document_View.html"], false],
    ["made/report.zip", "zip", ["report.txt"], false],
    ["made/scan.exe.gz", "gzip", ["scan.exe"], false],
    ["made/locked-names.7z", "7z", [], true],
    ["made/locked-data.7z", "7z", ["statement.exe"], true],
    ["made/invoice-locked.7z", "7z", ["Remittance_0412.pdf.exe", "notes.txt"], true],
    // libarchive's writer: its header packed with LZMA2, or written plain.
    ["made/bsdtar-lzma2.7z", "7z", ["Remittance_0412.pdf.exe", "notes.txt"], false],
    ["made/bsdtar-copy.7z", "7z", ["Remittance_0412.pdf.exe", "notes.txt"], false],
    ["made/plain.7z", "7z", ["report.txt"], false],
    ["made/page.7z", "7z", ["Document_View.html"], false],
    ["made/nested.7z", "7z", ["invoice-js.zip", "readme.txt", "invoice-js.zip/Invoice_0412.pdf.js", "invoice-js.zip/report.txt"], false],
  ] as const)("%s: a %s holding %o, locked: %p", (f, kind, names, encrypted) => {
    const a = facts(f);
    expect(a.kind).toBe(kind);
    expect([...a.names].sort()).toEqual([...names].sort());
    expect(a.encrypted).toBe(encrypted);
    expect(a.macro).toBe(false);
  });

  test("ISO 9660 disk images: the Joliet names when the image has them, else the primary descriptor's (as isoinfo lists them)", () => {
    expect(facts("made/shortcut-joliet.iso")).toMatchObject({ kind: "iso", names: ["Invoice_0412.pdf.lnk", "README.txt", "helper.dll", "docs/Scan_2026_Statement.js"] });
    expect(facts("made/shortcut-plain.iso")).toMatchObject({ kind: "iso", names: ["HELPER.DLL", "INVOICE_.LNK", "README.TXT", "DOCS/SCAN_202.JS"] });
  });

  test("an ISO directory that holds itself (or its parent) is walked once", () => {
    const iso = file("made/shortcut-plain.iso").slice();
    // DOCS's record in the root (sector 23) gets the root's own extent: the walk must end, with the root's names.
    const root = 23 * 2048;
    let p = root;
    while (String.fromCharCode(...iso.subarray(p + 33, p + 33 + iso[p + 32])) !== "DOCS") p += iso[p];
    new DataView(iso.buffer).setUint32(p + 2, 23, true);
    expect(readArchive(iso)!.names).toEqual(["HELPER.DLL", "INVOICE_.LNK", "README.TXT"]);
  });

  test("a 7z whose header is packed (LZMA, as 7-Zip writes one of more than a few files): its names as 7-Zip lists them, folders left out, and its lock", () => {
    const names = Array.from({ length: 40 }, (_, i) => `many/part_${i + 1}.txt`);
    const a = facts("made/locked-many.7z");
    expect(a).toMatchObject({ kind: "7z", encrypted: true });
    expect([...a.names].sort()).toEqual(names.sort());
  });

  test("an old .xls with an Excel 4.0 macro sheet (BoundSheet8 type 1, very hidden) has macros, read along the FAT chain in whatever order its sectors lie; an ordinary workbook has none", () => {
    expect(facts("made/xlm-macro.xls")).toMatchObject({ kind: "ole", macro: true, encrypted: false });
    expect(facts("made/xlm-scattered.xls")).toMatchObject({ kind: "ole", macro: true, encrypted: false });
    expect(facts("made/plain.xls")).toMatchObject({ kind: "ole", macro: false, encrypted: false });
  });

  test("a workbook whose globals hold a FilePass record is encrypted (what follows it, sheet types included, is ciphertext)", () => {
    // plain.xls's WriteAccess record (type 0x005C, 112 bytes; its stream is contiguous) retyped as FilePass.
    const xls = file("made/plain.xls").slice();
    const at = Buffer.from(xls).indexOf(Buffer.from([0x5c, 0x00, 0x70, 0x00]));
    expect(at).toBeGreaterThan(512);
    xls[at] = 0x2f;
    expect(readArchive(xls)).toMatchObject({ kind: "ole", encrypted: true, macro: false });
  });

  test("Equation Editor objects: in an Office Open XML document's embeddings, in an OLE2 file; another embedded object is none", () => {
    const content = { name: "[Content_Types].xml", data: new TextEncoder().encode("<Types/>") };
    const object = (inside: Buffer) => new Uint8Array(Buffer.concat([Buffer.from("d0cf11e0a1b11ae1", "hex"), Buffer.alloc(504), inside]));
    const docx = (inside: Buffer) => readArchive(zipOf([content, { name: "word/embeddings/oleObject1.bin", data: object(inside), deflate: true }]))!;
    expect(docx(Buffer.from("Equation Native", "utf16le"))).toMatchObject({ kind: "office", equation: true });
    expect(docx(Buffer.from("02ce020000000000c000000000000046", "hex"))).toMatchObject({ kind: "office", equation: true });
    expect(docx(Buffer.from("Workbook", "utf16le"))).toMatchObject({ kind: "office", equation: false });
    expect(readArchive(object(Buffer.from("Equation Native", "utf16le")))).toMatchObject({ kind: "ole", equation: true });
    expect(facts("made/plain.xls").equation).toBe(false);
  });

  test("DDE: a Word field instruction split over runs (DDE + AUTO), an Excel ddeLink; a PAGE field and a link whose text says DDE are not", () => {
    expect(facts("made/dde-field.docx")).toMatchObject({ kind: "office", dde: true });
    expect(facts("made/fields.docx")).toMatchObject({ kind: "office", dde: false });
    const content = { name: "[Content_Types].xml", data: new TextEncoder().encode("<Types/>") };
    const xlsx = (link: string) => readArchive(zipOf([content, { name: "xl/externalLinks/externalLink1.xml", data: new TextEncoder().encode(link), deflate: true }]))!;
    expect(xlsx('<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><ddeLink ddeService="cmd" ddeTopic="/c calc"/></externalLink>').dde).toBe(true);
    expect(xlsx('<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><externalBook r:id="rId1"/></externalLink>').dde).toBe(false);
    // Markup that never closes its tags: bounded patterns, not a scan of the rest per tag (1 MB of it).
    const hostile = new TextEncoder().encode("<w:instrText ".repeat(80_000));
    expect(readArchive(zipOf([content, { name: "word/document.xml", data: hostile, deflate: true }]))!.dde).toBe(false);
  });

  test("old Word documents (written by LibreOffice 7.4 as Word 97): a DDEAUTO field in their text, 8-bit or UTF-16, in the mini stream or along the FAT; a PAGE field is none", () => {
    expect(facts("made/dde-field.doc")).toMatchObject({ kind: "ole", dde: true, encrypted: false, objects: [] });
    expect(facts("made/dde-8bit.doc")).toMatchObject({ kind: "ole", dde: true });
    expect(facts("made/dde-long.doc")).toMatchObject({ kind: "ole", dde: true });
    expect(facts("made/plain.doc")).toMatchObject({ kind: "ole", dde: false, encrypted: false, macro: false, names: [], remote: [], objects: [] });
  });

  test("a workbook's DDE link (LibreOffice 7.4's .xls of =DDE(\"cmd\";\"/c calc\";\"A0\")): a SupBook naming the source and a DDE item; an external workbook link is none", () => {
    expect(facts("made/dde-link.xls")).toMatchObject({ kind: "ole", dde: true, macro: false });
    expect(facts("made/external-link.xls")).toMatchObject({ kind: "ole", dde: false });
    expect(facts("made/plain.xls").dde).toBe(false);
    const xls = file("made/dde-link.xls");
    const at = Buffer.from(xls).indexOf(Buffer.from("cmd\x03/c calc", "latin1"));
    expect(at).toBeGreaterThan(0);
    // The item's ExternName flagged fOleLink: an OLE link's item, no DDE.
    const ole = xls.slice();
    const item = Buffer.from(ole).indexOf(Buffer.from("e27f000000000200", "hex"));
    ole[item] |= 0x10;
    expect(readArchive(ole)!.dde).toBe(false);
    // The path made an encoded file path (0x01 first): an external workbook's, no DDE source.
    const path = xls.slice();
    path[at] = 0x01;
    expect(readArchive(path)!.dde).toBe(false);
  });

  test("an old Word document saved with a password to open (FibBase fEncrypted) is encrypted; its text is not read", () => {
    expect(facts("made/locked.doc")).toMatchObject({ kind: "ole", encrypted: true, dde: false });
    // The same flag on the plain document's WordDocument stream (in its mini stream): encrypted.
    const doc = file("made/plain.doc").slice();
    const word = Buffer.from(doc).indexOf(Buffer.from([0xec, 0xa5]));
    expect(doc[word + 0x0b] & 1).toBe(0);
    doc[word + 0x0b] |= 1;
    expect(readArchive(doc)).toMatchObject({ kind: "ole", encrypted: true });
  });

  test("objects in an old Office document: a Package's file is judged as a name inside (a script named as a PDF), a linked object's URL moniker is a target it loads", () => {
    expect(facts("made/package.doc")).toMatchObject({ kind: "ole", names: ["Invoice_0412.pdf.vbs"], objects: ["Package"], remote: [] });
    expect(facts("made/link.doc")).toMatchObject({ kind: "ole", names: [], objects: ["OLE2Link"], remote: ["http://files.example.net/invoice0412.hta"] });
    // The same OLE stream with its Flags saying "embedded" (0) is no link: LibreOffice's own root \x01Ole stream is such.
    const doc = file("made/link.doc").slice();
    const at = Buffer.from(doc).indexOf(Buffer.from("0100000201000000", "hex"));
    expect(at).toBeGreaterThan(0);
    doc[at + 4] = 0;
    expect(readArchive(doc)).toMatchObject({ kind: "ole", objects: [], remote: [] });
  });

  test("7z headers are unpacked within bounds: 128 KB each, and what the caller has left for the attachment", () => {
    // 2 500 empty files with long names: a 1.7 KB archive whose header unpacks to ~375 KB.
    const big = file("made/many-names.7z");
    const out = (b: Uint8Array, room: number) => {
      const f = { kind: "7z", names: [] as string[], encrypted: false, macro: false, remote: [], objects: [], equation: false, dde: false, links: [], pages: [], shortcuts: [], pictures: [] } satisfies ArchiveFacts;
      const budget = { lzma: 0 };
      readSevenZip(b, f, (n) => f.names.push(n), () => {}, budget, room);
      return { spent: budget.lzma, names: f.names };
    };
    expect(out(big, Infinity)).toEqual({ spent: 0, names: [] });
    const small = file("made/invoice-locked.7z");
    const { spent, names } = out(small, Infinity);
    expect(names).toEqual(["Remittance_0412.pdf.exe", "notes.txt"]);
    expect(spent).toBeGreaterThan(0);
    expect(out(small, spent - 1)).toEqual({ spent: 0, names: [] });
    expect(out(small, spent).names).toHaveLength(2);
  });

  test("a 7z header or its data cut or flipped: what it holds is read or not, nothing thrown; a header that says AES still says locked", () => {
    for (const b of [file("made/invoice-locked.7z"), file("made/shortcut-solid.7z"), file("made/page-lzma.7z")]) {
      for (let n = 0; n < b.length; n++) expect(readArchive(b.subarray(0, n))?.kind ?? "7z").toBe("7z");
      for (let i = 0; i < b.length; i++) {
        const c = b.slice();
        c[i] ^= 0xff;
        expect(readArchive(c)?.kind ?? "7z").toBe("7z");
      }
    }
    // With -mhe the packed header's own coders are AES and LZMA, in the clear: a 7z whose
    // encoded header breaks before them is still seen as locked by the AES coder id.
    const damaged = file("made/locked-names.7z").slice();
    const view = new DataView(damaged.buffer);
    const headerAt = 32 + Number(view.getBigUint64(12, true));
    expect(damaged[headerAt]).toBe(0x17); // an encoded header
    damaged[headerAt + 2] = 0xff; // pack position: a huge number
    expect(readArchive(damaged)).toMatchObject({ kind: "7z", names: [], encrypted: true });
  });

  test("the text of a zipped page is kept for the attachment checks, within the page bound", () => {
    expect(facts("made/page.zip").pages).toEqual(['<html><form><input type=password></form></html>\n']);
    expect(facts("made/invoice-js.zip").pages).toEqual([]);
    const big = new TextEncoder().encode(`<html>${"x".repeat(400 * 1024)}</html>`);
    const [page] = readArchive(zipOf([{ name: "a/index.htm", data: big, deflate: true }]))!.pages;
    expect(page.length).toBe(256 * 1024);
  });

  test("a page, a shortcut and an archive inside a 7z are read as inside a ZIP: LZMA2 and LZMA, one solid block or one block a file, 7-Zip's writer and libarchive's", () => {
    const form = "<html><form><input type=password></form></html>\n";
    const share = { url: "file://198.51.100.23@80/share/Invoice_0412.pdf.lnk", icon: "\\\\198.51.100.23@80\\share\\pdf.ico" };
    for (const f of ["made/page.7z", "made/page-lzma.7z", "made/bsdtar-page.7z"]) expect({ f, pages: facts(f).pages }).toEqual({ f, pages: [form] });
    // Three files in one solid block (the shortcut 48 bytes in, after the page), and in three blocks (three packed streams).
    for (const f of ["made/shortcut-solid.7z", "made/shortcut-blocks.7z"]) expect({ f, pages: facts(f).pages, shortcuts: facts(f).shortcuts }).toEqual({ f, pages: [form], shortcuts: [share] });
    // A ZIP inside a 7z: its names under the 7z's entry.
    expect(facts("made/nested.7z").names).toContain("invoice-js.zip/Invoice_0412.pdf.js");
    // Locked data is never unpacked; the names still are.
    expect(facts("made/invoice-locked.7z")).toMatchObject({ names: ["Remittance_0412.pdf.exe", "notes.txt"], pages: [], encrypted: true });
  });

  test("7z data is unpacked within the attachment's LZMA budget: a solid block larger than what is left is known by its names only", () => {
    // A page packed in one block with 300 000 bytes of text: over the 256 KB an attachment may unpack.
    const big = file("made/big-solid.7z");
    expect(readArchive(big)).toMatchObject({ names: ["Document_View.html", "a.dat"], pages: [] });
    const read = (max: number) => {
      const f = { kind: "7z", names: [] as string[], encrypted: false, macro: false, remote: [], objects: [], equation: false, dde: false, links: [], pages: [], shortcuts: [], pictures: [] } satisfies ArchiveFacts;
      const budget = { lzma: 0 };
      const got: Record<string, number | undefined> = {};
      readSevenZip(big, f, () => {}, (name, data) => (got[name] = data()?.length), budget, max);
      return { got, spent: budget.lzma };
    };
    // With room for it, the block is unpacked once for both files and charged once.
    const roomy = read(1 << 20);
    expect(roomy.got).toEqual({ "Document_View.html": 48, "a.dat": 300_000 });
    expect(roomy.spent).toBeGreaterThan(300_048);
    expect(roomy.spent).toBeLessThan(301_000);
    expect(read(300_000).got).toEqual({ "Document_View.html": undefined, "a.dat": undefined });
  });

  test("Internet shortcuts inside a ZIP are read as attached ones (ANSI, or UTF-16 after its mark), in a ZIP inside a ZIP too, four at most", () => {
    const icon = "\\\\198.51.100.23@80\\share\\pdf.ico";
    expect(facts("made/shortcut.zip")).toMatchObject({ kind: "zip", names: ["Invoice_0412.url", "readme.txt"], shortcuts: [{ url: "file://198.51.100.23@80/share/Invoice_0412.pdf.lnk", icon }] });
    expect(facts("made/shortcut-utf16.zip").shortcuts).toEqual([{ url: "file://198.51.100.23@80/share/Statement_0412.pdf.lnk", icon }]);
    expect(readArchive(zipOf([{ name: "parts.zip", data: file("made/shortcut.zip") }]))!.shortcuts).toHaveLength(1);
    const many = Array.from({ length: 9 }, (_, i) => ({ name: `s${i}.url`, data: new TextEncoder().encode(`[InternetShortcut]\nURL=https://news.example/${i}\n`) }));
    expect(readArchive(zipOf(many))!.shortcuts.map((s) => s.url)).toEqual([0, 1, 2, 3].map((i) => `https://news.example/${i}`));
    expect(facts("made/invoice-js.zip").shortcuts).toEqual([]);
  });

  test("tar as GNU tar, bsdtar and the ustar and V7 formats write it: long names (GNU L entries, pax path records, the ustar prefix), folders left out, a page inside read as an attached one", () => {
    const long = "Remittance_Advice_for_invoice_0412_and_0413_from_Contoso_Ltd_accounts_payable_department_November_2026.pdf.js";
    expect(facts("made/tar-gnu.tar")).toMatchObject({ kind: "tar", names: ["Invoice_0412.pdf.exe", "readme.txt", long] });
    expect(facts("made/tar-ustar.tar").names).toEqual(["readme.txt", "Documents/Finance/Accounts-Payable/2026/November/Statements-and-Remittances-for-Review/Remittance_Advice_0412_Contoso.pdf.js"]);
    const pax = facts("made/tar-pax.tar");
    expect(pax.names).toEqual([long, "Statement.html"]);
    expect(pax.pages[0]).toContain('<input type=password>');
    expect(facts("made/tar-v7.tar").names).toEqual(["Invoice_0412.pdf.exe"]);
    // A pax path in UTF-8: its record's length counts bytes, not characters.
    expect(facts("made/tar-pax-utf8.tar").names).toEqual(["Счёт_0412_для_оплаты.pdf.exe", "readme.txt"]);
  });

  test("gzip: its stored name, and its content read as an archive (a .tgz's tar); one that inflates past the bound still lists its first files", () => {
    expect(facts("made/tar-invoice.tar.gz")).toMatchObject({ kind: "gzip", names: ["invoice.tar", "invoice.tar/Invoice_0412.pdf.exe", "invoice.tar/readme.txt", expect.stringMatching(/^invoice\.tar\/Remittance_Advice_.*\.pdf\.js$/)] });
    // 3 MB of program first (no stored name: gzip -n): the tar's first header is in the first bytes, its second past the 1 MB bound.
    expect(facts("made/tar-big.tar.gz").names).toEqual(["Big_Invoice_0412.pdf.exe"]);
    expect(facts("made/scan.exe.gz").names).toEqual(["scan.exe"]);
  });

  test("Microsoft Cabinet files as gcab writes them, stored or MSZIP-compressed: their names", () => {
    expect(facts("made/invoice.cab")).toMatchObject({ kind: "cab", names: ["Invoice_0412.pdf.exe", "readme.txt"] });
    expect(facts("made/invoice-mszip.cab").names).toEqual(["Invoice_0412.pdf.exe", "readme.txt"]);
  });

  test("two archives in one file: the names of both (7-Zip shows only the first's)", () => {
    expect([...facts("made/concatenated.zip").names].sort()).toEqual(["Invoice_0412.pdf.js", "report.txt"]);
  });

  test("an archive in an archive is read too, its names under the outer entry's", () => {
    expect(facts("made/nested.zip").names).toEqual(expect.arrayContaining(["inner.zip", "report.txt", "inner.zip/payload.hta"]));
  });

  test("RAR 4 and RAR 5: the names libarchive's own tests expect (folders left out)", () => {
    expect(facts("libarchive/test_read_format_rar_unicode.rar")).toMatchObject({
      kind: "rar",
      encrypted: false,
      names: ["表だよ/新しいフォルダ/新規テキスト ドキュメント.txt", "表だよ/漢字長いファイル名long-filename-in-漢字.txt"],
    });
    expect(facts("libarchive/test_read_format_rar5_unicode.rar").names).toEqual(["𝒻𝒾𝓁𝑒.txt", "𝒽𝒶𝓇𝒹𝓁𝒾𝓃𝓀.txt", "𝓈𝓎𝓂𝓁𝒾𝓃𝓀.txt"]);
    expect(facts("libarchive/test_read_format_rar5_zip_in_rar.rar").names).toEqual(["payload/inner.zip", "payload/inner.zip/THIS_IS_INSIDE_THE_ZIP.txt", "payload/real_after.txt"]);
  });

  test("RAR encryption: a locked file (RAR 4 LHD_PASSWORD, RAR 5 encryption record) and encrypted headers", () => {
    // The libarchive RAR 4 file with its first file header's LHD_PASSWORD flag set (and its CRC left: we do not check CRCs).
    const r4 = file("libarchive/test_read_format_rar_unicode.rar");
    const first = 7 + 13; // marker block, main header
    expect(r4[first + 2]).toBe(0x74);
    const locked = r4.slice();
    locked[first + 3] |= 0x04;
    expect(readArchive(locked)!.encrypted).toBe(true);
    // Encrypted headers: RAR 4's main header flag MHD_PASSWORD, RAR 5's archive encryption header.
    const headers = r4.slice();
    headers[7 + 3] |= 0x80;
    expect(readArchive(headers)).toMatchObject({ encrypted: true, names: [] });
    const r5 = new Uint8Array([...file("libarchive/test_read_format_rar5_unicode.rar").subarray(0, 8), 0, 0, 0, 0, 2, 4, 0]);
    expect(readArchive(r5)).toMatchObject({ kind: "rar", encrypted: true, names: [] });
  });
});

describe("Office documents", () => {
  test("macros in an Office Open XML document (vbaProject.bin), none in a plain one", () => {
    expect(facts("made/macro.docm")).toMatchObject({ kind: "office", macro: true, remote: [], links: [] });
    expect(facts("made/plain.docx")).toMatchObject({ kind: "office", macro: false, encrypted: false, remote: [], links: [] });
  });

  test("external relationships: what Word loads when the document opens, and the links the reader clicks", () => {
    expect(facts("made/remote-template.docx")).toMatchObject({ remote: ["http://203.0.113.9/templates/invoice.dotm?a=1&b=2"], links: ["https://example.com/pay"] });
    expect(facts("made/follina.docx").remote).toEqual(["http://203.0.113.9/cv/index.html!"]);
  });

  test("an Office document's pictures are kept for the QR check: Word's and Excel's media folders, as LibreOffice writes them", () => {
    const png = (b: Uint8Array) => [...b.subarray(0, 8)];
    for (const f of ["made/qr.docx", "made/qr.xlsx"]) {
      const pictures = facts(f).pictures;
      expect(pictures.map((p) => p.byteLength)).toEqual([1530]); // deflated in the file; the PNG as it was put in
      expect(png(pictures[0])).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    }
    expect(facts("made/plain.docx").pictures).toEqual([]);
  });

  test("pictures: four at most, none stored over 256 KB, only from the media folders, and none from a ZIP that is no document", () => {
    const enc = new TextEncoder();
    const pic = (n: number, size = 64) => new Uint8Array(size).fill(n);
    const doc = (entries: { name: string; data: Uint8Array; deflate?: boolean }[]) => zipOf([{ name: "[Content_Types].xml", data: enc.encode("<Types/>") }, ...entries]);
    const six = doc([1, 2, 3, 4, 5, 6].map((n) => ({ name: `word/media/image${n}.png`, data: pic(n), deflate: n % 2 === 0 })));
    expect(readArchive(six)!.pictures.map((p) => p[0])).toEqual([1, 2, 3, 4]);
    const big = doc([{ name: "xl/media/image1.jpeg", data: pic(7, 256 * 1024 + 1) }, { name: "ppt/media/image2.gif", data: pic(8) }]);
    expect(readArchive(big)!.pictures.map((p) => p[0])).toEqual([8]);
    const elsewhere = doc([{ name: "word/theme/image1.png", data: pic(9) }, { name: "media/image1.png", data: pic(9) }, { name: "word/media/image1.emf", data: pic(9) }]);
    expect(readArchive(elsewhere)!.pictures).toEqual([]);
    expect(readArchive(zipOf([{ name: "word/media/image1.png", data: pic(1) }]))!.pictures).toEqual([]);
  });

  test("Excel 4.0 macro sheets count as macros; a relationship that is not External is the document's own part", () => {
    const xlsm = zipOf([
      { name: "[Content_Types].xml", data: new TextEncoder().encode("<Types/>") },
      { name: "xl/macrosheets/sheet1.xml", data: new TextEncoder().encode("<xm:macrosheet/>") },
      { name: "xl/_rels/workbook.xml.rels", data: new TextEncoder().encode('<Relationships><Relationship Id="r1" Type="http://x/relationships/oleObject" Target="embeddings/oleObject1.bin"/></Relationships>'), deflate: true },
    ]);
    expect(readArchive(xlsm)).toMatchObject({ kind: "office", macro: true, remote: [] });
  });

  test("OLE2 files (old Office): a VBA project, an encrypted package", () => {
    const ole = (stream: string) => new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, ...new Uint8Array(504), ...Buffer.from(stream, "utf16le"), 0, 0]);
    expect(readArchive(ole("_VBA_PROJECT"))).toMatchObject({ kind: "ole", macro: true, encrypted: false });
    expect(readArchive(ole("EncryptedPackage"))).toMatchObject({ kind: "ole", macro: false, encrypted: true });
    expect(readArchive(ole("WordDocument"))).toMatchObject({ kind: "ole", macro: false, encrypted: false });
  });
});

describe("hostile and broken archives", () => {
  test("the first bytes decide the kind; anything else is no archive", () => {
    expect(archiveKind(file("made/report.zip"))).toBe("zip");
    expect(archiveKind(file("libarchive/test_read_format_rar5_unicode.rar"))).toBe("rar");
    expect(archiveKind(file("libarchive/test_read_format_rar_unicode.rar"))).toBe("rar");
    expect(archiveKind(file("made/plain.7z"))).toBe("7z");
    expect(archiveKind(new TextEncoder().encode("%PDF-1.7\n"))).toBeUndefined();
    expect(readArchive(new TextEncoder().encode("just text"))).toBeUndefined();
  });

  test("a deflate bomb named as an archive is inflated no further than the bound: nothing read from it, nothing thrown", () => {
    const bomb = new Uint8Array(64 * 1024 * 1024); // 64 MiB of zeros deflate to ~64 KiB
    bomb.set(zipOf([{ name: "x.js", data: new Uint8Array([1]) }])); // an archive's first bytes, then the zeros
    const outer = zipOf([{ name: "inner.zip", data: bomb, deflate: true }]);
    expect(outer.byteLength).toBeLessThan(200 * 1024);
    expect(readArchive(outer)!.names).toEqual(["inner.zip"]);
    // The same archive under 1 MiB inflated is read.
    const small = zipOf([{ name: "inner.zip", data: bomb.subarray(0, 512 * 1024), deflate: true }]);
    expect(readArchive(small)!.names).toEqual(["inner.zip", "inner.zip/x.js"]);
  });

  test("entries that overlap, each a stored archive spanning the rest of the file: 16 inner archives opened, not every entry's at every level", () => {
    // Depth first: the first entry's archive and the 11 inside it, then the second's and 3 of its 10 make 16.
    const count = 12;
    const header = 30 + 8; // "n000.zip"
    const b = Buffer.alloc(count * header);
    for (let i = 0; i < count; i++) {
      const at = i * header;
      b.writeUInt32LE(0x04034b50, at);
      b.writeUInt16LE(0x800, at + 6);
      b.writeUInt32LE(b.length - at - header, at + 18); // stored, to the end of the file: every later header is inside it
      b.writeUInt16LE(8, at + 26);
      b.write(`n${String(i).padStart(3, "0")}.zip`, at + 30, "latin1");
    }
    const a = readArchive(new Uint8Array(b))!;
    const opened = new Set(a.names.filter((n) => n.includes("/")).map((n) => n.slice(0, n.indexOf("/"))));
    expect([...opened].sort()).toEqual(["n000.zip", "n001.zip"]);
  });

  test("archives nested deeper than two levels are not opened further", () => {
    let z = zipOf([{ name: "deep.js", data: new Uint8Array([1]) }]);
    for (let i = 0; i < 4; i++) z = zipOf([{ name: `level${i}.zip`, data: z, deflate: true }]);
    const names = readArchive(z)!.names.filter((n) => n.includes("/"));
    expect(names.every((n) => n.split("/").length <= 3)).toBe(true);
  });

  test("a file full of header signatures: at most 200 names, no throw", () => {
    const sig = zipOf([{ name: "a.exe", data: new Uint8Array(0) }]).subarray(0, 35);
    const many = new Uint8Array(sig.length * 20000);
    for (let i = 0; i < 20000; i++) {
      many.set(sig, i * sig.length);
      many[i * sig.length + 30] = 0x61 + (i % 26); // different names
      many[i * sig.length + 31] = 0x61 + ((i / 26) % 26);
    }
    const a = readArchive(many)!;
    expect(a.names.length).toBeGreaterThan(0);
    expect(a.names.length).toBeLessThanOrEqual(200);
  });

  test("tar: a thousand headers walked at most, 200 names kept; a size field of 8 GB ends the walk; a gzip bomb gives nothing", () => {
    const v7 = file("made/tar-v7.tar").slice(0, 1024);
    const header = (name: string) => {
      const h = v7.slice();
      h.fill(0, 0, 100);
      h.set(new TextEncoder().encode(name));
      h.fill(0x20, 148, 156);
      const sum = h.subarray(0, 512).reduce((a, x) => a + x, 0);
      h.set(new TextEncoder().encode(`${sum.toString(8).padStart(6, "0")}\0 `), 148);
      return h;
    };
    const many = new Uint8Array(Buffer.concat(Array.from({ length: 1500 }, (_, i) => header(`part_${i}.txt`))));
    expect(readArchive(many)).toMatchObject({ kind: "tar" });
    expect(readArchive(many)!.names).toHaveLength(200);
    const huge = header("first.exe");
    huge.set(new TextEncoder().encode("77777777777\0"), 124);
    huge.fill(0x20, 148, 156);
    const sum = huge.subarray(0, 512).reduce((a, x) => a + x, 0);
    huge.set(new TextEncoder().encode(`${sum.toString(8).padStart(6, "0")}\0 `), 148);
    expect(readArchive(new Uint8Array(Buffer.concat([huge, header("second.exe")])))!.names).toEqual(["first.exe"]);
    expect(readArchive(new Uint8Array(gzipSync(Buffer.alloc(64 * 1024 * 1024))))).toMatchObject({ kind: "gzip", names: [] });
  });

  test("every prefix and byte-flipped copy of every sample gives facts or nothing, never an exception", () => {
    const samples = ["made/shortcut-joliet.iso", "made/invoice-js.zip", "made/nested.zip", "made/remote-template.docx", "made/qr.xlsx", "made/locked-names.7z", "made/locked-many.7z", "made/xlm-scattered.xls", "made/package.doc", "made/link.doc", "made/dde-long.doc", "made/tar-pax.tar", "made/tar-invoice.tar.gz", "made/invoice.cab", "made/scan.exe.gz", "libarchive/test_read_format_rar_unicode.rar", "libarchive/test_read_format_rar5_unicode.rar", "libarchive/test_read_format_rar5_zip_in_rar.rar"];
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    let read = 0;
    for (const f of samples) {
      const b = file(f);
      const step = Math.max(1, Math.floor(b.length / 2000)); // every prefix of the small files, 2 000 of the image
      for (let n = 0; n <= b.length; n += step) if (readArchive(b.subarray(0, n))) read++;
      for (let k = 0; k < 300; k++) {
        const c = b.slice();
        for (let j = 0; j < 4; j++) c[8 + Math.floor(rnd() * (c.length - 8))] = Math.floor(rnd() * 256);
        if (readArchive(c)) read++;
      }
    }
    expect(read).toBeGreaterThan(samples.length * 300);
  });
});

// Found by fuzzing the readers (stop 33's helper); each case fails on the code before its mend.
describe("hostile archives the fuzzer found", () => {
  const vint = (n: number) => {
    const out: number[] = [];
    do {
      out.push((n & 0x7f) | (n > 0x7f ? 0x80 : 0));
      n = Math.floor(n / 128);
    } while (n > 0);
    return out;
  };
  const RAR5_SIG = [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07, 0x01, 0x00];
  /** A RAR 5 block (CRC left 0: the reader does not check it) of a type, header flags and fields. */
  const rar5Block = (type: number, fields: number[], o: { extra?: number } = {}) => {
    const header = [...vint(type), ...vint(o.extra !== undefined ? 1 : 0), ...(o.extra !== undefined ? vint(o.extra) : []), ...fields];
    return [0, 0, 0, 0, ...vint(header.length), ...header];
  };
  const rar5File = (name: string) => {
    const n = [...Buffer.from(name, "utf8")];
    return [...vint(0), ...vint(0), ...vint(0), ...vint(0), ...vint(0), ...vint(n.length), ...n];
  };
  /** A RAR 4 file header (type 0x74) of this name and flags, with `packed` bytes of data after it. */
  const rar4File = (name: Uint8Array, flags: number, packed = 0) => {
    const h = Buffer.alloc(32 + name.length);
    h[2] = 0x74;
    h.writeUInt16LE(flags, 3);
    h.writeUInt16LE(h.length, 5);
    h.writeUInt32LE(packed, 7);
    h[25] = 0x30; // stored
    h.writeUInt16LE(name.length, 26);
    h.set(name, 32);
    return [...h, ...new Uint8Array(packed)];
  };
  const RAR4_SIG = [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07, 0x00];
  const RAR4_MAIN = [0, 0, 0x73, 0, 0, 13, 0, 0, 0, 0, 0, 0, 0];

  test("RAR 5: an extra area larger than its header is not read from the bytes before it (it was, once per block: 1 MB took 11 s)", () => {
    const a = readArchive(new Uint8Array([...RAR5_SIG, ...rar5Block(2, rar5File("a.txt"), { extra: 500 }), ...rar5Block(2, rar5File("b.exe"))]))!;
    expect(a).toMatchObject({ kind: "rar", names: [], encrypted: false });
  });

  test("RAR names are C strings, as unrar and Windows show them: a NUL ends the name; a RAR 4 coded name that decodes to nothing falls back to the plain one", () => {
    const nul = new Uint8Array(Buffer.from("invoice.exe\0.txt", "latin1"));
    expect(readArchive(new Uint8Array([...RAR4_SIG, ...RAR4_MAIN, ...rar4File(nul, 0x8000)]))!.names).toEqual(["invoice.exe"]);
    expect(readArchive(new Uint8Array([...RAR5_SIG, ...rar5Block(2, rar5File("invoice.exe\0.txt"))]))!.names).toEqual(["invoice.exe"]);
    const coded = new Uint8Array([...Buffer.from("invoice.exe", "latin1"), 0, 0x00]); // the plain name, NUL, a coded part of its high byte only
    expect(readArchive(new Uint8Array([...RAR4_SIG, ...RAR4_MAIN, ...rar4File(coded, 0x8000 | 0x200)]))!.names).toEqual(["invoice.exe"]);
  });

  test("RAR 4: a file header's packed data is skipped even without the LONG_BLOCK flag (as unrar does), so the next file is found", () => {
    const plain = (s: string) => new Uint8Array(Buffer.from(s, "latin1"));
    const a = readArchive(new Uint8Array([...RAR4_SIG, ...RAR4_MAIN, ...rar4File(plain("report.txt"), 0, 40), ...rar4File(plain("invoice.exe"), 0x8000)]))!;
    expect(a.names).toEqual(["report.txt", "invoice.exe"]);
  });

  test("Office relationships: a match stops at the next tag (a '<Relationship' without '>' cost 4 096 steps a character), and stored relationship files are charged to the budget", () => {
    const rels = '<Relationships><Relationship Target="x" <Relationship Id="r" TargetMode="External" Target="https://a.example/" Type="http://x/relationships/hyperlink"/></Relationships>';
    const doc = zipOf([
      { name: "[Content_Types].xml", data: new TextEncoder().encode("<Types/>") },
      { name: "word/_rels/document.xml.rels", data: new TextEncoder().encode(rels) },
    ]);
    expect(readArchive(doc)!.links).toEqual(["https://a.example/"]);
    // Six stored relationship files of 900 KB: 4 MB of them are read, then no more.
    const big = (i: number) => new TextEncoder().encode(`<Relationships>${" ".repeat(900 * 1024)}<Relationship TargetMode="External" Target="https://r${i}.example/" Type="x/hyperlink"/></Relationships>`);
    const many = zipOf([{ name: "[Content_Types].xml", data: new TextEncoder().encode("<Types/>") }, ...[0, 1, 2, 3, 4, 5].map((i) => ({ name: `p${i}/_rels/x.rels`, data: big(i) }))]);
    expect(readArchive(many)!.links).toEqual([0, 1, 2, 3, 4].map((i) => `https://r${i}.example/`));
  });

  test("deflate bombs are charged for what they inflated before the bound stopped them; corrupt entries cost nothing", () => {
    const inner = zipOf([{ name: "x.js", data: new Uint8Array([1]) }]);
    const bomb = { data: new Uint8Array(2 * 1024 * 1024), deflate: true };
    const bombs = zipOf([...[0, 1, 2, 3, 4].map((i) => ({ name: `b${i}.zip`, ...bomb })), { name: "z.zip", data: inner }]);
    expect(readArchive(bombs)!.names).not.toContain("z.zip/x.js");
    // Entries that fail at once (not deflate data) do not use up the budget and hide the archive after them.
    const junk = zipOf([...[0, 1, 2, 3, 4].map((i) => ({ name: `c${i}.zip`, data: new Uint8Array([255, 255, 255, 1, 2, 3]) })), { name: "z.zip", data: inner }]);
    expect(readArchive(junk)!.names).toContain("z.zip/x.js");
  });

  test("a stored .docx inside a ZIP does not make the ZIP an Office document: its pages and archives are still read", () => {
    const docx = zipOf([{ name: "[Content_Types].xml", data: new TextEncoder().encode("<Types/>") }, { name: "word/document.xml", data: new TextEncoder().encode("<w:document/>") }]);
    const outer = zipOf([{ name: "terms.docx", data: docx }, { name: "Invoice.html", data: new TextEncoder().encode("<form><input type=password></form>") }]);
    const a = readArchive(outer)!;
    expect(a.kind).toBe("zip");
    expect(a.pages).toHaveLength(1);
    // An Office document is still one by its own directory.
    expect(readArchive(docx)!.kind).toBe("office");
  });

  test("ISO: a directory record cut by the end of the image adds no name", () => {
    const iso = file("made/shortcut-plain.iso");
    const root = 23 * 2048;
    // Cut inside the fourth record of the root (after ".", ".." and DOCS): the name length is past the end.
    let p = root;
    for (let i = 0; i < 3; i++) p += iso[p];
    const names = readArchive(iso.subarray(0, p + 20))!.names;
    expect(names.every((n) => n.length > 0)).toBe(true);
  });
});

