// Exit codes of `kas update-db`, one per kind of failure, so cron wrappers and monitoring can
// tell "nothing new" from "the mirror is down" from "someone tampered with the bundle".
// Every failure leaves the installed database as it was (install is a single rename).
import { EXIT, KasError } from "../errors";

export const UPDATE_EXIT = {
  INSTALLED: 0,
  UP_TO_DATE: 1,
  UNREACHABLE: 2,
  SIGNATURE: 3,
  DIGEST: 4,
  COMPILE: 5,
  INSTALL: 6,
  RELOAD: 7,
  LICENSE: 8,
  USAGE: EXIT.USAGE,
  LOCKED: EXIT.CANTCREAT,
  CONFIG: EXIT.CONFIG,
} as const;

export const UPDATE_EXIT_DOCS: Record<number, string> = {
  0: "a new version was installed (and the running server serves it), or --rollback switched back",
  1: "already up to date: nothing changed",
  2: "no update source reachable (every mirror failed: network, HTTP error, timeout, garbage)",
  3: "signature: the manifest is not signed by a key in [update] trusted_keys",
  4: "digest: a downloaded file does not match the signed manifest (tampered or truncated)",
  5: "compile/lint: the rules of the new version do not compile, or need a newer kas",
  6: "install: cannot write under data_dir (full, read-only, permissions); nothing to roll back to",
  7: "reload: installed, but the running server did not confirm the new version in time",
  8: "license: updates need a valid license (the installed database keeps working)",
  64: "usage error",
  73: "another kas update-db is running (lock held)",
  78: "invalid configuration (e.g. no [update] sources or trusted_keys)",
};

export class UpdateError extends KasError {}

export const fail = (code: number, message: string, hint?: string) => new UpdateError(message, code, hint);
