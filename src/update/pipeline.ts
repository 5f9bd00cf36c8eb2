// `kas update-db`, written down once, in order:
//   lock → license → for each mirror: signed manifest (skip when installed ≥) → files by
//   digest → compile + lint → atomic install (rename) → prune to `keep` → reload the server.
// Every failure before the install rename leaves the installed database untouched; the
// staging directory lives under <data_dir>/rules so the final rename never crosses devices.
import { rmSync } from "node:fs";
import { join } from "node:path";
import { DB_FILE, installedDbPath, makeStateDir, rulesRoot, rulesVersionsDir } from "../config/paths";
import type { KasConfig } from "../config/schema";
import { writeFileAtomic } from "../atomic-write";
import { KasError } from "../errors";
import { BUILTIN_VERSION, compileDirOrThrow, formatDiagnostic, loadRuleDb, parseDb, readDbFile, serializeDb } from "../ruledb/index";
import { fetchFiles, fetchManifest, localFiles, MirrorError, type SignedManifest } from "./bundle";
import { diskError, fail, UPDATE_EXIT } from "./exit";
import { currentVersion, heldVersion, INSTALL_INFO, installedVersions, installStaged, prune, removeLeftovers, rollbackTarget, setHold, switchCurrent, useBuiltin, type InstallInfo } from "./install";
import { acquireLock } from "./lock";
import { compareSemver, loadTrustedKeys } from "./manifest";
import type { Source } from "./source";

export type UpdateConfig = Pick<KasConfig, "data_dir" | "update" | "scan" | "server" | "client" | "license">;

export interface UpdateLog {
  info(msg: string): void;
  warn(msg: string): void;
  debug(msg: string): void;
}

export interface UpdateDeps {
  openSource(spec: string): Source;
  /** The license gate (license/permission.ts updatePermission). */
  license(config: UpdateConfig): { allowed: boolean; reason?: string };
  /** Tells a running server to reload and confirms it serves `version`; throws UpdateError 7. */
  reload(version: string): Promise<string>;
  kasVersion: string;
  now(): Date;
  log: UpdateLog;
  progress?: (name: string, got: number, total: number) => void;
  configFile?: string;
}

export interface UpdateOutcome {
  code: 0 | 1;
  version?: number;
  message: string;
}

const lockPath = (c: UpdateConfig) => join(rulesRoot(c), "update.lock");

/** Runs one update; resolves 0 (installed) or 1 (up to date), throws UpdateError for the rest. */
export async function updateDb(config: UpdateConfig, deps: UpdateDeps, opts: { sources?: readonly string[] } = {}): Promise<UpdateOutcome> {
  const sources = opts.sources?.length ? opts.sources : config.update.sources;
  if (!sources.length) throw fail(UPDATE_EXIT.CONFIG, "no update source: [update] sources is empty", "add a mirror URL or directory to [update] sources, or pass --source URL");
  if (!config.update.trusted_keys.length) throw fail(UPDATE_EXIT.CONFIG, "no trusted publisher key: [update] trusted_keys is empty", "add the publisher's kas-ed25519:… key (or its .pub file path) to [update] trusted_keys");
  const trusted = loadTrustedKeys(config.update.trusted_keys, deps.configFile);
  const perm = deps.license(config);
  if (!perm.allowed) throw fail(UPDATE_EXIT.LICENSE, perm.reason ?? "rule database update refused: no valid license; the installed database keeps working", "`kas license-check` shows what is wrong with the license");
  if (config.scan.rules_dir) deps.log.warn(`[scan] rules_dir is set (${config.scan.rules_dir}): the server uses it, not the database installed here`);

  const lock = acquireLock(lockPath(config));
  try {
    removeLeftovers(config);
    const installed = currentVersion(config);
    const floor = Math.max(installed ?? 0, heldVersion(config) ?? 0);
    // A current version whose database no longer loads (a disk error, an edit) is not
    // "up to date": the server would refuse to start on it, and the error it gives says to
    // run kas update-db. A source offering that version installs it again, its sources reused
    // from the version directory after their digests are checked against the signed manifest.
    const damaged = installed !== undefined ? installedDamage(config) : undefined;
    const failures: { source: string; code: number; message: string }[] = [];
    for (const spec of sources) {
      const source = deps.openSource(spec);
      const staging = join(rulesRoot(config), `staging-${process.pid}`);
      try {
        const signed = await fetchManifest(source, trusted);
        const v = signed.manifest.version;
        deps.log.debug(`${spec}: version ${v} created ${signed.manifest.created}, signed by ${signed.signedBy.text}`);
        if (damaged && v === installed) deps.log.warn(`installed version ${installed} is damaged (${damaged}): installing it again from ${spec}`);
        else if (v <= floor) {
          // Damaged and offered only an older version: not "up to date" (the server cannot start
          // on it), and not a silent downgrade either; the next source may offer it.
          if (damaged && v < installed!) {
            failures.push({ source: spec, code: UPDATE_EXIT.DAMAGED, message: `offers version ${v}, older than the installed version ${installed}, which is damaged (${damaged})` });
            deps.log.info(`${spec}: offers version ${v}, older than the damaged installed version ${installed}${sources.length > 1 ? "; trying the next source" : ""}`);
            continue;
          }
          const why = installed !== undefined && v <= installed ? `installed version ${installed} is current` : `versions up to ${floor} are held back by --rollback`;
          return { code: 1, version: installed, message: `up to date: ${spec} offers version ${v}; ${why}` };
        }
        if (compareSemver(deps.kasVersion, signed.manifest.min_kas_version) < 0) {
          throw fail(UPDATE_EXIT.COMPILE, `version ${v} needs kas ${signed.manifest.min_kas_version} or newer (this is ${deps.kasVersion})`, "upgrade kas; the installed database keeps working meanwhile");
        }
        fresh(staging);
        const local = localFiles(installedVersions(config).map((iv) => join(rulesVersionsDir(config), String(iv))));
        const stats = await fetchFiles(source, signed, staging, local, deps.progress);
        deps.log.info(`version ${v} from ${spec}: ${stats.downloaded} file(s) downloaded (${stats.bytes} bytes), ${stats.reused} reused`);
        compileAndInstall(config, deps, staging, signed, spec);
        const reloaded = await deps.reload(String(v));
        return { code: 0, version: v, message: `installed rules version ${v} from ${spec}; ${reloaded}` };
      } catch (e) {
        if (!(e instanceof MirrorError)) throw installError(e, config);
        failures.push({ source: spec, code: e.code, message: e.message });
        deps.log.info(`${spec}: ${e.message}${sources.length > 1 ? "; trying the next source" : ""}`);
      } finally {
        rmSync(staging, { recursive: true, force: true });
      }
    }
    // The most telling failure wins: a tampered bundle matters more than a mirror that is down.
    const worst = failures.reduce((a, b) => (b.code > a.code ? b : a));
    const list = failures.map((f) => `\n  ${f.source}: ${f.message}`).join("");
    const hint = {
      [UPDATE_EXIT.UNREACHABLE]: "check the network and [update] sources; cron will try again next time",
      [UPDATE_EXIT.SIGNATURE]: "check [update] trusted_keys holds the publisher's current key; do not install unsigned rules",
      [UPDATE_EXIT.DIGEST]: "the mirror serves altered or truncated files; tell its operator, or try another mirror",
      [UPDATE_EXIT.DAMAGED]: `run \`kas update-db --rollback\` to serve the previous installed version (or the built-in rules) until a source offers version ${installed} or newer`,
    }[worst.code];
    throw fail(worst.code, `no update installed; every source failed:${list}`, hint);
  } finally {
    lock.release();
  }
}

/** Why the installed database would not load, or undefined when it does (the loader's own check: JSON, format, digest). */
function installedDamage(config: UpdateConfig): string | undefined {
  try {
    readDbFile(installedDbPath(config), "the database file");
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

/** Compile + lint the staged sources, then install them as version `v`; throws UpdateError 5 or 6. */
function compileAndInstall(config: UpdateConfig, deps: UpdateDeps, staging: string, signed: SignedManifest, spec: string): void {
  const v = signed.manifest.version;
  const { db, warnings } = compileDirOrThrow(staging, { version: String(v), createdAt: signed.manifest.created }, (errors) => {
    const list = errors.slice(0, 20).map((d) => "\n  " + formatDiagnostic(d).replace(staging, `version ${v}`)).join("");
    return fail(UPDATE_EXIT.COMPILE, `version ${v} from ${spec} does not compile (${errors.length} error(s)); the installed database is unchanged:${list}`, "tell the publisher; cron will pick up the next version");
  });
  for (const w of warnings) deps.log.debug(formatDiagnostic(w).replace(staging, `version ${v}`));
  try {
    const bytes = serializeDb(db);
    loadRuleDb(parseDb(bytes, "staged database")); // what a filtering process will do: prove it loads
    writeFileAtomic(join(staging, DB_FILE), bytes);
    const info: InstallInfo = { version: v, created: signed.manifest.created, installed_at: deps.now().toISOString(), source: spec, signed_by: signed.signedBy.text };
    writeFileAtomic(join(staging, INSTALL_INFO), JSON.stringify(info, null, 1) + "\n");
    installStaged(config, staging, v);
    if ((heldVersion(config) ?? 0) < v) setHold(config, undefined);
    const removed = prune(config, config.update.keep);
    if (removed.length) deps.log.debug(`removed old version(s) ${removed.join(", ")} (keep = ${config.update.keep})`);
  } catch (e) {
    throw installError(e, config);
  }
}

/**
 * `--rollback`: point `current` at the previous installed version, or from the oldest one back
 * to the built-in rules, and hold the newer versions back (the hold only grows: rolling back
 * twice must not let a plain update reinstall the version the first rollback left).
 */
export async function rollbackDb(config: UpdateConfig, deps: Pick<UpdateDeps, "reload" | "log">): Promise<UpdateOutcome> {
  const lock = acquireLock(lockPath(config));
  try {
    const current = currentVersion(config);
    const target = rollbackTarget(config);
    if (current === undefined || target === undefined) {
      throw fail(UPDATE_EXIT.INSTALL, "nothing to roll back: no database is installed (the built-in rules are in use)", "`kas rules info` shows the rules in use; a plain `kas update-db` installs the newest version that is not held back");
    }
    const held = Math.max(current, heldVersion(config) ?? 0);
    try {
      setHold(config, held);
      if (target === "built-in") useBuiltin(config);
      else switchCurrent(config, target);
    } catch (e) {
      throw installError(e, config);
    }
    const reloaded = await deps.reload(target === "built-in" ? BUILTIN_VERSION : String(target));
    const to = target === "built-in" ? "the built-in rules (no older version is installed)" : `version ${target}`;
    return { code: 0, version: target === "built-in" ? undefined : target, message: `rolled back from version ${current} to ${to}; updates up to ${held} are held back; ${reloaded}` };
  } finally {
    lock.release();
  }
}

function fresh(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  makeStateDir(dir);
}

/** An errno failure while writing under data_dir → exit 6 saying why (full, read-only, …). */
function installError(e: unknown, config: UpdateConfig): KasError {
  if (e instanceof KasError) return e;
  const err = diskError(`cannot write under ${rulesRoot(config)}`, e);
  if (err) return err;
  throw e;
}
