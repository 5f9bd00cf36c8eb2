// kas's DNS service in the shape mailauth asks for (node:dns resolve(name, rrtype)): records
// as node returns them (TXT as lists of character-strings), outcomes other than records as
// errors with node's codes, which mailauth maps to RFC results (ENOTFOUND / ENODATA: "no
// key", no DMARC record; anything else: temperror). Questions asked past the scan's checks
// deadline fail at once as ETIMEOUT, so a slow chain of lookups ends as temperror in time.
import type { DnsAnswer, QType, Resolver } from "../dns/types";

export type MailauthResolver = (name: string, rrtype: string) => Promise<unknown[]>;

const CODES: Record<Exclude<DnsAnswer["status"], "ok">, string> = { nxdomain: "ENOTFOUND", nodata: "ENODATA", servfail: "ESERVFAIL", timeout: "ETIMEOUT", error: "EREFUSED" };

function dnsError(code: string, name: string, message?: string): Error {
  return Object.assign(new Error(`${code} ${name}${message ? `: ${message}` : ""}`), { code, hostname: name });
}

export function mailauthResolver(dns: Resolver, deadline: number): MailauthResolver {
  return async (name, rrtype) => {
    // kas's resolver follows CNAMEs for the type asked; a bare CNAME question (DMARC's
    // domain-exists test after an NXDOMAIN) then has nothing more to add.
    if (rrtype === "CNAME") throw dnsError("ENODATA", name);
    if (!["A", "AAAA", "TXT", "MX", "PTR"].includes(rrtype)) throw dnsError("ENOTIMP", name, `${rrtype} is not asked by kas`);
    const left = deadline - performance.now();
    if (left <= 0) throw dnsError("ETIMEOUT", name, "no time left in the scan budget");
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<DnsAnswer>((r) => (timer = setTimeout(() => r({ status: "timeout", message: "scan deadline" }), left)));
    const a = await Promise.race([dns.query(name, rrtype as QType), late]).finally(() => clearTimeout(timer));
    if (a.status !== "ok") throw dnsError(CODES[a.status], name, "message" in a ? a.message : undefined);
    return a.records.map((r) => {
      switch (r.type) {
        case "TXT":
          return r.strings;
        case "MX":
          return { priority: r.preference, exchange: r.exchange };
        case "PTR":
          return r.name;
        default:
          return r.address;
      }
    });
  };
}
