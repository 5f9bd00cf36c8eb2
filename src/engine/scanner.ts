// A ready-to-use scanner: the active rule database loaded once (ruledb/active.ts decides
// which: rules_dir, the installed one, or the built-in one), the checks given, the config
// snapshot. What `kas filter --local`, `kas scan --local` and every filtering process use.
import type { Check } from "../checks/types";
import type { KasConfig } from "../config/schema";
import { loadActiveDb } from "../ruledb/active";
import type { Diagnostic, RuleDb } from "../ruledb/types";
import { validateOrder } from "./context";
import { scan, type ScanOptions } from "./scan";
import type { ScanRequest, ScanResult } from "../model";

export interface Scanner {
  db: RuleDb;
  /** Where the database came from, for logs and `kas status`. */
  dbSource: string;
  /** Rule warnings from compiling rules_dir, for the caller to log. */
  warnings: Diagnostic[];
  scan(req: ScanRequest, opts?: ScanOptions): Promise<ScanResult>;
}

export async function createScanner(config: KasConfig, opts: { checks?: readonly Check[] } = {}): Promise<Scanner> {
  validateOrder(opts.checks ?? []);
  const { db, source, warnings } = loadActiveDb(config);
  const engine = { config, db, checks: opts.checks ?? [] };
  return { db, dbSource: source, warnings, scan: (req, o) => scan(engine, req, o) };
}
