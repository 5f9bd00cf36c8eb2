import { afterEach, beforeEach, expect, test } from "bun:test";
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseConfig } from "../config/load";
import { currentRulesLink, DB_FILE, rulesVersionsDir } from "../config/paths";
import { tempDir } from "../testing/kas-binary";
import { renderFreshness, rulesFreshness, staleWarningDue } from "./freshness";
import { HOLD_FILE, INSTALL_INFO } from "./install";

let dir: string;
beforeEach(() => void (dir = tempDir("kas-fresh-")));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const cfg = (extra = "") => parseConfig(`data_dir = ${JSON.stringify(dir)}\n[update]\nmax_age_days = 7\n${extra}`);
const now = new Date("2026-11-28T12:00:00Z");

function install(version: number, created: string) {
  const c = cfg();
  const v = join(rulesVersionsDir(c), String(version));
  mkdirSync(v, { recursive: true });
  writeFileSync(join(v, DB_FILE), "x");
  writeFileSync(join(v, INSTALL_INFO), JSON.stringify({ version, created, installed_at: "2026-11-28T11:00:00.000Z", source: "m", signed_by: "k" }));
  rmSync(currentRulesLink(c), { force: true });
  symlinkSync(join("versions", String(version)), currentRulesLink(c));
}

test("built-in: stale only when mirrors are configured (never updated)", () => {
  expect(rulesFreshness(cfg(), now)).toEqual({ version: "built-in", stale: false, warning: undefined });
  const f = rulesFreshness(cfg('sources = ["/m"]'), now);
  expect(f.stale).toBe(true);
  expect(f.warning).toContain("kas update-db");
});

test("built-in after --rollback past the oldest version: the warning says so, not 'run kas update-db'", () => {
  mkdirSync(join(dir, "rules"), { recursive: true });
  writeFileSync(join(dir, "rules", HOLD_FILE), "4\n");
  const f = rulesFreshness(cfg('sources = ["/m"]'), now);
  expect(f).toMatchObject({ version: "built-in", stale: true });
  expect(f.warning).toBe("built-in rules in use after `kas update-db --rollback`: versions up to 4 are held back; the next newer published version is installed");
});

test("installed: age from the publisher's creation time; stale past max_age_days", () => {
  install(5, "2026-11-26T12:00:00Z");
  expect(rulesFreshness(cfg(), now)).toMatchObject({ version: "5", ageDays: 2, stale: false, installedAt: "2026-11-28T11:00:00.000Z", createdAt: "2026-11-26T12:00:00Z" });
  install(6, "2026-11-10T00:00:00Z");
  const f = rulesFreshness(cfg(), now);
  expect(f).toMatchObject({ version: "6", ageDays: 18.5, stale: true });
  expect(f.warning).toContain("max_age_days = 7");
});

test("rules_dir in use: not an installed database", () => {
  expect(rulesFreshness(parseConfig(`data_dir = ${JSON.stringify(dir)}\n[scan]\nrules_dir = "/r"\n`), now)).toEqual({ version: "rules_dir", stale: false });
});

test("render: version, age, install time; the warning on its own line when stale", () => {
  install(6, "2026-11-10T00:00:00Z");
  const text = renderFreshness(rulesFreshness(cfg(), now));
  expect(text).toStartWith("rules database: 6, 18.5 days old, installed 2026-11-28T11:00:00.000Z\nWARNING: rules version 6 is 18.5 days old");
  expect(renderFreshness({ version: "built-in", stale: false })).toBe("rules database: built-in");
});

test("the stale warning is due once a day", () => {
  mkdirSync(join(dir, "rules"), { recursive: true });
  expect(staleWarningDue(cfg(), now)).toBe(true);
  expect(staleWarningDue(cfg(), new Date(now.getTime() + 3_600_000))).toBe(false);
  expect(staleWarningDue(cfg(), new Date(now.getTime() + 86_400_000))).toBe(true);
});
