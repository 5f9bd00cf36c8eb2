// The monitoring events (issue 18 §4), judged from what the master already reports (its
// status: pool counters, license, rules freshness) and the record of the last update-db run.
// detect() is pure apart from the small memory it is handed: the crash counter's recent
// values (a crash loop is a rate) and the queue-full counter's last value.
import type { KasConfig } from "../../config/schema";
import type { LastRun } from "../../update/last-run";

export interface MonitorEvent {
  /** Rate limiting and the dashboard key on this. */
  kind: string;
  severity: "warn" | "error";
  subject: string;
  /** What happened and what to do about it. */
  text: string;
}

export interface MonitorMemory {
  crashes: { t: number; n: number }[];
  refused?: number;
}

export const CRASH_WINDOW_MS = 10 * 60_000;
export const ADDRESS_WARN = 0.9;
export const LICENSE_DAYS = [30, 7, 1] as const;

export function detect(now: number, st: Record<string, any>, lastRun: LastRun | undefined, c: KasConfig, mem: MonitorMemory): MonitorEvent[] {
  const out: MonitorEvent[] = [];
  const pool = st.pool ?? {};
  const counters = st.counters ?? {};

  // Crash loop: crashes counted over a sliding window (the counter only grows).
  const crashed = Number(counters.crashed ?? 0);
  mem.crashes = [...mem.crashes.filter((x) => now - x.t <= CRASH_WINDOW_MS), { t: now, n: crashed }];
  const inWindow = crashed - mem.crashes[0].n;
  if (inWindow >= c.notify.crash_loop) {
    out.push({ kind: "crash_loop", severity: "error", subject: `filtering processes crash in a loop (${inWindow} in 10 minutes)`, text: `${inWindow} filtering processes crashed within 10 minutes. The server restarts them with a back-off, but messages wait or are retried.\nWhat to do: look at the server log (journalctl -u kas) for the [pool] lines and the crash reason; a message that crashes the engine shows up as the same message id retried.` });
  }
  // Processes that cannot start: the last start failed to load and none of the current generation serves.
  const serving = Number(pool.idle ?? 0) + Number(pool.busy ?? 0);
  if (pool.last_load_error && serving === 0) {
    out.push({ kind: "cannot_start", severity: "error", subject: "no filtering process can start", text: `The master cannot start filtering processes: ${pool.last_load_error}\nMessages wait in the queue and then get a temporary failure.\nWhat to do: fix the cause named above (rule database, permissions of data_dir, memory), then reload (kill -HUP) or restart the server.` });
  }
  const fr = st.rules_freshness;
  if (fr?.stale) out.push({ kind: "rules_stale", severity: "warn", subject: "the rule database is stale", text: `${fr.warning ?? "The rule database is older than [update] max_age_days."}\nWhat to do: run \`kas update-db --verbose\` by hand to see why updates do not arrive.` });
  if (lastRun && lastRun.failures >= c.notify.update_failures) {
    out.push({ kind: "update_failing", severity: "error", subject: `kas update-db failed ${lastRun.failures} times in a row`, text: `The last ${lastRun.failures} runs of kas update-db failed; the last one at ${lastRun.at} with exit code ${lastRun.code}:\n${lastRun.message}\n${lastRun.last_ok ? `Last successful run: ${lastRun.last_ok}.` : "No run has succeeded yet."}\nWhat to do: run \`kas update-db --verbose\`; its exit codes are listed by \`kas update-db --help\`.` });
  }
  const lic = st.license;
  if (lic) {
    const days = typeof lic.days_left === "number" ? lic.days_left : undefined;
    if (lic.verdict === "expired" || (days !== undefined && days < 0)) {
      out.push({ kind: "license_expired", severity: "error", subject: "the license has expired", text: `${lic.message ?? "The license has expired."}\nFiltering goes on, rule database updates are refused.\nWhat to do: install the renewed key (Control Center → License, or as [license] key_file) and reload.` });
    } else if (lic.verdict === "missing" || lic.verdict === "invalid") {
      out.push({ kind: "license_invalid", severity: "error", subject: `no valid license (${lic.verdict})`, text: `${lic.message ?? ""}\nMail to unlicensed recipients passes unfiltered.\nWhat to do: install a valid key and reload; \`kas license-check\` says what is wrong.` });
    } else if (days !== undefined) {
      const step = [...LICENSE_DAYS].reverse().find((d) => days <= d);
      if (step !== undefined) out.push({ kind: `license_${step}`, severity: step <= 7 ? "error" : "warn", subject: `the license expires in ${days} day${days === 1 ? "" : "s"}`, text: `${lic.message ?? ""}\nWhat to do: order the renewal and install it as [license] key_file or reserve_key_file before ${lic.expires ?? "it expires"}.` });
    }
    if (typeof lic.addresses_used === "number" && typeof lic.max_addresses === "number" && lic.max_addresses > 0 && lic.addresses_used > ADDRESS_WARN * lic.max_addresses) {
      out.push({ kind: "address_limit", severity: lic.addresses_used >= lic.max_addresses ? "error" : "warn", subject: `${lic.addresses_used} of ${lic.max_addresses} licensed addresses used`, text: `The license covers ${lic.max_addresses} protected addresses and ${lic.addresses_used} are in use (${Math.round((100 * lic.addresses_used) / lic.max_addresses)} %). Mail to addresses beyond the limit passes unfiltered.\nWhat to do: extend the license, or list the addresses (kas license-check) and remove ones no longer in use.` });
    }
  }
  // Queue full: requests refused since the last look.
  const refused = Number(counters.refused ?? 0);
  if (mem.refused !== undefined && refused > mem.refused) {
    out.push({ kind: "queue_full", severity: "error", subject: `requests refused: the queue is full (${refused - mem.refused} since the last check)`, text: `All filtering processes were busy and the queue held [server] queue_size ${c.server.queue_size} requests, so ${refused - mem.refused} requests got a temporary failure.\nWhat to do: raise [server] max_filters if the machine has CPU and memory to spare, or find what makes scans slow (Control Center → Statistics, mean ms).` });
  }
  mem.refused = refused;
  return out;
}

/** How long before the same kind is mailed again: license countdowns once a day at most. */
export const repeatMs = (kind: string, c: KasConfig) => (kind.startsWith("license_") ? Math.max(c.notify.interval, 86_400) : c.notify.interval) * 1000;
