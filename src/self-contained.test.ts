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
    return statSync(p).isDirectory() ? files(p) : [p];
  });

// The folder's name is written in pieces, here and in the examples below, so that no file of
// the repository (this one included) holds a path to it that a text search would find.
const SHARED = ["sh", "ared"].join("");
const OUTSIDE = new RegExp([`\\.\\./${SHARED}\\b`, `/work/${SHARED}\\b`, `${SHARED}/(testdata|peers|specs)\\b`].join("|"));

test("no file of the repository (code, tests, rules, fixtures, CI, README) names a path outside it", () => {
  const top = ["build.ts", "package.json", "bunfig.toml", "README.md"].map((f) => join(SRC, "..", f));
  const suspects = [...files(SRC), ...["rules", "fixtures", ".ci"].flatMap((d) => files(join(SRC, "..", d))), ...top];
  expect(suspects.length).toBeGreaterThan(500);
  const bad = suspects.filter((p) => OUTSIDE.test(readFileSync(p, "latin1"))).map((p) => relative(join(SRC, ".."), p));
  expect(bad).toEqual([]);
});

test("the pattern catches the ways a path to shared/ is written", () => {
  for (const s of [`join(import.meta.dir, "../../../${SHARED}/testdata/spf/x.yml")`, `"/work/${SHARED}/peers/run.sh"`, `\`\${root}/${SHARED}/testdata/dkim\``]) expect(OUTSIDE.test(s)).toBe(true);
  for (const s of ['join(REPO, "fixtures/spf/rfc7208-tests.yml")', "a shared SPF service", "sharedCache"]) expect(OUTSIDE.test(s)).toBe(false);
});
