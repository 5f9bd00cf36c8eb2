// One scan, written down once, stage by stage (DESIGN.md §3):
//   lists      → white/black lists of the recipient's policy decide at once
//   envelope   → envelope checks (SPF, IP lists) start; they run while the message is parsed
//   parse      → ParsedMessage (size, part and depth limits inside)
//   content    → content checks (DKIM/ARC/DMARC, domain lists, Bayes) in the order of the facts they need
//   rules      → the rule database: content rules, then metas over rule + check symbols
//   score      → sum of the hit scores
//   verdict    → status by the policy's thresholds
//   actions    → disposition and header edits
//   after      → checks that need the verdict (Bayes auto-learning) see the result and the facts;
//                a server runs this stage after the reply is sent (ScanOptions.afterReply)
// One budget (scan.time_budget_ms) for the scan: checks must finish within its first 60% or
// are noted and skipped; rule matching stops where it is at the end (the result then carries
// KAS_SCAN_TRUNCATED); the message is always answered.
import type { Check } from "../checks/types";
import type { KasConfig } from "../config/schema";
import { parseMessageSync } from "../message/parse";
import type { ParsedMessage } from "../message/types";
import { SCAN_TRUNCATED, type RuleDb } from "../ruledb/types";
import { actions } from "./actions";
import { createFacts, runCheck } from "./context";
import { checkLists } from "./lists";
import { selectPolicy } from "./policy";
import type { HeaderEdit, Hit, ScanRequest, ScanResult } from "../model";
import { scoreOf, verdict } from "./verdict";

export interface Engine {
  config: KasConfig;
  db: RuleDb;
  checks: readonly Check[];
}

export interface ScanOptions {
  /**
   * Receives the after stage instead of running it inside the scan: the caller runs it once it
   * has answered (a filtering process: after sending the result, issue 16), and gets the notes
   * the stage would have added to the result (for its log). Not called when no check has one.
   */
  afterReply?: (after: () => Promise<string[]>) => void;
}

export async function scan(engine: Engine, req: ScanRequest, opts: ScanOptions = {}): Promise<ScanResult> {
  const t0 = performance.now();
  const deadline = t0 + engine.config.scan.time_budget_ms;
  // Checks wait on the network (DNS, databases); they get 60% of the budget so a slow check
  // never leaves the rules without time.
  const checksDeadline = t0 + engine.config.scan.time_budget_ms * 0.6;
  const notes: string[] = [];
  const policy = selectPolicy(engine.config.policy, req.envelope.rcpt);

  // lists
  const listed = checkLists(policy, req.envelope);
  if (listed) {
    const hits: Hit[] = [{ name: listed.symbol, score: 0, description: listed.why }];
    const a = actions(listed.status, 0, hits, policy);
    const ms = performance.now() - t0;
    return { id: req.id, status: listed.status, score: 0, threshold: policy.spam_score, probableThreshold: policy.probable_spam_score, policy: policy.name, hits, ...a, timings: { parseMs: 0, checksMs: 0, rulesMs: 0, totalMs: ms }, notes: [listed.why] };
  }

  // envelope (each check once the facts it needs are known: engine/context.ts)
  const facts = createFacts(engine.checks);
  const input = { id: req.id, envelope: req.envelope, raw: req.raw, size: req.size, deadline: checksDeadline, facts };
  const envelopeRuns = engine.checks.filter((c) => c.stage === "envelope").map((c) => runCheck(c, input, facts));

  // parse
  const tp = performance.now();
  const msg: ParsedMessage = parseMessageSync(req.raw, engine.config.scan, req.size);
  const parseMs = performance.now() - tp;
  if (msg.truncated) notes.push(`parsed partly: ${msg.defects.filter((d) => /limit|only the first|not parsed/.test(d)).join("; ") || "a limit was reached"}`);

  // content
  const tc = performance.now();
  const contentRuns = engine.checks.filter((c) => c.stage === "content").map((c) => runCheck(c, { ...input, message: msg }, facts));
  const outputs = await Promise.all([...envelopeRuns, ...contentRuns]);
  const checksMs = performance.now() - tc;
  const symbols: string[] = [];
  const checkEdits: HeaderEdit[] = [];
  for (const o of outputs) {
    symbols.push(...o.symbols);
    if (o.edits) checkEdits.push(...o.edits);
    if (o.notes) notes.push(...o.notes);
  }

  // rules
  const tr = performance.now();
  const m = engine.db.match(msg, { checkSymbols: symbols, deadline });
  const rulesMs = performance.now() - tr;
  // Never a silent clean pass: the hits carry SCAN_TRUNCATED (ruledb adds it, weighted in
  // rules/), the note says why, the server logs and counts it.
  if (m.timedOut) notes.push(`time budget of ${engine.config.scan.time_budget_ms} ms spent: rule matching stopped early (${SCAN_TRUNCATED})`);

  // score, verdict, actions
  const score = scoreOf(m.hits);
  const status = verdict(score, policy, msg, req.envelope);
  const a = actions(status, score, m.hits, policy, checkEdits);
  const result: ScanResult = {
    id: req.id,
    status,
    score,
    threshold: policy.spam_score,
    probableThreshold: policy.probable_spam_score,
    policy: policy.name,
    hits: m.hits,
    ...a,
    timings: { parseMs, checksMs, rulesMs, totalMs: performance.now() - t0 },
    notes,
  };

  // after
  const after = async (): Promise<string[]> => {
    const out: string[] = [];
    for (const c of engine.checks) {
      if (!c.afterScan) continue;
      try {
        const note = await c.afterScan(result, facts);
        if (note) out.push(note);
      } catch (e) {
        out.push(`${c.name}: after the verdict: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    return out;
  };
  if (!opts.afterReply) notes.push(...(await after()));
  else if (engine.checks.some((c) => c.afterScan)) opts.afterReply(after);
  return result;
}
