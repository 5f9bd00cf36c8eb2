// Reading one key file and judging it at a given moment. Loading (read, parse, verify the
// signature) happens once per file and reload; judging (dates) is a pure function of the
// loaded key and the clock, so the server can ask every scan and tests can move time.
//
// Dates are whole UTC days: a key is valid from 00:00 UTC on `starts` through 23:59:59 UTC
// on `expires`. daysLeft is `expires` minus today (0 on the last day). "expiring" means 30 or
// fewer days left: the warning month.
import { readFileSync } from "node:fs";
import { canonical, formatDay, parseDay, parseLicense, type License } from "./format";
import { loadPublicKeys, parsePublicKey, verifyBytes, type PublicKey } from "./keys";

export type Verdict = "valid" | "expiring" | "expired" | "missing" | "invalid" | "not_yet_valid";

export const WARN_DAYS = 30;
/** A license file is a few hundred bytes; anything far larger is not one. */
const MAX_FILE_BYTES = 64 * 1024;

/** A key file after reading, parsing and verifying its signature. */
export type LoadedKey =
  | { readonly file: string; readonly license: License; readonly issuer: PublicKey }
  | { readonly file: string; readonly verdict: "missing" | "invalid"; readonly message: string };

export interface KeyStatus {
  readonly file: string;
  readonly verdict: Verdict;
  /** One line that says exactly what is the matter (or how long the key lasts). */
  readonly message: string;
  /** Present once the signature verified (also when expired or not yet valid). */
  readonly license?: License;
  readonly daysLeft?: number;
}

/** The accepted issuer keys ([license] trusted_issuers). */
export function loadTrustedIssuers(entries: readonly string[], configFile = "kas.toml", read?: (p: string) => string): PublicKey[] {
  return loadPublicKeys(entries, "license.trusted_issuers", configFile, read);
}

export function loadKeyFile(file: string, trusted: readonly PublicKey[], read: (p: string) => Buffer = (p) => readFileSync(p)): LoadedKey {
  if (!file) return { file, verdict: "missing", message: "no license key file configured ([license] key_file is empty)" };
  let bytes: Buffer;
  try {
    bytes = read(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return { file, verdict: "missing", message: `no license key file at ${file}` };
    return { file, verdict: "invalid", message: `cannot read ${file}: ${code === "EACCES" ? "permission denied (EACCES)" : (code ?? String(e))}` };
  }
  if (bytes.length > MAX_FILE_BYTES) return { file, verdict: "invalid", message: `file is ${bytes.length} bytes: too large to be a kas license` };
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return { file, verdict: "invalid", message: "file is not a kas license: not UTF-8 text" };
  }
  const parsed = parseLicense(text);
  if ("problem" in parsed) return { file, verdict: "invalid", message: parsed.problem };
  const checked = verifyLicense(parsed, trusted);
  if (typeof checked === "string") return { file, verdict: "invalid", message: checked };
  return { file, license: parsed, issuer: checked };
}

/** The trusted key that signed the license, or exactly why none did. */
export function verifyLicense(license: License, trusted: readonly PublicKey[]): PublicKey | string {
  if (trusted.length === 0) return "no trusted issuer keys configured: add the issuer's public key to [license] trusted_issuers";
  const data = canonical(license);
  const sig = Buffer.from(license.signature, "base64");
  for (const key of trusted) if (verifyBytes(data, sig, key)) return key;
  const named = parsePublicKey(license.issuer_key);
  const why =
    typeof named === "string"
      ? `; its field \`issuer_key\` is not a key (${named})`
      : trusted.some((k) => k.text === named.text)
        ? "; the file was changed after it was signed"
        : `; it names issuer ${named.text}, which is not in [license] trusted_issuers`;
  return `signature does not verify with any trusted issuer key${why}`;
}

export function keyStatus(k: LoadedKey, now: Date): KeyStatus {
  if (!("license" in k)) return { file: k.file, verdict: k.verdict, message: k.message };
  const l = k.license;
  const today = utcDay(now);
  const starts = parseDay(l.starts)!;
  const expires = parseDay(l.expires)!;
  const daysLeft = expires - today;
  const base = { file: k.file, license: l, daysLeft };
  if (today < starts) return { ...base, verdict: "not_yet_valid", message: `not valid yet: starts ${l.starts} (in ${plural(starts - today, "day")})` };
  if (daysLeft < 0) return { ...base, verdict: "expired", message: `expired on ${l.expires} (${plural(-daysLeft, "day")} ago): filtering goes on, rule database updates are refused; install a renewed key` };
  if (daysLeft <= WARN_DAYS) return { ...base, verdict: "expiring", message: `expires ${l.expires} (${plural(daysLeft, "day")} left): install the renewed key as key_file or reserve_key_file` };
  return { ...base, verdict: "valid", message: `valid until ${l.expires} (${plural(daysLeft, "day")} left)` };
}

/** Days since 1970-01-01 of the UTC calendar day `now` falls on. */
export const utcDay = (now: Date) => Math.floor(now.getTime() / 86_400_000);
export const dayAfter = (day: string) => formatDay(parseDay(day)! + 1);
export const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
