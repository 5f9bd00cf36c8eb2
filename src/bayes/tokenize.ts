// Turns a parsed message into the set of tokens the classifier counts. Every token carries a
// prefix naming where it was seen, so "free" in the Subject, the body and a URL are three
// different pieces of evidence (the body tokens have no prefix: they are the majority).
//
// Choices, and why (all chosen by cross-validation on the training split, see bench/eval.ts):
// - Body words are lower-cased; 3..15 characters. Longer "words" are mostly base64, hashes and
//   glued-together junk that never repeats: they become "sk:" + their first 7 characters,
//   the way SpamAssassin's Bayes keeps a trace of them without filling the database.
// - Scripts written without spaces (Han, Kana, Thai, Lao, Khmer, Myanmar) are split into
//   overlapping character bigrams: without a dictionary, bigrams are the standard unit for
//   CJK retrieval and let a classifier trained on a few hundred messages generalise.
// - URLs get their own tokens from ParsedMessage.uris: host, each parent domain, path words.
// - Headers: a token per (field, word), with the fields that are only noise (unique ids,
//   dates, our own and SpamAssassin's markup) skipped; Received fields contribute only
//   host names and IP addresses (with their /24 and /16), not the ids and times in them.
// - The MIME structure (part types, charsets, attachment extensions) and the HTML tags used
//   (from rawbody) are tokens too: spam templates differ from person-written mail there.
// - The text looked at is bounded (MAX_TEXT) so a huge message costs bounded time, and the
//   token set is bounded (MAX_TOKENS) so the one lookup query per message stays small.
import type { HeaderField, ParsedMessage } from "../message/types";
import { tokenIdOf } from "./token-id";

export const MAX_TEXT = 256 * 1024;
export const MAX_TOKENS = 3000;
const MAX_URIS = 64;
const MAX_PER_HEADER = 40;
const MAX_TAGS = 400;

export interface TokenizeOptions {
  /** Add "a b" pairs of adjacent body words (sparse bigrams); off = unigrams only. */
  wordPairs?: boolean;
  /** Add tokens for HTML tags seen in rawbody. */
  htmlTags?: boolean;
}

export const DEFAULT_TOKENIZE: Required<TokenizeOptions> = { wordPairs: false, htmlTags: true };

/** Header fields whose words are noise for a classifier (unique per message) or are markup added by filters. */
const SKIP_HEADERS = /^(x-spam-|x-kas-|x-virus-|date$|delivered-to$|x-original-to$|status$|x-status$|x-uid$|x-keywords$|content-length$|lines$|x-gmail-labels$|envelope-to$|x-envelope-|content-transfer-encoding$|mime-version$)/i;
const ADDRESS_HEADERS = /^(from|to|cc|reply-to|return-path|sender|errors-to|resent-from|resent-to)$/i;

const NO_SPACE_SCRIPTS = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]+/gu;
const NO_SPACE_RUN = /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;
const WORD = /[\p{L}\p{N}$€£¥][\p{L}\p{M}\p{N}$€£¥%'’.\-_@]*/gu;
const TRAILING = /[.'’\-_@]+$/u;

/** Where tokens go: a token is prefix + word, passed apart so the id path never builds the string. */
interface TokenSink {
  add(prefix: string, word: string): void;
  readonly full: boolean;
}

/** Token strings (tests, debugging: what `tokenize` returns). */
class StringSink implements TokenSink {
  readonly set = new Set<string>();
  add(prefix: string, word: string): void {
    if (this.set.size < MAX_TOKENS) this.set.add(prefix + word);
  }
  get full(): boolean {
    return this.set.size >= MAX_TOKENS;
  }
}

/** Token ids straight from the parts (the scan path: no token string, no string set). */
class IdSink implements TokenSink {
  readonly set = new Set<number>();
  add(prefix: string, word: string): void {
    if (this.set.size < MAX_TOKENS) this.set.add(tokenIdOf(prefix, word));
  }
  get full(): boolean {
    return this.set.size >= MAX_TOKENS;
  }
}

/** The distinct tokens of a message, as text. */
export function tokenize(msg: ParsedMessage, opts: TokenizeOptions = {}): string[] {
  const out = new StringSink();
  collect(msg, opts, out);
  return [...out.set];
}

/** The ids (token-id.ts) of the distinct tokens of a message: the same as tokenize(...).map(tokenId), faster. */
export function tokenIds(msg: ParsedMessage, opts: TokenizeOptions = {}): number[] {
  const out = new IdSink();
  collect(msg, opts, out);
  return [...out.set];
}

function collect(msg: ParsedMessage, opts: TokenizeOptions, out: TokenSink): void {
  const o = { ...DEFAULT_TOKENIZE, ...opts };
  // Headers and URLs first: they are few, and they must not be crowded out by a long body.
  for (const h of msg.headers) headerTokens(h, out);
  uriTokens(msg.uris, out);
  for (const p of msg.parts) {
    out.add("M:", p.contentType);
    if (p.charset) out.add("M:cs:", p.charset.toLowerCase());
    const ext = p.filename?.toLowerCase().match(/\.([a-z0-9]{1,8})$/)?.[1];
    if (ext) out.add("M:att:", ext);
  }
  if (o.htmlTags) htmlTagTokens(msg.rawbody, out);
  textTokens(msg.body.slice(0, MAX_TEXT), "", out, o.wordPairs);
}

/** A cheap pre-test: only text with code units in these ranges can hold a no-space script run (Thai … CJK, and the surrogates of CJK extensions). */
const MAYBE_NO_SPACE = /[\u0e00-\u0fff\u1000-\u109f\u1780-\u17ff\u2e80-\u9fff\uf900-\ufaff\uff66-\uff9f\ud840-\ud8bf]/;

/** Words of a text: lower-cased, long ones shortened, no-space scripts as character bigrams; at most `limit`. */
export function words(text: string, limit = Infinity): string[] {
  const out: string[] = [];
  eachWord(text, (w) => out.push(w) < limit);
  return out;
}

/** Calls `fn` with each word of `text` (as `words` defines them) until it returns false. */
export function eachWord(text: string, fn: (w: string) => boolean): void {
  // Lower-case once and skip the script split for the (usual) text without such scripts:
  // this loop is the tokenizer's hot path (~250 words per message).
  const lower = text.toLowerCase();
  const noSpace = MAYBE_NO_SPACE.test(lower);
  const src = noSpace ? lower.replace(NO_SPACE_SCRIPTS, (run) => ` ${run} `) : lower;
  // exec on one shared regex, not matchAll: matchAll clones the regex on every call, which
  // cost more than the matching for the ~24 short header fields of a message. lastIndex is
  // saved around `fn`, so a callback may itself split words.
  WORD.lastIndex = 0;
  for (let m = WORD.exec(src); m; m = WORD.exec(src)) {
    let w = m[0];
    const at = WORD.lastIndex;
    if (noSpace && NO_SPACE_RUN.test(w)) {
      const chars = Array.from(w);
      if (chars.length === 1 && !fn(w)) return;
      for (let i = 0; i + 1 < chars.length; i++) if (!fn(chars[i] + chars[i + 1])) return;
      WORD.lastIndex = at;
      continue;
    }
    const last = w.charCodeAt(w.length - 1);
    // . ' ’ - _ @ at the end are punctuation, not part of the word.
    if (last === 46 || last === 39 || last === 0x2019 || last === 45 || last === 95 || last === 64) w = w.replace(TRAILING, "");
    if (w.length < 3) continue;
    if (!fn(w.length > 15 ? `sk:${w.slice(0, 7)}` : w)) return;
    WORD.lastIndex = at;
  }
}

function textTokens(text: string, prefix: string, out: TokenSink, pairs: boolean): void {
  let prev = "";
  // Stops at the first word that finds the set full: a long text costs no more than a short one.
  eachWord(text, (w) => {
    out.add(prefix, w);
    if (pairs && prev) out.add(prefix, `${prev} ${w}`);
    prev = w;
    return !out.full;
  });
}

const MSGID_DOMAIN = /@([^>\s]+)>/g;
const ADDRESS = /[\w.+-]+@([\w-]+(?:\.[\w-]+)+)/g;

function headerTokens(h: HeaderField, out: TokenSink): void {
  const name = h.name.toLowerCase();
  if (SKIP_HEADERS.test(name)) return;
  out.add("HN:", name);
  const p = `H${name}:`;
  let n = 0;
  const add = (t: string) => {
    if (n++ < MAX_PER_HEADER) out.add(p, t);
  };
  if (name === "received") {
    // Split on what cannot be in a host name or address, keep the dotted pieces: a split is
    // several times cheaper than a host-name regex over every Received field.
    for (const piece of h.value.toLowerCase().split(/[^a-z0-9.-]+/)) {
      const v = piece.replace(/^[.-]+|[.-]+$/g, "");
      if (!v.includes(".")) continue;
      if (/^\d+(\.\d+){3}$/.test(v)) {
        const q = v.split(".");
        add(`ip:${v}`);
        add(`ip:${q[0]}.${q[1]}.${q[2]}`);
        add(`ip:${q[0]}.${q[1]}`);
      } else if (/[a-z]/.test(v) && !v.includes("..")) add(v);
    }
    return;
  }
  if (name === "message-id" || name === "in-reply-to" || name === "references") {
    // Only the domain part: the local part is unique per message.
    MSGID_DOMAIN.lastIndex = 0;
    for (let m = MSGID_DOMAIN.exec(h.value); m; m = MSGID_DOMAIN.exec(h.value)) add(`@${m[1].toLowerCase()}`);
    return;
  }
  if (ADDRESS_HEADERS.test(name)) {
    ADDRESS.lastIndex = 0;
    for (let m = ADDRESS.exec(h.value); m; m = ADDRESS.exec(h.value)) for (const d of parentDomains(m[1].toLowerCase())) add(`@${d}`);
  }
  for (const w of words(h.value, MAX_PER_HEADER)) add(w);
}

function uriTokens(uris: readonly string[], out: TokenSink): void {
  for (const u of uris.slice(0, MAX_URIS)) {
    let url: URL;
    try {
      url = new URL(u);
    } catch {
      out.add("U:", "unparsable");
      continue;
    }
    const scheme = url.protocol.replace(/:$/, "");
    if (scheme !== "http" && scheme !== "https") out.add("U:scheme:", scheme);
    const host = url.hostname.toLowerCase();
    if (!host) continue;
    if (/^\d+(\.\d+){3}$/.test(host) || host.startsWith("[")) out.add("U:", "ip-literal");
    else for (const d of parentDomains(host)) out.add("U:", d);
    if (url.port) out.add("U:", "port");
    for (const w of words(decodeSafe(url.pathname))) out.add("UP:", w);
  }
}

const TAG = /<([a-z][a-z0-9]{0,10})\b([^>]{0,500})>/gi;
const ATTR = /([a-z-]{1,20})\s*=/gi;

function htmlTagTokens(rawbody: string, out: TokenSink): void {
  let n = 0;
  const text = rawbody.length > MAX_TEXT ? rawbody.slice(0, MAX_TEXT) : rawbody;
  TAG.lastIndex = 0;
  for (let m = TAG.exec(text); m && n++ < MAX_TAGS; m = TAG.exec(text)) {
    const tag = m[1].toLowerCase();
    out.add("T:", tag);
    ATTR.lastIndex = 0;
    for (let a = ATTR.exec(m[2]); a; a = ATTR.exec(m[2])) out.add("T:", `${tag}.${a[1].toLowerCase()}`);
  }
}

/** "a.b.example.com" → a.b.example.com, b.example.com, example.com (not the bare TLD). */
export function parentDomains(host: string): string[] {
  const labels = host.replace(/\.$/, "").split(".");
  const out: string[] = [];
  for (let i = 0; i + 2 <= labels.length && out.length < 4; i++) out.push(labels.slice(i).join("."));
  return out;
}

function decodeSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
