// The publisher side: `kas update-db publish` turns a rules directory into a new version of a
// mirror directory that any static web server can serve (layout: manifest.ts). Versions are
// never removed, so a client on any older version updates straight to the newest. The rules
// are compiled and linted first: a mirror never offers a version kas cannot load.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../atomic-write";
import { DataError, KasError, StateError, UsageError } from "../errors";
import type { PrivateKey } from "../license/keys";
import { compileDirOrThrow, type Diagnostic } from "../ruledb/index";
import { encodeManifest, FILE_NAME, FILES_DIR, LATEST, MANIFEST, MANIFEST_FORMAT, sha256, SIG_SUFFIX, signManifest, type Manifest } from "./manifest";

export interface PublishOptions {
  rulesDir: string;
  outDir: string;
  key: PrivateKey;
  /** Default: the larger of (newest published + 1) and today as YYYYMMDD01. */
  version?: number;
  now: Date;
  /** Recorded as min_kas_version: the kas that compiled the rules can load them. */
  kasVersion: string;
  /** Tests only: publish rules that do not compile (to prove clients refuse them). */
  skipLint?: boolean;
}

export interface Published {
  version: number;
  files: number;
  bytes: number;
  warnings: Diagnostic[];
  dir: string;
}

/** Published versions in a mirror directory, newest first. */
export function publishedVersions(outDir: string): number[] {
  let names: string[] = [];
  try {
    names = readdirSync(outDir);
  } catch {}
  return names.filter((n) => /^\d+$/.test(n) && existsSync(join(outDir, n, MANIFEST))).map(Number).sort((a, b) => b - a);
}

export function defaultVersion(latest: number | undefined, now: Date): number {
  const day = Number(now.toISOString().slice(0, 10).replaceAll("-", ""));
  return Math.max((latest ?? 0) + 1, day * 100 + 1);
}

export function publish(o: PublishOptions): Published {
  if (!existsSync(o.rulesDir) || !statSync(o.rulesDir).isDirectory()) throw new UsageError(`--rules ${o.rulesDir} is not a directory`, "give the directory of *.cf rule files to publish");
  const latest = publishedVersions(o.outDir)[0];
  const version = o.version ?? defaultVersion(latest, o.now);
  if (!Number.isSafeInteger(version) || version < 1) throw new UsageError(`--version ${version} is not a positive integer`, "versions are integers such as 2026112801");
  if (latest !== undefined && version <= latest) throw new UsageError(`--version ${version} is not newer than the published ${latest}`, `clients install only newer versions: use ${latest + 1} or more (or leave --version out)`);

  // skipLint (tests only) publishes rules that do not compile, so it skips the compile.
  const warnings = o.skipLint ? [] : compileDirOrThrow(o.rulesDir, { version: String(version) }).warnings;

  const names = readdirSync(o.rulesDir).filter((n) => n.endsWith(".cf")).sort();
  if (!names.length) throw new DataError(`${o.rulesDir} has no *.cf files`, "publish a directory of rule files");
  const bad = names.find((n) => !FILE_NAME.test(n));
  if (bad) throw new DataError(`rule file name ${JSON.stringify(bad)} is not allowed in a bundle`, "use letters, digits, . _ - (e.g. 50_scores.cf)");

  const manifest: Manifest = { format: MANIFEST_FORMAT, version, created: o.now.toISOString(), min_kas_version: o.kasVersion, files: {} };
  const tmp = join(o.outDir, `.${version}.tmp-${process.pid}`);
  const dir = join(o.outDir, String(version));
  let bytes = 0;
  try {
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(join(tmp, FILES_DIR), { recursive: true });
    for (const n of names) {
      const data = readFileSync(join(o.rulesDir, n));
      writeFileSync(join(tmp, FILES_DIR, n), data);
      manifest.files[n] = { sha256: sha256(data), size: data.length };
      bytes += data.length;
    }
    const mbytes = encodeManifest(manifest);
    const sig = signManifest(mbytes, o.key);
    writeFileSync(join(tmp, MANIFEST), mbytes);
    writeFileSync(join(tmp, MANIFEST + SIG_SUFFIX), sig);
    // The version directory first, then latest.json: a client reading latest.json always
    // finds <version>/ complete (it takes the signature from there).
    renameSync(tmp, dir);
    writeFileAtomic(join(o.outDir, LATEST), mbytes);
    writeFileAtomic(join(o.outDir, LATEST + SIG_SUFFIX), sig);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    if (e instanceof KasError) throw e;
    throw new StateError(`cannot write the mirror ${o.outDir}: ${(e as NodeJS.ErrnoException).code ?? e}`, "check --out is a writable directory");
  }
  return { version, files: names.length, bytes, warnings, dir };
}
