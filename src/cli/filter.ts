// `kas filter` (alias `filter-stdin`): the pipe client module. Message on stdin, message with
// the verdict's header edits on stdout (--json: the verdict as one JSON object instead);
// reject / tempfail verdicts as exit codes 69 / 75 with the SMTP reply text on stderr
// (sysexits, what Postfix pipe(8) and Sendmail expect).
// Client mode talks to `kas serve`; --local scans in this process. Client mode must start
// fast (it runs once per message), so nothing of the engine is imported unless --local.
import { isIP } from "node:net";
import { UsageError } from "../errors";
import type { Envelope } from "../engine/types";
import { CONFIG_ARG, kasCommand } from "./command";

export default kasCommand({
  name: "filter",
  alias: ["filter-stdin"],
  description: "Filter one message: stdin → the server (or --local: this process) → stdout with X-KAS-* headers",
  exitCodes: {
    0: "delivered on stdout (scanned, or passed unscanned with a header saying why)",
    64: "bad command line (unknown option, bad address)",
    69: "rejected: spam or black-listed by policy, or the server failed with [client] on_error = reject; reply text on stderr",
    75: "deferred: tempfail by policy, or no verdict with [client] on_error = tempfail; reply text on stderr",
    78: "the configuration is invalid",
  },
  args: {
    ...CONFIG_ARG,
    local: { type: "boolean", description: "scan in this process with the installed rule database instead of asking the server" },
    ip: { type: "string", description: "client IP address of the SMTP connection", valueHint: "ADDR" },
    helo: { type: "string", description: "HELO/EHLO name the client gave", valueHint: "NAME" },
    from: { type: "string", description: "envelope sender (MAIL FROM); \"\" for the null sender", valueHint: "ADDR" },
    rcpt: { type: "string", description: "envelope recipient(s), comma-separated or the option repeated", valueHint: "ADDR[,ADDR...]" },
    id: { type: "string", description: "queue id, shown in logs", valueHint: "ID" },
    json: { type: "boolean", description: "print the verdict as one JSON object (status, score, thresholds, action, hits, notes, timings) instead of the message; same exit codes" },
  },
  async run({ args, rawArgs }) {
    const { loadConfig } = await import("../config/load");
    const { config } = loadConfig(args.config);
    const envelope = envelopeOf(args, rawArgs);
    const id = args.id || `f${process.pid}-${Date.now().toString(36)}`;
    if (!args.local) {
      const { runFilterClient } = await import("../client/run");
      process.exitCode = await runFilterClient(config, envelope, { id, json: args.json });
      return;
    }
    const [{ filterLocal }, { writeOutcome }, { createLocalScanner }, { logger }] = await Promise.all([import("../client/filter-local"), import("../client/run"), import("./local-scanner"), import("../log/index")]);
    const log = logger("filter");
    const raw = await Bun.stdin.bytes();
    const { scanner, close } = await createLocalScanner(config);
    try {
      process.exitCode = await writeOutcome(await filterLocal(scanner, config, raw, envelope, id, log), args.json);
    } finally {
      close();
    }
  },
});

function envelopeOf(args: { ip?: string; helo?: string; from?: string; id?: string }, rawArgs: string[]): Envelope {
  // citty keeps only the last of a repeated option: collect every --rcpt from the raw argv.
  const rcpt: string[] = [];
  for (let i = 0; i < rawArgs.length; i++) {
    const a = rawArgs[i];
    if (a === "--rcpt" && i + 1 < rawArgs.length) rcpt.push(...rawArgs[++i].split(","));
    else if (a.startsWith("--rcpt=")) rcpt.push(...a.slice(7).split(","));
  }
  const list = rcpt.map((r) => r.trim()).filter(Boolean);
  for (const r of list) if (/[\s<>]/.test(r) || !r.includes("@")) throw new UsageError(`bad recipient address ${JSON.stringify(r)}`, "give --rcpt user@domain");
  if (args.ip !== undefined && !isIP(args.ip)) throw new UsageError(`bad client IP ${JSON.stringify(args.ip)}`, "give --ip as an IPv4 or IPv6 address");
  return { ip: args.ip, helo: args.helo, from: args.from, rcpt: list, queueId: args.id };
}

