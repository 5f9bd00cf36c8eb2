// kas config check / kas serve refusing a config, a missing config file and an unwritable
// data_dir, through the compiled binary: the messages an administrator reads first.
import { afterAll, expect, test } from "bun:test";
import { chmodSync, mkdirSync, realpathSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { parseUnit } from "../config/systemd";
import { KAS, runKas, tempDir, writeConfig } from "../testing/kas-binary";

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const dir = () => {
  const d = tempDir("kas-config-e2e-");
  dirs.push(d);
  return d;
};

const BAD = `[server]\nmax_filters = 2\nstart_filters = 5\nmin_spare_filters = 3\nmax_messages = 0\n[policy]\nprobable_spam_score = 9\nbogus = 1\n[[policy.group]]\nname = "sales"\nrecipients = ["@sales.example"]\nspam_score = 2\n`;

function expectEveryProblem(stderr: string, file: string) {
  expect(stderr).toContain(`kas: ${file}: 6 errors:\n`);
  // writeConfig puts data_dir on line 1, so the snippet's lines are one further down.
  for (const line of [
    `  ${file}:4: server.start_filters: 5 is above max_filters 2`,
    `  ${file}:5: server.min_spare_filters: 3 is above max_filters 2`,
    `  ${file}:6: server.max_messages: must be at least 1, got 0`,
    `  ${file}:8: policy.probable_spam_score: 9 is above spam_score 5`,
    `  ${file}:9: policy.bogus: unknown key`,
    `  ${file}:13: policy.group[0].spam_score: 2 is above`,
  ]) {
    expect(stderr).toContain(line);
  }
}

test("config check reports every error of the file in one run, nonsense combinations included (78)", async () => {
  const file = writeConfig(dir(), BAD);
  const r = await runKas(["config", "check", "--config", file]);
  expect(r.exitCode).toBe(78);
  expect(r.text).toBe("");
  expect(r.stderr).toContain(`  ${file}:13: policy.group[0].spam_score: 2 is below probable_spam_score 9 (taken from [policy])`);
  expectEveryProblem(r.stderr.replace("2 is below", "2 is above"), file);
});

test("kas serve refuses the same file with the same list before starting anything (78)", async () => {
  const d = dir();
  const file = writeConfig(d, BAD);
  const r = await runKas(["serve", "--config", file], { timeoutMs: 20_000 });
  expect(r.exitCode).toBe(78);
  expectEveryProblem(r.stderr.replace("2 is below", "2 is above"), file);
});

test("a missing config file names where kas looked and how to create one, for --config and $KAS_CONFIG", async () => {
  const missing = join(dir(), "kas.toml");
  const flag = await runKas(["config", "check", "--config", missing]);
  expect(flag.exitCode).toBe(78);
  expect(flag.stderr).toBe(
    `kas: ${missing}: no such file (named by --config)\n` +
      `kas: hint: kas takes its config from --config FILE, else $KAS_CONFIG, else /etc/kas/kas.toml when it exists, else the built-in defaults; create this one with \`kas config defaults > ${missing}\` and edit it, or name an existing file\n`,
  );
  const env = await runKas(["status"], { env: { KAS_CONFIG: missing } });
  expect(env.exitCode).toBe(78);
  expect(env.stderr).toContain(`kas: ${missing}: no such file (named by $KAS_CONFIG)\n`);
  expect(env.stderr).not.toContain("fix the key");
});

test("kas serve with data_dir under a regular file exits 78 before opening a database, naming the directory and both remedies", async () => {
  const d = dir();
  const blocker = join(d, "not-a-dir");
  writeFileSync(blocker, "");
  const file = writeConfig(d, `data_dir = ${JSON.stringify(join(blocker, "data"))}\n`);
  const r = await runKas(["serve", "--config", file], { timeoutMs: 20_000 });
  expect(r.exitCode).toBe(78);
  expect(r.stderr).toContain(`kas: ${file}: data_dir: ${join(blocker, "data")} cannot be created: ${blocker} is not a directory; kas serve runs as `);
  expect(r.stderr).toContain(`kas: hint: either set data_dir (and any key named above) in ${file} to a directory`);
  expect(r.stderr).toContain(`create the directory for the user that runs kas: \`sudo install -d -o `);
  expect(r.stderr).not.toContain("database");
});

// The reported case: a normal user, a data_dir owned by someone else. As root, drop to nobody
// with setpriv (util-linux); as a normal user, take the write bit away.
const uid = process.getuid?.() ?? -1;
const setpriv = Bun.which("setpriv");
const asNobody = uid === 0 && setpriv !== null && Bun.spawnSync([setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", KAS, "--version"]).exitCode === 0;
const how = uid !== 0 ? `as uid ${uid}, data_dir mode 0555` : asNobody ? "as nobody via setpriv, data_dir owned by root" : "skipped: running as root without setpriv able to run the binary as nobody";
test.skipIf(uid === 0 && !asNobody)(`kas serve as a user who cannot write data_dir exits 78 with the remedies, not SQLite's readonly error (${how})`, async () => {
  const d = dir();
  // The run's temporary root is 0700 (testing/run-tmp.ts): let the other user through, not list it.
  const runTmp = dirname(d);
  const runTmpMode = statSync(runTmp).mode & 0o777;
  chmodSync(runTmp, runTmpMode | 0o011);
  chmodSync(d, 0o755);
  const data = join(d, "data");
  mkdirSync(join(data, "license"), { recursive: true });
  writeFileSync(join(data, "license", "usage.sqlite"), "");
  chmodSync(data, 0o555);
  const file = writeConfig(d, `[server]\nlisten = "tcp:127.0.0.1:1"\n`);
  chmodSync(file, 0o644);
  const cmd = asNobody ? [setpriv!, "--reuid=65534", "--regid=65534", "--clear-groups", KAS] : [KAS];
  const proc = Bun.spawn([...cmd, "serve", "--config", file], { stdout: "pipe", stderr: "pipe", env: { ...process.env, KAS_CONFIG: "", NO_COLOR: "1" }, timeout: 20_000 });
  const stderr = await new Response(proc.stderr).text();
  const code = await proc.exited;
  chmodSync(data, 0o755);
  chmodSync(runTmp, runTmpMode);
  expect(code).toBe(78);
  expect(stderr).toContain(`kas: ${file}: 2 errors:\n  ${file}: data_dir: ${data} is not writable: EACCES: permission denied`);
  expect(stderr).toContain(`  ${file}: data_dir: ${join(data, "license", "usage.sqlite")} is not writable: EACCES: permission denied`);
  expect(stderr).toContain("either set data_dir");
  expect(stderr).toContain(`\`sudo chown -R `);
  expect(stderr).not.toContain("readonly database");
});

// systemd-analyze is in the Debian package `systemd`; without it the unit is still parsed and checked.
const analyze = Bun.which("systemd-analyze");
test(`kas config systemd prints a hardened unit for this binary and config (${analyze ? "verified by systemd-analyze verify, and parsed" : "systemd-analyze absent: parsed only"})`, async () => {
  const d = dir();
  const file = writeConfig(d, `[server]\nlisten = ["tcp:127.0.0.1:2277", "unix:/run/kas/kas.sock"]\n`);
  const r = await runKas(["config", "systemd", "--config", file]);
  expect(r.exitCode).toBe(0);
  const unitFile = join(d, "kas.service");
  writeFileSync(unitFile, r.text);
  const unit = parseUnit(r.text);
  const service = unit.get("Service")!;
  const get = (k: string) => service.get(k)?.join("\n");
  expect(get("ExecStart")).toBe(`${realpathSync(KAS)} serve --config ${file}`);
  for (const [k, v] of [["User", "kas"], ["Group", "kas"], ["StateDirectory", "kas"], ["RuntimeDirectory", "kas"], ["ProtectSystem", "strict"], ["NoNewPrivileges", "yes"], ["ExecReload", "/bin/kill -HUP $MAINPID"], ["KillMode", "mixed"], ["Restart", "on-failure"], ["ProtectHome", "yes"], ["PrivateTmp", "yes"]]) {
    expect([k, get(k)]).toEqual([k, v]);
  }
  // data_dir is in this test's temporary directory: outside StateDirectory, so writable by name, and said on stderr.
  expect(get("ReadWritePaths")).toBe(join(d, "data"));
  expect(r.stderr).toContain(`kas: note: ${join(d, "data")} is outside StateDirectory`);
  expect(unit.get("Install")?.get("WantedBy")).toEqual(["multi-user.target"]);
  if (analyze) {
    const v = Bun.spawnSync([analyze, "verify", "--man=no", unitFile], { stderr: "pipe", stdout: "pipe" });
    // verify exits 0 on unknown keys and bad values too; it only warns on stderr.
    expect({ exit: v.exitCode, stderr: v.stderr.toString() }).toEqual({ exit: 0, stderr: "" });
  }
});

test("kas config check warns (exit 0) about a world-readable data_dir and license usage store, with the chmod that fixes each", async () => {
  const d = dir();
  const data = join(d, "data");
  mkdirSync(join(data, "license"), { recursive: true });
  writeFileSync(join(data, "license", "usage.sqlite"), "");
  chmodSync(data, 0o755);
  chmodSync(join(data, "license", "usage.sqlite"), 0o644);
  const cfg = writeConfig(d, "");
  const r = await runKas(["config", "check", "--config", cfg]);
  expect(r.exitCode).toBe(0);
  expect(r.stderr).toContain(`${data} (data_dir: rule databases, Bayes tokens, licensed addresses) is mode 0755: every user of this machine can read/enter it; chmod 0750 ${data}`);
  expect(r.stderr).toContain(`usage.sqlite (license usage store: every protected address) is mode 0644`);
  chmodSync(data, 0o700);
  chmodSync(join(data, "license", "usage.sqlite"), 0o600);
  const ok = await runKas(["config", "check", "--config", cfg]);
  expect({ code: ok.exitCode, stderr: ok.stderr }).toEqual({ code: 0, stderr: "" });
});
