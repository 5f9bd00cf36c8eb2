// `kas filter … -- COMMAND…` through the compiled binary against a real `kas serve`: the
// filtered message is piped into COMMAND (here a script that records its stdin and argv, as
// /usr/sbin/sendmail would get them) and COMMAND's exit status is kas's; every failure of kas
// itself is 75 (Postfix pipe(8) bounces on anything else); a policy reject is delivered tagged.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { REPO, runKas, tempDir, writeConfig } from "../testing/kas-binary";
import { freePort, startServer, type Served } from "../testing/kas-server";

const ham = readFileSync(join(REPO, "fixtures/messages/ham.eml"), "latin1");
const gtube = readFileSync(join(REPO, "fixtures/messages/gtube.eml"), "latin1");
const dir = tempDir("kas-freinject-");
const servers: Served[] = [];
let server: Served;
let cfg: string;

// The stand-in for sendmail: argv one per line, stdin to a file, then the exit the test asks for.
const script = join(dir, "reinject.sh");
writeFileSync(script, `#!/bin/sh\nprintf '%s\\n' "$@" > "$OUT.argv"\ncat > "$OUT.msg"\ncase "$EXIT" in\n  KILL) kill -KILL $$ ;;\n  *) exit "\${EXIT:-0}" ;;\nesac\n`);
chmodSync(script, 0o755);

beforeAll(async () => {
  server = await startServer(tempDir("kas-freinject-srv-"), {
    toml: `[policy]\nspam_action = "reject"\nspam_subject_prefix = "[SPAM]"\nreject_text = "5.7.1 No spam here"\n[[policy.group]]\nname = "later"\nrecipients = ["@later.test"]\nspam_action = "tempfail"\n`,
    server: "start_filters = 1",
  });
  servers.push(server);
  cfg = writeConfig(tempDir("kas-freinject-c-"), `[client]\nconnect_to = [${JSON.stringify(server.tcp)}]\n[policy]\nspam_subject_prefix = "[SPAM]"\n`);
}, 30_000);
afterAll(() => {
  for (const s of servers) if (s.proc.exitCode === null) s.proc.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

let n = 0;
/** Runs `kas filter ARGS -- reinject.sh CMDARGS` with the script told to exit `exit`; returns kas's result and what the script got. */
async function filter(args: string[], stdin: string, exit: string | number = 0, cmd: string[] = [script, "-G", "-i", "-f", "", "--", "b@example.com"]) {
  const out = join(dir, `run${++n}`);
  const r = await runKas(["filter", ...args, "--", ...cmd], { stdin, env: { OUT: out, EXIT: String(exit) } });
  const got = existsSync(`${out}.msg`) ? readFileSync(`${out}.msg`, "latin1") : undefined;
  const argv = existsSync(`${out}.argv`) ? readFileSync(`${out}.argv`, "utf8").split("\n").slice(0, -1) : undefined;
  return { ...r, got, argv };
}

test("the filtered message goes into the command with its argv intact (empty -f, its own --, a -h), nothing on stdout; exit 0", async () => {
  const r = await filter(["--config", cfg, "--ip", "", "--helo", "", "--from", "MAILER-DAEMON", "--rcpt", "b@example.com", "c@example.com"], ham, 0, [script, "-G", "-i", "-f", "", "-h", "--", "b@example.com", "c@example.com"]);
  expect([r.exitCode, r.stdout.byteLength]).toEqual([0, 0]);
  expect(r.argv).toEqual(["-G", "-i", "-f", "", "-h", "--", "b@example.com", "c@example.com"]);
  expect(r.got).toMatch(/^X-KAS-Status: not_detected\r?\n/m);
  // The original message follows the added fields, byte for byte.
  expect(r.got!.endsWith(ham.slice(ham.indexOf("\n\n") >= 0 ? ham.indexOf("\n\n") : ham.indexOf("\r\n\r\n")))).toBe(true);
}, 30_000);

test.each([
  [75, 75],
  [67, 67],
  ["KILL", 75],
] as const)("the command exits %p → kas exits %p", async (exit, code) => {
  const r = await filter(["--config", cfg, "--rcpt", "b@example.com"], ham, exit);
  expect(r.exitCode).toBe(code);
  expect(r.got).toContain("X-KAS-Status: ");
  if (exit === "KILL") expect(r.stderr).toContain("killed by SIGKILL: message deferred");
}, 30_000);

test("a policy reject after the queue is delivered tagged (verdict headers, subject prefix), not bounced", async () => {
  const r = await filter(["--config", cfg, "--from", "forged@example.org", "--rcpt", "b@example.com"], gtube);
  expect(r.exitCode).toBe(0);
  expect(r.got).toMatch(/^X-KAS-Status: spam\r?\n/m);
  expect(r.got).toMatch(/^X-Spam-Flag: YES\r?\n/m);
  expect(r.got).toMatch(/^Subject: \[SPAM\] /m);
  expect(r.stderr).toContain("reject after the queue: delivered tagged");
  // Without a re-injection command the same message is still refused (exit 69).
  const plain = await runKas(["filter", "--config", cfg, "--rcpt", "b@example.com"], { stdin: gtube });
  expect([plain.exitCode, plain.stdout.byteLength]).toEqual([69, 0]);
}, 30_000);

test("a policy tempfail after the queue exits 75 and does not run the command", async () => {
  const r = await filter(["--config", cfg, "--rcpt", "x@later.test"], gtube);
  expect([r.exitCode, r.got]).toEqual([75, undefined]);
}, 30_000);

test("every failure of kas itself exits 75 with a command, never a bounce code", async () => {
  const bad = writeConfig(tempDir("kas-freinject-bad-"), "[client]\nconect_to = []\n");
  const down = (mode: string) => writeConfig(tempDir("kas-freinject-down-"), `[client]\nconnect_to = ["tcp:127.0.0.1:${freePort()}"]\non_error = "${mode}"\nconnect_timeout = 1\n`);
  const cases: [string, string[], string[]?][] = [
    ["config error", ["--config", bad]],
    ["unknown option", ["--config", cfg, "--bogus"]],
    ["bad recipient", ["--config", cfg, "--rcpt", "nobody"]],
    ["--json", ["--config", cfg, "--json"]],
    ["server down, on_error=reject", ["--config", down("reject")]],
    ["server down, on_error=tempfail", ["--config", down("tempfail")]],
    ["missing command", ["--config", cfg], [join(dir, "no-such-sendmail"), "-i"]],
    ["nothing after --", ["--config", cfg], []],
  ];
  for (const [what, args, cmd] of cases) {
    const r = await filter(args, ham, 0, cmd);
    expect({ what, code: r.exitCode, delivered: r.got !== undefined }).toEqual({ what, code: 75, delivered: false });
    // Said on stderr (pipe(8) puts it in the log and the delay notice): the error, or the log line.
    expect(r.stderr).toMatch(/^kas: |error \[filter\]/m);
  }
  // The same config error without a re-injection command keeps its own code.
  expect((await runKas(["filter", "--config", bad], { stdin: ham })).exitCode).toBe(78);
}, 60_000);

test("server down with on_error=accept: delivered unscanned, with the header that says why", async () => {
  const c = writeConfig(tempDir("kas-freinject-acc-"), `[client]\nconnect_to = ["tcp:127.0.0.1:${freePort()}"]\non_error = "accept"\nconnect_timeout = 1\n`);
  const r = await filter(["--config", c], ham);
  expect(r.exitCode).toBe(0);
  expect(r.got).toContain("X-KAS-Status: unscanned");
}, 30_000);

test("--local with a command: the same after-queue rules (reject delivered tagged) without a server", async () => {
  const c = writeConfig(tempDir("kas-freinject-local-"), `[policy]\nspam_action = "reject"\nspam_subject_prefix = "[LOCAL SPAM]"\n`);
  const r = await filter(["--local", "--config", c, "--rcpt", "b@example.com"], gtube);
  expect(r.exitCode).toBe(0);
  expect(r.got).toMatch(/^X-KAS-Status: spam\r?\n/m);
  expect(r.got).toMatch(/^Subject: \[LOCAL SPAM\] /m);
}, 60_000);
