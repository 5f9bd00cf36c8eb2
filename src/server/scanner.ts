// The server's two uses of the rule database / engine, behind dynamic imports so that only
// the processes that need them load them: the master loads the active database once per
// (re)load to prove it is usable and to report its version (it never scans); a filtering
// process creates the scanner it serves with: the engine plus the Bayes check, exactly as
// `kas filter --local` / `kas scan --local` do, so a server gives the same verdicts, and
// the learner of POST /v1/learn (learner.ts), which opens the token writer on first use.
import type { CheckDeps } from "../checks/registry";
import type { KasConfig } from "../config/schema";
import type { RulesInfo } from "./ipc";
import type { ScannerFactory } from "./worker";

export async function validateRules(config: KasConfig): Promise<RulesInfo> {
  const [{ loadActiveDb }, { formatDiagnostic }, { logger }] = await Promise.all([import("../ruledb/active"), import("../ruledb/compile"), import("../log/index")]);
  const { db, source, warnings } = loadActiveDb(config);
  // Once per (re)load here, not once per filtering process.
  for (const w of warnings) logger("rules").warn(formatDiagnostic(w));
  return { version: db.version, digest: db.digest, source };
}

/**
 * The engine with the checks of checks/registry.ts, as every scanning process builds it: a
 * filtering process (SPF and DNS ask the master's shared service over IPC) and the local
 * scanners of `kas filter --local` / `kas scan --local` (an in-process service), so a server and a
 * local scan judge alike. Each process logs a change of the Bayes database's state once.
 */
export async function createEngineScanner(config: KasConfig, io: Pick<CheckDeps, "askSpf" | "dns" | "decodeQr">) {
  const [{ createScanner }, { bayesLogLevel, createChecks }, { logger }] = await Promise.all([import("../engine/scanner"), import("../checks/registry"), import("../log/index")]);
  const log = logger("bayes");
  const { checks, bayes } = createChecks(config, { ...io, onBayesState: (note, state) => log[bayesLogLevel(state)](note.replace(/^bayes: /, "")) });
  const scanner = await createScanner(config, { checks });
  return { scanner, close: () => bayes?.close() };
}

export const workerScannerFactory: ScannerFactory = async (config, deps) => {
  const { qrHelper } = await import("./qr-helper");
  const qr = qrHelper();
  const [{ scanner, close }, { createLearner }] = await Promise.all([createEngineScanner(config, { askSpf: deps.spf, dns: deps.dns, decodeQr: qr.decode }), import("./learner")]);
  const learner = createLearner(config);
  return {
    db: scanner.db,
    dbSource: scanner.dbSource,
    scan: (r, o) => scanner.scan(r, o),
    learn: learner.learn,
    close: () => {
      learner.close();
      close();
      qr.close();
    },
  };
};
