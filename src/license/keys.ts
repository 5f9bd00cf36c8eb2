// Ed25519 issuer keys (RFC 8032) as short text, so a public key fits on one line of kas.toml
// and a key file can be read (and diffed) by a human; the text form is key-text.ts.
// Standard base64 with padding (RFC 4648 §4), 44 characters. Key files hold one such line;
// blank lines and lines starting with `#` are ignored. The private key is the RFC 8032
// seed, which is all Ed25519 needs: the public half is derived from it.
// node:crypto does the maths (works in Bun: sign(null, ...) / verify(null, ...)); raw bytes
// go in and out through JWK because that is the one export format with the bare 32 bytes.
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from "node:crypto";
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { ConfigError, StateError } from "../errors";
import { decodeBase64Exact, keyLine, PRIVATE_PREFIX, PUBLIC_PREFIX, publicKeyBytes } from "./key-text";

export interface PublicKey {
  /** The canonical text form (`kas-ed25519:...`): also how the key is named in messages. */
  readonly text: string;
  readonly key: KeyObject;
}

export interface PrivateKey {
  readonly key: KeyObject;
  readonly publicKey: PublicKey;
}

const b64url = (b: Buffer) => b.toString("base64url");
const fromB64url = (s: string) => Buffer.from(s, "base64url");

/** Parses a public key text; returns the reason when it is not one. */
export function parsePublicKey(text: string): PublicKey | string {
  const bytes = publicKeyBytes(text);
  return typeof bytes === "string" ? bytes : publicFromRaw(bytes);
}

export function parsePrivateKey(text: string): PrivateKey | string {
  const line = keyLine(text);
  if (!line.startsWith(PRIVATE_PREFIX)) return `not a kas private key (expected one line ${PRIVATE_PREFIX}<base64 of 32 bytes>)`;
  const seed = decodeBase64Exact(line.slice(PRIVATE_PREFIX.length), 32);
  if (!seed) return `not a kas private key: the base64 after ${PRIVATE_PREFIX} must decode to exactly 32 bytes`;
  const pub = ed25519PublicOf(seed);
  const key = createPrivateKey({ key: { kty: "OKP", crv: "Ed25519", d: b64url(seed), x: b64url(pub) }, format: "jwk" });
  return { key, publicKey: publicFromRaw(pub) };
}

function publicFromRaw(bytes: Buffer): PublicKey {
  const key = createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: b64url(bytes) }, format: "jwk" });
  return { text: PUBLIC_PREFIX + bytes.toString("base64"), key };
}

/** RFC 8032 §5.1.5: the public key is derived from the seed; node:crypto does it for us. */
function ed25519PublicOf(seed: Buffer): Buffer {
  // A PKCS#8 wrapper around the raw seed (RFC 8410 §7): fixed 16-byte prefix + 32 bytes.
  const der = Buffer.concat([Buffer.from("302e020100300506032b657004220420", "hex"), seed]);
  const jwk = createPublicKey(createPrivateKey({ key: der, format: "der", type: "pkcs8" })).export({ format: "jwk" });
  return fromB64url(jwk.x as string);
}

/** What a key pair signs: license keys (`kas license-check keygen`) or rule updates (`kas update-db keygen`). */
export type KeyPurpose = "license" | "update";

/** Comment lines of the key files, so an admin who opens one knows what it is for and where it goes. */
const KEY_COMMENTS: Record<KeyPurpose, { private: string; public: string }> = {
  license: {
    private: "# kas license issuer PRIVATE key: keep it secret (mode 0600); it signs license keys",
    public: "# kas license issuer public key: put this line (or this file's path) in [license] trusted_issuers",
  },
  update: {
    private: "# kas update PRIVATE key: keep it secret (mode 0600); it signs rule updates (kas update-db publish)",
    public: "# kas update public key: put this line (or this file's path) in [update] trusted_keys",
  },
};

export interface KeyPairText {
  privateText: string;
  publicText: string;
  publicKey: PublicKey;
}

/** A fresh key pair as the two text files `keygen` writes. */
export function generateKeyPair(purpose: KeyPurpose = "license"): KeyPairText {
  const { privateKey } = generateKeyPairSync("ed25519");
  const jwk = privateKey.export({ format: "jwk" });
  const seed = fromB64url(jwk.d as string);
  const pub = publicFromRaw(fromB64url(jwk.x as string));
  const c = KEY_COMMENTS[purpose];
  return {
    privateText: `${c.private}\n${PRIVATE_PREFIX}${seed.toString("base64")}\n`,
    publicText: `${c.public}\n${pub.text}\n`,
    publicKey: pub,
  };
}

/**
 * Writes a fresh pair as NAME.key (mode 0600) and NAME.pub; `outBase` may end in .key or .pub.
 * Never overwrites: a lost private key cannot sign renewals or updates. Throws StateError (73).
 */
export function writeKeyPair(outBase: string, purpose: KeyPurpose): { privatePath: string; publicPath: string; publicKey: PublicKey } {
  const base = outBase.replace(/\.(key|pub)$/, "");
  const [priv, pub] = [`${base}.key`, `${base}.pub`];
  for (const f of [priv, pub]) {
    if (existsSync(f)) throw new StateError(`${f} exists already; refusing to overwrite a key`, "choose another NAME, or move the old key pair away first");
  }
  const kp = generateKeyPair(purpose);
  try {
    writeFileSync(priv, kp.privateText, { mode: 0o600, flag: "wx" });
    chmodSync(priv, 0o600); // the umask cannot widen it, but a pre-set ACL default could
    writeFileSync(pub, kp.publicText, { mode: 0o644, flag: "wx" });
  } catch (e) {
    throw new StateError(`cannot write ${priv} / ${pub}: ${(e as NodeJS.ErrnoException).code ?? e}`, "check the directory exists and is writable");
  }
  return { privatePath: priv, publicPath: pub, publicKey: kp.publicKey };
}

export function signBytes(data: Uint8Array, key: PrivateKey): Buffer {
  return sign(null, data, key.key);
}

/** False for a wrong signature, also for one of the wrong length (never throws on bad input). */
export function verifyBytes(data: Uint8Array, signature: Uint8Array, key: PublicKey): boolean {
  if (signature.length !== 64) return false;
  try {
    return verify(null, data, key.key, signature);
  } catch {
    return false;
  }
}

/**
 * Public keys from config entries ([license] trusted_issuers, [update] trusted_keys): each is
 * key text (kas-ed25519:...) or the path of a .pub file. A bad entry is a configuration
 * error naming the entry by its key path (e.g. `update.trusted_keys[1]`).
 */
export function loadPublicKeys(entries: readonly string[], keyPath: string, configFile = "kas.toml", read: (p: string) => string = (p) => readFileSync(p, "utf8")): PublicKey[] {
  return entries.map((entry, i) => {
    const where = `${keyPath}[${i}]`;
    let text = entry;
    if (!entry.trim().startsWith("kas-ed25519")) {
      try {
        text = read(entry);
      } catch (e) {
        throw new ConfigError(configFile, where, undefined, `cannot read key file ${entry}: ${(e as NodeJS.ErrnoException).code ?? e} (give a kas-ed25519:... key or the path of a .pub file)`);
      }
    }
    const key = parsePublicKey(text);
    if (typeof key === "string") throw new ConfigError(configFile, where, undefined, `${entry === text ? "" : `${entry}: `}${key}`);
    return key;
  });
}
