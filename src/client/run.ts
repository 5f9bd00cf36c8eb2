// The I/O shell of `kas filter` in client mode: stdin → filterViaServer → stdout (the message,
// or with --json the verdict object), reply text on stderr, exit code returned; with a
// re-injection command (`-- sendmail …`) the message goes into that command instead and its
// exit status is kas's (client/reinject.ts). Loads no engine, rule database or MIME parser: it runs
// once per message in an MTA pipeline, so start-up time is the cost that matters.
import type { KasConfig } from "../config/schema";
import type { Envelope } from "../model";
import { EXIT } from "../errors";
import { configureLog, logger } from "../log/index";
import { applyEdits } from "../message/edit";
import { filterViaServer, type AfterQueue, type FilterOutcome } from "./filter";
import { pipeInto } from "./reinject";
import { readStdin } from "./stdin";

export interface FilterRunOptions {
  id?: string;
  stdin?: Uint8Array;
  json?: boolean;
  /** The re-injection command (everything after `--`); absent: the message goes to stdout. */
  reinject?: string[];
}

export async function runFilterClient(config: KasConfig, envelope: Envelope, opts: FilterRunOptions = {}): Promise<number> {
  configureLog(config.log);
  const raw = opts.stdin ?? (await readStdin());
  const afterQueue = opts.reinject ? afterQueueOf(config) : undefined;
  return await deliverOutcome(await filterViaServer(raw, envelope, config.client, { applyEdits, log: logger("filter"), id: opts.id, afterQueue }), opts);
}

/**
 * Where the outcome goes: a message to deliver into the re-injection command when there is
 * one, else to stdout (or with --json the verdict object); reply text on stderr. Returns the
 * exit code.
 */
export async function deliverOutcome(o: FilterOutcome, opts: Pick<FilterRunOptions, "json" | "reinject">): Promise<number> {
  if (opts.reinject) {
    if (o.message) process.stderr.write(`kas: ${o.message}\n`);
    // Nothing to deliver is a deferral: after the queue nothing else may happen to the message.
    return o.exitCode === EXIT.OK ? await pipeInto(opts.reinject, o.output, logger("filter")) : EXIT.TEMPFAIL;
  }
  return await writeOutcome(o, opts.json);
}

/** stdout gets the message (or with --json the verdict object), stderr the reply text; returns the exit code. */
export async function writeOutcome(o: FilterOutcome, json = false): Promise<number> {
  try {
    if (json) await Bun.write(Bun.stdout, JSON.stringify(o.report) + "\n");
    else if (o.output.byteLength) await Bun.write(Bun.stdout, o.output);
  } catch (e) {
    // The reader of stdout went away (EPIPE) or the write failed: the message was not
    // delivered, so the caller must keep it and try again (75), never take a 0 or the 70 of
    // an internal error, which a pipe transport would turn into a bounce.
    const why = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    process.stderr.write(`kas: could not write the ${json ? "verdict" : "message"} to standard output (${why}): not delivered, try again\n`);
    return EXIT.TEMPFAIL;
  }
  if (o.message) process.stderr.write(`kas: ${o.message}\n`);
  return o.exitCode;
}

/**
 * After the queue a policy reject is delivered with the verdict's headers and the subject
 * prefix of its status (spam_subject_prefix for spam, blacklisted and formal;
 * probable_spam_subject_prefix for probable_spam), taken from the policy the reply names in
 * the kas.toml this client reads (a group's own prefix, else [policy]'s).
 */
export function afterQueueOf(config: Pick<KasConfig, "policy">): AfterQueue {
  return {
    subjectPrefix(status, policy) {
      const p = config.policy;
      const g = policy === "default" ? undefined : p.group.find((x) => x.name === policy);
      return status === "probable_spam" ? (g?.probable_spam_subject_prefix ?? p.probable_spam_subject_prefix) : (g?.spam_subject_prefix ?? p.spam_subject_prefix);
    },
  };
}
