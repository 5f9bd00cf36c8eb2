// `kas filter` (alias `filter-stdin`): the pipe client module. Message on stdin, message with
// the verdict's header edits on stdout (--json: the verdict as one JSON object instead);
// reject / tempfail verdicts as exit codes 69 / 75 with the SMTP reply text on stderr
// (sysexits). With `-- COMMAND…` the message is piped into COMMAND instead (re-injection,
// after the MTA's queue: Postfix pipe(8) content filter) and COMMAND's exit status is kas's;
// then kas itself never fails with anything but 75 (the MTA keeps the message and retries)
// and a policy reject is delivered tagged, not bounced to a possibly forged sender.
// Client mode talks to `kas serve`; --local scans in this process (cli/filter-run.ts). A
// command line of the forms MTAs write never gets here: main.ts starts it through
// cli/filter-quick.ts, without citty; this definition serves --help and every other line.
import { kasCommand } from "./command";
import { failureExitCode, FILTER_ARGS } from "./filter-args";
import { runFilter } from "./filter-run";

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
  failureExitCode,
  // One message per process in client mode; --local scans here and gets the normal policy.
  keepStartupJit: true,
  ownStdout: true,
  args: FILTER_ARGS,
  run: ({ args, rawArgs }) => runFilter(args, rawArgs),
});
