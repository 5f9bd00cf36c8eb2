// What a DNS list's answers mean, read from [[dnsbl.list]]: the query name for an address or
// a domain, which A answers are listings (and under which symbol), and which mean "your query
// was refused" (Spamhaus 127.255.255.252-255 through a public resolver or over quota, URIBL
// and SURBL 127.0.0.1). Pure: the check (dnsbl.ts) and the master's refusal watch both use it.
import type { KasConfig } from "../config/schema";
import { nibbles, parseIp } from "../dns/ip";

export interface DnsList {
  zone: string;
  type: "ip" | "domain";
  /** Symbol for a listing answer no `answers` entry names ("" = none). */
  symbol: string;
  answers: AnswerRule[];
  refused: AnswerRule[];
}

export interface AnswerRule {
  /** Matches one A answer, as a 32-bit number. */
  test(n: number): boolean;
  symbol: string;
}

const ipv4 = (s: string): number | undefined => {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s.trim());
  if (!m || m.slice(1).some((o) => Number(o) > 255)) return undefined;
  return m.slice(1).reduce((n, o) => n * 256 + Number(o), 0);
};

/** "127.0.0.2", "127.0.0.4-127.0.0.7" or "&8" (a bitmask: SURBL and URIBL encode several lists in one answer's bits). */
export function parseAnswerMatch(text: string): ((n: number) => boolean) | undefined {
  const t = text.trim();
  if (t.startsWith("&")) {
    const mask = /^&(?:0x[0-9a-f]+|\d+)$/i.test(t) ? Number(t.slice(1)) : ipv4(t.slice(1));
    return mask === undefined || !Number.isFinite(mask) || mask <= 0 ? undefined : (n) => (n & mask) !== 0 && n >>> 24 === 127;
  }
  const [a, b] = t.split("-");
  const lo = ipv4(a);
  const hi = b === undefined ? lo : ipv4(b);
  return lo === undefined || hi === undefined || hi < lo ? undefined : (n) => n >= lo && n <= hi;
}

/** The lists of [[dnsbl.list]]; throws an Error naming the bad entry (the config check turns it into a ConfigError). */
export function dnsLists(config: Pick<KasConfig, "dnsbl">): DnsList[] {
  if (!config.dnsbl.enabled) return [];
  return config.dnsbl.list.map((l, i) => {
    const where = `dnsbl.list[${i}]`;
    const zone = (l.zone ?? "").trim().toLowerCase().replace(/\.$/, "");
    if (!/^[a-z0-9_-]+(\.[a-z0-9_-]+)+$/.test(zone)) throw new Error(`${where}.zone: ${JSON.stringify(l.zone ?? "")} is not a DNS zone such as zen.spamhaus.org`);
    const rule = (spec: string, key: string, needSymbol: boolean): AnswerRule => {
      const eq = spec.lastIndexOf("=");
      const matchText = needSymbol ? spec.slice(0, eq) : spec;
      const symbol = needSymbol ? spec.slice(eq + 1).trim() : "";
      const test = parseAnswerMatch(matchText);
      if (!test || (needSymbol && (eq < 0 || !/^[A-Z][A-Z0-9_]*$/.test(symbol))))
        throw new Error(`${where}.${key}: ${JSON.stringify(spec)} is not ${needSymbol ? "ANSWER=SYMBOL (127.0.0.2=RCVD_IN_SBL, 127.0.0.4-127.0.0.7=RCVD_IN_XBL, &8=URIBL_PH_SURBL)" : "an address, a range or &mask"}`);
      return { test, symbol };
    };
    const symbol = (l.symbol ?? "").trim();
    if (symbol && !/^[A-Z][A-Z0-9_]*$/.test(symbol)) throw new Error(`${where}.symbol: ${JSON.stringify(symbol)} is not an UPPER_SNAKE symbol`);
    const answers = (l.answers ?? []).map((a) => rule(a, "answers", true));
    if (!symbol && !answers.length) throw new Error(`${where}: give a symbol or answers, else a listing would raise nothing`);
    return {
      zone,
      type: l.type ?? "ip",
      symbol,
      answers,
      refused: (l.refused ?? ["127.0.0.1", "127.255.255.252-127.255.255.255"]).map((a) => rule(a, "refused", false)),
    };
  });
}

/** The name to look up: reversed octets (or IPv6 nibbles, RFC 5782 §2.4) or the domain, under the zone. */
export function queryName(list: DnsList, item: string): string | undefined {
  if (list.type === "domain") return `${item.toLowerCase().replace(/\.$/, "")}.${list.zone}`;
  const ip = parseIp(item);
  if (!ip) return undefined;
  const labels = ip.version === 4 ? [...ip.bytes].map(String) : nibbles(ip.bytes);
  return `${labels.reverse().join(".")}.${list.zone}`;
}

export type Meaning = { kind: "listed"; symbols: string[] } | { kind: "refused"; answer: string } | { kind: "none" };

/** What a list's A answers say. A refusal wins over everything else in the same answer; answers outside 127/8 are not listings (RFC 5782 §2.1). */
export function meaning(list: DnsList, addresses: readonly string[]): Meaning {
  const nums = addresses.map(ipv4);
  const refused = addresses.find((_, i) => nums[i] !== undefined && list.refused.some((r) => r.test(nums[i]!)));
  if (refused) return { kind: "refused", answer: refused };
  const symbols = new Set<string>();
  for (const n of nums) {
    if (n === undefined || n >>> 24 !== 127) continue;
    const named = list.answers.filter((r) => r.test(n));
    for (const r of named) symbols.add(r.symbol);
    if (!named.length && list.symbol) symbols.add(list.symbol);
  }
  return symbols.size ? { kind: "listed", symbols: [...symbols] } : { kind: "none" };
}

/** The list a query name belongs to (the longest zone that ends it). */
export function listOf(lists: readonly DnsList[], name: string): DnsList | undefined {
  const n = name.toLowerCase().replace(/\.$/, "");
  return lists.filter((l) => n.endsWith(`.${l.zone}`)).sort((a, b) => b.zone.length - a.zone.length)[0];
}
