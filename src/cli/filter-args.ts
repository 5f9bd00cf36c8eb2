// The command line of `kas filter` as MTAs write it. Postfix pipe(8) (master.cf `argv=`)
// expands ${recipient} to one argument per recipient, so `--rcpt ${recipient}` arrives as
// `--rcpt a@x b@y`: the words after it are recipients too. ${sender} is `MAILER-DAEMON` for
// the null sender unless the service sets `null_sender=` (then ""), and ${client_address}
// is "" for mail submitted locally. Everything after the first `--` is the re-injection
// command (`/usr/sbin/sendmail -G -i -f … -- …`, which has its own `--`).
import { isIP } from "../dns/ip";
import { UsageError } from "../errors";
import type { Envelope } from "../model";

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

/**
 * The positional words of `own`: options named in `valued` take the next word as their value
 * (as citty parses them, even when it starts with "-"), `--name=value` and other options do not.
 */
export function positionals(own: readonly string[], valued: ReadonlySet<string>): string[] {
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
export function envelopeOf(args: { ip?: string; helo?: string; from?: string; id?: string }, own: readonly string[], valued: ReadonlySet<string>): Envelope {
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
