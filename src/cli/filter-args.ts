// The command line of `kas filter` as MTAs write it. Postfix pipe(8) (master.cf `argv=`)
// expands ${recipient} to one argument per recipient, so `--rcpt ${recipient}` arrives as
// `--rcpt a@x b@y`: the words after it are recipients too. ${sender} is `MAILER-DAEMON` for
// the null sender unless the service sets `null_sender=` (then ""), and ${client_address}
// is "" for mail submitted locally. Everything after the first `--` is the re-injection
// command (`/usr/sbin/sendmail -G -i -f … -- …`, which has its own `--`).
import { isIP } from "../dns/ip";
import { EXIT, UsageError } from "../errors";
import type { Envelope } from "../model";
import { CONFIG_ARG } from "./shared";

/** The options of `kas filter` (citty's argument definitions; cli/filter.ts). */
export const FILTER_ARGS = {
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
export const VALUED: ReadonlySet<string> = new Set(Object.entries(FILTER_ARGS).filter(([, d]) => d.type === "string").map(([k]) => k));

/** The options `kas filter` reads, as citty hands them over: each of FILTER_ARGS, a string or a boolean by its type. */
export type FilterOptions = { [K in keyof typeof FILTER_ARGS]?: (typeof FILTER_ARGS)[K]["type"] extends "boolean" ? boolean : string };

export interface FilterArgv {
  /** kas's own arguments (before the first `--`). */
  own: string[];
  /** The re-injection command (after the first `--`); undefined without `--`. */
  command?: string[];
}

export function splitFilterArgv(rawArgs: readonly string[]): FilterArgv {
  const at = rawArgs.indexOf("--");
  return at < 0 ? { own: [...rawArgs] } : { own: rawArgs.slice(0, at), command: rawArgs.slice(at + 1) };
}

/** True when the command line asks for re-injection: then every failure of kas must be EX_TEMPFAIL. */
export const reinjects = (rawArgs: readonly string[]) => rawArgs.includes("--");

/** The exit code every failure of this command line ends with (after the queue a bounce would go to a possibly forged sender). */
export const failureExitCode = (rawArgs: readonly string[]) => (reinjects(rawArgs) ? EXIT.TEMPFAIL : undefined);

/**
 * kas's own words (`own`) parsed without citty, for the quick start of the pipe client
 * (cli/filter-quick.ts), which runs once per message. It takes only the forms MTAs write: a
 * valued option followed by its value or written `--name=value`, the flags `--json` and
 * `--local`, and recipient words. For anything else (`--help`, `-h`, `--no-json`,
 * `--json=false`, an unknown option, a valued option with no word after it or one that
 * begins with "-") it gives undefined and citty parses the line as for every other command,
 * with citty's messages. Where it answers, it answers as citty does (filter-args.test.ts
 * compares the two).
 */
export function quickFilterOptions(own: readonly string[]): FilterOptions | undefined {
  const o: Record<string, string | boolean> = {};
  for (let i = 0; i < own.length; i++) {
    const a = own[i];
    if (!a.startsWith("-") || a === "-") continue; // a recipient word
    if (!a.startsWith("--")) return undefined;
    const eq = a.indexOf("=");
    const name = a.slice(2, eq < 0 ? undefined : eq);
    if (!Object.hasOwn(FILTER_ARGS, name)) return undefined;
    if (!VALUED.has(name)) {
      if (eq >= 0) return undefined;
      o[name] = true;
    } else if (eq >= 0) o[name] = a.slice(eq + 1);
    else {
      const v = own[i + 1];
      if (v === undefined || v.startsWith("-")) return undefined;
      o[name] = v;
      i++;
    }
  }
  return o as FilterOptions;
}

/**
 * The positional words of `own`: options named in `valued` take the next word as their value
 * (as citty parses them, even when it starts with "-"), `--name=value` and other options do not.
 */
export function positionals(own: readonly string[], valued: ReadonlySet<string> = VALUED): string[] {
  const out: string[] = [];
  for (let i = 0; i < own.length; i++) {
    const a = own[i];
    if (a.startsWith("-") && a !== "-") {
      if (!a.includes("=") && valued.has(a.replace(/^--?/, ""))) i++;
      continue;
    }
    out.push(a);
  }
  return out;
}

/** The null reverse-path as MTAs spell it in a filter's argv (Postfix: empty_address_recipient, default MAILER-DAEMON). */
const NULL_SENDER = /^(|<>|MAILER-DAEMON)$/i;
/** Control characters and angle brackets never belong in an envelope address; spaces may (a quoted local part, pipe(8) flag q). */
const BAD_ADDRESS = /[\x00-\x1f\x7f<>]/;

/**
 * The envelope from the parsed options and the raw words before `--`: every `--rcpt` value
 * (repeated, comma-separated) and every positional word is a recipient.
 */
export function envelopeOf(args: { ip?: string; helo?: string; from?: string; id?: string }, own: readonly string[], valued: ReadonlySet<string> = VALUED): Envelope {
  // citty keeps only the last of a repeated option: collect every --rcpt from the raw argv.
  const rcpt: string[] = [];
  for (let i = 0; i < own.length; i++) {
    const a = own[i];
    if (a === "--rcpt" && i + 1 < own.length) rcpt.push(...own[++i].split(","));
    else if (a.startsWith("--rcpt=")) rcpt.push(...a.slice(7).split(","));
  }
  rcpt.push(...positionals(own, valued));
  const list = rcpt.map((r) => r.trim()).filter(Boolean);
  for (const r of list) if (BAD_ADDRESS.test(r) || !r.includes("@")) throw new UsageError(`bad recipient address ${JSON.stringify(r)}`, "give recipients as user@domain, after --rcpt (repeated, comma-separated, or several words)");
  const ip = args.ip?.trim() || undefined;
  if (ip !== undefined && !isIP(ip)) throw new UsageError(`bad client IP ${JSON.stringify(args.ip)}`, "give --ip as an IPv4 or IPv6 address (or empty for local submission)");
  const from = args.from === undefined ? undefined : NULL_SENDER.test(args.from.trim()) ? "" : args.from.trim();
  if (from && BAD_ADDRESS.test(from)) throw new UsageError(`bad sender address ${JSON.stringify(args.from)}`, "give --from as user@domain, or \"\" / MAILER-DAEMON for the null sender");
  return { ip, helo: args.helo || undefined, from, rcpt: list, queueId: args.id || undefined };
}
