// Turns a parsed message into the set of tokens the classifier counts. Every token carries a
// prefix naming where it was seen, so "free" in the Subject, the body and a URL are three
// different pieces of evidence (the body tokens have no prefix: they are the majority).
//
// Choices, and why (all chosen by cross-validation on the training split, see bench/eval.ts):
// - Words (words.ts): lower-cased; 3..15 characters, longer ones as "sk:" + their first 7;
//   scripts written without spaces as overlapping character bigrams.
// - URLs get their own tokens from ParsedMessage.uris (url-parts.ts): host, each parent domain, path words.
// - Headers (header-tokens.ts): a token per (field, word), noise fields skipped; Received
//   fields give only host names and IP addresses.
// - The MIME structure (part types, charsets, attachment extensions) gives tokens too.
// - The HTML tags used (from rawbody, html-tags.ts) are NOT tokens by default, although
//   cross-validation on the training split likes them (+1 point of spam recall): that split's
//   ham is almost all plain text (8 HTML messages of 2500), so every tag looks like proof of
//   spam, and wanted HTML mail (newsletters, HTML mail clients) pays for it. Training ham
//   dressed as HTML (bench/dress.ts) moved from BAYES_00 to BAYES_50 with them, and mostly
//   stayed at BAYES_00 without them. `bun run eval --cv --set htmlTags=true` compares the two.
// - The text looked at is bounded (MAX_TEXT) so a huge message costs bounded time, and the
//   token set is bounded (MAX_TOKENS) so the one lookup query per message stays small.
// - Speed: the scan path (tokenIds) builds no token strings for words, hosts and domains:
//   they are ranges of the text, hashed in place (token-sink.ts), into a reused set.
import { percentDecoded } from "../message/redirects";
import type { ParsedMessage } from "../message/types";
import { eachParentDomain, headerTokens } from "./header-tokens";
import { htmlTagTokens } from "./html-tags";
import { IdSink, StringSink, type TokenSink } from "./token-sink";
import { urlParts } from "./url-parts";
import { scanWords } from "./words";

export { parentDomains } from "./header-tokens";
export { eachWord, words } from "./words";

export const MAX_TEXT = 256 * 1024;
export const MAX_TOKENS = 3000;
const MAX_URIS = 64;

export interface TokenizeOptions {
  /** Add tokens for HTML tags seen in rawbody (off by default: see above). */
  htmlTags?: boolean;
}

export const DEFAULT_TOKENIZE: Required<TokenizeOptions> = { htmlTags: false };

/** One for the process, reused (its table is 128 KiB): tokenIds is synchronous, so it is never shared by two messages. */
const idSink = new IdSink(MAX_TOKENS);

/** The distinct tokens of a message, as text. */
export function tokenize(msg: ParsedMessage, opts: TokenizeOptions = {}): string[] {
  const out = new StringSink(MAX_TOKENS);
  collect(msg, opts, out);
  return [...out.set];
}

/** The ids (token-id.ts) of the distinct tokens of a message, first seen first: the same as tokenize(...).map(tokenId), faster. */
export function tokenIds(msg: ParsedMessage, opts: TokenizeOptions = {}): number[] {
  try {
    collect(msg, opts, idSink);
    return idSink.set.take();
  } catch (e) {
    idSink.set.take(); // empty it, so the next message starts clean
    throw e;
  }
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
  if (o.htmlTags) htmlTagTokens(msg.rawbody, MAX_TEXT, out);
  textTokens(msg.body.slice(0, MAX_TEXT), "", out);
}

function textTokens(text: string, prefix: string, out: TokenSink): void {
  // Stops at the first word that finds the set full: a long text costs no more than a short one.
  scanWords(text, (src, start, end, sk, fold) => {
    out.addRange(prefix, sk ? "sk:" : "", src, start, end, fold);
    return !out.full;
  });
}

function uriTokens(uris: readonly string[], out: TokenSink): void {
  for (let i = 0; i < uris.length && i < MAX_URIS; i++) {
    const url = urlParts(uris[i]);
    if (!url) {
      out.add("U:", "unparsable");
      continue;
    }
    if (url.scheme !== "http" && url.scheme !== "https") out.add("U:scheme:", url.scheme);
    const host = url.hostname.toLowerCase();
    if (!host) continue;
    if (/^\d+(\.\d+){3}$/.test(host) || host.startsWith("[")) out.add("U:", "ip-literal");
    else eachParentDomain(host, (start, end) => out.addRange("U:", "", host, start, end));
    if (url.port) out.add("U:", "port");
    scanWords(percentDecoded(url.pathname), (src, start, end, sk, fold) => {
      out.addRange("UP:", sk ? "sk:" : "", src, start, end, fold);
      return true;
    });
  }
}
