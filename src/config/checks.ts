// Syntax checks of config values beyond their type, run by the loader so that `kas config
// check`, `kas serve` and a SIGHUP reload all refuse a bad value with file, line and key —
// not a service failing later with an error that names no file.
import { existsSync } from "node:fs";
import { parseCidr } from "../dns/ip";
import { publicKeyBytes } from "../license/key-text";
import { parseAddress, parseClientAddress, parseHostPort } from "../protocol/address";
import type { Check } from "./spec";

export const address: Check = (v) => {
  const a = parseAddress(v);
  return typeof a === "string" ? a : undefined;
};

/** A server address a client connects to: also tls:host:port (the server's TCP listener with tls_cert). */
export const clientAddress: Check = (v) => {
  const a = parseClientAddress(v);
  return typeof a === "string" ? a : undefined;
};

/** An address that must be TCP (a mail server: the SMTP client speaks TCP only). */
export const tcpAddress: Check = (v) => {
  const a = parseAddress(v);
  if (typeof a === "string") return a;
  return a.kind === "tcp" ? undefined : `${JSON.stringify(v)}: expected tcp:host:port`;
};

/** A mail address as SMTP takes it in RCPT TO / MAIL FROM (RFC 5321 §4.1.2, without the angle brackets). */
export const mailbox: Check = (v) => (/^[^\s@<>",;]+@[A-Za-z0-9.-]+$/.test(v) ? undefined : `${JSON.stringify(v)}: expected a mail address like admin@example.com`);

export const dnsServer: Check = (v) => (parseHostPort(v, 53) ? undefined : `${JSON.stringify(v)}: expected host or host:port (IPv6 as [::1]:53)`);

export const ipRange: Check = (v) => (parseCidr(v) ? undefined : `${JSON.stringify(v)}: expected an IP address or CIDR range (192.0.2.0/24, 2001:db8::/32)`);

export const octalMode: Check = (v) => (/^0?[0-7]{3}$/.test(v) ? undefined : `${JSON.stringify(v)}: expected an octal file mode such as "0660"`);

/** What Bun.password.hash writes with algorithm argon2id (PHC string format). */
export const argon2Hash: Check = (v) => (/^\$argon2id\$v=\d+\$m=\d+,t=\d+,p=\d+\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/.test(v) ? undefined : "expected an argon2id hash ($argon2id$v=19$m=…): run `kas control passwd` and paste the line it prints");

/** Key text must parse; a path must exist (its content is checked where the key is used). */
export const publicKey: Check = (v) => {
  if (v.trim().startsWith("kas-ed25519")) {
    const k = publicKeyBytes(v);
    return typeof k === "string" ? k : undefined;
  }
  return existsSync(v) ? undefined : `key file ${v} does not exist (give a kas-ed25519:... key or the path of a .pub file)`;
};
