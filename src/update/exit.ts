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
  DAMAGED: 9,
  USAGE: EXIT.USAGE,
  LOCKED: EXIT.CANTCREAT,
  CONFIG: EXIT.CONFIG,
} as const;

export const UPDATE_EXIT_DOCS: Record<number, string> = {
  0: "a new version was installed (and the running server serves it), or --rollback switched back",
  1: "already up to date: nothing changed",
  2: "no update source reachable (every mirror failed: network, HTTP error, timeout, garbage)",
  3: "signature: the manifest is not signed by a key in [update] trusted_keys, or its signature file is missing",
  4: "digest: a downloaded file does not match the signed manifest (tampered or truncated)",
  5: "compile/lint: the rules of the new version do not compile, or need a newer kas",
  6: "install: cannot write under data_dir (full, read-only, permissions); nothing to roll back to",
  7: "reload: installed, but the running server did not confirm the new version in time",
  8: "license: updates need a valid license (the installed database keeps working)",
  9: "damaged: the installed version's database no longer loads and no source offers that version or a newer one (`kas update-db --rollback` serves the previous one)",
  64: "usage error",
  73: "another kas update-db is running (lock held)",
  78: "invalid configuration (e.g. no [update] sources or trusted_keys)",
};

export class UpdateError extends KasError {}

export const fail = (code: number, message: string, hint?: string) => new UpdateError(message, code, hint);

/** What a file-system errno means for the administrator, and what to do about it. */
const DISK_ERRORS: Record<string, [string, string]> = {
  ENOSPC: ["no space left on the file system", "free space on the file system holding data_dir (`df -h DATA_DIR`); cron tries again next time"],
  EDQUOT: ["disk quota exceeded", "raise the quota of the user running kas update-db, or free space under data_dir"],
  EROFS: ["the file system is mounted read-only", "remount it read-write (`mount -o remount,rw`), or set data_dir to a writable directory"],
  EACCES: ["permission denied", "run kas update-db as the user owning data_dir (the server's user), or chown data_dir to it"],
  EPERM: ["operation not permitted", "run kas update-db as the user owning data_dir (the server's user), or chown data_dir to it"],
  ENOTDIR: ["a path component is not a directory", "restore the layout under data_dir/rules (versions/ must be a directory)"],
};

/**
 * A write under data_dir failed (exit 6): `what` failed, why in words (ENOSPC → "no space
 * left"), and the fix. Returns undefined for anything that is not an errno error.
 */
export function diskError(what: string, e: unknown): UpdateError | undefined {
  const code = (e as NodeJS.ErrnoException)?.code;
  if (!code || !/^E[A-Z]+$/.test(code)) return undefined;
  const [why, hint] = DISK_ERRORS[code] ?? [(e as Error).message, "check data_dir is writable by the user running kas update-db"];
  return fail(UPDATE_EXIT.INSTALL, `${what}: ${why} (${code}); the installed database is unchanged`, hint);
}
