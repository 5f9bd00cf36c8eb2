// How old the rule database in use is, for `kas status`, the server's status report and
// `kas update-db`. Age counts from the publisher's creation time (manifest `created`), not
// from the install: a mirror that stopped publishing makes the rules stale even though cron
// keeps running happily.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { rulesRoot } from "../config/paths";
import type { KasConfig } from "../config/schema";
import { currentVersion, heldVersion, readInstallInfo } from "./install";

export interface RulesFreshness {
  /** Installed version number, "built-in", or "rules_dir". */
  version: string;
  installedAt?: string;
  createdAt?: string;
  ageDays?: number;
  stale: boolean;
  /** One line for the admin when stale. */
  warning?: string;
}

const DAY_MS = 86_400_000;

export function rulesFreshness(config: Pick<KasConfig, "data_dir" | "scan" | "update">, now: Date = new Date()): RulesFreshness {
  if (config.scan.rules_dir) return { version: "rules_dir", stale: false };
  const v = currentVersion(config);
  if (v === undefined) {
    // A fresh install works offline on the built-in rules; with mirrors configured, say so.
    const stale = config.update.sources.length > 0;
    const held = heldVersion(config);
    // After --rollback past the oldest version, "run kas update-db" would only answer "held back".
    const warning = held !== undefined ? `built-in rules in use after \`kas update-db --rollback\`: versions up to ${held} are held back; the next newer published version is installed` : "no rule update installed yet: run `kas update-db`";
    return { version: "built-in", stale, warning: stale ? warning : undefined };
  }
  const info = readInstallInfo(config, v);
  const created = info ? Date.parse(info.created) : NaN;
  if (!info || Number.isNaN(created)) return { version: String(v), stale: false, warning: `installed version ${v} has no readable installed.json` };
  const ageDays = Math.max(0, Math.round(((now.getTime() - created) / DAY_MS) * 10) / 10);
  const stale = ageDays > config.update.max_age_days;
  return {
    version: String(v),
    installedAt: info.installed_at,
    createdAt: info.created,
    ageDays,
    stale,
    warning: stale ? `rules version ${v} is ${ageDays} days old (limit [update] max_age_days = ${config.update.max_age_days}): check that kas update-db runs from cron and succeeds` : undefined,
  };
}

/** One line for `kas status` (renderStatus) from the `rules_freshness` member of the server status. */
export function renderFreshness(f: RulesFreshness): string {
  const age = f.ageDays === undefined ? "" : `, ${f.ageDays} days old`;
  const at = f.installedAt ? `, installed ${f.installedAt}` : "";
  return `rules database: ${f.version}${age}${at}${f.stale && f.warning ? `\nWARNING: ${f.warning}` : ""}`;
}

const WARNED_FILE = "stale-warned";

/**
 * Whether `kas update-db` under cron should print the stale warning now: once a day, not on
 * every run (cron mails each one; 72 identical mails a day would bury the message).
 */
export function staleWarningDue(config: Pick<KasConfig, "data_dir">, now: Date): boolean {
  const path = join(rulesRoot(config), WARNED_FILE);
  try {
    if (now.getTime() - Date.parse(readFileSync(path, "utf8").trim()) < 86_400_000) return false;
  } catch {}
  try {
    writeFileSync(path, now.toISOString() + "\n");
  } catch {}
  return true;
}
