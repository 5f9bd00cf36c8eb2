// Installing a license key from the Control Center. An uploaded key is judged exactly as the
// server would judge it at the next reload (license/check.ts: parse, signature by a
// [license] trusted_issuers key, dates) BEFORE anything is written: only a key that would
// filter mail (valid or expiring) replaces [license] key_file. The previous key is kept next
// to it with the date of the change (the page's history), then the server reloads, which
// re-reads the key files.
import { copyFileSync, existsSync, readdirSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { writeFileAtomic } from "../atomic-write";
import type { KasConfig } from "../config/schema";
import { keyStatus, loadKeyFile, loadTrustedIssuers, type KeyStatus } from "../license/check";
import { backupName } from "./settings";

/** What the server would say about this key today; `ok` only when it would filter mail with it. */
export function judgeUpload(bytes: Uint8Array, config: KasConfig, configFile: string, now: Date): { ok: boolean; status: KeyStatus } {
  const file = config.license.key_file;
  let trusted;
  try {
    trusted = loadTrustedIssuers(config.license.trusted_issuers, configFile);
  } catch (e) {
    return { ok: false, status: { file, verdict: "invalid", message: (e as Error).message } };
  }
  const status = keyStatus(loadKeyFile("(uploaded key)", trusted, () => Buffer.from(bytes)), now);
  return { ok: status.verdict === "valid" || status.verdict === "expiring", status };
}

/** Writes the key as [license] key_file; the key it replaces is kept as a dated .bak. */
export function installKey(config: KasConfig, bytes: Uint8Array, now: Date): string | undefined {
  const file = config.license.key_file;
  const backup = existsSync(file) ? backupName(file, now) : undefined;
  if (backup) copyFileSync(file, backup);
  // A license is signed, not secret: readable like the config.
  writeFileAtomic(file, bytes, { mode: 0o644 });
  return backup;
}

/** Keys this page replaced, newest first (file names sort by their date). */
export function keyHistory(config: KasConfig): string[] {
  const file = config.license.key_file;
  try {
    return readdirSync(dirname(file)).filter((n) => n.startsWith(basename(file) + ".") && n.endsWith(".bak")).sort().reverse().map((n) => join(dirname(file), n));
  } catch {
    return [];
  }
}
