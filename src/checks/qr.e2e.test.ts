// The QR check in the compiled binary: ZXing's .wasm must be embedded in it (the package would
// otherwise fetch it from a CDN, which this machine cannot reach: the picture would go unread).
import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO, runKas, tempDir, writeConfig } from "../testing/kas-binary";

const msg = (name: string) => readFileSync(join(REPO, "fixtures/messages/phishing", name));

test("kas filter --local reads the QR code of a picture-only lure, of an honest ticket, of a PDF lure and of a Word document", async () => {
  const cfg = writeConfig(tempDir());
  const lure = await runKas(["filter", "--local", "--json", "--config", cfg], { stdin: msg("qr-image.eml") });
  expect(lure.exitCode).toBe(0);
  const v = JSON.parse(Buffer.from(lure.stdout).toString("utf8"));
  const names = (x: { hits: { name: string }[] }) => x.hits.map((h) => h.name);
  expect(names(v)).toEqual(expect.arrayContaining(["QR_CODE_URL", "QR_URI_SUSPICIOUS", "PHISH_QR_CODE"]));
  expect(v.status).toBe("spam");
  expect(JSON.stringify(v.notes)).toContain("https://bit.ly/3Kq7vXw");
  const ticket = await runKas(["filter", "--local", "--json", "--config", cfg], { stdin: msg("qr-ticket.eml") });
  const t = JSON.parse(Buffer.from(ticket.stdout).toString("utf8"));
  expect(names(t)).toContain("QR_CODE_URL");
  expect(t.status).toBe("not_detected");
  // A QR code that is the picture of an attached PDF (message/pdf-images.ts).
  const pdf = await runKas(["filter", "--local", "--json", "--config", cfg], { stdin: msg("pdf-qr-lure.eml") });
  const p = JSON.parse(Buffer.from(pdf.stdout).toString("utf8"));
  expect(names(p)).toEqual(expect.arrayContaining(["QR_CODE_URL", "QR_URI_SUSPICIOUS", "PHISH_QR_CODE"]));
  expect(JSON.stringify(p.notes)).toContain("https://bit.ly/3Kq7vXw");
  // ... and of an attached Word document (message/archive.ts keeps its pictures).
  const docx = await runKas(["filter", "--local", "--json", "--config", cfg], { stdin: msg("qr-docx.eml") });
  const d = JSON.parse(Buffer.from(docx.stdout).toString("utf8"));
  expect(names(d)).toEqual(expect.arrayContaining(["QR_CODE_URL", "QR_URI_SUSPICIOUS", "PHISH_QR_CODE"]));
  expect(JSON.stringify(d.notes)).toContain("https://bit.ly/3Kq7vXw");
}, 30_000);
