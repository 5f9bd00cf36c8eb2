// `kas filter --local`: the whole scan in this process (no server). Same contract as client
// mode (filter.ts): the message with its edits on stdout and exit 0; for a reject or tempfail
// verdict nothing on stdout, the SMTP reply text on stderr, exit 69 / 75. A scan that fails
// (a bug: parsing itself never throws) is a message without a verdict, handled by [client]
// on_error exactly as in client mode, so a pipeline never loses a message silently.
import type { KasConfig } from "../config/schema";
import type { Scanner } from "../engine/scanner";
import type { Envelope } from "../engine/types";
import { applyEdits } from "../message/edit";
import { noVerdict, verdictOutcome, type FilterLog, type FilterOutcome } from "./filter";

export async function filterLocal(scanner: Pick<Scanner, "scan">, config: KasConfig, raw: Uint8Array, envelope: Envelope, id: string, log: FilterLog): Promise<FilterOutcome> {
  let result;
  try {
    result = await scanner.scan({ id, envelope, raw });
  } catch (e) {
    return noVerdict(raw, `scan failed: ${e instanceof Error ? e.message : String(e)}`, config.client.on_error, applyEdits, log);
  }
  log.info("%s status=%s score=%s/%s action=%s hits=%s", id, result.status, result.score, result.threshold, result.disposition, result.hits.map((h) => h.name).join(","));
  return verdictOutcome(raw, { action: result.disposition, replyText: result.reply?.text, edits: result.edits, status: result.status }, applyEdits);
}
