// Licensing inside `kas serve`: one LicenseService (license/service.ts) owned by the master,
// plugged in through MasterHooks:
//   prepare        → first call opens the service (key files, trusted issuers, usage store);
//                    later calls (SIGHUP) re-read the key files, so a new key needs no restart;
//                    either throws for a config it cannot take, and switches only on commit()
//                    (the master refuses a reload any service cannot take); onConfig = both;
//   beforeDispatch → which recipients the license covers: none → the message passes
//                    unfiltered with X-KAS-Status: unlicensed + X-KAS-License: <reason>; some →
//                    it is scanned (one scan serves every recipient) and X-KAS-License says how
//                    many recipients were not covered and why;
//   status         → the `license` member of GET /v1/status (what `kas status` shows).
// The header names counts and reasons, never addresses: a recipient list in a header would
// show Bcc recipients to everyone else. The addresses go to the log (the reply's notes).
// The state is logged at start, after every reload, whenever the verdict changes, and every
// hour while it is not valid (an error without a usable key, a warning when expiring/expired).
// A change the clock brings (the reserve key taking over at midnight UTC, expiry) is logged by
// the first admission or status request that sees it, not up to an hour later by the timer:
// the state is computed from the clock on every call, so the log must follow it just as fast.
import type { KasConfig } from "../config/schema";
import type { ScanRequest } from "../model";
import { LICENSE_HEADER, UNLICENSED_STATUS } from "../license/headers";
import { LicenseService, updatesAllowed, type LicenseState } from "../license/service";
import type { UsageStore } from "../license/usage";
import { logger } from "../log/index";
import type { DispatchDecision } from "./handler";


export const LOG_EVERY_MS = 60 * 60 * 1000;

export interface LicenseLog {
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

export interface LicenseHooksOptions {
  clock?: () => Date;
  /** Default: the SQLite store under data_dir (license/usage.ts). */
  usage?: UsageStore;
  log?: LicenseLog;
  configFile?: string;
  /** Starts the hourly reminder; default setInterval (unref'd). Returns a canceller. */
  every?: (ms: number, fn: () => void) => () => void;
}

/** A prepared configuration: commit() switches to it, discard() drops it (another service refused the config). */
export interface PreparedConfig {
  commit(): void;
  discard(): void;
}

export interface LicenseHooks {
  /** Reads keys / issuers (and at first the usage store) for `config`; throws when it cannot. Nothing changes until commit(). */
  prepare(config: KasConfig): PreparedConfig;
  /** prepare(config).commit(). */
  onConfig(config: KasConfig): void;
  beforeDispatch(req: ScanRequest): DispatchDecision | undefined;
  status(): { license: Record<string, unknown> };
  /** Logs the state now (what the hourly timer calls). */
  remind(): void;
  close(): void;
}

const defaultEvery = (ms: number, fn: () => void) => {
  const t = setInterval(fn, ms);
  t.unref?.();
  return () => clearInterval(t);
};

export function licenseHooks(opts: LicenseHooksOptions = {}): LicenseHooks {
  const clock = opts.clock ?? (() => new Date());
  const log = opts.log ?? logger("license");
  let service: LicenseService | undefined;
  let cancel: (() => void) | undefined;
  let lastVerdict: string | undefined;

  const keyOf = (st: LicenseState) => `${st.verdict}/${st.source}/${st.license?.serial ?? ""}`;
  const say = (st: LicenseState, why: string) => {
    lastVerdict = keyOf(st);
    const line = `${why}: ${st.verdict}: ${st.message}${st.license ? ` (licensee ${st.license.licensee}, serial ${st.license.serial})` : ""}`;
    if (st.verdict === "valid") log.info(line);
    else if (st.verdict === "expiring") log.warn(line);
    else if (st.verdict === "expired") log.warn(`${line}; kas update-db refuses to update rules until a valid key is installed`);
    else log.error(`${line}; messages pass through UNFILTERED with X-KAS-Status: unlicensed`);
  };

  const remind = () => {
    if (!service) return;
    const st = service.state(clock());
    if (keyOf(st) !== lastVerdict) say(st, "license changed");
    else if (st.verdict !== "valid") say(st, "license");
  };
  /** Logs st when it differs from the last state logged; returns st. */
  const notice = (st: LicenseState) => {
    if (keyOf(st) !== lastVerdict) say(st, "license changed");
    return st;
  };

  const prepare = (config: KasConfig): PreparedConfig => {
    const running = service;
    if (!running) {
      const fresh = new LicenseService(config, { clock, usage: opts.usage, configFile: opts.configFile });
      return {
        commit() {
          service = fresh;
          say(fresh.state(), "license");
          cancel = (opts.every ?? defaultEvery)(LOG_EVERY_MS, remind);
        },
        discard: () => fresh.close(),
      };
    }
    // A ConfigError (bad trusted_issuers) propagates: the master refuses the reload, the old keys stay.
    const apply = running.prepareReload(config);
    return { commit: () => say(apply(), "license reloaded"), discard() {} };
  };

  return {
    prepare,
    onConfig: (config) => prepare(config).commit(),

    beforeDispatch(req) {
      if (!service) return undefined;
      const now = clock();
      notice(service.state(now));
      let a;
      try {
        a = service.admit(req.envelope.rcpt, now);
      } catch (e) {
        // The usage store failed (disk full, file removed): filter rather than let mail through unscanned.
        log.error(`license usage store: ${e instanceof Error ? e.message : String(e)}; message filtered without counting its recipients`);
        return undefined;
      }
      // No valid key and no envelope recipients (kas filter without --rcpt, a spamd request
      // without User) is still not filtered: admit() says so with filter = false and nobody
      // in unlicensed, which the count below alone would read as "all licensed".
      if (a.filter && a.unlicensed.length === 0) return undefined;
      const reasons = a.unlicensed.length ? [...new Set(a.unlicensed.map((u) => u.reason))].join("; ") : (a.reason ?? "no valid license");
      const who = a.unlicensed.length ? a.unlicensed.map((u) => `<${u.address}>`).join(", ") : "no envelope recipients";
      if (!a.filter) {
        return { action: "pass", status: UNLICENSED_STATUS, headers: [{ name: LICENSE_HEADER, value: reasons }], reason: `license: not filtered (${reasons}): ${who}` };
      }
      const n = a.unlicensed.length;
      const total = req.envelope.rcpt.length;
      return {
        action: "scan",
        headers: [{ name: LICENSE_HEADER, value: `${n} of ${total} recipients not licensed (${reasons}): filtered for the others` }],
        reason: `license: ${n} of ${total} recipients not licensed (${reasons}): ${who}`,
      };
    },

    status() {
      if (!service) return { license: { verdict: "missing", message: "licensing not started" } };
      const st = notice(service.state(clock()));
      const l = st.license;
      let used: number | null = null;
      try {
        used = service.addressesInUse();
      } catch {
        used = null;
      }
      return {
        license: {
          verdict: st.verdict,
          message: st.message,
          source: st.source,
          licensee: l?.licensee ?? null,
          serial: l?.serial ?? null,
          edition: l?.edition ?? null,
          expires: l?.expires ?? null,
          days_left: st.daysLeft ?? null,
          max_addresses: l?.max_addresses ?? null,
          domains: l?.domains ?? [],
          addresses_used: used,
          filtering: st.source !== "none",
          updates_allowed: updatesAllowed(st),
        },
      };
    },

    remind,

    close() {
      cancel?.();
      service?.close();
      service = undefined;
    },
  };
}
