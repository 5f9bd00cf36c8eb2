// kas learn --connect and kas scan --connect against the compiled `kas serve`: the server
// learns into its own token database, its filtering processes then give Bayes bands; scan
// prints one line per message in input order, and says why (exit 75) when no server answers.
import { afterAll, expect, test } from "bun:test";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { REPO, runKas, tempDir, writeConfig } from "../testing/kas-binary";
import { corpus, message } from "../testing/mail-corpus";
import { freePort, startServer, type Served } from "../testing/kas-server";

const servers: Served[] = [];
afterAll(() => {
  for (const s of servers) if (s.proc.exitCode === null) s.proc.kill("SIGKILL");
}, 30_000);

test("learn --connect, then scan --connect -j 3: Bayes bands from the server, lines in input order", async () => {
  const dir = tempDir("kas-scan-srv-");
  const s = await startServer(dir, { toml: "[bayes]\nmin_spam = 10\nmin_ham = 10\n", server: "start_filters = 2" });
  servers.push(s);
  const cfg = s.configPath;
  let r = await runKas(["learn", "--spam", corpus(dir, "spam", 12), "--connect", s.tcp, "--config", cfg]);
  expect(r.exitCode).toBe(0);
  expect(r.text).toContain("learned 12 messages as spam: 12 new");
  r = await runKas(["learn", "--ham", corpus(dir, "ham", 12), "--connect", s.tcp, "--config", cfg]);
  expect(r.text).toContain("learned 12 messages as ham: 12 new");
  expect(r.text).toContain("server database: 12 spam, 12 ham");
  r = await runKas(["learn", "--ham", join(dir, "ham"), "--connect", s.tcp, "--config", cfg]);
  expect(r.text).toContain("0 new, 0 moved from spam, 12 already known");

  const scanDir = join(dir, "scan");
  corpus(scanDir, "spam", 3, 500);
  corpus(scanDir, "ham", 3, 500);
  r = await runKas(["scan", "--connect", s.tcp, "-j", "3", "--json", scanDir, "--config", cfg]);
  expect(r.stderr).toBe("");
  expect(r.exitCode).toBe(0);
  const lines = r.text.trim().split("\n").map((l) => JSON.parse(l));
  expect(lines.map((l) => l.path)).toEqual([...[500, 501, 502].map((i) => join(scanDir, "ham", `0${i}.eml`)), ...[500, 501, 502].map((i) => join(scanDir, "spam", `0${i}.eml`))]);
  const band = (l: { hits: { name: string }[] }) => l.hits.find((h) => /^BAYES_\d\d$/.test(h.name))?.name;
  expect(lines.slice(0, 3).map(band)).toEqual(["BAYES_00", "BAYES_00", "BAYES_00"]);
  expect(lines.slice(3).map(band)).toEqual(["BAYES_99", "BAYES_99", "BAYES_99"]);
  for (const l of lines) expect(typeof l.score).toBe("number");

  // The plain form: PATH TAB STATUS TAB SCORE TAB HITS.
  r = await runKas(["scan", "--connect", s.tcp, join(scanDir, "spam", "0500.eml"), "--config", cfg]);
  const [path, status, score, hits] = r.text.trim().split("\t");
  expect([path, status]).toEqual([join(scanDir, "spam", "0500.eml"), lines[3].status]);
  // The plain form shows the score as people read it (formatScore: one decimal, rounded down), JSON the exact score.
  expect(Number(score)).toBeLessThanOrEqual(lines[3].score);
  expect(lines[3].score - Number(score)).toBeLessThan(0.1);
  expect(hits.split(",")).toContain("BAYES_99");
  expect(await s.stop()).toBe(0);
}, 60_000);

test("no server: every line says unscanned with the reason, exit 75; --local and --connect together are a usage error", async () => {
  const dir = tempDir("kas-scan-none-");
  const msg = join(dir, "m.eml");
  writeFileSync(msg, message("spam", 1));
  const cfg = join(dir, "kas.toml");
  writeFileSync(cfg, `data_dir = ${JSON.stringify(join(dir, "data"))}\n[client]\nconnect_timeout = 2\n`);
  const down = `tcp:127.0.0.1:${freePort()}`;
  let r = await runKas(["scan", "--connect", down, "--json", msg, "--config", cfg]);
  expect(r.exitCode).toBe(75);
  const line = JSON.parse(r.text.trim());
  expect(line).toMatchObject({ path: msg, status: "unscanned", score: 0, hits: [] });
  expect(line.error).toContain(down);
  r = await runKas(["learn", "--spam", msg, "--connect", down, "--config", cfg]);
  expect(r.exitCode).toBe(69);
  r = await runKas(["scan", "--local", "--connect", down, msg, "--config", cfg]);
  expect(r.exitCode).toBe(64);
  r = await runKas(["scan", "-j", "0", msg, "--config", cfg]);
  expect(r.exitCode).toBe(64);
}, 30_000);

test("--summary: counts per status, elapsed time and messages/s on stderr at the end; none without it off a terminal", async () => {
  const dir = tempDir("kas-scan-sum-");
  try {
    const fixture = (n: string) => readFileSync(join(REPO, "fixtures/messages", n));
    const mail = join(dir, "mail");
    mkdirSync(mail);
    writeFileSync(join(mail, "a-spam.eml"), fixture("gtube.eml"));
    writeFileSync(join(mail, "b-ham.eml"), fixture("ham.eml"));
    writeFileSync(join(mail, "c-ham.eml"), fixture("ham.eml"));
    writeFileSync(join(mail, "index.json"), "{}");
    const cfg = writeConfig(dir);
    const r = await runKas(["scan", "--local", "--summary", mail, "--config", cfg]);
    expect(r.exitCode).toBe(0);
    expect(r.text.trim().split("\n")).toHaveLength(3);
    const last = r.stderr.trim().split("\n").at(-1)!;
    expect(last).toMatch(/^kas scan: 3 messages in \d+\.\d+ s \(\d+\.\d messages\/s\): spam 1, not_detected 2; 1 skipped \(not messages\)$/);
    const quiet = await runKas(["scan", "--local", mail, "--config", cfg]);
    expect(quiet.text).toBe(r.text);
    expect(quiet.stderr).not.toContain("kas scan:");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 30_000);
