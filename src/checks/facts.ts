// The typed facts of one scan (DESIGN.md §3 "per-scan context"): what a check learned that
// another builds on. A check declares the facts it needs and provides (checks/types.ts); the
// engine (engine/context.ts) runs it once those are known, so DMARC follows SPF and DKIM and
// the Authentication-Results writer follows all of them, while independent checks overlap.
import type { SpfResult } from "../spf/types";

export interface SpfFact {
  /** The MAIL FROM identity's result (RFC 7208 §2.6). */
  result: SpfResult;
  /** The domain that was checked (MAIL FROM's, or HELO's for the null sender). */
  domain: string;
  /** RFC 8601 method result text, e.g. "spf=pass smtp.mailfrom=example.com". */
  info?: string;
}

export interface DkimSignatureFact {
  /** d= */
  domain: string;
  selector: string;
  /** RFC 8601 dkim result: pass, fail, neutral, policy, temperror, permerror. */
  result: string;
  /** "rsa-sha256", "ed25519-sha256", ... */
  algorithm?: string;
  /** The d= is the From domain or shares its organisational domain (DMARC relaxed alignment). */
  aligned: boolean;
  /** RFC 8601 method result text. */
  info: string;
}

export interface DkimFact {
  signatures: DkimSignatureFact[];
  /** The RFC5322.From domain, when the message has exactly one. */
  fromDomain?: string;
  /** mailauth's own verifier result, which its DMARC evaluation takes (opaque to everyone else). */
  mailauth?: unknown;
}

export interface ArcFact {
  /** RFC 8617 chain validation state. */
  result: "pass" | "fail" | "none";
  info?: string;
  /** mailauth's own ARC result, for DMARC's comment on a failure ARC may excuse (opaque). */
  mailauth?: unknown;
}

export interface DmarcFact {
  /** RFC 7489 result (pass, fail, none, temperror, permerror). */
  result: string;
  /** The policy the domain asks for on failure (p= or sp=): none, quarantine, reject. */
  policy?: string;
  domain?: string;
  info?: string;
}

/** What Bayes auto-learning needs after the verdict: the message's tokens, read once by run(). */
export interface BayesFact {
  ids: number[];
  digest: string;
}

/** Every fact, by name. A check may only provide facts listed here. */
/** Web addresses read from QR codes in the message's pictures (checks/qr.ts), for the DNS lists. */
export interface QrFact {
  urls: string[];
}

export interface FactMap {
  qr: QrFact;
  spf: SpfFact;
  dkim: DkimFact;
  arc: ArcFact;
  dmarc: DmarcFact;
  bayes: BayesFact;
}

export type FactKey = keyof FactMap;
