// The license key file: a small TOML document a human can read, signed with the issuer's
// Ed25519 key (keys.ts). Example (what `kas license-check issue` writes):
//
//   # kas license key. Any change to a field breaks the signature.
//   format = "kas-license-1"
//   serial = "KAS-2026-0042"
//   licensee = "Example Mail GmbH"
//   edition = "standard"
//   issued = 2026-11-22
//   starts = 2026-11-22
//   expires = 2027-11-21
//   max_addresses = 500                         # optional: most protected addresses
//   domains = ["example.com", "example.org"]    # optional: protected domains (and subdomains)
//   issuer_key = "kas-ed25519:<base64>"
//   signature = "<base64 of the 64-byte Ed25519 signature>"
//
// At least one of max_addresses / domains must be given. Dates may be TOML local dates or
// strings "YYYY-MM-DD"; a license is valid from the start of `starts` through the end of
// `expires`, both in UTC.
//
// CANONICAL FORM (the exact bytes that are signed; RFC 8032 Ed25519, no pre-hash). It
// depends only on the field values, never on TOML formatting, quoting style, escapes, key
// order, whitespace or comments:
//
//   kas-license-1\n
//   serial=<serial>\n
//   licensee=<licensee>\n
//   edition=<edition>\n
//   issued=<YYYY-MM-DD>\n
//   starts=<YYYY-MM-DD>\n
//   expires=<YYYY-MM-DD>\n
//   max_addresses=<decimal without leading zeros, or nothing when absent>\n
//   domains=<the domains in file order joined by ",", or nothing when absent>\n
//   issuer_key=<kas-ed25519:...>\n
//
// encoded as UTF-8, every line (the last one too) ending in one LF. The value is everything
// after the first `=`. It is unambiguous because the keys are fixed and in fixed order and
// values cannot contain a line break: strings with control characters (U+0000..U+001F,
// U+007F) are rejected, domains are lower-case LDH names (no comma possible). `format` is
// the first line so a future kas-license-2 can never verify as version 1. The signature is
// not part of what it signs.
import { parse, TomlDate, TomlError } from "smol-toml";
import { decodeBase64Exact } from "./key-text";

export const FORMAT = "kas-license-1";

export interface LicenseFields {
  readonly serial: string;
  readonly licensee: string;
  readonly edition: string;
  /** Dates as YYYY-MM-DD. */
  readonly issued: string;
  readonly starts: string;
  readonly expires: string;
  /** Most protected addresses; undefined = no address limit. */
  readonly max_addresses?: number;
  /** Protected domains (lower case); empty = no domain limit. */
  readonly domains: readonly string[];
  /** The issuer's public key text (kas-ed25519:...). */
  readonly issuer_key: string;
}

export interface License extends LicenseFields {
  /** Base64 of the 64-byte Ed25519 signature over canonical(fields). */
  readonly signature: string;
}

/** Every field in file and canonical order (signature last, not signed). */
export const FIELDS = ["format", "serial", "licensee", "edition", "issued", "starts", "expires", "max_addresses", "domains", "issuer_key", "signature"] as const;
const OPTIONAL = new Set(["max_addresses", "domains"]);
/** Limits that keep a license a small document (and its messages short). */
const MAX_TEXT = { serial: 64, licensee: 200, edition: 64 } as const;
export const MAX_ADDRESSES = 1_000_000_000;

export function canonical(f: LicenseFields): Uint8Array {
  const lines = [
    FORMAT,
    `serial=${f.serial}`,
    `licensee=${f.licensee}`,
    `edition=${f.edition}`,
    `issued=${f.issued}`,
    `starts=${f.starts}`,
    `expires=${f.expires}`,
    `max_addresses=${f.max_addresses ?? ""}`,
    `domains=${f.domains.join(",")}`,
    `issuer_key=${f.issuer_key}`,
  ];
  return new TextEncoder().encode(lines.map((l) => l + "\n").join(""));
}

/** The TOML text of a signed license. */
export function formatLicense(l: License): string {
  const q = (s: string) => JSON.stringify(s); // JSON string escapes are valid TOML basic-string escapes
  return [
    "# kas license key. Any change to a field breaks the signature.",
    "# Check it with: kas license-check --key THIS_FILE",
    `format = ${q(FORMAT)}`,
    `serial = ${q(l.serial)}`,
    `licensee = ${q(l.licensee)}`,
    `edition = ${q(l.edition)}`,
    `issued = ${l.issued}`,
    `starts = ${l.starts}`,
    `expires = ${l.expires}`,
    ...(l.max_addresses !== undefined ? [`max_addresses = ${l.max_addresses}`] : []),
    ...(l.domains.length ? [`domains = [${l.domains.map(q).join(", ")}]`] : []),
    `issuer_key = ${q(l.issuer_key)}`,
    `signature = ${q(l.signature)}`,
    "",
  ].join("\n");
}

/** Parses a license file's text. Returns the license or exactly what is wrong with it. */
export function parseLicense(text: string): License | { problem: string } {
  const bad = (problem: string) => ({ problem });
  if (text.trim() === "") return bad("file is empty: not a kas license");
  let doc: Record<string, unknown>;
  try {
    doc = parse(text) as Record<string, unknown>;
  } catch (e) {
    if (e instanceof TomlError) return bad(`file is not a kas license: not valid TOML (line ${e.line}: ${e.message.split("\n")[0]})`);
    return bad(`file is not a kas license: ${e instanceof Error ? e.message : String(e)}`);
  }
  for (const k of Object.keys(doc)) {
    if (!(FIELDS as readonly string[]).includes(k)) return bad(`unknown field \`${k}\` (a kas license has: ${FIELDS.join(", ")})`);
  }
  for (const k of FIELDS) {
    if (!OPTIONAL.has(k) && !Object.hasOwn(doc, k)) return bad(`file is truncated or not a kas license (missing field ${k})`);
  }
  if (doc.format !== FORMAT) return bad(`field \`format\` is ${JSON.stringify(doc.format)}, this kas reads ${JSON.stringify(FORMAT)}`);

  const out: Record<string, unknown> = {};
  for (const k of ["serial", "licensee", "edition", "issuer_key", "signature"] as const) {
    const v = doc[k];
    if (typeof v !== "string") return bad(`field \`${k}\` must be a string`);
    if (/[\u0000-\u001f\u007f]/.test(v)) return bad(`field \`${k}\` contains a control character (line break, tab, ...)`);
    if (v.trim() === "" || v !== v.trim()) return bad(`field \`${k}\` is empty or has leading/trailing spaces`);
    if (k in MAX_TEXT && v.length > MAX_TEXT[k as keyof typeof MAX_TEXT]) return bad(`field \`${k}\` is longer than ${MAX_TEXT[k as keyof typeof MAX_TEXT]} characters`);
    out[k] = v;
  }
  for (const k of ["serial", "edition"] as const) {
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(out[k] as string)) return bad(`field \`${k}\` may only contain letters, digits, ".", "_" and "-"`);
  }
  for (const k of ["issued", "starts", "expires"] as const) {
    const d = dateField(doc[k], text, k);
    if (!d) return bad(`field \`${k}\` is not a date YYYY-MM-DD (got ${written(text, k) ?? show(doc[k])})`);
    out[k] = d;
  }
  if ((out.expires as string) < (out.starts as string)) return bad(`field \`expires\` (${out.expires}) is before \`starts\` (${out.starts})`);

  if (Object.hasOwn(doc, "max_addresses")) {
    const n = typeof doc.max_addresses === "bigint" ? Number(doc.max_addresses) : doc.max_addresses;
    if (typeof n !== "number" || !Number.isInteger(n) || n < 1 || n > MAX_ADDRESSES) return bad(`field \`max_addresses\` must be a whole number 1..${MAX_ADDRESSES} (got ${show(doc.max_addresses)})`);
    out.max_addresses = n;
  }
  out.domains = [];
  if (Object.hasOwn(doc, "domains")) {
    const list = doc.domains;
    if (!Array.isArray(list) || list.length === 0) return bad("field `domains` must be a non-empty list of domain names");
    for (const d of list) {
      const why = domainProblem(d);
      if (why) return bad(`field \`domains\`: ${why}`);
    }
    if (new Set(list).size !== list.length) return bad("field `domains` names a domain twice");
    out.domains = list;
  }
  if (out.max_addresses === undefined && (out.domains as string[]).length === 0) return bad("the license has no limits: it must give max_addresses and/or domains");
  const sig = out.signature as string;
  // The last base64 character carries 4 unused bits: accept only the canonical encoding
  // (RFC 4648 §3.5), or a changed byte could decode to the same signature and go unnoticed.
  if (!decodeBase64Exact(sig, 64)) return bad("field `signature` is not a base64 Ed25519 signature (64 bytes)");
  return out as unknown as License;
}

/** A TOML local date or a string YYYY-MM-DD that names a real calendar day. */
function dateField(v: unknown, text: string, key: string): string | undefined {
  let s: string;
  if (v instanceof TomlDate) {
    if (!v.isDate() || !v.isValid()) return undefined;
    s = v.toISOString().slice(0, 10);
    // smol-toml rolls an impossible local date over (2026-02-30 → 2026-03-02): compare with
    // the date as written, so a typo is an error and not a different day.
    const raw = written(text, key);
    if (raw !== undefined && raw !== s) return undefined;
  } else if (typeof v === "string") s = v;
  else return undefined;
  return parseDay(s) === undefined ? undefined : s;
}

/** Days since 1970-01-01 (UTC) of a YYYY-MM-DD text, or undefined when it is not a real day. */
export function parseDay(s: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return undefined;
  const t = Date.UTC(+m[1], +m[2] - 1, +m[3]);
  // Date.UTC rolls 2026-02-30 over to March; a real day formats back to itself.
  if (new Date(t).toISOString().slice(0, 10) !== s) return undefined;
  return t / 86_400_000;
}

export function formatDay(day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}

/** Domains are lower-case LDH names (RFC 1123 §2.1; IDNs in their xn-- form), at most 253 characters. */
export function domainProblem(d: unknown): string | undefined {
  if (typeof d !== "string") return `${show(d)} is not a string`;
  if (d.length > 253 || !/^(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))*$/.test(d)) return `${JSON.stringify(d)} is not a lower-case domain name (IDNs in their xn-- form)`;
  return undefined;
}

/** The value of `key = value` as written (up to a comment), for messages and date checks. */
function written(text: string, key: string): string | undefined {
  return new RegExp(`^\\s*"?${key}"?\\s*=\\s*([^#\\r\\n]*?)\\s*(?:#.*)?$`, "m").exec(text)?.[1];
}

function show(v: unknown): string {
  if (v instanceof TomlDate) return v.toISOString();
  if (typeof v === "bigint") return String(v);
  return JSON.stringify(v) ?? String(v);
}
