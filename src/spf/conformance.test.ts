// The OpenSPF RFC 7208 conformance suite (fixtures/spf, see its README) run
// through check_host() with a zone resolver built from each scenario's zonedata.
// Harness rules from that README: the default explanation is the literal "DEFAULT"; a list
// of results accepts any member; the explanation is compared only for `fail`.
import { describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createZoneResolver, type ZoneMap } from "../testing/zone-resolver";
import { checkMailFrom } from "./identity";

const SUITE = join(import.meta.dir, "../../fixtures/spf/rfc7208-tests.yml");

/** Deliberate exceptions: test name → the RFC text that justifies our answer. None so far. */
const EXCEPTIONS: Record<string, string> = {};

interface SuiteTest {
  host: string;
  mailfrom: string;
  helo: string;
  result: string | string[];
  explanation?: string;
  spec?: string;
}
interface Scenario {
  description: string;
  tests: Record<string, SuiteTest>;
  zonedata: ZoneMap;
}

const scenarios: Scenario[] = (Bun as unknown as { YAML: { parse(s: string): unknown } }).YAML.parse(readFileSync(SUITE, "utf8")) as Scenario[];

test("the suite is there and complete (203 tests in 16 scenarios)", () => {
  expect(existsSync(SUITE)).toBe(true);
  expect(scenarios.length).toBe(16);
  expect(scenarios.reduce((n, s) => n + Object.keys(s.tests).length, 0)).toBe(203);
});

for (const sc of scenarios) {
  describe(sc.description, () => {
    for (const [name, t] of Object.entries(sc.tests)) {
      if (EXCEPTIONS[name]) continue;
      test(`${name} (${t.spec ?? ""})`, async () => {
        const resolver = createZoneResolver(sc.zonedata);
        const out = await checkMailFrom({ ip: t.host, mailFrom: t.mailfrom, helo: t.helo }, { resolver, defaultExplanation: "DEFAULT" });
        const want = [t.result].flat();
        expect({ name, result: want.includes(out.result) ? want[0] : out.result, problem: want.includes(out.result) ? undefined : out.problem }).toEqual({ name, result: want[0], problem: undefined });
        if (t.explanation !== undefined && out.result === "fail") expect(out.explanation).toBe(t.explanation);
      });
    }
  });
}
