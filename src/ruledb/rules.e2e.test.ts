// `kas rules ...` and `kas config check` with rules_dir, against the compiled binary.
import { expect, test } from "bun:test";
import { cpSync, mkdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { REPO, runKas, tempDir, writeConfig } from "../testing/kas-binary";

const FIXTURES = join(REPO, "fixtures/rules");

test("rules check: a temp dir with a syntax error exits 65 naming file:line", async () => {
  const dir = tempDir();
  writeFileSync(join(dir, "10_ok.cf"), "body OK_RULE /fine/\n");
  writeFileSync(join(dir, "20_bad.cf"), "# comment\n\nbody BAD_RULE /(unclosed/\n");
  const r = await runKas(["rules", "check", dir]);
  expect(r.exitCode).toBe(65);
  expect(r.stderr).toContain(`${join(dir, "20_bad.cf")}:3: body BAD_RULE: missing )`);
});

test("rules check: good fixtures exit 0; warnings go to stderr and are not fatal", async () => {
  expect((await runKas(["rules", "check", join(FIXTURES, "good")])).exitCode).toBe(0);
  const dir = tempDir();
  writeFileSync(join(dir, "a.cf"), "body A /a/\nrequired_score 5\n");
  const r = await runKas(["rules", "check", dir]);
  expect(r.exitCode).toBe(0);
  expect(r.text).toContain(`${dir}: ok (1 warning)`);
  expect(r.stderr).toContain(`${join(dir, "a.cf")}:2: warning: \`required_score\``);
});

test("rules check without DIR lints the rules in use and says which: rules_dir, else installed, else built-in", async () => {
  const dir = tempDir();
  try {
    const cfg = writeConfig(dir, `[scan]\nrules_dir = ${JSON.stringify(join(FIXTURES, "broken"))}\n`);
    expect((await runKas(["rules", "check", "--config", cfg])).exitCode).toBe(65);
    expect((await runKas(["rules", "check", join(dir, "missing")])).exitCode).toBe(66);
    const good = writeConfig(dir, `[scan]\nrules_dir = ${JSON.stringify(join(FIXTURES, "good"))}\n`);
    expect((await runKas(["rules", "check", "--config", good])).text).toBe(`[scan] rules_dir ${join(FIXTURES, "good")}: ok\n`);

    // Nothing installed: the built-in rules (their sources travel inside the binary).
    const plain = writeConfig(dir);
    const builtin = await runKas(["rules", "check", "--config", plain]);
    expect(builtin.exitCode).toBe(0);
    expect(builtin.text).toMatch(/^built-in rules \(\d+ files compiled into kas [\d.]+\): ok/);

    // An installed version: its sources beside its database, through the current symlink.
    const version = join(dir, "data/rules/versions/2026112201");
    cpSync(join(FIXTURES, "good"), version, { recursive: true });
    expect((await runKas(["rules", "compile", version, "--out", join(version, "rules.kasdb")])).exitCode).toBe(0);
    symlinkSync("versions/2026112201", join(dir, "data/rules/current"));
    const installed = await runKas(["rules", "check", "--config", plain]);
    expect([installed.exitCode, installed.text]).toEqual([0, `installed version 2026112201 (${realpathSync(version)}): ok\n`]);
    writeFileSync(join(version, "99_bad.cf"), "body BAD /(/\n");
    const bad = await runKas(["rules", "check", "--config", plain]);
    expect(bad.exitCode).toBe(65);
    expect(bad.stderr).toContain(`${join(realpathSync(version), "99_bad.cf")}:1: body BAD: missing )`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("config check with [scan] rules_dir pointing at a broken dir exits 65", async () => {
  const dir = tempDir();
  const broken = join(dir, "rules");
  cpSync(join(FIXTURES, "broken"), broken, { recursive: true });
  const cfg = writeConfig(dir, `[scan]\nrules_dir = ${JSON.stringify(broken)}\n`);
  const r = await runKas(["config", "check", "--config", cfg]);
  expect(r.exitCode).toBe(65);
  expect(r.stderr).toContain(`${join(broken, "10_broken.cf")}:4: header BAD_HEADER`);
  const good = writeConfig(tempDir(), `[scan]\nrules_dir = ${JSON.stringify(join(FIXTURES, "good"))}\n`);
  expect((await runKas(["config", "check", "--config", good])).exitCode).toBe(0);
});

test("rules compile writes a database that rules info reports once installed", async () => {
  const dir = tempDir();
  const out = join(dir, "rules.kasdb");
  const c = await runKas(["rules", "compile", join(FIXTURES, "good"), "--out", out, "--version", "2026112201"]);
  expect(c.exitCode).toBe(0);
  const db = JSON.parse(readFileSync(out, "utf8"));
  expect(db.version).toBe("2026112201");
  expect(c.text).toContain(`digest ${db.digest}`);

  // Nothing installed yet: the database compiled into the binary.
  const cfg = writeConfig(dir);
  const before = await runKas(["rules", "info", "--config", cfg]);
  expect(before.exitCode).toBe(0);
  expect(before.text).toContain("source:  built-in");
  expect(before.text).toMatch(/rules: +\d+/);
  // The shipped score groups and their caps (rules/85_groups.cf).
  expect(before.text).toMatch(/group: +MARKETING adds at most 2 \(\d+ rules\)/);
  expect(before.text).toMatch(/group: +HTML_LAYOUT adds at most 1 \(\d+ rules\)/);
  const json = JSON.parse((await runKas(["rules", "info", "--json", "--config", cfg])).text);
  expect(json).toMatchObject({ source: "built-in", version: "builtin", digest: expect.stringMatching(/^[0-9a-f]{64}$/) });
  expect(json.rules).toBeGreaterThan(200);
  expect(json.groups.find((g: { name: string }) => g.name === "OPTOUT")).toMatchObject({ max: 1, members: expect.arrayContaining(["SUBSCRIBED_CLAIM"]) });

  const vdir = join(dir, "data/rules/versions/2026112201");
  mkdirSync(vdir, { recursive: true });
  cpSync(out, join(vdir, "rules.kasdb"));
  symlinkSync("versions/2026112201", join(dir, "data/rules/current"));
  const after = await runKas(["rules", "info", "--config", cfg]);
  expect(after.exitCode).toBe(0);
  expect(after.text).toContain(`source:  installed 2026112201 (${vdir})`);
  expect(after.text).toContain(`digest:  ${db.digest}`);
  expect(after.text).toContain("rules:   9");
  expect(after.text).not.toContain("group:");

  writeFileSync(join(vdir, "rules.kasdb"), readFileSync(out, "utf8").replace('"score":1.5', '"score":9.5'));
  const corrupt = await runKas(["rules", "info", "--config", cfg]);
  expect(corrupt.exitCode).toBe(65);
  expect(corrupt.stderr).toContain("is corrupt: digest mismatch");
});

test("rules compile: lint errors exit 65, --out is required, unwritable output exits 73", async () => {
  expect((await runKas(["rules", "compile", join(FIXTURES, "broken"), "--out", join(tempDir(), "x")])).exitCode).toBe(65);
  expect((await runKas(["rules", "compile", join(FIXTURES, "good")])).exitCode).toBe(64);
  expect((await runKas(["rules", "compile", join(FIXTURES, "good"), "--out", "/nonexistent/dir/x.kasdb"])).exitCode).toBe(73);
});
