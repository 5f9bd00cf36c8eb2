// `kas filter` (client mode, compiled binary) against servers that are down, not
// listening, answering garbage or stalling: on_error decides, with the right exit code and
// bytes; and against a real `kas serve`: edits applied, reject verdicts, size_limit.
import { afterAll, expect, test } from "bun:test";
import { join } from "node:path";
import { runKas, tempDir, writeConfig } from "../testing/kas-binary";
import { freePort, startServer, type Served } from "../testing/kas-server";

const MSG = "From: a@example.org\r\nTo: b@example.com\r\nSubject: hello\r\n\r\nJust a note.\r\n";
const dir = tempDir("kas-filter-e2e-");

// A server that answers every connection with bytes that are not the protocol.
const garbage = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data(s) { s.write("SPAMD/1.1 0 EX_OK\r\nwhat?\r\n\r\n"); s.end(); } } });
// A server that accepts and reads but never answers.
const stalling = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
// A Unix socket file nobody accepts on (a crashed server's leftover).
const stalePath = join(dir, "stale.sock");
Bun.listen({ unix: stalePath, socket: { data() {} } }).stop(true);

const servers: Served[] = [];
afterAll(() => {
  garbage.stop(true);
  stalling.stop(true);
  for (const s of servers) if (s.proc.exitCode === null) s.proc.kill("SIGKILL");
});

const cases: [string, string][] = [
  ["down", `tcp:127.0.0.1:${freePort()}`],
  ["not listening", `unix:${stalePath}`],
  ["answering garbage", `tcp:127.0.0.1:${garbage.port}`],
  ["stalling past data_timeout", `tcp:127.0.0.1:${stalling.port}`],
];

for (const [what, addr] of cases) {
  test.each([
    ["tempfail", 75],
    ["reject", 69],
    ["accept", 0],
  ] as const)(`server ${what}: on_error=%s → exit %d`, async (mode, code) => {
    const cfg = writeConfig(tempDir("kas-f-"), `[client]\nconnect_to = [${JSON.stringify(addr)}]\non_error = "${mode}"\nconnect_timeout = 2\ndata_timeout = 0.5\n`);
    const r = await runKas(["filter", "--config", cfg], { stdin: MSG });
    expect(r.exitCode).toBe(code);
    expect(r.stderr).toContain(`on_error=${mode}`);
    if (mode === "accept") {
      // The message itself, unmodified, plus the two headers that say it was not scanned and
      // why (long values are folded, RFC 5322 §2.2.3: unfold before looking).
      const unfolded = r.text.replace(/\r\n(?=[ \t])/g, "");
      expect(unfolded).toContain("X-KAS-Status: unscanned\r\n");
      expect(unfolded).toMatch(/X-KAS-Unscanned: error:\s\S+: (connect|timeout|protocol|closed):\s/);
      expect(unfolded.replace(/X-KAS-(Status|Unscanned): [^\r\n]*\r\n/g, "")).toBe(MSG);
    } else {
      expect(r.stdout.byteLength).toBe(0);
      expect(r.stderr).toContain(mode === "reject" ? "kas: 5.3.0 " : "kas: 4.3.0 ");
    }
  });
}

test("against a real server: fail-over past a dead address, edits applied, size_limit respected, reject verdict exits 69", async () => {
  const s = await startServer(tempDir("kas-fs-"), { toml: `[policy]\nspam_action = "reject"\nreject_text = "5.7.1 No spam here"\n`, server: "start_filters = 1" });
  servers.push(s);
  const cfg = writeConfig(tempDir("kas-f-"), `[client]\nconnect_to = ["tcp:127.0.0.1:${freePort()}", ${JSON.stringify(s.tcp)}]\nsize_limit = 2048\n`);
  const ok = await runKas(["filter", "--config", cfg], { stdin: MSG });
  expect(ok.exitCode).toBe(0);
  expect(ok.text).toMatch(/^X-KAS-Status: \w+\r\n/m);
  expect(ok.text).toContain("Just a note.");
  expect(ok.stderr).toContain("failed (connect:");

  const big = MSG + "x".repeat(3000) + "\r\n";
  const passed = await runKas(["filter", "--config", cfg], { stdin: big });
  expect(passed.exitCode).toBe(0);
  expect(passed.text).toContain(`X-KAS-Unscanned: size ${big.length} > size_limit 2048\r\n`);

  const gtube = MSG.replace("Just a note.", "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X");
  const rejected = await runKas(["filter", "--config", cfg], { stdin: gtube });
  expect(rejected.exitCode).toBe(69);
  expect(rejected.stdout.byteLength).toBe(0);
  expect(rejected.stderr).toContain("5.7.1 No spam here");
  expect(await s.stop()).toBe(0);
}, 30_000);

test("the quick start (the command lines MTAs write) and citty's parsing of the same line give the same outcome", async () => {
  const s = await startServer(tempDir("kas-fq-"), { toml: `[policy]\nspam_action = "reject"\nreject_text = "5.7.1 No spam here"\n`, server: "start_filters = 1" });
  servers.push(s);
  const cfg = writeConfig(tempDir("kas-f-"), `[client]\nconnect_to = [${JSON.stringify(s.tcp)}]\n`);
  const gtube = MSG.replace("Just a note.", "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X");
  // `--no-local` means what leaving it out means, but only citty parses it (cli/filter-args.ts quickFilterOptions).
  const line = ["filter", "--config", cfg, "--ip", "192.0.2.7", "--from", "", "--rcpt", "b@example.com", "c@example.com", "--id", "Q1"];
  for (const [stdin, code] of [[MSG, 0], [gtube, 69]] as const) {
    const [quick, citty] = [await runKas(line, { stdin }), await runKas([...line, "--no-local"], { stdin })];
    expect([quick.exitCode, citty.exitCode]).toEqual([code, code]);
    expect(quick.text).toBe(citty.text);
    const untimed = (t: string) => t.replace(/^\d{4}-\d\d-\d\dT[\d:.]+Z /gm, "");
    expect(untimed(quick.stderr)).toBe(untimed(citty.stderr));
    const [qj, cj] = [await runKas([...line, "--json"], { stdin }), await runKas([...line, "--json", "--no-local"], { stdin })];
    const verdict = (t: string) => {
      const { timings, elapsed_ms, ...v } = JSON.parse(t);
      return v;
    };
    expect(verdict(qj.text)).toEqual(verdict(cj.text));
    expect(verdict(qj.text).id).toBe("Q1");
  }
  // A line only citty parses still fails as it always did.
  const bad = await runKas(["filter", "--config", cfg, "--bogus"], { stdin: MSG });
  expect([bad.exitCode, bad.stderr]).toEqual([64, "kas: unknown option --bogus\nkas: hint: see --help for the options of this command\n"]);
  expect(await s.stop()).toBe(0);
}, 30_000);
