// The master's services, put together once for `kas serve`: licensing (which recipients are
// filtered; unlicensed mail passes with a header), the shared SPF service (one DNS cache for
// the whole pool), the learn endpoint, and the rules-freshness line of the status report.
// Each is its own file; this one only composes them into MasterHooks.
import type { KasConfig } from "../config/schema";
import { logger } from "../log/index";
import { rulesFreshness } from "../update/freshness";
import { learnRoutes } from "./learn";
import { licenseHooks } from "./license-hooks";
import type { MasterHooks } from "./master";
import { createSpfService, type SpfService } from "./spf-service";

export interface ServeHooks extends MasterHooks {
  close(): void;
}

export function serveHooks(initial: KasConfig, configFile?: string): ServeHooks {
  const log = logger("master");
  const license = licenseHooks({ configFile });
  let config = initial;
  let spf: SpfService | undefined;
  let spfKey = "";
  // The SPF service is rebuilt only when [spf] changed, so a reload keeps its DNS cache.
  const configureSpf = (c: KasConfig) => {
    const key = JSON.stringify(c.spf);
    if (key === spfKey) return;
    spfKey = key;
    spf = c.spf.enabled ? createSpfService(c.spf) : undefined;
  };
  configureSpf(initial);
  const warnStale = (c: KasConfig) => {
    const f = rulesFreshness(c);
    if (f.stale && f.warning) log.warn(f.warning);
  };
  warnStale(initial);
  return {
    routes: learnRoutes,
    beforeDispatch: license.beforeDispatch,
    spf: (q) => {
      if (!spf) return Promise.reject(new Error("SPF is disabled ([spf] enabled = false)"));
      return spf.ask(q);
    },
    status: () => ({ ...license.status(), rules_freshness: rulesFreshness(config), ...(spf ? { spf: spf.stats() } : {}) }),
    onConfig: (c) => {
      config = c;
      license.onConfig(c);
      configureSpf(c);
      warnStale(c);
    },
    close: () => license.close(),
  };
}
