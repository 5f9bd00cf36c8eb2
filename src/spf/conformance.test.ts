// The OpenSPF RFC 7208 conformance suite (fixtures/spf, see its README) run
// through check_host() with a zone resolver built from each scenario's zonedata.
// Harness rules from that README: the default explanation is the literal "DEFAULT"; a list
// of results accepts any member; the explanation is compared only for `fail`.
import { describe, expect, test } from "bun:test";
import { createZoneResolver } from "../testing/zone-resolver";
import { checkMailFrom } from "./identity";
import { rfc7208Scenarios } from "../testing/rfc7208-suite";


/** Deliberate exceptions: test name → the RFC text that justifies our answer. None so far. */
const EXCEPTIONS: Record<string, string> = {};


const scenarios = rfc7208Scenarios();

test("the suite is there and complete (203 tests in 16 scenarios)", () => {
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
