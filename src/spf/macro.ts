// The macro language of RFC 7208 §7: tokenizing (which is also the syntax check of every
// domain-spec and explain-string) and expansion. %{p} needs DNS, so expansion is async and
// takes the validated-name lookup as a function.
import { ipText, nibbles, type Ip } from "../dns/ip";
import { perm } from "./types";

export type MacroToken = string | { letter: string; digits?: number; reverse: boolean; delimiters: string };

/** Letters allowed everywhere; c, r, t only in explanation text (§7.2). */
const LETTERS = "slodiphv";
const EXP_LETTERS = "crt";

/** Splits a macro-string (§7.1 ABNF) into literals and macros; throws permerror on bad syntax. */
export function tokenize(s: string, inExp: boolean): MacroToken[] {
  const out: MacroToken[] = [];
  let lit = "";
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c !== "%") {
      // macro-literal = %x21-24 / %x26-7E; explanation text may also hold spaces (§6.2).
      const code = c.charCodeAt(0);
      if (!((code >= 0x21 && code <= 0x7e) || (inExp && code === 0x20))) throw perm(`invalid character ${JSON.stringify(c)} in ${JSON.stringify(s)}`);
      lit += c;
      continue;
    }
    const n = s[i + 1];
    if (n === "%") lit += "%";
    else if (n === "_") lit += " ";
    else if (n === "-") lit += "%20";
    else if (n === "{") {
      const end = s.indexOf("}", i);
      if (end < 0) throw perm(`unterminated macro in ${JSON.stringify(s)}`);
      const m = s.slice(i + 2, end).match(/^([a-zA-Z])(\d*)(r?)([.\-+,/_=]*)$/i);
      if (!m) throw perm(`invalid macro %{${s.slice(i + 2, end)}}`);
      const letter = m[1];
      if (!(LETTERS + (inExp ? EXP_LETTERS : "")).includes(letter.toLowerCase())) throw perm(`macro letter ${letter} not allowed here`);
      const digits = m[2] === "" ? undefined : Number(m[2]);
      if (digits === 0) throw perm("macro transformer 0 is not allowed (§7.3)");
      if (lit) out.push(lit);
      lit = "";
      out.push({ letter, digits, reverse: m[3] !== "", delimiters: m[4] || "." });
      i = end;
      continue;
    } else throw perm(`invalid macro escape %${n ?? ""} in ${JSON.stringify(s)}`);
    i++;
  }
  if (lit) out.push(lit);
  return out;
}

export interface MacroContext {
  sender: string;
  localPart: string;
  senderDomain: string;
  domain: string;
  ip: Ip;
  helo: string;
  receiver: string;
  /** Seconds since the epoch for %{t}. */
  now: number;
  /** §7.3 `p`: a validated domain name of ip (does its own DNS, once). */
  validatedName: () => Promise<string>;
}

async function letterValue(letter: string, ctx: MacroContext): Promise<string> {
  switch (letter) {
    case "s": return ctx.sender;
    case "l": return ctx.localPart;
    case "o": return ctx.senderDomain;
    case "d": return ctx.domain;
    // IPv6 nibbles in upper case, as the OpenSPF suite (v-macro-ip6) expects; the RFC's §7.4
    // example is lower case, and DNS names are case-insensitive (RFC 4343), so both conform.
    case "i": return ctx.ip.version === 4 ? [...ctx.ip.bytes].join(".") : nibbles(ctx.ip.bytes).join(".").toUpperCase();
    case "p": return ctx.validatedName();
    case "v": return ctx.ip.version === 4 ? "in-addr" : "ip6";
    case "h": return ctx.helo;
    case "c": return ipText(ctx.ip);
    case "r": return ctx.receiver || "unknown";
    case "t": return String(ctx.now);
  }
  throw perm(`unknown macro letter ${letter}`);
}

/** RFC 3986 unreserved characters stay; everything else is %XX (§7.3: upper-case macro letters). */
const urlEscape = (s: string) => [...Buffer.from(s, "utf8")].map((b) => (/[A-Za-z0-9\-._~]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : "%" + b.toString(16).toUpperCase().padStart(2, "0"))).join("");

export async function expand(s: string, ctx: MacroContext, inExp = false): Promise<string> {
  let out = "";
  for (const t of tokenize(s, inExp)) {
    if (typeof t === "string") {
      out += t;
      continue;
    }
    let parts = (await letterValue(t.letter.toLowerCase(), ctx)).split(new RegExp(`[${t.delimiters.replace(/[-\\\]^/]/g, "\\$&")}]`));
    if (t.reverse) parts.reverse();
    if (t.digits !== undefined && t.digits < parts.length) parts = parts.slice(parts.length - t.digits);
    const v = parts.join(".");
    out += t.letter === t.letter.toUpperCase() ? urlEscape(v) : v;
  }
  return out;
}

/** §7.3: an expanded domain-spec over 253 characters loses labels on the left until it fits. */
export function truncateDomain(d: string): string {
  let s = d;
  while (s.length > 253 && s.includes(".")) s = s.slice(s.indexOf(".") + 1);
  return s;
}
