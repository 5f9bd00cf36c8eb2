// The in-process scanner of `kas filter --local` and `kas scan --local`: the engine with the
// same checks a filtering process has — SPF (through an in-process SPF service instead of the
// master's) and Bayes (when [bayes] enabled), with auto-learning after each verdict (when
// [bayes] autolearn) — so a local scan and a server scan give the same verdict.
import { createBayesCheck, withAutolearn } from "../checks/bayes";
import { createSpfCheck } from "../checks/spf";
import type { Check } from "../checks/types";
import type { KasConfig } from "../config/schema";
import { createScanner } from "../engine/scanner";
import { createSpfService } from "../server/spf-service";

export async function createLocalScanner(config: KasConfig) {
  const bayes = config.bayes.enabled ? createBayesCheck(config) : undefined;
  const checks: Check[] = [];
  if (config.spf.enabled) {
    const service = createSpfService(config.spf);
    checks.push(createSpfCheck({ ask: service.ask, helo: config.spf.helo_check, receiver: config.spf.receiver || undefined }));
  }
  if (bayes) checks.push(bayes);
  const scanner = await createScanner(config, { checks });
  return { scanner: bayes ? withAutolearn(scanner, bayes) : scanner, close: () => bayes?.close() };
}
