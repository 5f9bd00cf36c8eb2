import { describe, expect, test } from "bun:test";
import { isRtf, readRtf } from "./rtf";

const objectsOf = (b: Uint8Array) => readRtf(b).objects;

// RTF objects written here to [MS-OLEDS] §2.2.4 (ObjectHeader) and the RTF 1.9.1 object
// syntax: no tool on this machine writes an Equation Editor or OLE2Link object, and exploit
// samples are not ours to ship. Each is built from its parts so the test shows what it holds.
const enc = (s: string) => new TextEncoder().encode(s);
const le32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
};
const lenString = (s: string) => Buffer.concat([le32(s.length + 1), Buffer.from(`${s}\0`, "latin1")]);
/** An OLE 1.0 object: version 0x0501, format (2 embedded, 1 linked), class, empty topic and item, native data. */
const ole1 = (className: string, native: Buffer, format = 2) => Buffer.concat([le32(0x0501), le32(format), lenString(className), le32(0), le32(0), le32(native.length), native]);
const EQUATION_CLSID = Buffer.from("02ce020000000000c000000000000046", "hex");
const URL_MONIKER = Buffer.from("e0c9ea79f9bace118c8200aa004ba90b", "hex");
/** A stand-in for the native OLE2 file: its signature, then the bytes given. */
const cfb = (...parts: Buffer[]) => Buffer.concat([Buffer.from("d0cf11e0a1b11ae1", "hex"), Buffer.alloc(24), ...parts]);
const rtf = (objdata: string, objclass = "Equation.3") => enc(`{\\rtf1\\ansi\\deff0{\\fonttbl{\\f0 Arial;}}\\pard Purchase order attached.\\par{\\object\\objemb\\objupdate{\\*\\objclass ${objclass}}\\objw380\\objh260{\\*\\objdata ${objdata}}{\\result{\\pict\\wmetafile8\\picw10\\pich10 0100090000}}}\\par}`);

describe("what an RTF's objects are", () => {
  test("Word takes a file as RTF from '{\\rt' on", () => {
    expect(isRtf(enc("{\\rtf1\\ansi"))).toBe(true);
    expect(isRtf(enc("{\\rt"))).toBe(true);
    expect(isRtf(enc("{\\ansi"))).toBe(false);
  });

  test("an Equation Editor object (CVE-2017-11882's carrier), by its class name", () => {
    expect(objectsOf(rtf(ole1("Equation.3", cfb()).toString("hex")))).toEqual([{ className: "Equation.3", equation: true }]);
  });

  test("the hex as exploit kits pad it: whitespace, upper case, control words and ignorable groups between the digits", () => {
    const hex = ole1("Equation.3", cfb()).toString("hex").toUpperCase();
    const padded = hex.replace(/(.{6})/g, "$1\r\n \t").replace(/(.{40})/g, "$1{\\*\\ftnalt 41414141}\\par ").replace(/(.{90})/g, "$1\\'4a");
    expect(padded).not.toContain("4571756174696F6E2E33"); // the class name's hex is broken up
    expect(objectsOf(rtf(padded))[0]).toEqual({ className: "Equation.3", equation: true });
  });

  test("a class name that lies: the object's data holds the editor's class id, or its native stream, whatever the class says", () => {
    expect(objectsOf(rtf(ole1("Word.Document.8", cfb(EQUATION_CLSID)).toString("hex"), "Word.Document.8"))[0]).toEqual({ className: "Word.Document.8", equation: true });
    expect(objectsOf(rtf(ole1("Package", cfb(Buffer.from("Equation Native", "utf16le"))).toString("hex"), "Package"))[0].equation).toBe(true);
    // \objclass is a label: what counts is the class in objdata.
    expect(objectsOf(rtf(ole1("Excel.Sheet.8", cfb()).toString("hex"), "Equation.3"))[0]).toEqual({ className: "Excel.Sheet.8", equation: false });
  });

  test("an OLE2Link object's URL moniker (CVE-2017-0199), and a linked object's topic", () => {
    const url = "http://203.0.113.5/template.hta";
    const moniker = Buffer.concat([URL_MONIKER, le32((url.length + 1) * 2), Buffer.from(`${url}\0`, "utf16le")]);
    expect(objectsOf(rtf(ole1("OLE2Link", cfb(Buffer.alloc(40), moniker)).toString("hex"), "Word.Document.8"))[0]).toEqual({ className: "OLE2Link", equation: false, link: url });
    const linked = Buffer.concat([le32(0x0501), le32(1), lenString("Excel.Sheet.8"), lenString("\\\\198.51.100.7\\share\\q3.xls"), le32(0)]);
    expect(objectsOf(rtf(linked.toString("hex")))[0].link).toBe("\\\\198.51.100.7\\share\\q3.xls");
  });

  test("a Package object's file: its label, or its source path's last part", () => {
    // Object Packager's data: a 2-byte type, the label and source path as C strings, then more the reader does not need.
    const packaged = (label: string, path: string) => Buffer.concat([Buffer.from([2, 0]), Buffer.from(`${label}\0${path}\0`, "latin1"), Buffer.from("0000030000", "hex")]);
    expect(objectsOf(rtf(ole1("Package", packaged("Invoice_0412.pdf.vbs", "C:\\Users\\a\\Invoice_0412.pdf.vbs")).toString("hex"), "Package"))[0]).toEqual({ className: "Package", equation: false, file: "Invoice_0412.pdf.vbs" });
    expect(objectsOf(rtf(ole1("Package", packaged("", "C:\\Temp\\run.sct")).toString("hex"), "Package"))[0].file).toBe("run.sct");
    expect(objectsOf(rtf(ole1("Excel.Sheet.8", packaged("x.vbs", "y")).toString("hex")))[0].file).toBeUndefined();
  });

  test("\\binN carries its bytes as they are", () => {
    const data = ole1("Equation.3", cfb());
    const head = data.subarray(0, 12).toString("hex");
    const rest = data.subarray(12).toString("latin1");
    const text = `{\\rtf1{\\object\\objemb{\\*\\objdata ${head}\\bin${rest.length} ${rest}}}}`;
    expect(objectsOf(new Uint8Array(Buffer.from(text, "latin1")))[0]).toEqual({ className: "Equation.3", equation: true });
  });

  test("an ordinary RTF holds no object; an embedded spreadsheet is an object, not an exploit", () => {
    expect(objectsOf(enc("{\\rtf1\\ansi{\\fonttbl{\\f0 Arial;}}\\pard Minutes of the meeting.\\par}"))).toEqual([]);
    expect(objectsOf(rtf(ole1("Excel.Sheet.12", cfb()).toString("hex"), "Excel.Sheet.12"))).toEqual([{ className: "Excel.Sheet.12", equation: false }]);
  });
});

describe("bounded and never throwing", () => {
  test("objdata padded past the walk bound, an unclosed group, sixteen objects at most", () => {
    const obj = ole1("Equation.3", cfb()).toString("hex");
    // 3 MB of padding before the digits: the walk stops at 2 MB, so the object is not read.
    expect(objectsOf(rtf(" ".repeat(3 * 1024 * 1024) + obj))).toEqual([]);
    expect(objectsOf(rtf(" ".repeat(1024 * 1024) + obj))).toHaveLength(1);
    expect(objectsOf(enc(`{\\rtf1{\\object{\\*\\objdata ${obj}`))).toHaveLength(1);
    expect(objectsOf(enc(`{\\rtf1${`{\\object{\\*\\objdata ${obj}}}`.repeat(40)}}`))).toHaveLength(16);
  });

  test("every prefix and byte-flipped copy gives objects or none", () => {
    const doc = rtf(ole1("Equation.3", cfb(EQUATION_CLSID)).toString("hex"));
    for (let n = 0; n < doc.length; n++) objectsOf(doc.subarray(0, n));
    for (let i = 0; i < doc.length; i++) {
      const c = doc.slice();
      c[i] ^= 0x7f;
      for (const o of objectsOf(c)) expect(typeof o.className).toBe("string");
    }
  });
});

describe("DDE fields", () => {
  test("a field whose instruction is DDEAUTO or DDE, however the instruction is broken up; other fields are not", () => {
    const field = (instr: string) => readRtf(enc(`{\\rtf1{\\field{\\*\\fldinst ${instr}}{\\fldrslt Loading}}}`)).dde;
    expect(field('DDEAUTO c:\\\\windows\\\\system32\\\\cmd.exe "/k calc.exe"')).toBe(true);
    expect(field('{\\rtlch\\fcs1 \\af0 DD}{\\rtlch E}{\\rtlch AUTO} "C:\\\\Programs\\\\x.exe"')).toBe(true);
    expect(field('\\\'44DE "excel" "sheet" "r1c1"')).toBe(true);
    expect(field(' HYPERLINK "https://example.org/dde-guide" ')).toBe(false);
    expect(field(" PAGE ")).toBe(false);
    expect(readRtf(enc("{\\rtf1 A DDEAUTO word in the text is no field.\\par}")).dde).toBe(false);
  });
});
