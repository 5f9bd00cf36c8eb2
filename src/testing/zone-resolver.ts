// Test-only: a Resolver answering from an in-memory zone map in the OpenSPF suite's `zonedata`
// format (see the RFC 7208 suite's README, copied to fixtures/spf/ "The zone data is the DNS"):
//   { "name": [ { TXT: "..." } | { SPF: "..." | string[] } | { A: "..." } | { AAAA: "..." }
//              | { MX: [pref, exchange] } | { PTR: "..." } | { CNAME: "..." } | "TIMEOUT" ] }
// Used by unit tests, the conformance test and testing/dns-server.ts (the real server on
// loopback answers from the same map, so e2e fixtures use the same format).
import type { DnsAnswer, DnsRecord, QType, Resolver } from "../dns/types";

export type ZoneEntry = string | Record<string, unknown>;
export type ZoneMap = Record<string, ZoneEntry[]>;

export interface ZoneResolverOptions {
  ttl?: number;
  /** Negative TTL reported with NXDOMAIN / NODATA (as an SOA MINIMUM would). */
  negTtl?: number;
  /** Called for every query (tests count lookups with it). */
  onQuery?: (name: string, type: QType) => void;
}

export interface ZoneResolver extends Resolver {
  queries: { name: string; type: QType }[];
}

const norm = (n: string) => n.toLowerCase().replace(/\.$/, "");

export function createZoneResolver(zones: ZoneMap, opts: ZoneResolverOptions = {}): ZoneResolver {
  const ttl = opts.ttl ?? 300;
  const map = new Map(Object.entries(zones).map(([k, v]) => [norm(k), v ?? []]));
  const queries: { name: string; type: QType }[] = [];

  function lookup(name: string, type: QType, depth: number): DnsAnswer {
    const entries = map.get(norm(name));
    if (!entries) return { status: "nxdomain", negTtl: opts.negTtl };
    const hasTxt = entries.some((e) => typeof e === "object" && "TXT" in e);
    const records: DnsRecord[] = [];
    for (const e of entries) {
      if (e === "TIMEOUT") {
        // pyspf's rule: TIMEOUT before any record of the asked type makes the query time out.
        if (records.length === 0) return { status: "timeout", message: `zone: ${name} times out` };
        break;
      }
      if (typeof e !== "object") continue;
      const [rtype, value] = Object.entries(e)[0];
      if (rtype === "CNAME" && type !== ("CNAME" as QType)) {
        // Resolve as a recursive server would; a loop ends as a lookup with no usable answer.
        return depth > 8 ? { status: "servfail", message: "CNAME loop" } : lookup(String(value), type, depth + 1);
      }
      const rec = toRecord(rtype, value, type, hasTxt, ttl);
      if (rec) records.push(rec);
    }
    return records.length ? { status: "ok", records } : { status: "nodata", negTtl: opts.negTtl };
  }

  return {
    queries,
    async query(name, type) {
      queries.push({ name, type });
      opts.onQuery?.(name, type);
      return lookup(name, type, 0);
    },
  };
}

function toRecord(rtype: string, value: unknown, want: QType, hasTxt: boolean, ttl: number): DnsRecord | undefined {
  // SPF (type 99) data doubles as TXT only where the name has no TXT entry at all (README rule).
  if (want === "TXT" && (rtype === "TXT" || (rtype === "SPF" && !hasTxt))) {
    if (value === "NONE") return undefined;
    const strings = (Array.isArray(value) ? value : [value]).map((s) => utf8Latin1(String(s)));
    return { type: "TXT", ttl, strings };
  }
  if (rtype !== want) return undefined;
  switch (want) {
    case "A":
      return { type: "A", ttl, address: String(value) };
    case "AAAA":
      return { type: "AAAA", ttl, address: String(value).toLowerCase() };
    case "MX": {
      const [pref, exch] = value as [number, string];
      return { type: "MX", ttl, preference: Number(pref), exchange: String(exch).replace(/\.$/, "") };
    }
    case "PTR":
      return { type: "PTR", ttl, name: String(value).replace(/\.$/, "") };
  }
  return undefined;
}

/** TXT data travels as bytes: serve the UTF-8 encoding, one latin1 char per byte (as the wire client does). */
const utf8Latin1 = (s: string) => Buffer.from(s, "utf8").toString("latin1");
