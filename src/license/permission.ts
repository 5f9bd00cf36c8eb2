// May `kas update-db` install a new rule database? Only under a current license (valid or in
// its warning month, active or reserve key). An expired key keeps the installed database
// filtering (the server's business), but updates stop until a renewed key is installed.
import { KasError } from "../errors";
import { plural } from "./check";
import { LicenseService, updatesAllowed, type LicenseConfig } from "./service";
import { MemoryUsageStore } from "./usage";

export interface UpdatePermission {
  allowed: boolean;
  /** Why not, in one line that says what to do (set when allowed is false). */
  reason?: string;
}

export function updatePermission(config: LicenseConfig, opts: { clock?: () => Date; configFile?: string } = {}): UpdatePermission {
  let service: LicenseService;
  try {
    // Only the key files matter here: an in-memory usage store leaves the server's file alone.
    service = new LicenseService(config, { clock: opts.clock, configFile: opts.configFile, usage: new MemoryUsageStore() });
  } catch (e) {
    if (e instanceof KasError) return { allowed: false, reason: `rule database updates need a valid license, and the license configuration is broken: ${e.message}` };
    throw e;
  }
  const st = service.state();
  service.close();
  if (updatesAllowed(st)) return { allowed: true };
  const why =
    st.verdict === "expired"
      ? `the license ${st.license && st.daysLeft !== undefined ? `expired on ${st.license.expires} (${plural(-st.daysLeft, "day")} ago)` : "expired"}${st.source === "reserve" ? " (the reserve key, which outlasted the key_file's key)" : ""}`
      : st.verdict === "not_yet_valid"
        ? `the license is ${st.message}`
        : `there is no valid license (${st.message})`;
  return {
    allowed: false,
    reason: `rule database update refused: ${why}. Filtering goes on with the installed database; install a valid key as [license] key_file (or reserve_key_file), check it with \`kas license-check\`, then run \`kas update-db\` again`,
  };
}
