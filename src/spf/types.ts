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
