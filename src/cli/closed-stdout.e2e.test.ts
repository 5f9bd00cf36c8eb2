// A reader that closes kas's standard output early, in a real shell pipeline with the
// compiled binary: `kas scan DIR | head -n 1` ends kas at once with EX_IOERR and no stack
// (Bun ignores SIGPIPE, so the writes fail with EPIPE instead), and `kas filter < m | reader`
// whose reader goes away before the message is through exits 75 (not delivered, try again),
// never 0 or the 70 of an internal error that a pipe transport would bounce.
import { afterAll, expect, test } from "bun:test";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { kasBinary, tempDir, writeConfig } from "../testing/kas-binary";
import { corpus } from "../testing/mail-corpus";
import { freePort } from "../testing/kas-server";

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Runs `kas ARGS [< input] | READER` in bash; kas's exit status and its stderr. */
async function piped(args: string[], reader: string, input?: string): Promise<{ status: number; stderr: string }> {
  const dir = tempDir("kas-pipe-");
  dirs.push(dir);
  const err = join(dir, "stderr");
  const script = `"$@" ${input ? '< "$KAS_IN"' : ""} 2>"$KAS_ERR" | ${reader} >/dev/null; echo "\${PIPESTATUS[0]}"`;
  const p = Bun.spawn(["bash", "-c", script, "kas", kasBinary(), ...args], { env: { ...process.env, KAS_CONFIG: "", NO_COLOR: "1", KAS_ERR: err, KAS_IN: input ?? "" }, stdout: "pipe", stderr: "inherit", timeout: 60_000 });
  const out = await new Response(p.stdout).text();
  await p.exited;
  return { status: Number(out.trim()), stderr: await Bun.file(err).text() };
}

test("kas scan DIR | head -n 1: kas stops with exit 74 and nothing on stderr", async () => {
  const dir = tempDir("kas-pipe-scan-");
  dirs.push(dir);
  const mail = corpus(dir, "spam", 300);
  // No server: each message is a line "unscanned" at once (exit 75 when the run completes).
  const cfg = writeConfig(dir, `[client]\nconnect_timeout = 1\n`);
  const r = await piped(["scan", "--connect", `tcp:127.0.0.1:${freePort()}`, mail, "--config", cfg], "head -n 1");
  expect(r.stderr).toBe("");
  expect(r.status).toBe(74);
}, 60_000);

test("kas filter whose stdout reader goes away mid-message: exit 75 with the reason, no internal error", async () => {
  const dir = tempDir("kas-pipe-filter-");
  dirs.push(dir);
  // 2 MB: over size_limit (passed unscanned, no server needed) and over a pipe's buffer.
  const msg = join(dir, "big.eml");
  writeFileSync(msg, `From: a@example.org\r\nTo: b@example.org\r\nSubject: big\r\n\r\n${"x".repeat(76).concat("\r\n").repeat(26_000)}`);
  const cfg = writeConfig(dir, `[client]\nconnect_to = ["tcp:127.0.0.1:${freePort()}"]\non_error = "accept"\n`);
  const r = await piped(["filter", "--config", cfg], "head -c 1", msg);
  expect(r.stderr).toContain("kas: could not write the message to standard output (EPIPE): not delivered, try again");
  expect(r.stderr).not.toContain("internal error");
  expect(r.status).toBe(75);
}, 60_000);
