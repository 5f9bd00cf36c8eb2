// The few typed failures kas knows. Each carries the process exit code it maps to (BSD
// sysexits, as MTAs expect from delivery agents) and, where useful, a hint that says what to
// do next. Classified once, at the CLI boundary (cli/run.ts); never throw strings.

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

/** A config file that does not parse or validate: names the file, line and key path. */
export class ConfigError extends KasError {
  constructor(
    readonly file: string,
    readonly keyPath: string | undefined,
    readonly line: number | undefined,
    readonly reason: string,
  ) {
    const where = `${file}${line ? `:${line}` : ""}${keyPath ? `: ${keyPath}` : ""}`;
    super(`${where}: ${reason}`, EXIT.CONFIG, "fix the key (see `kas config defaults` for every key with its doc) and run `kas config check`");
  }
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
