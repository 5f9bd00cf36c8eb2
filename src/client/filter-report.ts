// `kas filter --json`: the verdict as one JSON object on stdout instead of the message, for
// scripts and for trying rules by hand. Client mode and --local build it from the same
// native-protocol reply, so both print the same fields; the exit code is the one the message
// itself would have got (0 / 69 / 75). Keys are snake_case like the protocol's and kas.toml's.
import type { Hit, PolicyAction } from "../model";
import type { ScanReply } from "../protocol/kas/reply";

export interface FilterReport {
  /** The message id used in the server's and kas filter's log lines. */
  id: string;
  /** The verdict's status; "unscanned" (passed without a verdict) or "error" (no verdict, rejected or deferred by on_error). */
  status: string;
  /** The exact score (null without a verdict); the headers show it rounded down, see score_shown. */
  score: number | null;
  /** The score as X-KAS-Score and the log lines show it. */
  score_shown: string | null;
  /** spam_score and probable_spam_score of the policy applied (null without a verdict, or from an older server). */
  threshold: number | null;
  probable_threshold: number | null;
  /** Policy applied: "default" or a [[policy.group]] name. */
  policy: string | null;
  /** What was done with the message: accept, prefix (delivered with a subject prefix), reject (exit 69), tempfail (exit 75). */
  action: PolicyAction;
  /** The SMTP reply text for reject / tempfail. */
  reply?: { code: number; text: string };
  hits: Hit[];
  notes: string[];
  timings: FilterTimings;
  /** The server that answered (client mode). */
  server?: string;
  /** Why there is no verdict (server unreachable, failed scan, size_limit). */
  error?: string;
}

export interface FilterTimings {
  parse_ms?: number;
  checks_ms?: number;
  rules_ms?: number;
  /** The scan in the filtering process (or in this process with --local). */
  scan_ms?: number;
  /** From having the message to having the verdict, as kas filter saw it (network and queueing included). */
  elapsed_ms: number;
}

const ms = (n: number) => Math.round(n * 100) / 100;

export function reportOfReply(v: ScanReply, shown: string, elapsedMs: number): FilterReport {
  const t = v.timings;
  return {
    id: v.id,
    status: v.status,
    score: v.score,
    score_shown: shown,
    threshold: v.threshold,
    probable_threshold: v.probable_threshold ?? null,
    policy: v.policy,
    action: v.policy_action ?? v.action,
    ...(v.reply ? { reply: v.reply } : {}),
    hits: v.hits,
    notes: v.notes,
    timings: { ...(t ? { parse_ms: ms(t.parseMs), checks_ms: ms(t.checksMs), rules_ms: ms(t.rulesMs), scan_ms: ms(t.totalMs) } : {}), elapsed_ms: ms(elapsedMs) },
  };
}

export function reportWithoutVerdict(id: string, status: "unscanned" | "error", action: PolicyAction, why: string, elapsedMs: number, reply?: { code: number; text: string }): FilterReport {
  return {
    id, status, score: null, score_shown: null, threshold: null, probable_threshold: null, policy: null, action,
    ...(reply ? { reply } : {}),
    hits: [], notes: [], timings: { elapsed_ms: ms(elapsedMs) }, error: why,
  };
}
