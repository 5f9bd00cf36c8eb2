// The resolver contract every DNS user (spf/, checks) is written against. Outcomes are values
// (RFC 2308 negative answers, SERVFAIL, timeout), never exceptions, so a caller can map each
// one to its own result (SPF: NXDOMAIN → none/void, timeout → temperror).

export type QType = "A" | "AAAA" | "TXT" | "MX" | "PTR";

export type DnsRecord =
  | { type: "A"; ttl: number; address: string }
  | { type: "AAAA"; ttl: number; address: string }
  /** Character-strings kept apart (RFC 7208 §3.3 joins them without spaces); bytes as latin1 chars. */
  | { type: "TXT"; ttl: number; strings: string[] }
  | { type: "MX"; ttl: number; preference: number; exchange: string }
  | { type: "PTR"; ttl: number; name: string };

export type DnsAnswer =
  /** NOERROR with at least one record of the asked type (CNAMEs already followed). */
  | { status: "ok"; records: DnsRecord[] }
  /** RFC 2308: negTtl from the SOA in the authority section (min of SOA TTL and MINIMUM), when given. */
  | { status: "nxdomain"; negTtl?: number }
  | { status: "nodata"; negTtl?: number }
  | { status: "servfail"; message?: string }
  | { status: "timeout"; message?: string }
  /** Anything else (REFUSED, FORMERR, socket error, malformed reply). */
  | { status: "error"; message: string };

export interface Resolver {
  query(name: string, type: QType): Promise<DnsAnswer>;
}

/** The answer's records of one type, narrowed (empty for every non-"ok" outcome). */
export function recordsOf<T extends DnsRecord["type"]>(a: DnsAnswer, type: T): Extract<DnsRecord, { type: T }>[] {
  return a.status === "ok" ? (a.records.filter((r) => r.type === type) as Extract<DnsRecord, { type: T }>[]) : [];
}

/** "Temporary" outcomes: the name may well exist, we just could not learn it now. */
export const isTransient = (a: DnsAnswer) => a.status === "servfail" || a.status === "timeout" || a.status === "error";
