// The RFC 7208 conformance suite (fixtures/spf, see its README) run black-box: every test is
// one `kas spf-query --json` of the compiled binary, asking a real DNS server process on
// loopback (testing/dns-server.ts) that serves the scenario's zonedata. Nothing is excluded;
// the last test asserts that all 203 cases ran and passed.
//
// Differences from the in-process harness (src/spf/conformance.test.ts), all from running
// the product as an administrator would: the default explanation is kas's own (the suite's
// `DEFAULT` is checked as that text), `TIMEOUT` names are never answered (so those cases wait
// for kas's deadlines), and every name and string goes through the DNS wire format.
// The cases run concurrently (each is its own process); the count test runs after them all.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { ipText, parseIp } from "../dns/ip";
import { spawnDnsServer, type DnsProcess } from "../testing/dns-process";
import { runKas, tempDir } from "../testing/kas-binary";
import { rfc7208Scenarios, type SuiteTest } from "../testing/rfc7208-suite";


const scenarios = rfc7208Scenarios();
const TOTAL = 203;
/** Seconds per evaluation: long enough for loopback, short enough for the `TIMEOUT` cases. */
const TIMEOUT_S = "3";

const servers: DnsProcess[] = [];
beforeAll(async () => {
  const dir = tempDir("kas-rfc7208-");
  const started = await Promise.all(
    scenarios.map((sc, i) => {
      const file = join(dir, `zones-${i}.json`);
      writeFileSync(file, JSON.stringify(sc.zonedata));
      return spawnDnsServer([file]);
    }),
  );
  servers.push(...started);
});
afterAll(() => {
  for (const s of servers) s.proc.kill();
});

/** What kas's default explanation (DEFAULT_EXPLANATION, "%{o} does not designate %{c} ...") says for this test. */
function defaultExplanation(t: SuiteTest): string {
  const sender = t.mailfrom === "" ? `postmaster@${t.helo}` : t.mailfrom;
  return `${sender.slice(sender.lastIndexOf("@") + 1)} does not designate ${ipText(parseIp(t.host)!)} as a permitted sender`;
}

const passed = new Set<string>();
const failed: string[] = [];

scenarios.forEach((sc, i) => {
  describe(sc.description, () => {
    for (const [name, t] of Object.entries(sc.tests)) {
      test.concurrent(`${name} (${t.spec ?? ""})`, async () => {
        const r = await runKas(["spf-query", "--ip", t.host, "--sender", t.mailfrom, "--helo", t.helo, "--resolver", `127.0.0.1:${servers[i].port}`, "--timeout", TIMEOUT_S, "--json"]);
        const out = r.text ? JSON.parse(r.text) : { result: `exit ${r.exitCode}: ${r.stderr.trim()}` };
        const want = [t.result].flat();
        const got: Record<string, unknown> = { name, result: want.includes(out.result) ? want[0] : out.result };
        const expected: Record<string, unknown> = { name, result: want[0] };
        if (t.explanation !== undefined && out.result === "fail") {
          got.explanation = out.explanation;
          expected.explanation = t.explanation === "DEFAULT" ? defaultExplanation(t) : t.explanation;
        }
        if (!Bun.deepEquals(got, expected)) {
          failed.push(`${name}: ${JSON.stringify(got)} (problem: ${out.problem ?? "-"})`);
          expect({ ...got, problem: out.problem, stderr: r.stderr }).toEqual({ ...expected, problem: undefined, stderr: "" });
        }
        passed.add(name);
      }, 30_000); // bun's default is 5 s (bunfig's [test] timeout is not read); TIMEOUT cases take TIMEOUT_S
    }
  });
});

test(`all ${TOTAL} cases of the suite ran and passed, none excluded`, () => {
  expect(scenarios.reduce((n, s) => n + Object.keys(s.tests).length, 0)).toBe(TOTAL);
  expect(failed).toEqual([]);
  expect(passed.size).toBe(TOTAL);
});
