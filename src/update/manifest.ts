// The update manifest: what a mirror publishes for one rule-set version, signed by the
// publisher. The signature (detached Ed25519, RFC 8032) covers the manifest's exact bytes, so
// the client verifies before it parses and never needs a canonical form on its side.
//
//   {"format":"kas-update-1","version":2026112801,"created":"2026-11-28T18:00:00.000Z",
//    "min_kas_version":"0.1.0","files":{"10_base.cf":{"sha256":"<hex>","size":1234}}}
//
// Mirror layout (a plain static directory; see publish.ts):
//   latest.json, latest.json.sig        the newest version's manifest + signature
//   <version>/manifest.json(.sig)       every published version (old ones kept)
//   <version>/files/<name>              the rule sources of that version
// A .sig file is one line: the base64 (RFC 4648 §4) of the 64-byte signature.
import { createHash } from "node:crypto";
import { decodeBase64Exact } from "../license/key-text";
import { loadPublicKeys, signBytes, verifyBytes, type PrivateKey, type PublicKey } from "../license/keys";

export const MANIFEST_FORMAT = "kas-update-1";
export const LATEST = "latest.json";
export const MANIFEST = "manifest.json";
export const SIG_SUFFIX = ".sig";
export const FILES_DIR = "files";
/** A manifest is a few KB; anything much larger is not one (and is not read further). */
export const MAX_MANIFEST_BYTES = 1024 * 1024;
/** Flat file names only: no path can escape the staging directory (compileDir reads top-level *.cf). */
export const FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}\.cf$/;

export interface ManifestFile {
  sha256: string;
  size: number;
}
export interface Manifest {
  format: typeof MANIFEST_FORMAT;
  version: number;
  created: string;
  min_kas_version: string;
  files: Record<string, ManifestFile>;
}

export const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

export function encodeManifest(m: Manifest): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(m, null, 1) + "\n");
}

/** Validates a (signature-verified) manifest; returns the reason when it is not one. */
export function parseManifest(bytes: Uint8Array): Manifest | string {
  let m: any;
  try {
    m = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch {
    return "manifest is not JSON";
  }
  if (typeof m !== "object" || m === null || m.format !== MANIFEST_FORMAT) return `manifest format is not ${MANIFEST_FORMAT}`;
  if (!Number.isSafeInteger(m.version) || m.version < 1) return "manifest version must be a positive integer";
  if (typeof m.created !== "string" || Number.isNaN(Date.parse(m.created))) return "manifest created must be an ISO date";
  if (typeof m.min_kas_version !== "string" || !parseSemver(m.min_kas_version)) return "manifest min_kas_version must look like 1.2.3";
  if (typeof m.files !== "object" || m.files === null || Array.isArray(m.files)) return "manifest files must be an object";
  for (const [name, f] of Object.entries<any>(m.files)) {
    if (!FILE_NAME.test(name)) return `manifest file name ${JSON.stringify(name)} is not a plain *.cf name`;
    if (typeof f?.sha256 !== "string" || !/^[0-9a-f]{64}$/.test(f.sha256)) return `manifest file ${name}: sha256 must be 64 hex digits`;
    if (!Number.isSafeInteger(f.size) || f.size < 0) return `manifest file ${name}: size must be a non-negative integer`;
  }
  return m as Manifest;
}

export function signManifest(bytes: Uint8Array, key: PrivateKey): string {
  return signBytes(bytes, key).toString("base64") + "\n";
}

/** The trusted key that signed `bytes`, or undefined (a malformed .sig is just not a signature). */
export function verifyManifest(bytes: Uint8Array, sigText: Uint8Array, trusted: readonly PublicKey[]): PublicKey | undefined {
  const text = new TextDecoder().decode(sigText).trim();
  const sig = decodeBase64Exact(text, 64);
  return sig && trusted.find((k) => verifyBytes(bytes, sig, k));
}

/** [update] trusted_keys: key text or the path of a .pub file; a bad entry names itself. */
export function loadTrustedKeys(entries: readonly string[], configFile = "kas.toml", read?: (p: string) => string): PublicKey[] {
  return loadPublicKeys(entries, "update.trusted_keys", configFile, read);
}

export function parseSemver(v: string): [number, number, number] | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)(?:[-+].*)?$/.exec(v);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

/** a < b → negative (pre-release suffixes are ignored: a bundle names the release it needs). */
export function compareSemver(a: string, b: string): number {
  const x = parseSemver(a) ?? [0, 0, 0];
  const y = parseSemver(b) ?? [0, 0, 0];
  return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
}
