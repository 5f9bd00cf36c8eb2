// Record selection (RFC 7208 §4.5) and parsing (§4.6.1, §12 ABNF). The whole record is
// parsed before anything is evaluated: "If there are any syntax errors anywhere in the
// record, check_host() returns immediately with the result permerror" (§4.6).
import { parseIp, type Ip } from "../dns/ip";
import { tokenize } from "./macro";
import { perm } from "./types";

export type Qualifier = "+" | "-" | "~" | "?";
export type MechanismName = "all" | "include" | "a" | "mx" | "ptr" | "ip4" | "ip6" | "exists";

export interface Mechanism {
  qualifier: Qualifier;
  name: MechanismName;
  /** Unexpanded domain-spec, when the mechanism has one. */
  domainSpec?: string;
  network?: Ip;
  cidr4: number;
  cidr6: number;
  /** The term as written, for Received-SPF `mechanism=`. */
  text: string;
}

export interface SpfRecord {
  mechanisms: Mechanism[];
  redirect?: string;
  exp?: string;
}

/** §4.5: "v=spf1" (case-insensitive, RFC 5234 strings) followed by a space or the end. */
export const isSpfRecord = (txt: string) => /^v=spf1(?: |$)/i.test(txt);

/** Terms that cause DNS queries, counted against the limit of 10 (§4.6.4). */
export const DNS_MECHANISMS: ReadonlySet<MechanismName> = new Set(["include", "a", "mx", "ptr", "exists"]);

const CIDR4 = /^(?:0|[1-9]\d?)$/;
const CIDR6 = /^(?:0|[1-9]\d{0,2})$/;

export function parseRecord(txt: string): SpfRecord {
  const rec: SpfRecord = { mechanisms: [] };
  for (const term of txt.split(/ +/).slice(1).filter((t) => t !== "")) {
    const mod = term.match(/^([a-zA-Z][a-zA-Z0-9\-_.]*)=(.*)$/);
    if (mod) {
      const name = mod[1].toLowerCase();
      if (name === "redirect" || name === "exp") {
        // §6: each may appear at most once.
        if (rec[name] !== undefined) throw perm(`${name}= appears twice`);
        checkDomainSpec(mod[2]);
        rec[name] = mod[2];
      } else tokenize(mod[2], false); // unknown modifiers are ignored, but must be syntactically valid (§6)
      continue;
    }
    rec.mechanisms.push(parseMechanism(term));
  }
  return rec;
}

function parseMechanism(term: string): Mechanism {
  const q = "+-~?".includes(term[0]) ? (term[0] as Qualifier) : "+";
  const body = "+-~?".includes(term[0]) ? term.slice(1) : term;
  const m = body.match(/^([a-zA-Z0-9]+)(.*)$/);
  if (!m) throw perm(`unknown term ${JSON.stringify(term)}`);
  const name = m[1].toLowerCase();
  const rest = m[2];
  const mech: Mechanism = { qualifier: q, name: name as MechanismName, cidr4: 32, cidr6: 128, text: term };
  switch (name) {
    case "all":
      if (rest !== "") throw perm(`bad "all" term ${JSON.stringify(term)}`);
      return mech;
    case "include":
    case "exists":
      if (!rest.startsWith(":")) throw perm(`${name} needs a domain: ${JSON.stringify(term)}`);
      checkDomainSpec(rest.slice(1));
      return { ...mech, domainSpec: rest.slice(1) };
    case "ptr":
      if (rest === "") return mech;
      if (!rest.startsWith(":")) throw perm(`bad ptr term ${JSON.stringify(term)}`);
      checkDomainSpec(rest.slice(1));
      return { ...mech, domainSpec: rest.slice(1) };
    case "a":
    case "mx": {
      const cm = rest.match(/^(.*?)(?:\/(\d+))?(?:\/\/(\d+))?$/)!;
      const [, head, c4, c6] = cm;
      if (c4 !== undefined) {
        if (!CIDR4.test(c4) || Number(c4) > 32) throw perm(`bad IPv4 CIDR length in ${JSON.stringify(term)}`);
        mech.cidr4 = Number(c4);
      }
      if (c6 !== undefined) {
        if (!CIDR6.test(c6) || Number(c6) > 128) throw perm(`bad IPv6 CIDR length in ${JSON.stringify(term)}`);
        mech.cidr6 = Number(c6);
      }
      if (head === "") return mech;
      if (!head.startsWith(":")) throw perm(`bad ${name} term ${JSON.stringify(term)}`);
      checkDomainSpec(head.slice(1));
      return { ...mech, domainSpec: head.slice(1) };
    }
    case "ip4":
    case "ip6": {
      const im = rest.match(/^:([^/]+)(?:\/(\d+))?$/);
      if (!im) throw perm(`bad ${name} term ${JSON.stringify(term)}`);
      const ip = name === "ip4" ? (/^\d+\.\d+\.\d+\.\d+$/.test(im[1]) ? parseIp(im[1]) : undefined) : im[1].includes(":") ? parseIp(im[1]) : undefined;
      // An ip6 network that is IPv4-mapped folds to v4 in parseIp; keep it as v6 text for matching.
      const network = name === "ip6" && ip?.version === 4 ? { version: 6 as const, bytes: Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, ...ip.bytes]) } : ip;
      if (!network) throw perm(`bad address in ${JSON.stringify(term)}`);
      if (im[2] !== undefined) {
        const ok = name === "ip4" ? CIDR4.test(im[2]) && Number(im[2]) <= 32 : CIDR6.test(im[2]) && Number(im[2]) <= 128;
        if (!ok) throw perm(`bad CIDR length in ${JSON.stringify(term)}`);
      }
      const bits = im[2] === undefined ? (name === "ip4" ? 32 : 128) : Number(im[2]);
      return { ...mech, network, cidr4: bits, cidr6: bits };
    }
  }
  throw perm(`unknown mechanism ${JSON.stringify(term)}`);
}

/** domain-spec = macro-string domain-end; domain-end = ( "." toplabel [ "." ] ) / macro-expand (§7.1). */
export function checkDomainSpec(spec: string): void {
  const tokens = tokenize(spec, false);
  if (tokens.length === 0) throw perm("empty domain-spec");
  const last = tokens[tokens.length - 1];
  if (typeof last !== "string") return; // ends with a macro-expand
  // "%-", "%_", "%%" are macro-expands too, but they tokenize into literal text: check the raw end.
  if (/%[-_%]$/.test(spec) && !/%%[-_%]$/.test(spec.slice(-3))) return;
  const m = spec.match(/\.([^.]+)\.?$/);
  const top = m?.[1];
  const toplabel = /^(?:[a-zA-Z0-9]*[a-zA-Z][a-zA-Z0-9]*|[a-zA-Z0-9]+-[a-zA-Z0-9-]*[a-zA-Z0-9])$/;
  if (!top || !toplabel.test(top)) throw perm(`${JSON.stringify(spec)} does not end in a valid top-level label`);
}
