// The shape every kas subcommand has: citty definition + `--config` + documented exit codes
// shown in --help + strict flags (an unknown flag is a usage error, exit 64, not ignored).
// A command reports its exit code by setting process.exitCode or throwing a KasError: citty
// drops the return value of subcommands. citty also runs a parent's `run` after one of its
// subcommands ran (and the parent's flag check would reject the subcommand's flags): for a
// command with both subCommands and run, kasCommand skips run when a subcommand was named.
// Options are written in camelCase in code (args.maxAddresses) but citty renders the key as
// is (`--maxAddresses`): kasCommand hands citty kebab-case keys, so --help, the README and
// the hints all say --max-addresses; citty's args proxy still answers args.maxAddresses.
import { defineCommand, type ArgsDef, type CommandContext, type CommandDef } from "citty";
import { EXIT, UsageError } from "../errors";
import { withExitCode } from "./fail";
import { normalJit } from "./shared";

export { CONFIG_ARG } from "./shared";

export interface KasCommandDef<T extends ArgsDef> {
  name: string;
  description: string;
  /** exit code → meaning; rendered into --help. */
  exitCodes?: Record<number, string>;
  hidden?: boolean;
  alias?: string[];
  args?: T;
  subCommands?: Record<string, CommandDef<any>>;
  run?: (ctx: CommandContext<T>) => unknown | Promise<unknown>;
  /**
   * The exit code every failure of this invocation ends with instead of its own (a usage or
   * config error, a bug), when the caller can only tell "done" from "try again": `kas filter
   * -- sendmail …` under Postfix pipe(8), where anything but 75 bounces the message.
   */
  failureExitCode?: (rawArgs: string[]) => number | undefined;
  /**
   * Run with the start-up JIT policy the binary begins with (see normalJit) instead of the
   * normal one: only for a command that is over in a few milliseconds (kas filter's client mode).
   */
  keepStartupJit?: boolean;
  /**
   * The command writes standard output only through Bun.write and answers a failed write
   * itself (kas filter: exit 75), so process.stdout is never built for it: building it costs
   * every start ~10 ms of CPU and 400 page faults (measured 2026-12-03), a third of a
   * `kas filter` in client mode. Other commands get endOnClosedStdout.
   */
  ownStdout?: boolean;
}

let stdoutWatched = false;
/**
 * Bun ignores SIGPIPE, so when the reader of stdout goes away (`kas scan DIR | head`) each
 * write fails with EPIPE, reported on process.stdout as an error event: left alone, Bun
 * printed it with a stack and the command went on (a whole mailbox scanned for nobody) and
 * exited 0. The command ends there instead, as cat or grep would, with EX_IOERR: quietly for
 * EPIPE (the reader chose to stop), with the reason for any other write error. Installed
 * when a command starts (kasCommand) or --help prints, not at the binary's start.
 */
export function endOnClosedStdout(): void {
  if (stdoutWatched) return;
  stdoutWatched = true;
  process.stdout.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code !== "EPIPE") process.stderr.write(`kas: cannot write to standard output: ${e.message}\n`);
    process.exit(EXIT.IOERR);
  });
}

export function kasCommand<T extends ArgsDef>(def: KasCommandDef<T>): CommandDef<T> {
  const cmd = defineCommand<T>({
    meta: { name: def.name, description: def.description, hidden: def.hidden, alias: def.alias },
    args: def.args && kebabKeys(def.args),
    subCommands: def.subCommands,
    run: def.run
      ? async (ctx) => {
          if (def.subCommands && isSubcommandCall(ctx.rawArgs, def.subCommands)) return;
          try {
            rejectUnknownFlags(ctx.rawArgs, def.args ?? ({} as T));
            if (!def.keepStartupJit) normalJit();
            if (!def.ownStdout) endOnClosedStdout();
            return await def.run!(ctx);
          } catch (e) {
            throw withExitCode(e, def.failureExitCode?.(ctx.rawArgs));
          }
        }
      : undefined,
  });
  if (def.exitCodes) EXIT_CODES.set(cmd, def.exitCodes);
  MADE_HERE.add(cmd);
  return cmd;
}

/**
 * Commands built by kasCommand. A command defined with citty directly would run with the
 * start-up JIT policy and accept unknown flags silently; command.test.ts walks the table with this.
 */
const MADE_HERE = new WeakSet<object>();
export const isKasCommand = (cmd: object): boolean => MADE_HERE.has(cmd);

/** Exit codes per command, printed by --help after citty's usage (cli/run.ts). */
export const EXIT_CODES = new WeakMap<object, Record<number, string>>();

export function renderExitCodes(cmd: object): string {
  const codes = EXIT_CODES.get(cmd);
  return codes ? "EXIT CODES\n\n" + Object.entries(codes).map(([c, m]) => `  ${c.padStart(3)}  ${m}`).join("\n") + "\n" : "";
}

/** citty passes unknown flags through silently; for an MTA-facing tool a typo must fail. */
export function rejectUnknownFlags(rawArgs: string[], args: ArgsDef): void {
  const known = new Set<string>(["help", "h"]);
  for (const [name, d] of Object.entries(args)) {
    if (d.type === "positional") continue;
    known.add(name);
    known.add(kebab(name));
    if (d.type === "boolean") known.add("no-" + kebab(name));
    for (const a of [d.alias ?? []].flat()) known.add(a);
  }
  for (const raw of rawArgs) {
    if (raw === "--") break;
    if (!raw.startsWith("-") || raw === "-" || /^-\d/.test(raw)) continue;
    const name = raw.replace(/^--?/, "").split("=")[0];
    if (!known.has(name)) throw new UsageError(`unknown option ${raw}`, "see --help for the options of this command");
  }
}

const kebab = (s: string) => s.replace(/[A-Z]/g, (c) => "-" + c.toLowerCase());

function kebabKeys<T extends ArgsDef>(args: T): T {
  return Object.fromEntries(Object.entries(args).map(([name, d]) => [d.type === "positional" ? name : kebab(name), d])) as T;
}

/** True when rawArgs name one of `subs` first (citty would also run the parent's `run`). */
export function isSubcommandCall(rawArgs: string[], subs: Record<string, unknown>): boolean {
  const first = rawArgs.find((a) => !a.startsWith("-"));
  return first !== undefined && first in subs;
}
