// A fresh clone with nothing beside it must pass `npm test` (issue 12 item 2): no test, no
// test helper, no benchmark and no production code may read the sibling shared/ folder of the
// workplace. Third-party suites are copied into fixtures/ with their licences instead; the
// side-by-side benchmark finds the peers kit only where PEERS_DIR says (bench/peers.ts).
import { expect, test } from "bun:test";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";

const SRC = import.meta.dir;
const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : p.endsWith(".ts") ? [p] : [];
  });

// Written in pieces so this file does not match itself.
const OUTSIDE = new RegExp(["\\.\\./shared\\b", "/work/shared\\b", "shared/(testdata|peers|specs)\\b"].join("|"));

test("no test, test helper, benchmark or production file reads outside the repository", () => {
  const top = ["build.ts", "package.json", "bunfig.toml", ".ci/run"].map((f) => join(SRC, "..", f));
  const suspects = [...files(SRC), ...top];
  expect(suspects.length).toBeGreaterThan(50);
  const bad = suspects.filter((p) => p !== join(SRC, "self-contained.test.ts") && OUTSIDE.test(readFileSync(p, "utf8"))).map((p) => relative(SRC, p));
  expect(bad).toEqual([]);
});

test("the pattern catches the ways a path to shared/ is written", () => {
  for (const s of ['join(import.meta.dir, "../../../shared/testdata/spf/x.yml")', '"/work/shared/peers/run.sh"', "`${root}/shared/testdata/dkim`"]) expect(OUTSIDE.test(s)).toBe(true);
  for (const s of ['join(REPO, "fixtures/spf/rfc7208-tests.yml")', "a shared SPF service", "sharedCache"]) expect(OUTSIDE.test(s)).toBe(false);
});
