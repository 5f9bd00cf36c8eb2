// What `kas filter` does with its parsed command line, whichever way it was parsed: by citty
// (cli/filter.ts) or by the quick start of the pipe client (cli/filter-quick.ts). Client mode
// must start fast (it runs once per message), so nothing of the engine is imported unless
// --local, and nothing here loads citty.
import { UsageError } from "../errors";
import { envelopeOf, splitFilterArgv, type FilterOptions } from "./filter-args";
import { normalJit } from "./shared";

/** Filters the message on stdin; the exit code is left in process.exitCode, failures are thrown. */
export async function runFilter(args: FilterOptions, rawArgs: readonly string[]): Promise<void> {
  const { own, command } = splitFilterArgv(rawArgs);
  if (command && command.length === 0) throw new UsageError("nothing after --", "give the re-injection command after --, e.g. -- /usr/sbin/sendmail -G -i -f SENDER -- RECIPIENT...");
  if (command && args.json) throw new UsageError("--json prints the verdict instead of the message: it cannot be combined with a re-injection command", "drop --json, or drop -- COMMAND");
  const envelope = envelopeOf(args, own);
  const { loadConfig } = await import("../config/load");
  const { config } = loadConfig(args.config);
  const id = args.id || `f${process.pid}-${Date.now().toString(36)}`;
  const opts = { id, json: args.json, reinject: command };
  if (!args.local) {
    const { runFilterClient } = await import("../client/run");
    process.exitCode = await runFilterClient(config, envelope, opts);
    return;
  }
  normalJit();
  const [{ filterLocal }, { deliverOutcome, afterQueueOf }, { createLocalScanner }, { logger }, { readStdin }] = await Promise.all([import("../client/filter-local"), import("../client/run"), import("./local-scanner"), import("../log/index"), import("../client/stdin")]);
  const log = logger("filter");
  const raw = await readStdin();
  const { scanner, close } = await createLocalScanner(config);
  let outcome;
  try {
    outcome = await filterLocal(scanner, config, raw, envelope, id, log, command ? afterQueueOf(config) : undefined);
  } finally {
    close();
  }
  process.exitCode = await deliverOutcome(outcome, opts);
}
