// Issue 13 acceptance: each MIME evasion fixture carries GTUBE in a structure that a reader
// shows and an older kas did not scan (fixtures/messages/mime-evasion; readings.ts for the
// union cases). Through `kas filter --local` on the compiled binary, every one is spam.
import { afterAll, expect, test } from "bun:test";
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { REPO, runKas, tempDir, writeConfig } from "../testing/kas-binary";

const DIR = join(REPO, "fixtures/messages/mime-evasion");
const dir = tempDir("kas-mime-evasion-");
const cfg = writeConfig(dir);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test.each(readdirSync(DIR).filter((f) => f.endsWith(".eml")).sort())("%s is spam (GTUBE seen)", async (name) => {
  const input = readFileSync(join(DIR, name));
  const r = await runKas(["filter", "--local", "--config", cfg], { stdin: input });
  expect(r.exitCode).toBe(0);
  const out = Buffer.from(r.stdout).toString("latin1");
  expect(out).toContain("X-KAS-Status: spam\n");
  expect(out).toMatch(/X-KAS-Hits: .*GTUBE=1000/);
  // The message itself passes through unchanged after our header fields.
  expect(out.endsWith(input.toString("latin1").slice(input.indexOf("\n\n")))).toBe(true);
});
