// The list of code-backed checks, written down once (DESIGN.md §5.6: explicit registries):
// SPF (envelope stage), DNS lists, DKIM/ARC, DMARC, the Authentication-Results writer,
// phishing, QR codes in pictures, the Date/Received skew and Bayes (content stage; the engine orders them by the facts they need). The
// filtering processes and the local scanners (`kas filter --local`, `kas scan --local`) build
// their checks here, so a server and a local scan judge alike. Where SPF and DNS answers come
// from is the caller's business: the master's shared service over IPC, or an in-process one.
import { hostname } from "node:os";
import type { KasConfig } from "../config/schema";
import type { Resolver } from "../dns/types";
import type { SpfAnswer, SpfQuery } from "../spf/types";
import { createAuthResultsCheck } from "./auth-results";
import { createBayesCheck, type BayesCheck, type BayesState } from "./bayes";
import { createDateSkewCheck } from "./date-skew";
import { createDkimCheck, createDmarcCheck } from "./dkim";
import { createDnsblCheck } from "./dnsbl";
import { dnsLists } from "./dnsbl-lists";
import { createPhishingCheck } from "./phishing";
import { createQrCheck, type QrDecoder } from "./qr";
import { createSpfCheck } from "./spf";
import type { Check } from "./types";

export interface CheckDeps {
  /** Asks an SPF service; required when [spf] enabled. */
  askSpf?: (q: SpfQuery) => Promise<SpfAnswer>;
  /** The shared DNS service (the master's over IPC, or in-process); DNS lists and DKIM need it. */
  dns?: Resolver;
  /** One call per change of the Bayes database's state (missing, corrupt, usable again). */
  onBayesState?: (note: string, state: BayesState) => void;
  /** Reads QR codes in pictures (a filtering process: its reader process); default in this process. */
  decodeQr?: QrDecoder;
}

export function createChecks(config: KasConfig, deps: CheckDeps): { checks: Check[]; bayes?: BayesCheck } {
  const checks: Check[] = [];
  if (config.spf.enabled && deps.askSpf) checks.push(createSpfCheck({ ask: deps.askSpf, helo: config.spf.helo_check, receiver: config.spf.receiver || undefined }));
  const lists = dnsLists(config);
  if (lists.length && deps.dns) checks.push(createDnsblCheck({ lists, resolver: deps.dns, config: config.dnsbl }));
  if (config.dkim.enabled && deps.dns) {
    const o = { dns: deps.dns, minKeyBits: config.dkim.min_key_bits, honourReject: config.dkim.dmarc_reject, maxSignatures: config.dkim.max_signatures, maxArcSets: config.dkim.max_arc_sets };
    checks.push(createDkimCheck(o), createDmarcCheck(o), createAuthResultsCheck(config.dkim.authserv_id || config.spf.receiver || hostname()));
  }
  // No I/O and no state: always on; their symbols weigh only through rules/ (62_phishing.cf, 20_headers.cf).
  // The QR reader loads its decoder on the first picture it reads, not before.
  checks.push(createPhishingCheck(), createQrCheck(deps.decodeQr), createDateSkewCheck());
  const bayes = config.bayes.enabled ? createBayesCheck(config, { onStateChange: deps.onBayesState }) : undefined;
  if (bayes) checks.push(bayes);
  return { checks, bayes };
}

/** The level a Bayes state change is logged at: the usable states are news, the others a problem. */
export const bayesLogLevel = (state: BayesState): "info" | "warn" => (state === "ok" || state === "abstain" ? "info" : "warn");
