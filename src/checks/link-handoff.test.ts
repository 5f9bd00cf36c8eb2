import { expect, test } from "bun:test";
import { handsOff } from "./link-handoff";

test("links that hand their target to a Windows program, or to a share on the Internet", () => {
  for (const u of [
    "search-ms:query=invoice&crumb=location:\\\\203.0.113.5@80\\share&displayname=Invoices",
    "search:query=invoice&crumb=location:\\\\kit.example@SSL\\DavWWWRoot",
    "ms-appinstaller:?source=https://kit.example/viewer.msix",
    "ms-msdt:/id PCWDiagnostic /skip force",
    "ms-officecmd:{...}",
    "mhtml:https://kit.example/x.mht!x.html",
    "file://203.0.113.5/share/invoice.pdf",
    "file:////kit.example/share/invoice.lnk",
    "\\\\203.0.113.5\\share\\invoice.pdf",
    "\\\\kit.example@SSL\\DavWWWRoot\\invoice.vbs",
  ])
    expect({ u, off: handsOff(u) }).toEqual({ u, off: true });
});

test("not the web, Office's own open-in-app links, a local file, or a share inside the organisation", () => {
  for (const u of [
    "https://kit.example/search-ms:",
    "ms-word:ofe|u|https://example.sharepoint.com/sites/x/doc.docx",
    "mailto:a@example.com",
    "file:///C:/Users/me/report.pdf",
    "file://localhost/C:/x",
    "\\\\fs01\\scans\\report.pdf",
    "\\\\10.1.2.3\\scans",
    "file://192.168.1.20/share/x",
  ])
    expect({ u, off: handsOff(u) }).toEqual({ u, off: false });
  expect(handsOff("\\\\fs01.corp.example.com\\share\\policy.pdf", ["example.com"])).toBe(false);
  expect(handsOff("\\\\fs01.corp.example.com\\share\\policy.pdf", ["other.test"])).toBe(true);
});
