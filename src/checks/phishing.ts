// The phishing check (stage "content"): what current phishing does that a regular expression
// cannot see well, named as symbols that rules/62_phishing.cf weighs and combines with the
// credential, invoice and shared-document wording of its body rules:
//   FROM_BRAND_IMPERSONATION   the display name claims a brand the From domain is not
//   FROM_NAME_OTHER_DOMAIN     the display name shows an address of another registrable domain
//   FROM_NAME_RCPT_DOMAIN      ... an address of the recipient's own domain, from outside it (a colleague claimed)
//   FROM_EXEC_FREEMAIL         the display name claims an office (CEO, CFO, director) from a free mailbox
//   FROM_NAME_INTERNAL_ROLE    ... a department of the reader's organisation (IT Helpdesk, HR) from outside it (role-name.ts)
//   (the FROM_* symbols are judged in sender.ts, for the message and for each attached message)
//   FROM_LOOKALIKE_BRAND / URI_LOOKALIKE_BRAND   paypa1, rnicrosoft, paypal-secure-login
//   FROM_BRAND_AS_SUBDOMAIN / URI_BRAND_AS_SUBDOMAIN   a brand's domain spelt in front of another: paypal.com.account-check.ru
//   URI_RCPT_AS_SUBDOMAIN      ... the recipient's own domain: example.com.docs-review.net
//   URI_RCPT_ADDR_HIDDEN       a link carries the recipient's address base64-encoded, or after "#" to another site than the sender's (a kit's pre-filled sign-in)
//   FROM_LOOKALIKE_RCPT / URI_LOOKALIKE_RCPT     spelt like the recipient's own domain (acrne.com, examp1e.com for acme.com, example.com)
//   FROM_IDN_MIXED_SCRIPT / URI_IDN_MIXED_SCRIPT a label mixing Latin and Cyrillic/Greek
//   URI_PUNYCODE               any link host in xn-- form
//   URI_TEXT_DOMAIN_MISMATCH   link text shows one registrable domain, the href goes to another
//   URI_TEXT_BRAND_MISMATCH    ... and the domain shown belongs to a brand
//   URI_PROGRAM_LINK           a link that hands its target to a Windows program or an outside share (search-ms:, ms-appinstaller:, \\host\share; link-handoff.ts)
//   URI_IP_HOST, URI_DATA_HREF, URI_SHORTENED, URI_FREE_HOSTED, URI_FORM_SERVICE, URI_FILE_SHARE
//   URI_OPEN_REDIRECT          a link through a trusted site's open redirect (google.com/url, Google AMP, Bing's tracker; its destination is judged too)
//   FROM_FREEMAIL / REPLYTO_FREEMAIL   From / Reply-To at a free mailbox (sender.ts isFreemailAddress; weighed in 20_headers.cf)
//   FREEMAIL_REPLYTO_OTHER     Reply-To at a free mailbox while From is elsewhere
//   REPLYTO_LOOKALIKE          Reply-To at a domain spelt like the sender's own, the recipient's or a brand's
//   ATTACH_MESSAGE_SENDER_LIE  an attached message (.eml) whose From lies as those above do (a forwarded lure)
//   ATTACH_* of attachments.ts: attached pages, disguised names, disk images, archives and what they hold, Office macros
//   BODY_IMAGE_ONLY            one or more images and next to no text (QR-code and picture lures)
//   ATTACH_PDF_LINK            an attached PDF links somewhere (its links are the message's URIs too: message/pdf.ts)
//   ATTACH_PDF_BAD_LINK        ... to a host the link checks flag (IP, shortener, free hosting, form or file-sharing service, look-alike)
//   ATTACH_PDF_SCRIPT          an attached PDF carries JavaScript or a launch action
import { isNamed } from "../message/mime";
import { attachedFrom, pdfFacts, viaOpenRedirect } from "../message/beside";
import type { ParsedMessage } from "../message/types";
import { addrOf } from "../ruledb/match";
import { archiveNotes, attachmentSymbols } from "./attachments";
import { FILE_SHARING, FORM_SERVICES, FREE_HOSTING, SHORTENERS } from "./phishing-data";
import { handsOff } from "./link-handoff";
import { rcptAddressHidden } from "./link-rcpt";
import { brandInFront, brandOwning, domainShown, imitatesOwn, lookalikeOf, memo, mixedScript, ownInFront, parseHttp, registrable, registrableHost } from "./phishing-domains";
import { checkFrom, domainOfAddress, isFreemailAddress, SENDER_LIES } from "./sender";
import type { Check, CheckInput, CheckOutput } from "./types";

/** Links looked at per message: phishing needs one, a newsletter has dozens. */
const MAX_URIS = 200;
/** Recipient domains a message's sender and links are measured against (a message to a hundred domains is no targeted fraud). */
const MAX_OWN = 8;

export function createPhishingCheck(): Check {
  return {
    name: "phishing",
    stage: "content",
    run(input: CheckInput): CheckOutput {
      if (!input.message) return { symbols: [] };
      const notes = archiveNotes(input.message);
      return { symbols: [...phishingSymbols(input.message, input.envelope.rcpt)], ...(notes.length ? { notes } : {}) };
    },
  };
}

/** `rcpt`: the envelope's recipients; without them the addresses of the To field stand for them. */
export function phishingSymbols(msg: ParsedMessage, rcpt: readonly string[] = []): Set<string> {
  const out = new Set<string>();
  const { from, fromDomain, replyTo, ownAddrs } = partiesOf(msg, rcpt);
  const own = ownDomains(ownAddrs);
  checkFrom(from, own, out);
  // A lure forwarded as an attached message (.eml), which filters reading the outer From
  // pass: who the attached message claims to be from is judged as a From is.
  for (const inner of attachedFrom(msg)) {
    const said = new Set<string>();
    checkFrom(inner, own, said);
    if ([...said].some((x) => SENDER_LIES.has(x))) out.add("ATTACH_MESSAGE_SENDER_LIE");
  }
  const replyAddr = replyTo ? addrOf(replyTo) : "";
  const replyDomain = domainOfAddress(replyAddr);
  const replyFree = isFreemailAddress(replyAddr);
  if (isFreemailAddress(addrOf(from))) out.add("FROM_FREEMAIL");
  if (replyFree) out.add("REPLYTO_FREEMAIL");
  if (replyDomain && replyDomain !== fromDomain) {
    if (replyFree) out.add("FREEMAIL_REPLYTO_OTHER");
    // Answers go to a cousin of the sender's own domain, the reader's or a brand's, whatever
    // From shows (a supplier's real or spoofed address, the conversation taken elsewhere: payment fraud).
    else if ((fromDomain && imitatesOwn(replyDomain, fromDomain)) || own.some((o) => imitatesOwn(replyDomain, o)) || lookalikeOf(replyDomain)) out.add("REPLYTO_LOOKALIKE");
  }
  checkUris(msg, own, ownAddrs, fromDomain, out);
  if (viaOpenRedirect(msg)) out.add("URI_OPEN_REDIRECT"); // found by the parse, which reads each redirect's destination
  checkLinks(msg, out);
  attachmentSymbols(msg, out);
  checkPdfs(msg, out);
  if (imageOnly(msg)) out.add("BODY_IMAGE_ONLY");
  return out;
}

/**
 * Who the message is from and to, as the link checks measure links against them (the QR check
 * too): From (the first field), its registrable domain, Reply-To, and the
 * recipients' addresses (the envelope's, else the To field's; at most MAX_OWN).
 */
export function partiesOf(msg: ParsedMessage, rcpt: readonly string[]): { from: string; fromDomain?: string; replyTo?: string; ownAddrs: string[] } {
  // From, Reply-To and To in one pass over the fields (the first of each, as find would give).
  let from: string | undefined;
  let replyTo: string | undefined;
  let to: string | undefined;
  for (const h of msg.headers) {
    if (from === undefined && isNamed(h, "from")) from = h.value;
    else if (replyTo === undefined && isNamed(h, "reply-to")) replyTo = h.value;
    else if (to === undefined && isNamed(h, "to")) to = h.value;
    if (from !== undefined && replyTo !== undefined && to !== undefined) break;
  }
  from ??= "";
  return { from, fromDomain: domainOfAddress(addrOf(from)), replyTo, ownAddrs: ownAddresses(rcpt.length ? rcpt : (to ?? "").split(",")) };
}

/** The recipients' addresses (addresses, or "Name <address>" items of a To field), each once, at most MAX_OWN. */
function ownAddresses(items: readonly string[]): string[] {
  const own = new Set<string>();
  for (const a of items) {
    const addr = addrOf(a).trim();
    if (addr.includes("@")) own.add(addr);
    if (own.size >= MAX_OWN) break;
  }
  return [...own];
}

/** The registrable domains of those addresses, each once. */
function ownDomains(addresses: readonly string[]): string[] {
  const own = new Set<string>();
  for (const a of addresses) {
    const r = domainOfAddress(a);
    if (r) own.add(r);
  }
  return [...own];
}
/**
 * hostIn(list)(host): host is one of the list's names or a subdomain of one (host === s or
 * host ends with "." + s). One Set lookup per label of the host instead of a pass over the
 * list with a new string per entry: that pass, for every link of every message, was ~5 % of
 * a filtering process's CPU.
 */
export function hostIn(list: readonly string[]): (host: string) => boolean {
  const names = new Set(list);
  return (host) => {
    if (names.has(host)) return true;
    for (let i = host.indexOf("."); i >= 0; i = host.indexOf(".", i + 1)) if (names.has(host.slice(i + 1))) return true;
    return false;
  };
}
const isShortener = hostIn(SHORTENERS);
const isFreeHosting = hostIn(FREE_HOSTING);
const isFileSharing = hostIn(FILE_SHARING);
// A form service is a host (its subdomains too) or a host + path prefix (docs.google.com/forms).
// A URL's host holds no "/" and an http(s) path starts with one, so "host/path" is matched as
// that very host with a path starting "/path", and a plain name as the host or a subdomain.
const isFormHost = hostIn(FORM_SERVICES.filter((s) => !s.includes("/")));
const FORM_PATHS = FORM_SERVICES.filter((s) => s.includes("/")).map((s) => ({ host: s.slice(0, s.indexOf("/")), path: s.slice(s.indexOf("/")) }));

// What a link's host says, as bits in the order checkUris adds their symbols (IP_HOST alone).
const IP_HOST = 1, PUNYCODE = 2, LOOKALIKE = 4, MIXED = 8, SHORTENED = 16, FREE_HOSTED = 32, FORM_HOST = 64, FILE_SHARE = 128, BRAND_FRONT = 256;
const HOST_SYMBOLS: [number, string][] = [[PUNYCODE, "URI_PUNYCODE"], [LOOKALIKE, "URI_LOOKALIKE_BRAND"], [MIXED, "URI_IDN_MIXED_SCRIPT"], [SHORTENED, "URI_SHORTENED"], [FREE_HOSTED, "URI_FREE_HOSTED"], [BRAND_FRONT, "URI_BRAND_AS_SUBDOMAIN"]];
/**
 * A link host's traits (URL.hostname: a string of its own, not a slice of the message),
 * remembered: the same hosts come back link after link and message after message, and
 * judging each again (its suffixes against three lists, its registrable domain) was a
 * quarter of this check's CPU.
 */
const hostTraits = memo((hostname: string): number => {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, "");
  if (/^\d{1,3}(?:\.\d{1,3}){3}$/.test(host) || host.includes(":")) return IP_HOST;
  let t = 0;
  if (host.split(".").some((l) => l.startsWith("xn--"))) t |= PUNYCODE;
  const domain = registrable(host);
  if (domain && lookalikeOf(domain)) t |= LOOKALIKE;
  if (domain && mixedScript(domain)) t |= MIXED;
  if (isShortener(host)) t |= SHORTENED;
  if (isFreeHosting(host)) t |= FREE_HOSTED;
  if (isFormHost(host)) t |= FORM_HOST;
  if (isFileSharing(host)) t |= FILE_SHARE;
  if (domain && brandInFront(host, domain)) t |= BRAND_FRONT;
  return t;
});

function checkUris(msg: ParsedMessage, own: readonly string[], ownAddrs: readonly string[], fromDomain: string | undefined, out: Set<string>): void {
  // The first MAX_URIS of the text's URIs and then the links' hrefs, each once.
  const uris = new Set<string>();
  const n = Math.min(msg.uris.length, MAX_URIS);
  for (let i = 0; i < n; i++) uris.add(msg.uris[i]);
  for (let i = 0; i < msg.links.length && n + i < MAX_URIS; i++) uris.add(msg.links[i].href);
  // Link hosts are gathered only when there are recipients to measure them against.
  const hosts = own.length ? new Set<string>() : undefined;
  for (const u of uris) {
    const host = uriSymbols(u, out, own);
    if (host) hosts?.add(host);
  }
  if (hosts) checkOwnLookalikes(hosts, own, out);
  if (ownAddrs.length && rcptAddressHidden(uris, ownAddrs, fromDomain)) out.add("URI_RCPT_ADDR_HIDDEN");
}

/**
 * URI_LOOKALIKE_RCPT: a link to a cousin of a recipient's own domain (its "login page", its
 * "payroll portal"); URI_RCPT_AS_SUBDOMAIN: the own domain spelt in front of another. Each
 * link host judged once.
 */
function checkOwnLookalikes(hosts: Set<string>, own: readonly string[], out: Set<string>): void {
  for (const h of hosts) {
    const d = registrableHost(h);
    if (!d) continue;
    if (own.some((o) => imitatesOwn(d, o))) out.add("URI_LOOKALIKE_RCPT");
    if (own.some((o) => ownInFront(h, d, o))) out.add("URI_RCPT_AS_SUBDOMAIN");
  }
}

/**
 * The URI_* symbols of one link (also of a URL read from a QR code, checks/qr.ts, and of a
 * PDF's links); `own`: the recipients' registrable domains (a share of theirs is no hand-off).
 * Returns its host name when it is a web address by name (not an IP address).
 */
export function uriSymbols(u: string, out: Set<string>, own: readonly string[] = []): string | undefined {
  if (/^\s*data:/i.test(u)) {
    out.add("URI_DATA_HREF");
    return undefined;
  }
  if (handsOff(u, own)) {
    out.add("URI_PROGRAM_LINK");
    return undefined;
  }
  const url = parseHttp(u);
  if (!url) return undefined;
  const t = hostTraits(url.hostname);
  if (t & IP_HOST) {
    out.add("URI_IP_HOST");
    return undefined;
  }
  for (const [bit, symbol] of HOST_SYMBOLS) if (t & bit) out.add(symbol);
  if (t & FORM_HOST || FORM_PATHS.some((f) => f.host === url.hostname && url.pathname.startsWith(f.path))) out.add("URI_FORM_SERVICE");
  if (t & FILE_SHARE) out.add("URI_FILE_SHARE");
  return url.hostname;
}

/** Anchor text that reads as a domain or URL, against where the href goes, by registrable domain. */
function checkLinks(msg: ParsedMessage, out: Set<string>): void {
  for (let i = 0; i < msg.links.length && i < MAX_URIS; i++) {
    const l = msg.links[i];
    const shown = domainShown(l.text);
    if (!shown) continue; // most anchor texts are words: the href is parsed only for the others
    const href = parseHttp(l.href);
    if (!href) continue;
    const shownDomain = registrable(shown);
    const hrefDomain = registrable(href.hostname);
    if (!shownDomain || !hrefDomain || shownDomain === hrefDomain) continue;
    out.add("URI_TEXT_DOMAIN_MISMATCH");
    const brand = brandOwning(shownDomain);
    if (brand && !brand.advertised && brand !== brandOwning(hrefDomain)) out.add("URI_TEXT_BRAND_MISMATCH");
  }
}

/** PDFs that send the reader on ("View document"): the mail's own text and links stay harmless. */
function checkPdfs(msg: ParsedMessage, out: Set<string>): void {
  for (const pdf of pdfFacts(msg)) {
    if (pdf.script) out.add("ATTACH_PDF_SCRIPT");
    // A PDF that asks for a password: locked against scanners as an archive is (the password is in the mail).
    if (pdf.locked) out.add("ATTACH_ENCRYPTED");
    if (!pdf.uris.length) continue;
    out.add("ATTACH_PDF_LINK");
    const traits = new Set<string>();
    for (const u of pdf.uris) uriSymbols(u, traits);
    if (traits.size) out.add("ATTACH_PDF_BAD_LINK");
  }
}

const LETTER = /\p{L}/gu;

/** Images (inline or attached) and under 60 letters of text besides the Subject: the message is a picture. */
function imageOnly(msg: ParsedMessage): boolean {
  // An image part, else an <img> tag anywhere in the text (a search of all of it, so second).
  if (!msg.parts.some((p) => p.contentType.startsWith("image/")) && !/<img\b/i.test(msg.rawbody)) return false;
  const subject = msg.headers.find((h) => isNamed(h, "subject"))?.value ?? "";
  const from = msg.body.startsWith(subject) ? subject.length : 0;
  // Counted up to the 60th letter, not over the whole text: a newsletter with images has
  // thousands (collecting every one into an array was a tenth of this check's CPU).
  LETTER.lastIndex = from;
  for (let n = 0; n < 60; n++) if (!LETTER.exec(msg.body)) return true;
  return false;
}
