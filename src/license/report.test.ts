import { expect, test } from "bun:test";
import { licenseText, testIssuerPublic } from "../testing/license";
import { keyStatus, type LoadedKey } from "./check";
import { parseLicense, type License } from "./format";
import { buildReport, renderJson, renderText } from "./report";
import type { LicenseState } from "./service";

const NOW = new Date("2026-11-28T12:00:00Z");
const state = (t: Parameters<typeof licenseText>[0], now = NOW): LicenseState => {
  const k: LoadedKey = { file: "license.key", license: parseLicense(licenseText(t, NOW)) as License, issuer: testIssuerPublic() };
  const s = keyStatus(k, now);
  return { verdict: s.verdict, message: s.message, daysLeft: s.daysLeft, source: s.verdict === "not_yet_valid" ? "none" : "active", license: s.verdict === "not_yet_valid" ? undefined : s.license, active: s };
};
const missing: LicenseState = { verdict: "missing", message: "no license key file at /etc/kas/license.key", source: "none", active: { file: "/etc/kas/license.key", verdict: "missing", message: "no license key file at /etc/kas/license.key" } };

const cases: [string, LicenseState, number | undefined, number, string[]][] = [
  ["valid", state({ maxAddresses: 100 }), 90, 0, []],
  ["more than 90% of the addresses", state({ maxAddresses: 100 }), 91, 1, ["91 of 100 licensed addresses in use (more than 90%)"]],
  ["address limit reached", state({ maxAddresses: 3 }), 3, 1, ["3 of 3 licensed addresses in use (more than 90%): further new recipients pass unfiltered"]],
  ["expiring", state({ expiresIn: 30 }), 0, 1, ["expires"]],
  ["expired", state({ startsIn: -100, expiresIn: -1 }), 0, 2, []],
  ["expired and full stays 2", state({ startsIn: -100, expiresIn: -1, maxAddresses: 3 }), 3, 2, ["3 of 3"]],
  ["not yet valid", state({ startsIn: 5 }), 0, 3, []],
  ["missing", missing, undefined, 3, []],
  ["domains only: no address warning", state({ domains: ["example.com"] }), 10_000, 0, []],
];
for (const [name, st, inUse, exitCode, warnings] of cases) {
  test(`${name} → exit ${exitCode}`, () => {
    const r = buildReport("license.key", st, { inUse });
    expect(r.exitCode).toBe(exitCode);
    expect(r.warnings.length).toBe(warnings.length);
    warnings.forEach((w, i) => expect(r.warnings[i]).toContain(w));
  });
}

test("text output: verdict first, then the license, the usage and warnings", () => {
  const out = renderText(buildReport("license.key", state({ maxAddresses: 100, serial: "S-7" }), { inUse: 95 }));
  const lines = out.trimEnd().split("\n");
  expect(lines[0]).toBe("verdict:  valid: valid until 2027-11-28 (365 days left)");
  expect(out).toContain("licensee: Example Mail GmbH\n");
  expect(out).toContain("serial:   S-7 (edition standard, issued 2026-11-28)\n");
  expect(out).toContain("limits:   100 addresses\n");
  expect(out).toContain("in use:   95 of 100 addresses (95%)\n");
  expect(lines.at(-1)).toStartWith("warning:  95 of 100 licensed addresses in use");
});

test("text output of a key that is not valid yet still shows what it is", () => {
  const out = renderText(buildReport("license.key", state({ startsIn: 5, serial: "S-8" }), { inUse: 0 }));
  expect(out).toStartWith("verdict:  not_yet_valid: not valid yet: starts 2026-12-03 (in 5 days)\n");
  expect(out).toContain("serial:   S-8");
});

test("an unreadable usage store is reported, not fatal", () => {
  expect(renderText(buildReport("license.key", state({}), { error: "locked" }))).toContain("in use:   unknown (locked)");
});

test("JSON output carries the verdict, exit code, usage and license fields", () => {
  const j = JSON.parse(renderJson(buildReport("license.key", state({ maxAddresses: 4 }), { inUse: 1 })));
  expect(j).toMatchObject({ verdict: "valid", exit_code: 0, days_left: 365, source: "active", key_file: "license.key", usage: { in_use: 1, max_addresses: 4, percent: 25, error: null }, reserve: null, warnings: [] });
  expect(j.license.serial).toBe("TEST-0001");
  expect(JSON.parse(renderJson(buildReport("k", missing, { inUse: 0 })))).toMatchObject({ verdict: "missing", exit_code: 3, license: null });
});
