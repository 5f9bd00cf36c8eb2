// The quick start of `kas filter`: an MTA runs one per message (Postfix pipe(8), procmail,
// a content filter), so its start is a cost paid on every message. For the command lines
// MTAs write (cli/filter-args.ts quickFilterOptions) main.ts comes here before loading the
// command table and citty; citty loads node:util, and the two cost a start ~4-5 ms of CPU and
// ~230 page faults (measured 2026-12-04 against the same binary through citty: 1 688 → 1 457
// faults). Every other line (--help, a typo) goes through citty as for every command.
import { exitOnError, withExitCode } from "./fail";
import { failureExitCode, quickFilterOptions, splitFilterArgv } from "./filter-args";
import { runFilter } from "./filter-run";

/** Runs `kas filter ARGS` and exits, or returns at once (nothing done) when citty must parse ARGS. */
export async function quickFilter(rawArgs: string[]): Promise<void> {
  (globalThis as any).__kt?.push(["quick-mod", performance.now(), process.resourceUsage().minorPageFault]);
  const args = quickFilterOptions(splitFilterArgv(rawArgs).own);
  if (!args) return;
  try {
    await runFilter(args, rawArgs);
  } catch (e) {
    const code = failureExitCode(rawArgs);
    exitOnError(code === undefined ? e : withExitCode(e, code));
  }
  { const k = (globalThis as any).__kt; if (k) { k.push(["exit", performance.now(), process.resourceUsage().minorPageFault]); require("node:fs").writeSync(2, k.map(([l, t, f]: any) => `${l} ${t.toFixed(2)} ${f}`).join(" | ") + "\n"); } }
  process.exit(Number(process.exitCode ?? 0));
}
