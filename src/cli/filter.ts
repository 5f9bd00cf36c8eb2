// `kas filter` (alias `filter-stdin`): the pipe client module. Message on stdin, message with
// the verdict's header edits on stdout (--json: the verdict as one JSON object instead);
// reject / tempfail verdicts as exit codes 69 / 75 with the SMTP reply text on stderr
// (sysexits). With `-- COMMAND…` the message is piped into COMMAND instead (re-injection,
// after the MTA's queue: Postfix pipe(8) content filter) and COMMAND's exit status is kas's;
// then kas itself never fails with anything but 75 (the MTA keeps the message and retries)
// and a policy reject is delivered tagged, not bounced to a possibly forged sender.
// Client mode talks to `kas serve`; --local scans in this process. Client mode must start
// fast (it runs once per message), so nothing of the engine is imported unless --local.
import { EXIT, UsageError } from "../errors";
import { CONFIG_ARG, kasCommand, normalJit } from "./command";
import { envelopeOf, reinjects, splitFilterArgv } from "./filter-args";

const ARGS = {
  ...CONFIG_ARG,
  local: { type: "boolean", description: "scan in this process with the installed rule database instead of asking the server" },
  ip: { type: "string", description: "client IP address of the SMTP connection (empty: local submission)", valueHint: "ADDR" },
  helo: { type: "string", description: "HELO/EHLO name the client gave", valueHint: "NAME" },
  from: { type: "string", description: "envelope sender (MAIL FROM); \"\", <> or MAILER-DAEMON for the null sender", valueHint: "ADDR" },
  rcpt: { type: "string", description: "envelope recipient(s): comma-separated, the option repeated, or several words (as pipe(8) expands ${recipient})", valueHint: "ADDR..." },
  id: { type: "string", description: "queue id, shown in logs", valueHint: "ID" },
  json: { type: "boolean", description: "print the verdict as one JSON object (status, score, thresholds, action, hits, notes, timings) instead of the message; same exit codes; not with a re-injection command" },
} as const;
/** Options that take the next word as their value (the rest of the words before `--` are recipients). */
const VALUED = new Set(Object.entries(ARGS).filter(([, d]) => d.type === "string").map(([k]) => k));

export default kasCommand({
  name: "filter",
  alias: ["filter-stdin"],
  description: "Filter one message: stdin → the server (or --local: this process) → stdout with X-KAS-* headers, or with `-- COMMAND…` into COMMAND (e.g. sendmail)",
  exitCodes: {
    0: "delivered on stdout (scanned, or passed unscanned with a header saying why)",
    64: "bad command line (unknown option, bad address)",
    69: "rejected: spam or black-listed by policy, or the server failed with [client] on_error = reject; reply text on stderr",
    75: "deferred: tempfail by policy, or no verdict with [client] on_error = tempfail; reply text on stderr; also when standard input cannot be read, or stdout's reader goes away before the whole message is written. With `-- COMMAND`: also every failure of kas itself (usage, config, on_error = reject, COMMAND not runnable or killed by a signal)",
    78: "the configuration is invalid",
  },
  // After the queue a bounce would go to the (possibly forged) sender, and a config typo would
  // bounce all mail: with a re-injection command every failure of kas is EX_TEMPFAIL.
  failureExitCode: (rawArgs) => (reinjects(rawArgs) ? EXIT.TEMPFAIL : undefined),
  // One message per process in client mode; --local scans here and gets the normal policy.
  keepStartupJit: true,
  ownStdout: true,
  args: ARGS,
  async run({ args, rawArgs }) {
    const { own, command } = splitFilterArgv(rawArgs);
    if (command && command.length === 0) throw new UsageError("nothing after --", "give the re-injection command after --, e.g. -- /usr/sbin/sendmail -G -i -f SENDER -- RECIPIENT...");
    if (command && args.json) throw new UsageError("--json prints the verdict instead of the message: it cannot be combined with a re-injection command", "drop --json, or drop -- COMMAND");
    const envelope = envelopeOf(args, own, VALUED);
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
  },
});
