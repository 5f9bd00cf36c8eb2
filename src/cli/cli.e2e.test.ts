import { expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { runKas, tempDir } from "../testing/kas-binary";

test("kas --help lists the commands and exits 0", async () => {
  const r = await runKas(["--help"]);
  expect(r.exitCode).toBe(0);
  expect(r.text).toContain("config");
});

test("an unknown option is a usage error (64)", async () => {
  const r = await runKas(["config", "check", "--no-such-flag"]);
  expect(r.exitCode).toBe(64);
  expect(r.stderr).toContain("unknown option --no-such-flag");
});

test("an unknown command is a usage error (64)", async () => {
  const r = await runKas(["frobnicate"]);
  expect(r.exitCode).toBe(64);
});

test("config check: defaults are valid; a bad file names file, line and key (78)", async () => {
  expect((await runKas(["config", "check"])).exitCode).toBe(0);
  const dir = tempDir();
  const file = join(dir, "kas.toml");
  writeFileSync(file, `data_dir = "/tmp"\n\n[client]\non_error = "explode"\n`);
  const r = await runKas(["config", "check", "--config", file]);
  expect(r.exitCode).toBe(78);
  expect(r.stderr).toContain(`${file}:4: client.on_error: must be one of "tempfail", "reject", "accept"`);
});

test("config defaults prints a config that config check accepts", async () => {
  const r = await runKas(["config", "defaults"]);
  expect(r.exitCode).toBe(0);
  const dir = tempDir();
  writeFileSync(join(dir, "kas.toml"), r.text);
  expect((await runKas(["config", "check", "--config", join(dir, "kas.toml")])).exitCode).toBe(0);
});
