// How a failed command ends, in one place for both ways a command runs: through citty
// (cli/run.ts, cli/command.ts) and the quick start of `kas filter` (cli/filter-quick.ts),
// which must not load citty. Imports nothing but the error types.
import { EXIT, KasError } from "../errors";

/**
 * A failure as the exit code `code` when the command line asks for one (`kas filter -- COMMAND…`
 * under Postfix pipe(8), where anything but 75 bounces the message): a KasError keeps its
 * message and hint, anything else becomes an internal error with its stack. Without a code,
 * `e` itself.
 */
export function withExitCode(e: unknown, code: number | undefined): unknown {
  if (code === undefined) return e;
  return e instanceof KasError ? new KasError(e.message, code, e.hint) : new KasError(`internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`, code);
}

/**
 * Typed KasErrors become their exit code and a message with a hint on stderr; citty's usage
 * errors become exit 64; anything else is an internal error (exit 70) with its stack, because
 * that is a bug to report.
 */
export function exitOnError(e: unknown): never {
  if (e instanceof KasError) {
    process.stderr.write(`kas: ${e.message}\n${e.hint ? `kas: hint: ${e.hint}\n` : ""}`);
    process.exit(e.exitCode);
  }
  if (e instanceof Error && e.name === "CLIError") {
    process.stderr.write(`kas: ${e.message}\nkas: hint: run with --help for usage\n`);
    process.exit(EXIT.USAGE);
  }
  process.stderr.write(`kas: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(EXIT.SOFTWARE);
}
