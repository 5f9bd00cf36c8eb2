// The vocabulary of RFC 7208: results (§2.6), the evaluation's outcome, and the one typed
// failure used inside the evaluator to unwind to check_host()'s caller.

export const SPF_RESULTS = ["pass", "fail", "softfail", "neutral", "none", "temperror", "permerror"] as const;
export type SpfResult = (typeof SPF_RESULTS)[number];

export interface SpfOutcome {
  result: SpfResult;
  /** The domain whose policy gave the result (the identity's domain). */
  domain: string;
  /** For `fail`: the expanded exp= text, or the default explanation (§6.2). */
  explanation?: string;
  /** The directive that matched, as written (e.g. "-all", "include:_spf.example"), or "default". */
  mechanism?: string;
  /** For permerror / temperror: what went wrong, for the Received-SPF `problem=` key. */
  problem?: string;
  /** DNS-querying terms used (§4.6.4 limit: 10). */
  lookups: number;
  voidLookups: number;
}

/** Thrown inside the evaluator to end check_host() with permerror or temperror (§4.6). */
export class SpfAbort extends Error {
  constructor(
    readonly result: "permerror" | "temperror",
    message: string,
  ) {
    super(message);
  }
}

export const perm = (m: string) => new SpfAbort("permerror", m);
export const temp = (m: string) => new SpfAbort("temperror", m);

/** An SPF evaluation asked of an SPF service (the master's shared one, or an in-process one). */
export interface SpfQuery {
  ip: string;
  /** MAIL FROM (may be "" for bounces: RFC 7208 §2.4 then uses postmaster@helo). */
  from: string;
  helo?: string;
  /** Which identity to check (RFC 7208 §2.3/§2.4); default "mailfrom". "helo" needs `helo`. */
  identity?: "mailfrom" | "helo";
}
export interface SpfAnswer {
  /** RFC 7208 §2.6 result: none | neutral | pass | fail | softfail | temperror | permerror. */
  result: string;
  explanation?: string;
  /** The directive that decided, e.g. "-all"; "default" when none matched. */
  mechanism?: string;
  /** What went wrong, for permerror / temperror. */
  problem?: string;
  /** The Received-SPF field value (RFC 7208 §9.1) the check adds to the message. */
  receivedSpf?: string;
  /** DNS-querying terms the evaluation used (limit 10). */
  lookups?: number;
  /** Void lookups (limit 2, §4.6.4). */
  voidLookups?: number;
  /** The identity checked and the <sender> check_host() used (postmaster@HELO for a bounce). */
  identity?: "mailfrom" | "helo";
  sender?: string;
}
