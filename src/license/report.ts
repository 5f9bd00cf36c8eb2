// What `kas license-check` prints and the exit code it ends with, built for monitoring
// (Nagios-style: the first line is the verdict, the exit code says how bad):
//   0 valid; 1 valid but expiring (30 or fewer days left) or more than 90% of the address
//   limit in use; 2 expired; 3 missing, unreadable, bad signature, not yet valid, wrong format.
import type { KeyStatus } from "./check";
import type { LicenseState } from "./service";

export const LICENSE_EXIT = { VALID: 0, WARNING: 1, EXPIRED: 2, INVALID: 3 } as const;
/** Share of the address limit above which the check warns. */
export const USAGE_WARN_RATIO = 0.9;

export interface UsageFigures {
  /** Distinct protected addresses recorded; undefined when the store could not be read. */
  inUse?: number;
  /** Why inUse is unknown. */
  error?: string;
}

export interface CheckReport {
  readonly keyFile: string;
  readonly state: LicenseState;
  readonly usage: UsageFigures;
  readonly exitCode: number;
  /** The verdict the exit code reflects ("expiring" also for a nearly full address limit). */
  readonly warnings: string[];
}

export function buildReport(keyFile: string, state: LicenseState, usage: UsageFigures): CheckReport {
  const warnings: string[] = [];
  let exitCode: number;
  switch (state.verdict) {
    case "valid":
      exitCode = LICENSE_EXIT.VALID;
      break;
    case "expiring":
      exitCode = LICENSE_EXIT.WARNING;
      warnings.push(state.message);
      break;
    case "expired":
      exitCode = LICENSE_EXIT.EXPIRED;
      break;
    default:
      exitCode = LICENSE_EXIT.INVALID;
  }
  const max = state.license?.max_addresses;
  if (max !== undefined && usage.inUse !== undefined && usage.inUse > max * USAGE_WARN_RATIO) {
    warnings.push(`${usage.inUse} of ${max} licensed addresses in use (more than ${USAGE_WARN_RATIO * 100}%)${usage.inUse >= max ? ": further new recipients pass unfiltered" : ""}`);
    if (exitCode === LICENSE_EXIT.VALID) exitCode = LICENSE_EXIT.WARNING;
  }
  return { keyFile, state, usage, exitCode, warnings };
}

export function renderText(r: CheckReport): string {
  const s = r.state;
  // A key that verified but is not usable (not yet valid) is still worth showing in full.
  const shown: { license?: KeyStatus["license"]; daysLeft?: number } = s.license ? s : s.active;
  const l = shown.license;
  const rows: [string, string][] = [["verdict", `${s.verdict}: ${s.message}`]];
  rows.push(["key file", s.source === "reserve" ? `${r.keyFile} (reserve key ${s.reserve!.file} in use)` : r.keyFile]);
  if (l) {
    rows.push(["licensee", l.licensee]);
    rows.push(["serial", `${l.serial} (edition ${l.edition}, issued ${l.issued})`]);
    rows.push(["valid", `${l.starts} .. ${l.expires} (${daysText(shown.daysLeft!)})`]);
    rows.push(["limits", limitsText(l.max_addresses, l.domains)]);
    rows.push(["in use", usageText(r.usage, l.max_addresses)]);
    rows.push(["issuer", l.issuer_key]);
  }
  if (s.reserve && s.source !== "reserve") rows.push(["reserve", keyLine(s.reserve)]);
  if (s.source === "reserve") rows.push(["key_file", keyLine(s.active)]);
  for (const w of r.warnings) rows.push(["warning", w]);
  return rows.map(([k, v]) => `${(k + ":").padEnd(10)}${v}`).join("\n") + "\n";
}

export function renderJson(r: CheckReport): string {
  const s = r.state;
  const l = s.license;
  const key = (k: KeyStatus) => ({ file: k.file, verdict: k.verdict, message: k.message, serial: k.license?.serial ?? null, days_left: k.daysLeft ?? null });
  return (
    JSON.stringify(
      {
        verdict: s.verdict,
        exit_code: r.exitCode,
        message: s.message,
        days_left: s.daysLeft ?? null,
        source: s.source,
        key_file: r.keyFile,
        license: l ?? null,
        usage: {
          in_use: r.usage.inUse ?? null,
          max_addresses: l?.max_addresses ?? null,
          percent: l?.max_addresses !== undefined && r.usage.inUse !== undefined ? round1((100 * r.usage.inUse) / l.max_addresses) : null,
          error: r.usage.error ?? null,
        },
        active: key(s.active),
        reserve: s.reserve ? key(s.reserve) : null,
        warnings: r.warnings,
      },
      null,
      2,
    ) + "\n"
  );
}

const round1 = (n: number) => Math.round(n * 10) / 10;
const daysText = (d: number) => (d < 0 ? `expired ${-d} day${d === -1 ? "" : "s"} ago` : `${d} day${d === 1 ? "" : "s"} left`);
const keyLine = (k: KeyStatus) => `${k.file}: ${k.verdict}: ${k.message}${k.license ? ` (serial ${k.license.serial})` : ""}`;

function limitsText(max: number | undefined, domains: readonly string[]): string {
  const parts = [];
  if (max !== undefined) parts.push(`${max} address${max === 1 ? "" : "es"}`);
  if (domains.length) parts.push(`domains ${domains.join(", ")} (and their subdomains)`);
  return parts.join("; ");
}

function usageText(u: UsageFigures, max: number | undefined): string {
  if (u.inUse === undefined) return `unknown (${u.error ?? "usage store not readable"})`;
  if (max === undefined) return `${u.inUse} address${u.inUse === 1 ? "" : "es"} (no address limit)`;
  return `${u.inUse} of ${max} addresses (${round1((100 * u.inUse) / max)}%)`;
}
