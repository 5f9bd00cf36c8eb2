// The installed rule databases under data_dir, and the two renames that change them:
//   <data_dir>/rules/versions/<v>/{*.cf, manifest.json(.sig), installed.json, rules.kasdb}
//   <data_dir>/rules/current -> versions/<v>        (relative symlink)
// A version directory is built completely in a staging directory on the same file system,
// then renamed into versions/ (rename(2) is atomic), then `current` is switched by renaming a
// fresh symlink over it: a reader (a starting filtering process) sees the old or the new
// database, never a mixture. Old versions are kept for --rollback; rolling back past the
// oldest removes `current` (one unlink), which the loader reads as "use the built-in rules".
import { existsSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync, unlinkSync } from "node:fs";
import { basename, join } from "node:path";
import { symlinkAtomic, syncDir, writeFileAtomic } from "../atomic-write";
import { currentRulesLink, DB_FILE, makeStateDir, rulesRoot, rulesVersionsDir } from "../config/paths";
import type { KasConfig } from "../config/schema";

type C = Pick<KasConfig, "data_dir">;

export const INSTALL_INFO = "installed.json";
/** After --rollback: versions up to this one are not installed again by a plain update. */
export const HOLD_FILE = "hold";

export interface InstallInfo {
  version: number;
  /** When the publisher created the version (manifest `created`). */
  created: string;
  installed_at: string;
  source: string;
  signed_by: string;
}

/** Installed versions (directories holding a database), newest first. */
export function installedVersions(c: C): number[] {
  let names: string[];
  try {
    names = readdirSync(rulesVersionsDir(c));
  } catch {
    return [];
  }
  return names
    .filter((n) => /^\d+$/.test(n) && existsSync(join(rulesVersionsDir(c), n, DB_FILE)))
    .map(Number)
    .sort((a, b) => b - a);
}

/** The version `current` points at; undefined when nothing is installed (built-in rules). */
export function currentVersion(c: C): number | undefined {
  try {
    const target = basename(readlinkSync(currentRulesLink(c)));
    return /^\d+$/.test(target) ? Number(target) : undefined;
  } catch {
    return undefined;
  }
}

export function readInstallInfo(c: C, version: number): InstallInfo | undefined {
  try {
    return JSON.parse(readFileSync(join(rulesVersionsDir(c), String(version), INSTALL_INFO), "utf8"));
  } catch {
    return undefined;
  }
}

export function heldVersion(c: C): number | undefined {
  try {
    const n = Number(readFileSync(join(rulesRoot(c), HOLD_FILE), "utf8").trim());
    return Number.isSafeInteger(n) ? n : undefined;
  } catch {
    return undefined;
  }
}

export function setHold(c: C, version: number | undefined): void {
  const p = join(rulesRoot(c), HOLD_FILE);
  if (version === undefined) rmSync(p, { force: true });
  else writeFileAtomic(p, `${version}\n`);
}

/** Moves a complete staging directory into versions/<v> and points `current` at it. */
export function installStaged(c: C, staging: string, version: number): void {
  const dir = join(rulesVersionsDir(c), String(version));
  makeStateDir(rulesVersionsDir(c));
  if (existsSync(dir)) {
    // Installed once before (then rolled back past): replace it, it is not `current`.
    const aside = `${staging}.old`;
    renameSync(dir, aside);
    rmSync(aside, { recursive: true, force: true });
  }
  renameSync(staging, dir);
  syncDir(rulesVersionsDir(c));
  switchCurrent(c, version);
}

/** Points `current` at versions/<v> with one rename of a fresh symlink. */
export function switchCurrent(c: C, version: number): void {
  symlinkAtomic(join("versions", String(version)), currentRulesLink(c));
  syncDir(rulesRoot(c));
}

/** Removes all but the newest `keep` versions; never the current one. Returns the removed versions. */
export function prune(c: C, keep: number): number[] {
  const current = currentVersion(c);
  const removed: number[] = [];
  for (const v of installedVersions(c).slice(keep)) {
    if (v === current) continue;
    rmSync(join(rulesVersionsDir(c), String(v)), { recursive: true, force: true });
    removed.push(v);
  }
  return removed;
}

/**
 * What --rollback switches to: the newest installed version older than the current one, else
 * the built-in rules; undefined when the built-in rules are in use already.
 */
export function rollbackTarget(c: C): number | "built-in" | undefined {
  const current = currentVersion(c);
  if (current === undefined) return undefined;
  return installedVersions(c).find((v) => v < current) ?? "built-in";
}

/**
 * Back to the built-in rules: remove `current`. unlink(2) is atomic, so a starting filtering
 * process sees the old version or no installed database (ruledb/active.ts: the built-in one),
 * never a mixture; the version directories stay for a later update or a look.
 */
export function useBuiltin(c: C): void {
  try {
    unlinkSync(currentRulesLink(c));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
  }
  syncDir(rulesRoot(c));
}

/** Staging directories left by a run that was killed: safe to remove under the lock. */
export function removeLeftovers(c: C): void {
  let names: string[];
  try {
    names = readdirSync(rulesRoot(c));
  } catch {
    return;
  }
  for (const n of names) if (n.startsWith("staging-") || n.startsWith("current.tmp-")) rmSync(join(rulesRoot(c), n), { recursive: true, force: true });
}
