// Test-only: the exit code a command-level function ends with — the KasError's code when it
// throws one, 0 when it completes. Anything else thrown is a bug and propagates.
import { KasError } from "../errors";

export async function exitCodeOf(run: Promise<unknown> | (() => unknown)): Promise<number> {
  try {
    await (typeof run === "function" ? run() : run);
  } catch (e) {
    if (e instanceof KasError) return e.exitCode;
    throw e;
  }
  return 0;
}
