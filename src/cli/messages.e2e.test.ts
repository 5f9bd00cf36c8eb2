// Issue 12 item 22: no doubled words where messages are composed from parts, through the
// compiled binary (an errno code already leads Node's message; a diagnostic already says
// "warning:").
import { afterAll, expect, test } from "bun:test";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runKas, tempDir, writeConfig } from "../testing/kas-binary";

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const dir = () => {
  const d = tempDir("kas-messages-e2e-");
  dirs.push(d);
  return d;
};

test("kas learn with an unusable token database path names the errno once", async () => {
  const d = dir();
  writeFileSync(join(d, "blocker"), "");
  writeFileSync(join(d, "m.eml"), "Subject: hi\n\nbody\n");
  const cfg = writeConfig(d, `[bayes]\npath = ${JSON.stringify(join(d, "blocker", "bayes.sqlite"))}\n`);
  const r = await runKas(["learn", "--spam", join(d, "m.eml"), "--config", cfg]);
  expect(r.exitCode).toBe(73);
  expect(r.stderr).toMatch(/cannot be used: (EEXIST|ENOTDIR): [a-z]/);
  expect(r.stderr).not.toMatch(/\b(E[A-Z]+): \1:/);
});

test("kas update-db publish prints a rule warning with one 'warning:'", async () => {
  const d = dir();
  const keys = await runKas(["update-db", "keygen", "--out", join(d, "pub")]);
  expect(keys.exitCode).toBe(0);
  mkdirSync(join(d, "rules"));
  writeFileSync(join(d, "rules", "a.cf"), "body A /a/\nrequired_score 5\n");
  const r = await runKas(["update-db", "publish", "--key", join(d, "pub.key"), "--rules", join(d, "rules"), "--out", join(d, "mirror")]);
  expect(r.exitCode).toBe(0);
  expect(r.stderr).toContain(`kas: ${join(d, "rules", "a.cf")}:2: warning: \`required_score\``);
  expect(r.stderr.match(/warning:/g)).toHaveLength(1);
});
