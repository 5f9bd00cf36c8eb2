// The in-process scanner of `kas filter --local` and `kas scan --local`: the engine with the
// checks of checks/registry.ts — SPF through an in-process SPF service (a server uses the
// master's shared one), Bayes with auto-learning when [bayes] autolearn. A token database
// that is missing or unusable is logged once; the scan goes on without Bayes.
import { bayesLogLevel, createChecks } from "../checks/registry";
import type { KasConfig } from "../config/schema";
import { createScanner } from "../engine/scanner";
import { logger } from "../log/index";
import { createSpfService } from "../server/spf-service";

export async function createLocalScanner(config: KasConfig) {
  const log = logger("bayes");
  const { checks, bayes } = createChecks(config, {
    askSpf: config.spf.enabled ? createSpfService(config.spf).ask : undefined,
    onBayesState: (note, state) => log[bayesLogLevel(state)](note.replace(/^bayes: /, "")),
  });
  const scanner = await createScanner(config, { checks });
  return { scanner, close: () => bayes?.close() };
}
