// `kas filter --local`: the whole scan in this process (no server). Same contract as client
// mode (filter.ts): the message with its edits on stdout and exit 0; for a reject or tempfail
// verdict nothing on stdout, the SMTP reply text on stderr, exit 69 / 75. A scan that fails
// (a bug: parsing itself never throws) is a message without a verdict, handled by [client]
// on_error exactly as in client mode, so a pipeline never loses a message silently.
import type { KasConfig } from "../config/schema";
import type { Scanner } from "../engine/scanner";
import type { Envelope } from "../model";
import { verdictFields } from "../model";
import { applyEdits } from "../message/edit";
import { scanReplyOf } from "../protocol/kas/reply";
import { noVerdict, verdictOutcome, type AfterQueue, type FilterLog, type FilterOutcome } from "./filter";

export async function filterLocal(scanner: Pick<Scanner, "scan">, config: KasConfig, raw: Uint8Array, envelope: Envelope, id: string, log: FilterLog, afterQueue?: AfterQueue): Promise<FilterOutcome> {
  let result;
  const t0 = performance.now();
  try {
    result = await scanner.scan({ id, envelope, raw });
  } catch (e) {
    return noVerdict(raw, `scan failed: ${e instanceof Error ? e.message : String(e)}`, config.client.on_error, applyEdits, log, { id, elapsedMs: performance.now() - t0, afterQueue: afterQueue !== undefined });
  }
  const fields = verdictFields({ status: result.status, score: result.score, threshold: result.threshold, probableThreshold: result.probableThreshold, action: result.policyAction ?? result.disposition });
  log.info("%s %s hits=%s%s", id, fields, result.hits.map((h) => h.name).join(","), afterQueue && result.disposition === "reject" ? ": reject after the queue: delivered tagged" : "");
  // The reply a server would send, so --local and client mode decide (and report) alike.
  return verdictOutcome(raw, scanReplyOf(result), applyEdits, performance.now() - t0, afterQueue);
}
