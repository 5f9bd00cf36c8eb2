// Tokens of the header fields: a token per (field, word), with the fields that are only noise
// (unique ids, dates, our own and SpamAssassin's markup) skipped; Received fields give only
// host names and IP addresses (with their /24 and /16), not the ids and times in them;
// address fields add their domains, Message-ID-like fields only their domain part.
// At most MAX_PER_HEADER tokens a field.
//
// Speed (~25 fields a message, all of them on the scan path): what a field name means is
// worked out once per distinct name (cached), and the Received and address parts are
// reported as ranges of the text (TokenSink.addRange), not as new strings.
import { ADDRESS_IN_TEXT } from "../message/address";
import type { HeaderField } from "../message/types";
import type { TokenSink } from "./token-sink";
import { FOLD, foldable, scanWords } from "./words";

const MAX_PER_HEADER = 40;

/**
 * Header fields whose words are noise for a classifier (unique per message) or are markup added by filters.
 * Every date field, not only Date (as SpamAssassin's Bayes ignores them): a month, weekday or year tells when
 * mail was learned, not what it is, and becomes false evidence once the mail scanned is newer than the mail
 * learned. Skipping Delivery-Date, (X-)Original-Date and Resent-Date: by-date CV spam recall 83.6 -> 84.0 %.
 * Sender and X-Sender (SpamAssassin's Bayes skips them too): in list mail Sender is the list's owner address,
 * one more "came through a list" token whatever was posted (see LIST_HEADERS); by date 86.4 -> 86.8 %.
 */
const SKIP_HEADERS = /^(x-spam-|x-kas-|x-virus-|date$|delivery-date$|(x-)?original-date$|(x-)?resent-date$|(x-)?sender$|delivered-to$|x-original-to$|status$|x-status$|x-uid$|x-keywords$|content-length$|lines$|x-gmail-labels$|envelope-to$|x-envelope-|content-transfer-encoding$|mime-version$)/i;
/**
 * The fields a list manager adds (RFC 2369, RFC 2919 and the managers' own): skipped as SpamAssassin's
 * Bayes skips them, save List-Unsubscribe, whose presence alone is kept. Why: a discussion list relays
 * whatever was posted to it, spam included, and its fields are ~30 tokens a message saying one thing
 * ("came through a list": mailto, subject, listinfo, pipermail... in each field). Learned from list ham
 * they outvoted the content of list-delivered spam (BAYES_50), and a newer list looks like none learned.
 * List-Unsubscribe is also what senders of bulk mail people asked for add (RFC 8058), so its presence
 * stays evidence. By-date CV spam recall 84.0 -> 86.4 % (all skipped: 86.8 %, but one more wanted-bulk
 * false positive; presence of every field: 85.2 %).
 */
const LIST_HEADERS = /^((x-)?list-|x-list$|(x-)?mailing-list$|x-mailman-version$|x-beenthere$|x-loop$|mail-followup-to$)/i;
const ADDRESS_HEADERS = /^(from|to|cc|reply-to|return-path|errors-to|resent-from|resent-to)$/i;
const MSGID_HEADERS = new Set(["message-id", "in-reply-to", "references"]);

// Bounded as DNS bounds a name (255), so a crafted field of one long run (80 KB of "@")
// costs linear time; addresses as message/address.ts ADDRESS_IN_TEXT finds them. Only the
// domains are kept.
const MSGID_DOMAIN = /@([^>\s@]{1,255})>/g;
const ADDRESS = new RegExp(ADDRESS_IN_TEXT.source, "g");

type Kind = "skip" | "presence" | "words" | "address" | "message-id" | "received";

interface Field {
  kind: Kind;
  /** The lower-cased name. */
  name: string;
  /** The prefix of the field's tokens: "H" + name + ":". */
  prefix: string;
}

/** Field names seen, as written: few distinct ones in normal mail; bounded because spam invents names. */
const FIELDS = new Map<string, Field>();
const FIELDS_MAX = 4096;

function fieldOf(raw: string): Field {
  let f = FIELDS.get(raw);
  if (f) return f;
  const name = raw.toLowerCase();
  const list = LIST_HEADERS.test(name);
  const kind: Kind = SKIP_HEADERS.test(name) || (list && name !== "list-unsubscribe") ? "skip" : list ? "presence" : name === "received" ? "received" : MSGID_HEADERS.has(name) ? "message-id" : ADDRESS_HEADERS.test(name) ? "address" : "words";
  f = { kind, name, prefix: `H${name}:` };
  if (FIELDS.size >= FIELDS_MAX) FIELDS.clear();
  FIELDS.set(raw, f);
  return f;
}

export function headerTokens(h: HeaderField, out: TokenSink): void {
  const f = fieldOf(h.name);
  if (f.kind === "skip") return;
  out.add("HN:", f.name);
  if (f.kind === "presence") return;
  const p = f.prefix;
  if (f.kind === "received") return receivedTokens(h.value, p, out);
  let n = 0;
  if (f.kind === "message-id") {
    // Only the domain part: the local part is unique per message.
    MSGID_DOMAIN.lastIndex = 0;
    for (let m = MSGID_DOMAIN.exec(h.value); m; m = MSGID_DOMAIN.exec(h.value)) if (n++ < MAX_PER_HEADER) out.add(p, `@${m[1].toLowerCase()}`);
    return;
  }
  if (f.kind === "address") {
    ADDRESS.lastIndex = 0;
    for (let m = ADDRESS.exec(h.value); m; m = ADDRESS.exec(h.value)) {
      const domain = m[1].toLowerCase();
      eachParentDomain(domain, (start, end) => {
        if (n++ < MAX_PER_HEADER) out.addRange(p, "@", domain, start, end);
      });
    }
  }
  // The first MAX_PER_HEADER words, of which those that still fit under the field's bound.
  let k = 0;
  scanWords(h.value, (src, start, end, sk, fold) => {
    if (n++ < MAX_PER_HEADER) out.addRange(p, sk ? "sk:" : "", src, start, end, fold);
    return ++k < MAX_PER_HEADER && n < MAX_PER_HEADER;
  });
}

const isHostChar = (c: number) => (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 46 || c === 45;

/**
 * The pieces of a lower-cased Received field made of [a-z0-9.-] (a scan: several times
 * cheaper than a host-name regex), trimmed of . and - at either end: a dotted quad gives
 * ip:a.b.c.d, ip:a.b.c and ip:a.b; another piece with a dot, a letter and no ".." is a host.
 * The field is lower-cased through FOLD as it is read (no copy) unless it needs toLowerCase
 * first; FOLD is right on that copy too: it holds every ASCII code unit, and anything else
 * reads as itself or 0, neither of which is in a piece.
 */
function receivedTokens(value: string, p: string, out: TokenSink): void {
  const s = foldable(value) ? value : value.toLowerCase();
  const at = (k: number) => FOLD[s.charCodeAt(k)];
  let n = 0;
  let i = 0;
  while (i < s.length && n < MAX_PER_HEADER) {
    while (i < s.length && !isHostChar(at(i))) i++;
    let a = i;
    while (i < s.length && isHostChar(at(i))) i++;
    let b = i;
    while (a < b && (at(a) === 46 || at(a) === 45)) a++;
    while (b > a && (at(b - 1) === 46 || at(b - 1) === 45)) b--;
    let dots = 0;
    let dot2 = 0;
    let dot3 = 0;
    let letter = false;
    let hyphen = false;
    let doubleDot = false;
    for (let k = a; k < b; k++) {
      const c = at(k);
      if (c === 46) {
        if (++dots === 2) dot2 = k;
        else if (dots === 3) dot3 = k;
        if (at(k - 1) === 46) doubleDot = true; // k > a: a piece never starts with a dot
      } else if (c >= 97) letter = true;
      else if (c === 45) hyphen = true;
    }
    if (dots === 0 || doubleDot) continue;
    if (dots === 3 && !letter && !hyphen) {
      for (const end of [b, dot3, dot2]) if (n++ < MAX_PER_HEADER) out.addRange(p, "ip:", s, a, end, true);
    } else if (letter) {
      if (n++ < MAX_PER_HEADER) out.addRange(p, "", s, a, b, true);
    }
  }
}

/** Calls `fn` with the ranges of host's parent domains (see parentDomains). */
export function eachParentDomain(host: string, fn: (start: number, end: number) => void): void {
  const end = host.endsWith(".") ? host.length - 1 : host.length;
  // Each suffix starting at a label that still holds a dot (two labels or more), at most four.
  for (let start = 0, k = 0; k < 4; k++) {
    const dot = host.indexOf(".", start);
    if (dot < 0 || dot >= end) return;
    fn(start, end);
    start = dot + 1;
  }
}

/** "a.b.example.com" → a.b.example.com, b.example.com, example.com (not the bare TLD); at most four. */
export function parentDomains(host: string): string[] {
  const out: string[] = [];
  eachParentDomain(host, (start, end) => out.push(host.slice(start, end)));
  return out;
}
