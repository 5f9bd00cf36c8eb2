// Issuing a license key: fill in the defaults, sign the canonical form (format.ts) with the
// issuer's private key, and prove the result reads back as the same license before anyone
// writes it to a file. What `kas license-check issue` and the tests use.
import { randomBytes } from "node:crypto";
import { canonical, domainProblem, formatDay, formatLicense, MAX_ADDRESSES, parseDay, parseLicense, type License } from "./format";
import { signBytes, type PrivateKey } from "./keys";

export interface IssueRequest {
  licensee: string;
  /** YYYY-MM-DD, last day of validity. */
  expires: string;
  /** YYYY-MM-DD; default: the issue day. */
  starts?: string;
  /** Default: KAS-<issue day without dashes>-<8 random hex digits>. */
  serial?: string;
  /** Default: "standard". */
  edition?: string;
  maxAddresses?: number;
  domains?: readonly string[];
}

/** A signed license and its file text, or exactly what is wrong with the request. */
export function issueLicense(req: IssueRequest, key: PrivateKey, now: Date = new Date()): { license: License; text: string } | { problem: string } {
  const issued = formatDay(Math.floor(now.getTime() / 86_400_000));
  for (const [flag, v] of [["--expires", req.expires], ["--starts", req.starts]] as const) {
    if (v !== undefined && parseDay(v) === undefined) return { problem: `${flag} ${JSON.stringify(v)} is not a date YYYY-MM-DD` };
  }
  if (req.maxAddresses !== undefined && (!Number.isInteger(req.maxAddresses) || req.maxAddresses < 1 || req.maxAddresses > MAX_ADDRESSES)) {
    return { problem: `--max-addresses must be a whole number 1..${MAX_ADDRESSES}` };
  }
  const domains = (req.domains ?? []).map((d) => d.trim().toLowerCase().replace(/\.$/, "")).filter((d) => d !== "");
  for (const d of domains) {
    const why = domainProblem(d);
    if (why) return { problem: `--domains: ${why}` };
  }
  if (req.maxAddresses === undefined && domains.length === 0) return { problem: "a license needs a limit: give --max-addresses N and/or --domains a.example,b.example" };
  const fields = {
    serial: req.serial ?? `KAS-${issued.replaceAll("-", "")}-${randomBytes(4).toString("hex")}`,
    licensee: req.licensee.trim(),
    edition: req.edition ?? "standard",
    issued,
    starts: req.starts ?? issued,
    expires: req.expires,
    max_addresses: req.maxAddresses,
    domains: [...new Set(domains)],
    issuer_key: key.publicKey.text,
  };
  const license: License = { ...fields, signature: signBytes(canonical(fields), key).toString("base64") };
  const text = formatLicense(license);
  // The parser is the one judge of what a license may contain (text limits, characters,
  // dates in order): what it rejects is never written.
  const back = parseLicense(text);
  if ("problem" in back) return { problem: back.problem.replace(/field `(\w+)`/, (_, k: string) => `--${k.replace("_", "-")}`) };
  return { license, text };
}
