// The text form of kas's Ed25519 keys (see keys.ts), read without node:crypto: the config
// checks run in every command that loads kas.toml, `kas filter` in a pipeline included, and
// loading node:crypto costs each start ~9 ms of CPU. keys.ts builds the crypto keys from these.
//
//   public key:   kas-ed25519:<base64 of the raw 32-byte public key>
//   private key:  kas-ed25519-private:<base64 of the raw 32-byte seed>

export const PUBLIC_PREFIX = "kas-ed25519:";
export const PRIVATE_PREFIX = "kas-ed25519-private:";

/** The one meaningful line of a key file / config value (comments and blank lines dropped). */
export function keyLine(text: string): string {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith("#"));
  return lines.length === 1 ? lines[0] : lines.length === 0 ? "" : lines.join("\n");
}

/** Decodes exactly `n` bytes of standard base64 (keys, Ed25519 signatures), or returns undefined. */
export function decodeBase64Exact(b64: string, n: number): Buffer | undefined {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64) || b64.length % 4 !== 0) return undefined;
  const bytes = Buffer.from(b64, "base64");
  // Canonical encoding only (RFC 4648 §3.5): unused bits set would be a second spelling of the same key.
  return bytes.length === n && bytes.toString("base64") === b64 ? bytes : undefined;
}

/**
 * The 32 raw bytes of a public key text, or the reason it is not one. Any 32 bytes make an
 * Ed25519 public key for node:crypto (it does not check the point), so this is the whole check.
 */
export function publicKeyBytes(text: string): Buffer | string {
  const line = keyLine(text);
  if (!line.startsWith(PUBLIC_PREFIX)) {
    if (line.startsWith(PRIVATE_PREFIX)) return "this is a PRIVATE key: give the .pub file (the private key stays with the issuer)";
    return `not a kas public key (expected one line ${PUBLIC_PREFIX}<base64 of 32 bytes>)`;
  }
  const bytes = decodeBase64Exact(line.slice(PUBLIC_PREFIX.length), 32);
  return bytes ?? `not a kas public key: the base64 after ${PUBLIC_PREFIX} must decode to exactly 32 bytes`;
}
