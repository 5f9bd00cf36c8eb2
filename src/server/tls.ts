// TLS for the doors' TCP listeners ([server], [spamd], [rspamd] tls_cert / tls_key): the PEM
// files are read and checked as a pair here, at start and on every SIGHUP, so a renewed
// certificate (certbot, an internal CA) is served after a reload, and a broken renewal
// (unreadable file, key of another certificate) refuses the reload while the old pair keeps
// serving. Unix-socket listeners never speak TLS: nothing crosses the network there.
import { readFileSync } from "node:fs";
import { createSecureContext } from "node:tls";
import { ConfigError, StateError } from "../errors";

/** The PEM text of a certificate (chain) and its key, as Bun.listen's `tls` takes it. */
export interface TlsPem {
  cert: string;
  key: string;
}

/**
 * The pair named by a section's tls_cert / tls_key (undefined: plain TCP), read and checked:
 * a missing or unreadable file, a non-PEM file or a key that is not the certificate's throws.
 */
export function loadTls(section: { tls_cert: string; tls_key: string }, name: string, source: string): TlsPem | undefined {
  const { tls_cert: certFile, tls_key: keyFile } = section;
  if (!certFile && !keyFile) return undefined;
  if (!certFile || !keyFile) throw new ConfigError(source, `${name}.${certFile ? "tls_key" : "tls_cert"}`, undefined, "tls_cert and tls_key go together: set both (TLS) or neither (plain TCP)");
  const read = (file: string, key: string) => {
    try {
      return readFileSync(file, "utf8");
    } catch (e) {
      throw new StateError(`[${name}] ${key} ${file}: ${(e as Error).message}`, "give a readable PEM file (the server's user must read it), or remove tls_cert and tls_key for plain TCP");
    }
  };
  const pem = { cert: read(certFile, "tls_cert"), key: read(keyFile, "tls_key") };
  try {
    createSecureContext(pem);
  } catch (e) {
    throw new StateError(`[${name}] tls_cert ${certFile} / tls_key ${keyFile} are not a usable pair: ${(e as Error).message}`, "tls_cert must be the PEM certificate (chain) and tls_key its unencrypted PEM private key");
  }
  return pem;
}

/** Same certificate and key text (a reload that changed nothing keeps the listeners as they are). */
export const samePem = (a: TlsPem | undefined, b: TlsPem | undefined) => a?.cert === b?.cert && a?.key === b?.key;
