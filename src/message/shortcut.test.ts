import { expect, test } from "bun:test";
import { isShortcutName, MAX_SHORTCUT_BYTES, REMOTE_FILE, shortcutOf } from "./shortcut";

/** A shortcut file of this (ASCII) text. */
const readShortcut = (text: string) => shortcutOf(new TextEncoder().encode(text));

test("the [InternetShortcut] section's URL and IconFile, the first of each; keys of other sections are not its", () => {
  const text = "[DEFAULT]\r\nBASEURL=http://other.example/\r\n[InternetShortcut]\r\nURL=file://198.51.100.23@80/share/Invoice.pdf.lnk\r\nIconIndex=0\r\nIconFile = \\\\198.51.100.23\\icons\\pdf.ico \r\nURL=https://later.example/\r\n";
  expect(readShortcut(text)).toEqual({ url: "file://198.51.100.23@80/share/Invoice.pdf.lnk", icon: "\\\\198.51.100.23\\icons\\pdf.ico" });
  expect(readShortcut("[DEFAULT]\nURL=http://a.example/\n")).toEqual({});
  expect(readShortcut("[internetshortcut]\nurl=https://news.example/story\n")).toEqual({ url: "https://news.example/story" });
});

test("a remote file is file:, a UNC path or a search-ms: query; a web page is not", () => {
  for (const t of ["file://198.51.100.23@80/share/x.lnk", "FILE:\\\\host\\share\\x.cpl", "\\\\host@SSL\\DavWWWRoot\\x.url", "search-ms:query=invoice&crumb=location:\\\\host\\share"]) expect(REMOTE_FILE.test(t)).toBe(true);
  for (const t of ["https://www.example.org/", "http://host/share.url", "C:\\Windows\\System32\\shell32.dll", "mailto:a@example.org"]) expect(REMOTE_FILE.test(t)).toBe(false);
});

test("a part is a shortcut by its .url name only", () => {
  expect(isShortcutName("Invoice 0412.url ")).toBe(true);
  expect(isShortcutName("Liberalism in America.URL")).toBe(true);
  expect(isShortcutName("url.txt")).toBe(false);
  expect(isShortcutName(undefined)).toBe(false);
});

test("a shortcut's bytes: the ANSI code page, or UTF-16 after its byte-order mark (an odd last byte dropped); the first 64 KB only", () => {
  const text = "[InternetShortcut]\r\nURL=file://198.51.100.23@80/share/Invoice.pdf.lnk\r\n";
  expect(shortcutOf(new TextEncoder().encode(text))).toEqual({ url: "file://198.51.100.23@80/share/Invoice.pdf.lnk" });
  const utf16 = new Uint8Array([0xff, 0xfe, ...Buffer.from(text, "utf16le"), 0x41]);
  expect(shortcutOf(utf16)).toEqual({ url: "file://198.51.100.23@80/share/Invoice.pdf.lnk" });
  // Without its mark, UTF-16 is no INI text Windows reads as a shortcut.
  expect(shortcutOf(utf16.subarray(2))).toEqual({});
  const late = new TextEncoder().encode(`${" ".repeat(MAX_SHORTCUT_BYTES)}\n${text}`);
  expect(shortcutOf(late)).toEqual({});
});
