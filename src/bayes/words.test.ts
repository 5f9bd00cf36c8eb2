// The hand-written scanners of the tokenizer (words.ts, html-tags.ts, Received in
// header-tokens.ts) against the regex definitions they replaced, on random text built from
// the characters that make the cases hard: upper case, punctuation at word ends, long runs,
// no-space scripts, the code units toLowerCase treats specially (İ, Σ), letters that lower-case
// to ASCII (the Kelvin sign), surrogate pairs and lone surrogates, combining marks, Unicode spaces.
import { expect, test } from "bun:test";
import { htmlTagTokens } from "./html-tags";
import { StringSink } from "./token-sink";
import { tokenId } from "./token-id";
import { tokenIds, tokenize } from "./tokenize";
import { parsed } from "../testing/parsed";
import { words } from "./words";

/** The tokenizer's words as they were defined before the scanner: one regex over the lower-cased text. */
function wordsByRegex(text: string): string[] {
  const out: string[] = [];
  const lower = text.toLowerCase();
  const src = lower.replace(/[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]+/gu, (run) => ` ${run} `);
  for (const m of src.matchAll(/[\p{L}\p{N}$€£¥][\p{L}\p{M}\p{N}$€£¥%'’.\-_@]*/gu)) {
    const w = m[0];
    if (/^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u.test(w)) {
      const chars = Array.from(w);
      if (chars.length === 1) out.push(w);
      for (let i = 0; i + 1 < chars.length; i++) out.push(chars[i] + chars[i + 1]);
      continue;
    }
    const t = w.replace(/[.'’\-_@]+$/u, "");
    if (t.length >= 3) out.push(t.length > 15 ? `sk:${t.slice(0, 7)}` : t);
  }
  return out;
}

const PIECES = ["a", "B", "z", "Q", "x", "7", "0", "$", "€", ".", "'", "’", "-", "_", "@", "%", " ", "  ", "\n", "\u00a0", "\u3000", "é", "Ü", "İ", "Σ", "σ", "K", "\u212a", "ß", "\u0301", "日本", "語", "ภาษา", "😀", "\ud835\udc00", "\ud800", "\udc00", "<", ">", "=", "Received", "HELLO", "supercalifragilistic"];

function randomText(seed: number, len: number): string {
  let x = seed;
  const next = () => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 8) % PIECES.length;
  return Array.from({ length: len }, next).map((i) => PIECES[i]).join("");
}

test("words() is what the regex definition gives, on 2000 random texts", () => {
  for (let seed = 1; seed <= 2000; seed++) {
    const text = randomText(seed, 1 + (seed % 60));
    expect(words(text)).toEqual(wordsByRegex(text));
  }
});

test("plain ASCII (the folded path) and text needing toLowerCase give the same words", () => {
  expect(words("Hello WORLD, it's ME.")).toEqual(["hello", "world", "it's"]);
  expect(words("ΟΔΟΣ İstanbul \u212aelvin")).toEqual(wordsByRegex("ΟΔΟΣ İstanbul \u212aelvin"));
  expect(words("ΟΔΟΣ")).toEqual(["οδος"]); // final sigma needs the whole word: the toLowerCase path
});

const TAG = /<([a-z][a-z0-9]{0,10})\b([^>]{0,500})>/gi;
const ATTR = /([a-z-]{1,20})\s*=/gi;
function tagsByRegex(text: string): string[] {
  const out = new Set<string>();
  let n = 0;
  for (const m of text.matchAll(TAG)) {
    if (n++ >= 400) break;
    out.add(`T:${m[1].toLowerCase()}`);
    for (const a of m[2].matchAll(ATTR)) out.add(`T:${m[1].toLowerCase()}.${a[1].toLowerCase()}`);
  }
  return [...out];
}

const HTML = ["<", ">", "<a", "<IMG", "<font", "<td_x", "<abcdefghijklm", " ", "\t", "\u00a0", "=", "href", "SRC", "color", "-", "x-very-long-attribute-name-here", "\"v\"", "'", "/", "1", "_", "p", "<br/>", "<P>"];
test("HTML tag tokens are what the regex definitions give, on 2000 random snippets", () => {
  for (let seed = 1; seed <= 2000; seed++) {
    let x = seed;
    const text = Array.from({ length: 1 + (seed % 80) }, () => HTML[((x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 8) % HTML.length]).join("");
    const sink = new StringSink(1e9);
    htmlTagTokens(text, Infinity, sink);
    expect([...sink.set]).toEqual(tagsByRegex(text));
  }
});

/** Received tokens as they were defined before the scanner: a split, a trim, two regexes. */
function receivedByRegex(value: string): string[] {
  const out: string[] = [];
  for (const piece of value.toLowerCase().split(/[^a-z0-9.-]+/)) {
    const v = piece.replace(/^[.-]+|[.-]+$/g, "");
    if (!v.includes(".")) continue;
    if (/^\d+(\.\d+){3}$/.test(v)) {
      const q = v.split(".");
      out.push(`ip:${v}`, `ip:${q[0]}.${q[1]}.${q[2]}`, `ip:${q[0]}.${q[1]}`);
    } else if (/[a-z]/.test(v) && !v.includes("..")) out.push(v);
  }
  return [...new Set(out.slice(0, 40).map((t) => `Hreceived:${t}`))];
}

const RECEIVED = ["from ", "by ", "MX.Example.COM", "a..b.org", ".lead.dot.", "-x-.y-", "192.0.2.1", "10.0.0", "1.2.3.4.5", "[198.51.100.7]", "(", ")", ";", " id ", "4711", "\u212a.example", "İ.example", "ΣΑ.gr", "_", "host-1.net", "9-8.7.6.5", "-1.2.3.4-"];
test("Received tokens are what the split-and-regex definition gives, on 1000 random fields", () => {
  for (let seed = 1; seed <= 1000; seed++) {
    let x = seed;
    const value = Array.from({ length: 1 + (seed % 50) }, () => RECEIVED[((x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 8) % RECEIVED.length]).join("");
    const got = tokenize(parsed({ headers: { Received: value } })).filter((t) => t.startsWith("Hreceived:"));
    expect(got).toEqual(receivedByRegex(value));
  }
});

test("token ids (hashed in place, lower-cased through FOLD) are the ids of the token strings, in the same order", () => {
  for (let seed = 1; seed <= 1000; seed++) {
    const m = parsed({
      headers: { Subject: randomText(seed, 12), From: `${randomText(seed + 1, 3)} <a@${randomText(seed + 2, 2)}.example>`, Received: `from ${randomText(seed + 3, 6)} (192.0.2.${seed % 256})` },
      body: randomText(seed + 4, 1 + (seed % 90)),
      rawbody: `<P Class=x>${randomText(seed + 5, 5)}</P>`,
      uris: [`http://Click.${randomText(seed, 2).replace(/[^a-z]/gi, "") || "x"}.example/${randomText(seed + 6, 4)}`],
    });
    expect(tokenIds(m)).toEqual(tokenize(m).map(tokenId));
  }
});
