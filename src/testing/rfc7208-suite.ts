// Test-only: the RFC 7208 conformance suite (fixtures/spf/, BSD licence, see its README) as
// scenarios, for the in-process conformance test and the black-box `kas spf-query` run.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO } from "./kas-binary";
import type { ZoneMap } from "./zone-resolver";

export interface SuiteTest {
  host: string;
  mailfrom: string;
  helo: string;
  result: string | string[];
  explanation?: string;
  spec?: string;
}
export interface Scenario {
  description: string;
  tests: Record<string, SuiteTest>;
  zonedata: ZoneMap;
}

export function rfc7208Scenarios(): Scenario[] {
  const text = readFileSync(join(REPO, "fixtures/spf/rfc7208-tests.yml"), "utf8");
  return (Bun as unknown as { YAML: { parse(s: string): unknown } }).YAML.parse(text) as Scenario[];
}
