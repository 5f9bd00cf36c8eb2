// Spreadsheets written as text (.csv), for the attachment checks: whether a cell holds a DDE
// formula. Excel reads a cell that starts with "=", "+", "-" or "@" as a formula, and a formula
// `application|topic!item` asks Windows to start `application` and talk to it over DDE: so
// `=cmd|' /C powershell …'!A0` runs a command once the reader clicks past one prompt, with no
// macro anywhere (the CSV DDE mails of 2017–2019; "CSV injection" into exported reports since).
// LibreOffice and Excel also have a DDE() function.

import { markedText } from "./charsets";

/** A part is a CSV file by its name or type (Windows gives .csv Excel's type when Office is installed). */
export const isCsv = (type: string, filename: string | undefined): boolean =>
  type === "text/csv" || type === "text/comma-separated-values" || type === "application/csv" || (filename !== undefined && /\.csv$/i.test(filename.trim()));

/** A CSV's first bytes read at most. */
export const MAX_CSV_BYTES = 1024 * 1024;
/** Pipes looked at (a hostile file of pipes costs no more). */
const MAX_PIPES = 256;

/** application|'topic'!item, or application|topic!item (no spaces in an unquoted topic). */
const DDE_LINK = /\|\s*(?:'[^'\r\n]{0,2000}'|[^\s'!|,;"]{1,256})\s*!/g;
/** A formula cell's start: at the line's start or after a delimiter, quoted or not. */
const FORMULA_CELL = /(?:^|[,;\t])[ \t]*"?[ \t]*[=+\-@]/;
/** The DDE() function in a formula cell, before the cell ends. */
const DDE_FUNCTION = /(?:^|[,;\t])[ \t]*"?[ \t]*[=+\-@][^\r\n,;\t]{0,256}?\bDDE[ \t]*\(/im;

/** Whether a CSV file's bytes (its first MAX_CSV_BYTES, decoded as Excel does: UTF-16 after its byte-order mark, else byte by byte, the ANSI code page or UTF-8 alike for the ASCII that formulas are written in) have a DDE formula. */
export const csvDdeFormula = (bytes: Uint8Array): boolean => ddeFormula(markedText(bytes.subarray(0, MAX_CSV_BYTES), true));

/** Whether a cell of the CSV text is a DDE formula: a DDE link in a line where a formula cell starts before it, or a DDE() call. */
function ddeFormula(text: string): boolean {
  DDE_LINK.lastIndex = 0;
  for (let m = DDE_LINK.exec(text), n = 0; m && n < MAX_PIPES; m = DDE_LINK.exec(text), n++) {
    const lineStart = text.lastIndexOf("\n", m.index) + 1;
    if (FORMULA_CELL.test(text.slice(Math.max(lineStart, m.index - 256), m.index))) return true;
  }
  // The call is looked for first, and a formula runs to it within its cell: a search anchored at every "-1," cell of a megabyte stays cheap.
  return /\bDDE[ \t]*\(/i.test(text) && DDE_FUNCTION.test(text);
}
