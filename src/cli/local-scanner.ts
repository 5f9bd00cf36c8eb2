// The in-process scanner of `kas filter --local` and `kas scan --local`: the engine and checks
// exactly as a filtering process builds them (server/scanner.ts), with SPF through an
// in-process SPF service instead of the master's shared one. A token database that is
// missing or unusable is logged once; the scan goes on without Bayes.
import type { KasConfig } from "../config/schema";
import { createEngineScanner } from "../server/scanner";
import { createSpfService } from "../server/spf-service";

export function createLocalScanner(config: KasConfig) {
  // One in-process service for SPF and every other check's DNS: one cache, as in a server.
  const service = createSpfService(config);
  return createEngineScanner(config, { askSpf: config.spf.enabled ? service.ask : undefined, dns: service.dns });
}
