// Test-only: what every Control Center e2e test sets up the same way: the administrator's
// password and its argon2id hash (computed once per run: ~50 ms each), the [control] section
// on a port, a [license] section on a copy of the test key (the License page rewrites it), a
// login that returns the session cookie, and the pages' HTML entities undone.
import { copyFileSync } from "node:fs";
import { join } from "node:path";
import { REPO } from "./kas-binary";

export const CONTROL_PASSWORD = "correct horse battery staple";
const LICENSE_FIXTURES = join(REPO, "fixtures/license");

let hash: Promise<string> | undefined;
/** The argon2id hash of CONTROL_PASSWORD, as `kas control passwd` writes it. */
export const controlHash = (): Promise<string> => (hash ??= Bun.password.hash(CONTROL_PASSWORD, { algorithm: "argon2id" }));

/** `[control]` listening on 127.0.0.1:port with the test password, plus `extra` lines of that section. */
export async function controlSection(port: number, extra = ""): Promise<string> {
  return `[control]\nlisten = ["tcp:127.0.0.1:${port}"]\npassword_hash = "${await controlHash()}"\n${extra}`;
}

/** `[license]` on a copy of the test server key in `dir` (pages that install keys rewrite key_file). */
export function licenseCopy(dir: string): { keyFile: string; toml: string } {
  const original = join(LICENSE_FIXTURES, "test-server-2099.key");
  const keyFile = join(dir, "license.key");
  copyFileSync(original, keyFile);
  return { keyFile, toml: `[license]\nkey_file = ${JSON.stringify(keyFile)}\ntrusted_issuers = [${JSON.stringify(join(LICENSE_FIXTURES, "test-issuer.pub"))}]\n` };
}

/** Logs in at `base` with the test password; the session cookie as a Cookie header value. */
export async function loginCookie(base: string): Promise<string> {
  const r = await fetch(`${base}/login`, { method: "POST", body: new URLSearchParams({ password: CONTROL_PASSWORD }), redirect: "manual" });
  const set = r.headers.get("set-cookie");
  if (r.status !== 303 || !set) throw new Error(`login at ${base} answered ${r.status} without a session cookie`);
  return set.split(";")[0];
}

/** The pages write text with numeric character references (&#39;): undone for assertions on text. */
export const unescapeHtml = (s: string) => s.replace(/&#(\d+);/g, (_, n) => String.fromCharCode(Number(n)));
