// check_host() of RFC 7208 §4 with the resolver injected. One evaluation shares its counters
// across include/redirect (§4.6.4: 10 DNS-querying terms, 2 void lookups in all) and ends with
// permerror/temperror by throwing SpfAbort inside, caught once at the top.
import { inNetwork, parseIp, reverseName, type Ip } from "../dns/ip";
import { isTransient, recordsOf, type DnsAnswer, type Resolver } from "../dns/types";
import { expand, truncateDomain, type MacroContext } from "./macro";
import { DNS_MECHANISMS, isSpfRecord, parseRecord, type Mechanism, type Qualifier } from "./record";
import { perm, SpfAbort, temp, type SpfOutcome, type SpfResult } from "./types";

export const LIMITS = { dnsTerms: 10, mxNames: 10, ptrNames: 10, voidLookups: 2 } as const;

/** Used when the record has no (usable) exp= (§6.2 lets the receiver choose). */
export const DEFAULT_EXPLANATION = "%{o} does not designate %{c} as a permitted sender";

export interface CheckHostInput {
  resolver: Resolver;
  /** Client IP address (v4 or v6 text; IPv4-mapped v6 counts as v4, §5). */
  ip: string;
  /** The identity's domain: MAIL FROM domain, or the HELO name. */
  domain: string;
  /** Full identity "local@domain" (§4.3: no local-part → "postmaster"). */
  sender: string;
  helo: string;
  /** Our own host name for %{r} (§7.2). */
  receiver?: string;
  defaultExplanation?: string;
  /** Seconds since the epoch for %{t}. */
  now?: number;
  /**
   * When the caller gives up on the whole evaluation (performance.now() milliseconds). The
   * explanation of a `fail` (§6.2) gets at most half the time left before it, so a slow exp=
   * lookup never turns the `fail` into the caller's timeout.
   */
  deadline?: number;
  /** Most milliseconds the exp= lookup and its expansion may take (default EXPLANATION_MS). */
  explanationMs?: number;
}

/** The explanation's own short deadline: it only decorates a `fail` (§6.2), so it must not hold it up. */
export const EXPLANATION_MS = 1000;

const QUALIFIER: Record<Qualifier, SpfResult> = { "+": "pass", "-": "fail", "~": "softfail", "?": "neutral" };

interface Verdict {
  result: SpfResult;
  mechanism?: string;
  /** Where the fail's exp= came from, expanded only at the top (§6.2: included records' exp is not used). */
  exp?: { spec: string; domain: string };
}

/** §2.6.7 temperror for a DNS failure, saying what failed ("connection refused by 127.0.0.1:53 ..."). */
function dnsError(name: string, type: string, a: DnsAnswer): SpfAbort {
  return temp(`DNS error for ${name} ${type}: ${("message" in a && a.message) || a.status}`);
}

/** §4.3: a name we may query: labels of 1..63 octets, at most 253 in all, more than one label. */
export function isValidDomain(d: string): boolean {
  const s = d.replace(/\.$/, "");
  if (s.length === 0 || s.length > 253 || !s.includes(".")) return false;
  return s.split(".").every((l) => l.length >= 1 && l.length <= 63);
}

export async function checkHost(input: CheckHostInput): Promise<SpfOutcome> {
  const ip = parseIp(input.ip);
  if (!ip) throw new TypeError(`not an IP address: ${input.ip}`);
  const domain = input.domain.replace(/\.$/, "");
  const at = input.sender.lastIndexOf("@");
  const localPart = at > 0 ? input.sender.slice(0, at) : "postmaster";
  const senderDomain = at >= 0 ? input.sender.slice(at + 1) : input.sender;
  const ev = new Evaluation(input, ip, `${localPart}@${senderDomain}`, localPart, senderDomain);
  const base = { domain, lookups: 0, voidLookups: 0 };
  if (!isValidDomain(domain)) return { ...base, result: "none", problem: `${JSON.stringify(domain)} is not a valid domain name` };
  try {
    const v = await ev.evaluate(domain);
    const out: SpfOutcome = { ...base, result: v.result, mechanism: v.mechanism, lookups: ev.lookups, voidLookups: ev.voids };
    if (v.result === "fail") out.explanation = await ev.explain(v.exp, domain);
    return out;
  } catch (e) {
    if (!(e instanceof SpfAbort)) throw e;
    return { ...base, result: e.result, problem: e.message, lookups: ev.lookups, voidLookups: ev.voids };
  }
}

class Evaluation {
  lookups = 0;
  voids = 0;
  private validated?: Promise<string[]>;

  constructor(
    private readonly input: CheckHostInput,
    private readonly ip: Ip,
    private readonly sender: string,
    private readonly localPart: string,
    private readonly senderDomain: string,
  ) {}

  private q(name: string, type: "A" | "AAAA" | "TXT" | "MX" | "PTR"): Promise<DnsAnswer> {
    return this.input.resolver.query(name, type);
  }

  /** §4.6.4: void lookups (NXDOMAIN or an empty answer) beyond 2 are a permerror. */
  private void(a: DnsAnswer) {
    if ((a.status === "nxdomain" || a.status === "nodata") && ++this.voids > LIMITS.voidLookups) throw perm(`more than ${LIMITS.voidLookups} void DNS lookups`);
  }

  private count(term: string) {
    if (++this.lookups > LIMITS.dnsTerms) throw perm(`more than ${LIMITS.dnsTerms} DNS-querying terms (at ${term})`);
  }

  private ctx(domain: string): MacroContext {
    return {
      sender: this.sender, localPart: this.localPart, senderDomain: this.senderDomain, domain, ip: this.ip,
      helo: this.input.helo, receiver: this.input.receiver ?? "unknown", now: this.input.now ?? Math.floor(Date.now() / 1000),
      validatedName: () => this.validatedName(domain),
    };
  }

  private async target(spec: string | undefined, domain: string): Promise<string> {
    if (spec === undefined) return domain;
    return truncateDomain(await expand(spec, this.ctx(domain))).replace(/\.$/, "");
  }

  /** §4.4 + §4.5: the one SPF record of a domain, or a result that ends the evaluation here. */
  async evaluate(domain: string): Promise<Verdict> {
    if (!isValidDomain(domain)) return { result: "none" };
    const a = await this.q(domain, "TXT");
    if (isTransient(a)) throw dnsError(domain, "TXT", a);
    const spf = recordsOf(a, "TXT").map((r) => r.strings.join("")).filter(isSpfRecord);
    if (spf.length === 0) return { result: "none" };
    if (spf.length > 1) throw perm(`${domain} has ${spf.length} SPF records`);
    // Only ASCII is SPF syntax; 8-bit text anywhere is a syntax error (§3.1, ABNF).
    if (/[^\x20-\x7e]/.test(spf[0])) throw perm(`${domain}: SPF record holds non-ASCII text`);
    const rec = parseRecord(spf[0]);
    for (const m of rec.mechanisms) {
      if (DNS_MECHANISMS.has(m.name)) this.count(m.text);
      if (await this.matches(m, domain)) {
        return { result: QUALIFIER[m.qualifier], mechanism: m.text, exp: rec.exp !== undefined ? { spec: rec.exp, domain } : undefined };
      }
    }
    if (rec.redirect !== undefined) {
      this.count("redirect=" + rec.redirect);
      const target = await this.target(rec.redirect, domain);
      const v = await this.evaluate(target);
      // §6.1: a redirect to a domain without a record is a permerror.
      if (v.result === "none") throw perm(`redirect=${target}: no SPF record`);
      return v;
    }
    return { result: "neutral", mechanism: "default" };
  }

  private async matches(m: Mechanism, domain: string): Promise<boolean> {
    switch (m.name) {
      case "all":
        return true;
      case "ip4":
      case "ip6":
        return inNetwork(this.ip, m.network!, m.cidr6);
      case "include": {
        const target = await this.target(m.domainSpec, domain);
        const v = await this.evaluate(target);
        // §5.2 table: none → permerror; temperror/permerror propagate (thrown).
        if (v.result === "none") throw perm(`include:${target}: no SPF record`);
        return v.result === "pass";
      }
      case "a":
        return this.addressMatch(await this.target(m.domainSpec, domain), m, true);
      case "mx": {
        const target = await this.target(m.domainSpec, domain);
        const a = await this.q(target, "MX");
        if (isTransient(a)) throw dnsError(target, "MX", a);
        this.void(a);
        const mx = recordsOf(a, "MX");
        if (mx.length > LIMITS.mxNames) throw perm(`${target} has more than ${LIMITS.mxNames} MX names (§4.6.4)`);
        for (const r of mx) if (await this.addressMatch(r.exchange, m, false)) return true;
        return false;
      }
      case "ptr": {
        const target = (await this.target(m.domainSpec, domain)).toLowerCase();
        const names = await this.validatedNames(target);
        return names.some((n) => n === target || n.endsWith("." + target));
      }
      case "exists": {
        const target = await this.target(m.domainSpec, domain);
        // §5.7: always an A query, whatever the client's address family.
        const a = await this.q(target, "A");
        if (isTransient(a)) throw dnsError(target, "A", a);
        this.void(a);
        return a.status === "ok";
      }
    }
  }

  private async addressMatch(name: string, m: Mechanism, countVoid: boolean): Promise<boolean> {
    if (!isValidDomain(name)) return false;
    const type = this.ip.version === 4 ? "A" : "AAAA";
    const a = await this.q(name, type);
    if (isTransient(a)) throw dnsError(name, type, a);
    if (countVoid) this.void(a);
    const bits = this.ip.version === 4 ? m.cidr4 : m.cidr6;
    return recordsOf(a, type).some((r) => {
      const addr = parseIp(r.address);
      return addr !== undefined && inNetwork(this.ip, addr, bits);
    });
  }

  /**
   * §5.5: PTR names of the client (the first 10 only) whose A/AAAA records lead back to it.
   * `prefer` names matching a target domain are tried first; DNS errors here just fail the match.
   */
  private async validatedNames(prefer?: string): Promise<string[]> {
    const a = await this.q(reverseName(this.ip), "PTR");
    if (a.status === "nxdomain" || a.status === "nodata") this.void(a);
    const names = recordsOf(a, "PTR").slice(0, LIMITS.ptrNames).map((r) => r.name.toLowerCase().replace(/\.$/, ""));
    const sorted = prefer ? [...names.filter((n) => n === prefer || n.endsWith("." + prefer)), ...names.filter((n) => !(n === prefer || n.endsWith("." + prefer)))] : names;
    const out: string[] = [];
    const type = this.ip.version === 4 ? "A" : "AAAA";
    for (const n of sorted) {
      if (!isValidDomain(n)) continue;
      const r = await this.q(n, type);
      if (recordsOf(r, type).some((x) => { const p = parseIp(x.address); return p !== undefined && inNetwork(this.ip, p, 128); })) out.push(n);
    }
    return out;
  }

  /** §7.3 `p`: a validated name, preferring the target domain or its subdomains; else "unknown". */
  private validatedName(domain: string): Promise<string> {
    this.validated ??= this.validatedNames(domain.toLowerCase());
    return this.validated.then((names) => names[0] ?? "unknown");
  }

  /**
   * §6.2: exp= text of the record that failed, or the default explanation. Never changes the
   * result: "if there are any DNS processing errors ... proceed as if no exp modifier was
   * given", and a lookup that outlives its own short deadline is such an error.
   */
  async explain(exp: Verdict["exp"], domain: string): Promise<string> {
    const fallback = () => expand(this.input.defaultExplanation ?? DEFAULT_EXPLANATION, this.ctx(domain), true).catch(() => "");
    if (!exp) return fallback();
    const left = this.input.deadline === undefined ? Infinity : (this.input.deadline - performance.now()) / 2;
    const budget = Math.min(this.input.explanationMs ?? EXPLANATION_MS, left);
    if (!(budget > 0)) return fallback();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<undefined>((r) => (timer = setTimeout(() => r(undefined), budget)));
    const text = await Promise.race([this.expText(exp), late]).finally(() => clearTimeout(timer));
    return text ?? fallback();
  }

  /** The expanded exp= text, or undefined when §6.2 says to ignore the modifier. */
  private async expText(exp: NonNullable<Verdict["exp"]>): Promise<string | undefined> {
    try {
      const target = await this.target(exp.spec, exp.domain);
      if (!isValidDomain(target)) return undefined;
      const a = await this.q(target, "TXT");
      const txt = recordsOf(a, "TXT");
      if (txt.length !== 1) return undefined;
      const text = txt[0].strings.join("");
      if (/[^\x20-\x7e]/.test(text)) return undefined;
      return await expand(text, this.ctx(exp.domain), true);
    } catch {
      return undefined;
    }
  }
}
