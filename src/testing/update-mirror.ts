// Test-only helpers for update tests: a publisher key pair on disk, rule directories, and
// published mirror directories (through the real publish()). Never imported by production code.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { generateKeyPair, parsePrivateKey, type PrivateKey } from "../license/keys";
import { publish } from "../update/publish";

export interface TestKeys {
  priv: PrivateKey;
  pubText: string;
  keyPath: string;
  pubPath: string;
}

export function makeKeys(dir: string, name = "publisher"): TestKeys {
  const k = generateKeyPair();
  const keyPath = join(dir, `${name}.key`);
  const pubPath = join(dir, `${name}.pub`);
  writeFileSync(keyPath, k.privateText, { mode: 0o600 });
  writeFileSync(pubPath, k.publicText);
  return { priv: parsePrivateKey(k.privateText) as PrivateKey, pubText: k.publicKey.text, keyPath, pubPath };
}

/** A rules directory with `files` (name → text); the default is one small valid rule set tagged `tag`. */
export function makeRules(dir: string, tag: string, files?: Record<string, string>): string {
  mkdirSync(dir, { recursive: true });
  const f = files ?? {
    "10_base.cf": "body KAS_UPDATE_BASE /update base marker/\nscore KAS_UPDATE_BASE 1.0\n",
    "20_tag.cf": `body KAS_UPDATE_${tag} /marker ${tag.toLowerCase()}/\nscore KAS_UPDATE_${tag} 2.0\n`,
  };
  for (const [n, t] of Object.entries(f)) writeFileSync(join(dir, n), t);
  return dir;
}

export function publishRules(mirror: string, rulesDir: string, key: PrivateKey, version: number, opts: { skipLint?: boolean; kasVersion?: string } = {}) {
  return publish({ rulesDir, outDir: mirror, key, version, now: new Date(), kasVersion: opts.kasVersion ?? "0.1.0", skipLint: opts.skipLint });
}
