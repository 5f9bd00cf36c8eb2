// Fetching one version from one mirror into a staging directory, proving every byte:
// manifest + detached signature (verified against [update] trusted_keys BEFORE it is parsed),
// then each rule file by its manifest digest. Files already installed locally with the same
// digest are copied instead of downloaded (the usual update changes one or two files).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../atomic-write";
import type { PublicKey } from "../license/keys";
import { UPDATE_EXIT } from "./exit";
import { FILES_DIR, LATEST, MANIFEST, MAX_MANIFEST_BYTES, parseManifest, sha256, SIG_SUFFIX, verifyManifest, type Manifest } from "./manifest";
import { SourceError, type Source } from "./source";

/** One mirror failed in a way the next mirror may not: code is 2 (unreachable), 3 (signature) or 4 (digest). */
export class MirrorError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

export interface SignedManifest {
  manifest: Manifest;
  bytes: Uint8Array;
  sig: Uint8Array;
  signedBy: PublicKey;
}

const MAX_SIG_BYTES = 1024;

export async function fetchManifest(source: Source, trusted: readonly PublicKey[]): Promise<SignedManifest> {
  let bytes: Uint8Array, sig: Uint8Array;
  try {
    bytes = await source.get(LATEST, { maxBytes: MAX_MANIFEST_BYTES });
    // The signature is read from the version's own directory, written before latest.json was
    // switched: a client never pairs a new latest.json with an old latest.json.sig mid-publish.
    // Only the version number is read from the unverified bytes, to find that file.
    const v = untrustedVersion(bytes);
    if (v === undefined) throw new MirrorError(UPDATE_EXIT.UNREACHABLE, `${LATEST} from ${source.name} is not a kas update manifest (garbage or an error page)`);
    const sigPath = `${v}/${MANIFEST}${SIG_SUFFIX}`;
    try {
      sig = await source.get(sigPath, { maxBytes: MAX_SIG_BYTES });
    } catch (e) {
      // The manifest is there and its signature is not: an unsigned publication, not a mirror that is down.
      if (e instanceof SourceError && e.kind === "missing") throw new MirrorError(UPDATE_EXIT.SIGNATURE, `${LATEST} (version ${v}) from ${source.name} has no signature file ${sigPath}: ${e.message}`);
      throw e;
    }
  } catch (e) {
    if (e instanceof SourceError) throw new MirrorError(UPDATE_EXIT.UNREACHABLE, e.message);
    throw e;
  }
  const signedBy = verifyManifest(bytes, sig, trusted);
  if (!signedBy) throw new MirrorError(UPDATE_EXIT.SIGNATURE, `${LATEST} (version ${untrustedVersion(bytes)}) is not signed by any of the ${trusted.length} trusted key(s) in [update] trusted_keys`);
  const manifest = parseManifest(bytes);
  if (typeof manifest === "string") throw new MirrorError(UPDATE_EXIT.SIGNATURE, `signed ${LATEST} is unusable: ${manifest}`);
  return { manifest, bytes, sig, signedBy };
}

function untrustedVersion(bytes: Uint8Array): number | undefined {
  try {
    const v = JSON.parse(new TextDecoder().decode(bytes))?.version;
    return Number.isSafeInteger(v) && v > 0 ? v : undefined;
  } catch {
    return undefined;
  }
}

/**
 * sha256 → path of local rule files (in the installed versions), for reuse by digest. Read
 * from each version's own verified manifest, not by hashing every file: fetchFiles hashes a
 * file it reuses anyway (the copy could have been edited since it was installed).
 */
export function localFiles(versionDirs: readonly string[]): Map<string, string> {
  const byDigest = new Map<string, string>();
  for (const dir of versionDirs) {
    let m: Manifest | string;
    try {
      m = parseManifest(readFileSync(join(dir, MANIFEST)));
    } catch {
      continue; // no manifest: nothing to reuse from there
    }
    if (typeof m === "string") continue;
    for (const [name, f] of Object.entries(m.files)) byDigest.set(f.sha256, join(dir, name));
  }
  return byDigest;
}

function readIfThere(path: string): Uint8Array | undefined {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}

export interface DownloadStats {
  downloaded: number;
  reused: number;
  bytes: number;
}

/** Writes every file of `m` into `staging` (verified); throws MirrorError 2 or 4. */
export async function fetchFiles(
  source: Source,
  signed: SignedManifest,
  staging: string,
  local: Map<string, string>,
  progress?: (name: string, got: number, total: number) => void,
): Promise<DownloadStats> {
  const { manifest: m } = signed;
  const stats: DownloadStats = { downloaded: 0, reused: 0, bytes: 0 };
  for (const [name, f] of Object.entries(m.files)) {
    const have = local.get(f.sha256);
    const mine = have ? readIfThere(have) : undefined;
    if (mine) {
      // Re-check: the local copy could have been edited or removed since it was installed.
      if (sha256(mine) === f.sha256) {
        writeFileAtomic(join(staging, name), mine);
        stats.reused++;
        continue;
      }
    }
    const path = `${m.version}/${FILES_DIR}/${name}`;
    let bytes: Uint8Array;
    try {
      bytes = await source.get(path, { maxBytes: f.size, onProgress: (got) => progress?.(name, got, f.size) });
    } catch (e) {
      if (!(e instanceof SourceError)) throw e;
      throw new MirrorError(e.kind === "too_large" ? UPDATE_EXIT.DIGEST : UPDATE_EXIT.UNREACHABLE, e.message);
    }
    if (bytes.length !== f.size) throw new MirrorError(UPDATE_EXIT.DIGEST, `${path}: ${bytes.length} bytes, the signed manifest says ${f.size} (truncated or altered download)`);
    const digest = sha256(bytes);
    if (digest !== f.sha256) throw new MirrorError(UPDATE_EXIT.DIGEST, `${path}: sha256 ${digest} differs from the signed manifest's ${f.sha256} (altered file)`);
    writeFileAtomic(join(staging, name), bytes);
    stats.downloaded++;
    stats.bytes += bytes.length;
  }
  writeFileAtomic(join(staging, MANIFEST), signed.bytes);
  writeFileAtomic(join(staging, MANIFEST + SIG_SUFFIX), signed.sig);
  return stats;
}
