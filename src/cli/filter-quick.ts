// The quick start of `kas filter`: an MTA runs one per message (Postfix pipe(8), procmail,
// a content filter), so its start is a cost paid on every message. For the command lines
// MTAs write (cli/filter-args.ts quickFilterOptions) main.ts comes here before loading the
// command table and citty; citty loads node:util, and with the logger's node:util (now loaded
// at its first line) they cost a start ~5 ms of CPU and ~150 page faults (measured 2026-12-04,
// the binary before and after alternately: 1 609 → 1 463 faults; README "The quick start of
// `kas filter`"). Every other line (--help, a typo) goes through citty as for every command.
import { exitOnError, withExitCode } from "./fail";
import { failureExitCode, quickFilterOptions, splitFilterArgv } from "./filter-args";
import { runFilter } from "./filter-run";

/** Runs `kas filter ARGS` and exits, or returns at once (nothing done) when citty must parse ARGS. */
export async function quickFilter(rawArgs: string[]): Promise<void> {
  const args = quickFilterOptions(splitFilterArgv(rawArgs).own);
  if (!args) return;
  try {
    await runFilter(args, rawArgs);
  } catch (e) {
    exitOnError(withExitCode(e, failureExitCode(rawArgs)));
  }
  process.exit(Number(process.exitCode ?? 0));
}
