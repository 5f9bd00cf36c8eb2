// `kas filter --local` through the compiled binary: verdicts, exit codes, byte-exact output.
import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO, runKas, tempDir, writeConfig } from "../testing/kas-binary";

const msg = (name: string) => readFileSync(join(REPO, "fixtures/messages", name));
const latin1 = (b: Uint8Array) => Buffer.from(b).toString("latin1");
const ours = /^(X-KAS-[\w-]+|X-Spam-Flag): .*\r?\n(?:[ \t].*\r?\n)*/gm;

test("GTUBE: spam, accepted with headers by the default policy; the rest of the message unchanged (CRLF)", async () => {
  const cfg = writeConfig(tempDir());
  const input = msg("gtube.eml");
  const r = await runKas(["filter", "--local", "--config", cfg], { stdin: input });
  expect(r.exitCode).toBe(0);
  const out = latin1(r.stdout);
  expect(out).toContain("X-KAS-Status: spam\r\n");
  expect(out).toContain("X-Spam-Flag: YES\r\n");
  expect(out).toMatch(/X-KAS-Hits: .*GTUBE=1000/);
  expect(out.replace(ours, "")).toBe(latin1(input));
});

test("ham with LF line endings: not_detected, byte-exact apart from our fields", async () => {
  const input = msg("ham.eml");
  const r = await runKas(["filter", "--local", "--config", writeConfig(tempDir())], { stdin: input });
  expect(r.exitCode).toBe(0);
  const out = latin1(r.stdout);
  expect(out).toContain("X-KAS-Status: not_detected\n");
  expect(out).not.toContain("\r");
  expect(out.replace(ours, "")).toBe(latin1(input));
});

test("spam_action = reject: exit 69, nothing on stdout, reply text on stderr; filter-stdin alias", async () => {
  const cfg = writeConfig(tempDir(), '[policy]\nspam_action = "reject"\nreject_text = "5.7.1 No spam here"\n');
  const r = await runKas(["filter-stdin", "--local", "--config", cfg, "--rcpt", "a@example.net", "--rcpt", "b@example.net"], { stdin: msg("gtube.eml") });
  expect(r.exitCode).toBe(69);
  expect(r.stdout.byteLength).toBe(0);
  expect(r.stderr).toContain("5.7.1 No spam here");
});

test("prefix action and forged verdict headers are replaced", async () => {
  const cfg = writeConfig(tempDir(), '[policy]\nspam_action = "prefix"\n');
  const forged = Buffer.concat([Buffer.from("X-KAS-Status: not_detected\r\n"), msg("gtube.eml")]);
  const out = latin1((await runKas(["filter", "--local", "--config", cfg], { stdin: forged })).stdout);
  expect(out.match(/X-KAS-Status/g)).toEqual(["X-KAS-Status"]);
  expect(out).toContain("Subject: [!! SPAM] Test spam mail (GTUBE)\r\n");
});

test("bad input: a garbled recipient is a usage error; a broken config names the key", async () => {
  const bad = await runKas(["filter", "--local", "--rcpt", "not an address"], { stdin: "x" });
  expect(bad.exitCode).toBe(64);
  const dir = tempDir();
  const cfg = writeConfig(dir, "[scan]\ntime_budget_ms = -5\n");
  const r = await runKas(["filter", "--local", "--config", cfg], { stdin: msg("ham.eml") });
  expect(r.exitCode).toBe(78);
  expect(r.stderr).toContain("scan.time_budget_ms");
});

test("binary garbage on stdin still gets a verdict and comes back whole", async () => {
  const junk = Uint8Array.from({ length: 5000 }, (_, i) => (i * 7919) % 256);
  const r = await runKas(["filter", "--local", "--config", writeConfig(tempDir())], { stdin: junk });
  expect(r.exitCode).toBe(0);
  expect(latin1(r.stdout)).toContain("X-KAS-Status:");
  expect(latin1(r.stdout).endsWith(latin1(junk))).toBe(true);
});
