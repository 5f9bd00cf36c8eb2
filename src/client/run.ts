// The I/O shell of `kas filter` in client mode: stdin → filterViaServer → stdout (the message,
// or with --json the verdict object), reply text on stderr, exit code returned. Loads no engine, rule database or MIME parser: it runs
// once per message in an MTA pipeline, so start-up time is the cost that matters.
import type { KasConfig } from "../config/schema";
import type { Envelope } from "../engine/types";
import { configureLog, logger } from "../log/index";
import { applyEdits } from "../message/edit";
import { filterViaServer, type FilterOutcome } from "./filter";

export async function runFilterClient(config: KasConfig, envelope: Envelope, opts: { id?: string; stdin?: Uint8Array; json?: boolean } = {}): Promise<number> {
  configureLog(config.log);
  const raw = opts.stdin ?? (await Bun.stdin.bytes());
  return await writeOutcome(await filterViaServer(raw, envelope, config.client, { applyEdits, log: logger("filter"), id: opts.id }), opts.json);
}

/** stdout gets the message (or with --json the verdict object), stderr the reply text; returns the exit code. */
export async function writeOutcome(o: FilterOutcome, json = false): Promise<number> {
  if (json) await Bun.write(Bun.stdout, JSON.stringify(o.report) + "\n");
  else if (o.output.byteLength) await Bun.write(Bun.stdout, o.output);
  if (o.message) process.stderr.write(`kas: ${o.message}\n`);
  return o.exitCode;
}
