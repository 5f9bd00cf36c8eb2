// `kas filter --local`: the whole scan in this process (no server). Same contract as the
// client mode (client/filter.ts): the message with its edits on stdout and exit 0; for a
// reject or tempfail verdict nothing on stdout, the SMTP reply text on stderr, exit 69 / 75.
// A scan that fails (a bug; parsing itself never throws) follows [client] on_error, so a
// pipeline never loses the message silently.
import type { KasConfig } from "../config/schema";
import { EXIT } from "../errors";
import { applyEdits } from "../message/edit";
import type { Scanner } from "./scanner";
import type { Envelope, ScanResult } from "./types";

export interface LocalFilterOutcome {
  exitCode: number;
  output: Uint8Array;
  message?: string;
  result?: ScanResult;
}

export async function filterLocal(scanner: Pick<Scanner, "scan">, config: KasConfig, raw: Uint8Array, envelope: Envelope, id: string): Promise<LocalFilterOutcome> {
  let result: ScanResult;
  try {
    result = await scanner.scan({ id, envelope, raw });
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    const edits = [
      { op: "set", name: "X-KAS-Status", value: "unscanned" },
      { op: "set", name: "X-KAS-Unscanned", value: `error: ${why}`.slice(0, 900) },
    ] as const;
    if (config.client.on_error === "accept") return { exitCode: EXIT.OK, output: applyEdits(raw, [...edits]), message: `scan failed (${why}): passed unscanned` };
    if (config.client.on_error === "reject") return { exitCode: EXIT.UNAVAILABLE, output: new Uint8Array(0), message: `5.3.0 Spam filter failed: ${why}` };
    return { exitCode: EXIT.TEMPFAIL, output: new Uint8Array(0), message: `4.3.0 Spam filter failed, try again later: ${why}` };
  }
  if (result.disposition === "reject") return { exitCode: EXIT.UNAVAILABLE, output: new Uint8Array(0), message: result.reply?.text, result };
  if (result.disposition === "tempfail") return { exitCode: EXIT.TEMPFAIL, output: new Uint8Array(0), message: result.reply?.text, result };
  return { exitCode: EXIT.OK, output: applyEdits(raw, result.edits), result };
}
