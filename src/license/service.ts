// The license as the server sees it: the active key ([license] key_file), an optional
// reserve key ([license] reserve_key_file), the trusted issuers, and the usage store.
// Files are read at construction and on reload() (SIGHUP); state() and admit() only look at
// the clock, so they are cheap enough to ask on every scan and tests can move time.
//
// Which key is in use:
// - the active key when it is valid or expiring;
// - else the reserve key when it is valid or expiring (a renewal installed ahead of time
//   takes over the day the active key ends; also when the active file is missing/broken);
// - else an expired key (the one that expired last): filtering goes on under its limits, but
//   updatesAllowed() is false so `kas update-db` refuses to update;
// - else no key: every recipient is unlicensed ("no valid license").
// An expiring active key whose reserve continues without a gap is reported as valid: the
// renewal is already installed, there is nothing to warn about.
//
// What the server does with admit()'s answer: headers.ts.
import { licenseUsagePath } from "../config/paths";
import type { KasConfig } from "../config/schema";
import { dayAfter, keyStatus, loadKeyFile, loadTrustedIssuers, utcDay, WARN_DAYS, type KeyStatus, type LoadedKey, type Verdict } from "./check";
import { parseDay, type License } from "./format";
import { domainOf, normaliseAddress, SqliteUsageStore, type UsageStore } from "./usage";

export type LicenseConfig = Pick<KasConfig, "data_dir" | "license">;

export interface LicenseState {
  readonly verdict: Verdict;
  /** What the admin should know, one line. */
  readonly message: string;
  /** Days left on the key in use (0 on its last day, negative once expired). */
  readonly daysLeft?: number;
  /** Which file's key is in use; "none" when no key is usable. */
  readonly source: "active" | "reserve" | "none";
  /** The key in use (signature verified), when there is one. */
  readonly license?: License;
  readonly active: KeyStatus;
  readonly reserve?: KeyStatus;
}

export type UnlicensedReason = "no valid license" | `address limit ${number} reached` | "domain not licensed" | `more than ${number} new recipients in one message`;

export interface Admission {
  /**
   * Filter this message? True when at least one recipient is licensed (one scan serves all
   * its recipients), or when there are no recipients to count (e.g. `kas filter` without an
   * envelope) and a key is in use. False otherwise: pass it with headers.ts's edits.
   */
  readonly filter: boolean;
  /** Why it is not filtered (the X-KAS-License value), when filter is false. */
  readonly reason?: UnlicensedReason;
  /** Recipients (as given) the license covers. */
  readonly licensed: string[];
  /** Recipients (as given) it does not cover, with the X-KAS-License reason. */
  readonly unlicensed: { address: string; reason: UnlicensedReason }[];
}

export interface LicenseServiceOptions {
  clock?: () => Date;
  /** Default: the SQLite store at licenseUsagePath(config). */
  usage?: UsageStore;
  /** Named in configuration errors (bad trusted_issuers entry). */
  configFile?: string;
}

const USABLE = new Set<Verdict>(["valid", "expiring"]);
const FILTERS = new Set<Verdict>(["valid", "expiring", "expired"]);

/** `kas update-db` installs new rule databases only under a current license. */
export function updatesAllowed(state: Pick<LicenseState, "verdict">): boolean {
  return USABLE.has(state.verdict);
}

export class LicenseService {
  private readonly clock: () => Date;
  private readonly usage: UsageStore;
  private active!: LoadedKey;
  private reserve?: LoadedKey;

  /** Throws ConfigError for a bad trusted_issuers entry; a missing or bad key file is a state, not an error. */
  constructor(
    private config: LicenseConfig,
    private readonly opts: LicenseServiceOptions = {},
  ) {
    this.clock = opts.clock ?? (() => new Date());
    this.apply(this.read(config));
    this.usage = opts.usage ?? new SqliteUsageStore(licenseUsagePath(config));
  }

  /** Re-reads the key files and issuers (SIGHUP). On a ConfigError the previous keys stay. */
  reload(config: LicenseConfig = this.config): LicenseState {
    return this.prepareReload(config)();
  }

  /**
   * Reads the key files and issuers of `config` without switching to them (throws ConfigError
   * for a bad trusted_issuers entry); the returned function switches. Lets the server refuse
   * a reload that another service cannot take while this one keeps its keys.
   */
  prepareReload(config: LicenseConfig = this.config): () => LicenseState {
    const loaded = this.read(config);
    return () => {
      this.apply(loaded);
      this.config = config;
      return this.state();
    };
  }

  private read(config: LicenseConfig) {
    const trusted = loadTrustedIssuers(config.license.trusted_issuers, this.opts.configFile);
    return { trusted, active: loadKeyFile(config.license.key_file, trusted), reserve: config.license.reserve_key_file ? loadKeyFile(config.license.reserve_key_file, trusted) : undefined };
  }

  private apply(k: ReturnType<LicenseService["read"]>): void {
    this.active = k.active;
    this.reserve = k.reserve;
    this.memo = undefined;
  }

  /** The state depends on the keys and the UTC day only; admit() runs for every message. */
  private memo?: { day: number; state: LicenseState };

  state(now: Date = this.clock()): LicenseState {
    const day = utcDay(now);
    if (this.memo?.day !== day) this.memo = { day, state: this.compute(now) };
    return this.memo.state;
  }

  private compute(now: Date): LicenseState {
    const active = keyStatus(this.active, now);
    const reserve = this.reserve ? keyStatus(this.reserve, now) : undefined;
    const pick = (s: KeyStatus, source: "active" | "reserve", message = s.message, verdict = s.verdict): LicenseState => ({
      verdict,
      message,
      daysLeft: s.daysLeft,
      source,
      license: s.license,
      active,
      reserve,
    });
    if (USABLE.has(active.verdict)) {
      const until = reserve?.license && continues(active.license!, reserve.license) ? reserve.license.expires : undefined;
      if (active.verdict === "expiring" && until && parseDay(until)! - utcDay(now) > WARN_DAYS) {
        return pick(active, "active", `${active.message}; the reserve key (serial ${reserve!.license!.serial}) takes over on ${dayAfter(active.license!.expires)}, valid until ${until}`, "valid");
      }
      return pick(active, "active");
    }
    if (reserve && USABLE.has(reserve.verdict)) return pick(reserve, "reserve", `reserve key in use (${reserve.message}); the key_file's key: ${active.message}`);
    // Both expired: the one that expired last, whose limits the site was living under.
    const reserveLater = reserve?.verdict === "expired" && (active.verdict !== "expired" || parseDay(reserve.license!.expires)! > parseDay(active.license!.expires)!);
    if (reserveLater) return pick(reserve!, "reserve", `reserve key: ${reserve!.message}; the key_file's key: ${active.message}`);
    if (active.verdict === "expired") return pick(active, "active");
    return { verdict: active.verdict, message: active.message, source: "none", active, reserve };
  }

  /** Which recipients the license covers. Unlicensed ones pass unfiltered (headers.ts). */
  admit(recipients: readonly string[], now: Date = this.clock()): Admission {
    const st = this.state(now);
    const licensed: string[] = [];
    const unlicensed: Admission["unlicensed"] = [];
    const l = st.license;
    if (!l || !FILTERS.has(st.verdict)) {
      for (const address of recipients) unlicensed.push({ address, reason: "no valid license" });
      return { filter: false, reason: "no valid license", licensed, unlicensed };
    }
    const inDomain: { address: string; norm: string }[] = [];
    for (const address of recipients) {
      const norm = normaliseAddress(address);
      if (l.domains.length && !domainLicensed(domainOf(norm), l.domains)) unlicensed.push({ address, reason: "domain not licensed" });
      else inDomain.push({ address, norm });
    }
    // One message may add at most max_recipients_counted new addresses to the count: a
    // request with 60 made-up recipients must not fill a 50-address license for good. Later
    // recipients of the message are licensed only if they were counted before.
    const cap = this.config.license.max_recipients_counted ?? Infinity;
    const distinct = [...new Set(inDomain.map((r) => r.norm))];
    const counted = new Set(distinct.slice(0, cap));
    const rest = distinct.slice(cap);
    const okCounted = this.usage.admit([...counted], l.max_addresses, now);
    const okRest = rest.length ? this.usage.lookup(rest, l.max_addresses) : [];
    const ok = new Map<string, boolean>([...[...counted].map((a, i) => [a, okCounted[i]] as const), ...rest.map((a, i) => [a, okRest[i]] as const)]);
    for (const r of inDomain) {
      if (ok.get(r.norm)) licensed.push(r.address);
      else unlicensed.push({ address: r.address, reason: counted.has(r.norm) ? `address limit ${l.max_addresses!} reached` : `more than ${cap} new recipients in one message` });
    }
    const filter = licensed.length > 0 || recipients.length === 0;
    return { filter, reason: filter ? undefined : unlicensed[0].reason, licensed, unlicensed };
  }

  /** Distinct protected addresses recorded so far. */
  addressesInUse(): number {
    return this.usage.count();
  }

  close(): void {
    this.usage.close();
  }
}

/** A licensed domain covers itself and its subdomains (mail.example.com under example.com). */
export function domainLicensed(domain: string, domains: readonly string[]): boolean {
  return domains.some((d) => domain === d || domain.endsWith("." + d));
}

/** The reserve starts no later than the day after the active key ends, and lasts longer. */
function continues(active: License, reserve: License): boolean {
  return parseDay(reserve.starts)! <= parseDay(active.expires)! + 1 && parseDay(reserve.expires)! > parseDay(active.expires)!;
}
