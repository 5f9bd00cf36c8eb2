// The master's services, put together once for `kas serve`: licensing (which recipients are
// filtered; unlicensed mail passes with a header), the shared SPF service (one DNS cache for
// the whole pool), and the rules-freshness line of the status report. Each is its own file;
// this one only composes them into MasterHooks. (POST /v1/learn is built into the master:
// a filtering process does the work, learn.ts.)
//
// A configuration (at start and on SIGHUP) is taken in two phases: every service prepares
// its new state (all of them, so one failing does not hide another's problem), and only
// when all could does the master commit, each service on its own. A config one service
// cannot take is refused whole: the old generation keeps serving with the old services.
import type { KasConfig } from "../config/schema";
import { ConfigError, EXIT, KasError } from "../errors";
import { logger } from "../log/index";
import { rulesFreshness } from "../update/freshness";
import { licenseHooks, type PreparedConfig } from "./license-hooks";
import type { MasterHooks } from "./master";
import { dnsLists } from "../checks/dnsbl-lists";
import { watchRefusals, type RefusalWatch } from "./dns-watch";
import { createSpfService, type SpfService } from "./spf-service";

export interface ServeHooks extends MasterHooks {
  close(): void;
}

export interface ServeHooksOptions {
  /** SPF service factory (tests); default createSpfService. */
  createSpf?: typeof createSpfService;
  license?: ReturnType<typeof licenseHooks>;
}

/** One error out of several services' failures; keeps the first one's exit code (a ConfigError stays 78). */
export function combineErrors(errors: unknown[]): unknown {
  if (errors.length === 1) return errors[0];
  const first = errors.find((e) => e instanceof KasError) as KasError | undefined;
  const text = errors.map((e) => (e instanceof Error ? e.message : String(e))).join("; ");
  return new KasError(text, first?.exitCode ?? EXIT.SOFTWARE, first?.hint);
}

export function serveHooks(initial: KasConfig, configFile?: string, opts: ServeHooksOptions = {}): ServeHooks {
  const log = logger("master");
  const license = opts.license ?? licenseHooks({ configFile });
  const createSpf = opts.createSpf ?? createSpfService;
  let config = initial;
  let spf: SpfService | undefined;
  let spfKey: string | undefined;
  let dns: RefusalWatch | undefined;

  // The SPF and DNS service is rebuilt only when [dns], [spf] or the lists changed, so a
  // reload keeps its DNS cache. It runs when any check asks DNS.
  const prepareSpf = (c: KasConfig, source: string): PreparedConfig => {
    let lists;
    try {
      lists = dnsLists(c);
    } catch (e) {
      throw new ConfigError(source, "dnsbl.list", undefined, (e as Error).message);
    }
    const key = JSON.stringify([c.dns, c.spf, c.dnsbl, c.dkim.enabled]);
    if (key === spfKey) return { commit() {}, discard() {} };
    const next = c.spf.enabled || lists.length || c.dkim.enabled ? createSpf(c, { configFile: source }) : undefined;
    const watch = next && watchRefusals(next.dns, lists, (m) => log.warn(m));
    return { commit: () => ((spf = next), (dns = watch), (spfKey = key)), discard() {} };
  };
  const warnStale = (c: KasConfig) => {
    const f = rulesFreshness(c);
    if (f.stale && f.warning) log.warn(f.warning);
  };

  return {
    beforeDispatch: license.beforeDispatch,
    spf: (q) => {
      if (!spf) return Promise.reject(new Error("SPF is disabled ([spf] enabled = false)"));
      return spf.ask(q);
    },
    dns: { query: (name, type) => (dns ? dns.resolver.query(name, type) : Promise.reject(new Error("no check asks DNS in this configuration"))) },
    status: () => ({ ...license.status(), rules_freshness: rulesFreshness(config), ...(spf ? { spf: spf.stats() } : {}), ...(dns && Object.keys(dns.refused()).length ? { dnsbl_refused: dns.refused() } : {}) }),
    prepareConfig: (c, source) => {
      const prepared: PreparedConfig[] = [];
      const errors: unknown[] = [];
      for (const p of [() => license.prepare(c), () => prepareSpf(c, source)]) {
        try {
          prepared.push(p());
        } catch (e) {
          errors.push(e);
        }
      }
      if (errors.length) {
        for (const p of prepared) p.discard();
        throw combineErrors(errors);
      }
      return () => {
        config = c;
        // Each service switches on its own: one that throws (a bug) must not keep the others on the old config.
        for (const p of prepared) {
          try {
            p.commit();
          } catch (e) {
            log.error("a service did not switch to the new configuration: %s", e instanceof Error ? e.message : e);
          }
        }
        warnStale(c);
      };
    },
    close: () => license.close(),
  };
}
