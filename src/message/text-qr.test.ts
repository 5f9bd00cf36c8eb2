import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { textQrPictures } from "./text-qr";

const FIX = join(import.meta.dir, "../../fixtures/messages/phishing");
/** Width and height of a PNG from its IHDR chunk. */
const size = (png: Uint8Array) => {
  const v = new DataView(png.buffer, png.byteOffset);
  return [v.getUint32(16), v.getUint32(20)];
};
/** A table of n × n cells, each with bgcolor="…" of `paint`, or the attributes `paint` gives when they hold "=". */
const table = (n: number, paint: (x: number, y: number) => string | undefined) =>
  `<table>${Array.from({ length: n }, (_, y) => `<tr>${Array.from({ length: n }, (_, x) => {
    const p = paint(x, y);
    return `<td${p === undefined ? "" : p.includes("=") ? ` ${p}` : ` bgcolor="${p}"`}></td>`;
  }).join("")}</tr>`).join("")}</table>`;

test("a table of painted cells and lines of half blocks are drawn as pictures: 4 px a unit, 8 units of white around", () => {
  const html = readFileSync(join(FIX, "qr-html-table.eml"), "latin1");
  const side = html.match(/<tr>/g)!.length; // the code's modules and the fixture's white ones around it
  const t = textQrPictures(html);
  expect(t.length).toBe(1);
  expect(size(t[0])).toEqual([(side + 16) * 4, (side + 16) * 4]);
  const b = textQrPictures(readFileSync(join(FIX, "qr-block-text.eml"), "utf8"));
  expect(b.length).toBe(1);
  expect(size(b[0])[0]).toBe((side - 2 + 16) * 4); // the same code in half blocks, one character a module; the white at the lines' ends is trimmed
});

test("tables that are no QR drawing give nothing: too small, unpainted, all one colour, rows of unequal length, a layout table around a drawing counts only the drawing", () => {
  const checker = (x: number, y: number) => ((x * 7 + y * 3) % 5 < 2 ? "#000" : "#fff");
  expect(textQrPictures(table(20, checker))).toEqual([]);
  expect(textQrPictures(table(25, () => undefined))).toEqual([]);
  expect(textQrPictures(table(25, () => "black"))).toEqual([]);
  expect(textQrPictures(table(25, checker).replace("<td></td></tr>", "</tr>").replace(/<td bgcolor="#fff"><\/td><\/tr>/, "</tr>"))).toEqual([]);
  expect(textQrPictures(`<table><tr><td>${table(25, checker)}</td></tr><tr><td>footer</td></tr></table>`).length).toBe(1);
  expect(textQrPictures(table(25, (x, y) => (checker(x, y) === "#000" ? 'style="padding:0;background-color: rgb(10, 10, 10)"' : undefined))).length).toBe(1);
});

/** The QR fixture's modules (37 × 37 with its white border), dark or not. */
const fixtureGrid = (): boolean[][] =>
  [...readFileSync(join(FIX, "qr-html-table.eml"), "latin1").matchAll(/<tr>(.*?)<\/tr>/g)].map((r) => [...r[1].matchAll(/bgcolor="(#\w+)"/g)].map((c) => c[1] === "#000000"));
const box = (tag: string, dark: boolean, extra = "") => `<${tag} style="width:5px;height:5px;${extra}background-color:${dark ? "black" : "white"}"></${tag}>`;

test("boxes in rows are drawn as pictures: rows of empty divs, spans between line breaks, n × n floated boxes; the fixture's divs too", () => {
  const grid = fixtureGrid();
  expect(grid.length).toBe(37);
  const side = (html: string) => textQrPictures(html).map((png) => size(png)[0]);
  const px = (37 + 16) * 4;
  expect(side(readFileSync(join(FIX, "qr-html-divs.eml"), "utf8"))).toEqual([px]);
  expect(side(grid.map((r) => `<div>${r.map((d) => box("div", d)).join("")}</div>`).join("\n"))).toEqual([px]);
  expect(side(`<p>${grid.map((r) => r.map((d) => box("span", d, "display:inline-block;")).join("")).join("<br>\n")}</p>`)).toEqual([px]);
  expect(side(`<div style="width:185px">${grid.flat().map((d) => box("div", d, "float:left;")).join("")}</div>`)).toEqual([px]);
  // Monospace cells holding a no-break space, as text-art generators write them.
  expect(side(grid.map((r) => r.map((d) => `<span style="background:${d ? "#000" : "#fff"}">&nbsp;</span>`).join("")).join("<br>"))).toEqual([px]);
});

test("boxes that draw no QR code give nothing: a newsletter's many spans, a grid too small, rows of unequal length, unpainted boxes", () => {
  const words = Array.from({ length: 900 }, (_, i) => `<span class="w">word${i}</span> `).join("");
  expect(textQrPictures(`<div>${words}</div>`)).toEqual([]);
  const checker = (x: number, y: number) => (x * 7 + y * 3) % 5 < 2;
  const rowsOf = (n: number, paint: (x: number, y: number) => boolean) => Array.from({ length: n }, (_, y) => `<div>${Array.from({ length: n }, (_, x) => box("div", paint(x, y))).join("")}</div>`).join("");
  expect(textQrPictures(rowsOf(25, checker)).length).toBe(1);
  expect(textQrPictures(rowsOf(20, checker))).toEqual([]);
  expect(textQrPictures(rowsOf(25, checker).replace(/<div style="[^"]*"><\/div><\/div>/, "</div>"))).toEqual([]);
  expect(textQrPictures(rowsOf(25, () => false))).toEqual([]);
});

test("block characters give a picture only as a run of wide lines of blocks and spaces alone; a banner line or a bar chart in text gives nothing", () => {
  expect(textQrPictures("Progress: ████████░░ 80%\nDone: ███\n")).toEqual([]);
  expect(textQrPictures(Array.from({ length: 12 }, () => "").join("\n"))).toEqual([]);
  expect(textQrPictures(Array.from({ length: 12 }, (_, i) => (i % 2 ? "█▀▄ ".repeat(6) : "▄ █▀".repeat(6))).join("\n")).length).toBe(1);
  expect(textQrPictures(Array.from({ length: 9 }, () => "█▀▄ ".repeat(6)).join("\n"))).toEqual([]); // 18 modules tall: less than a QR code
  expect(textQrPictures(Array.from({ length: 12 }, () => "█▀▄ ".repeat(6) + "x").join("\n"))).toEqual([]); // other characters on the line
  expect(textQrPictures(Array.from({ length: 12 }, () => "&#9608;&#9600;&#9604;&nbsp;".repeat(6)).join("<br>")).length).toBe(1);
});

test("hostile markup costs linear time: a 512 KB row of cells, 20 000 unclosed nested tables, tables without a \">\", a long run of block lines", () => {
  // Each took 250-310 ms before the scans were made linear (a tempered regex, a "</table" looked for once a tag).
  for (const html of [
    "<table><tr>" + '<td bgcolor="#000"></td>'.repeat(22000) + "</tr></table>",
    "<table><tr><td>".repeat(20000) + "<td></td>".repeat(500),
    "<table".repeat(80000) + "<td>".repeat(500),
    ("\u2588\u2580\u2584 ".repeat(10) + "\n").repeat(13000),
    // boxes: 40 000 nested divs never closed, 50 000 empty spans in one container, closing tags alone
    "<div>".repeat(40000),
    "<div>" + '<span style="background:#000"></span>'.repeat(13000) + "</div>",
    "<div></div>".repeat(500) + "</span></div>".repeat(60000),
  ]) {
    const t0 = performance.now();
    expect(textQrPictures(html)).toEqual([]);
    expect(performance.now() - t0).toBeLessThan(1000);
  }
});
