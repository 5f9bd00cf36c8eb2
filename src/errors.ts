// The few typed failures kas knows. Each carries the process exit code it maps to (BSD
// sysexits, as MTAs expect from delivery agents) and, where useful, a hint that says what to
// do next. Classified once, at the CLI boundary (cli/fail.ts); never throw strings.

export const EXIT = {
  OK: 0,
  USAGE: 64, // EX_USAGE: bad command line
  DATAERR: 65, // EX_DATAERR: bad input data (rule lint errors, malformed files)
  NOINPUT: 66, // EX_NOINPUT: input file missing or unreadable
  UNAVAILABLE: 69, // EX_UNAVAILABLE: rejected by policy / service unavailable
  SOFTWARE: 70, // EX_SOFTWARE: internal error
  CANTCREAT: 73, // EX_CANTCREAT: cannot create output / state file
  IOERR: 74, // EX_IOERR
  TEMPFAIL: 75, // EX_TEMPFAIL: try again later
  NOPERM: 77, // EX_NOPERM
  CONFIG: 78, // EX_CONFIG: configuration error
} as const;

export class KasError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
    readonly hint?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class UsageError extends KasError {
  constructor(message: string, hint?: string) {
    super(message, EXIT.USAGE, hint);
  }
}

/** One problem of a config file: the key path (and line, where the loader finds it) and why. */
export interface ConfigProblem {
  readonly keyPath?: string;
  readonly line?: number;
  readonly reason: string;
}

const FIX_THE_KEY = "fix the key (see `kas config defaults` for every key with its doc) and run `kas config check`";

const problemText = (file: string, p: ConfigProblem) => `${file}${p.line ? `:${p.line}` : ""}${p.keyPath ? `: ${p.keyPath}` : ""}: ${p.reason}`;

/**
 * A config file that does not parse or validate: names the file, line and key path of every
 * problem found in one pass (an administrator fixes them all, not one per run).
 */
export class ConfigError extends KasError {
  problems: readonly ConfigProblem[];
  constructor(
    readonly file: string,
    readonly keyPath: string | undefined,
    readonly line: number | undefined,
    readonly reason: string,
    hint: string = FIX_THE_KEY,
  ) {
    super(problemText(file, { keyPath, line, reason }), EXIT.CONFIG, hint);
    this.problems = [{ keyPath, line, reason }];
  }

  /** Every problem of one file, in line order; one problem reads as the single-error form. */
  static of(file: string, problems: readonly ConfigProblem[], hint?: string): ConfigError {
    const sorted = [...problems].sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity));
    const first = sorted[0];
    const err = new ConfigError(file, first.keyPath, first.line, first.reason, hint ?? (sorted.length > 1 ? "fix the keys named above (see `kas config defaults` for every key with its doc) and run `kas config check`" : FIX_THE_KEY));
    if (sorted.length > 1) {
      err.message = `${file}: ${sorted.length} errors:\n${sorted.map((p) => "  " + problemText(file, p)).join("\n")}`;
      err.problems = sorted;
    }
    return err;
  }
}

/**
 * An errno failure as one phrase. Node and Bun already start the message with the code
 * ("EACCES: permission denied, mkdir '/x'"), so prefixing the code again doubles it.
 */
export function errnoText(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  const msg = e instanceof Error ? e.message : String(e);
  if (!code || msg.startsWith(code)) return msg;
  return `${code}: ${msg}`;
}

/** Bad input data: rule sources that do not compile, a corrupt database file. */
export class DataError extends KasError {
  constructor(message: string, hint?: string) {
    super(message, EXIT.DATAERR, hint);
  }
}

/** A state directory or file we cannot write. */
export class StateError extends KasError {
  constructor(message: string, hint?: string) {
    super(message, EXIT.CANTCREAT, hint);
  }
}
