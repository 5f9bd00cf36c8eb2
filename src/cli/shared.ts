// What every command shares that does not need citty: `kas filter`'s quick start
// (cli/filter-quick.ts) loads this module, not command.ts, which loads citty (and citty
// loads node:util, ~3 ms of CPU and 130 page faults of a pipe client's start, measured
// 2026-12-04). command.ts re-exports CONFIG_ARG, so commands import it from there as before.

export const CONFIG_ARG = {
  config: { type: "string", description: "config file (default: $KAS_CONFIG, then /etc/kas/kas.toml, then built-in defaults)", valueHint: "FILE" },
} as const;

/**
 * The binary starts with JavaScriptCore's tier-up thresholds raised (build.ts jitPolicy): a
 * `kas filter` per message exits before compiling its start-up code would pay off, and that
 * compiling was ~2.5 ms of its ~19 ms of CPU. Every other command (the server, its filtering
 * processes, scans of whole mailboxes) gets the normal policy back before it runs.
 */
export function normalJit(): void {
  Bun.unsafe.setJITPolicy(1);
}
