// Test-only: license keys signed by the project's TEST issuer (fixtures/license/test-issuer.*),
// with dates relative to a given day so "expiring" and "expired" stay true whenever the
// tests run. Never imported by production code.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { formatDay } from "../license/format";
import { issueLicense, type IssueRequest } from "../license/issue";
import { parsePrivateKey, parsePublicKey, type PrivateKey, type PublicKey } from "../license/keys";
import { REPO } from "./kas-binary";

export const LICENSE_FIXTURES = join(REPO, "fixtures/license");
export const TEST_ISSUER_KEY = join(LICENSE_FIXTURES, "test-issuer.key");
export const TEST_ISSUER_PUB = join(LICENSE_FIXTURES, "test-issuer.pub");
/** A second issuer nobody trusts: "signed by an unknown issuer". */
export const OTHER_ISSUER_KEY = join(LICENSE_FIXTURES, "test-other-issuer.key");

export function privateKey(path = TEST_ISSUER_KEY): PrivateKey {
  const k = parsePrivateKey(readFileSync(path, "utf8"));
  if (typeof k === "string") throw new Error(`${path}: ${k}`);
  return k;
}

export function testIssuerPublic(): PublicKey {
  const k = parsePublicKey(readFileSync(TEST_ISSUER_PUB, "utf8"));
  if (typeof k === "string") throw new Error(k);
  return k;
}

/** YYYY-MM-DD `days` after the UTC day of `now`. */
export const dayOffset = (days: number, now = new Date()) => formatDay(Math.floor(now.getTime() / 86_400_000) + days);

export interface TestLicense extends Partial<IssueRequest> {
  /** Shortcuts relative to `now`: days from today to starts / expires. */
  startsIn?: number;
  expiresIn?: number;
}

/** The text of a license key file signed by `key` (default: the test issuer). */
export function licenseText(t: TestLicense = {}, now = new Date(), key = privateKey()): string {
  const r = issueLicense(
    {
      licensee: t.licensee ?? "Example Mail GmbH",
      serial: t.serial ?? "TEST-0001",
      edition: t.edition,
      starts: t.starts ?? dayOffset(t.startsIn ?? -10, now),
      expires: t.expires ?? dayOffset(t.expiresIn ?? 365, now),
      maxAddresses: t.maxAddresses ?? (t.domains ? undefined : 3),
      domains: t.domains,
    },
    key,
    now,
  );
  if ("problem" in r) throw new Error(r.problem);
  return r.text;
}

export function writeLicense(dir: string, name: string, t: TestLicense = {}, now = new Date(), key = privateKey()): string {
  const path = join(dir, name);
  writeFileSync(path, licenseText(t, now, key));
  return path;
}
