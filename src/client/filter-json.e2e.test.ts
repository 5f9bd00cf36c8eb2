// `kas filter --json` through the compiled binary, --local and against a real `kas serve`:
// one JSON object on stdout instead of the message, the exit code the message would have
// got; and the server's log line agreeing with the header and naming the action taken.
import { afterAll, expect, test } from "bun:test";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { REPO, runKas, tempDir, writeConfig } from "../testing/kas-binary";
import { freePort, startServer, type Served } from "../testing/kas-server";

const gtube = readFileSync(join(REPO, "fixtures/messages/gtube.eml"));
const ham = readFileSync(join(REPO, "fixtures/messages/ham.eml"));
const dirs: string[] = [];
const servers: Served[] = [];
const dir = () => {
  const d = tempDir("kas-fjson-");
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const s of servers) if (s.proc.exitCode === null) s.proc.kill("SIGKILL");
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** stdout is exactly one JSON object and one newline. */
const report = (text: string) => {
  expect(text.endsWith("}\n")).toBe(true);
  expect(text.trim().split("\n")).toHaveLength(1);
  return JSON.parse(text);
};

test("--local --json: the verdict object instead of the message; prefix is named; reject exits 69 with the object", async () => {
  const cfg = writeConfig(dir(), '[policy]\nspam_action = "prefix"\nprobable_spam_score = 4\n');
  const r = await runKas(["filter", "--local", "--json", "--id", "q1", "--config", cfg], { stdin: gtube });
  expect(r.exitCode).toBe(0);
  const o = report(r.text);
  expect(o).toMatchObject({ id: "q1", status: "spam", threshold: 5, probable_threshold: 4, policy: "default", action: "prefix" });
  expect(o.score).toBeGreaterThan(1000);
  expect(o.score_shown).toBe((Math.floor(o.score * 10) / 10).toFixed(1));
  const g = o.hits.find((h: { name: string }) => h.name === "GTUBE");
  expect(g).toMatchObject({ score: 1000 });
  expect(g.description).toContain("Unsolicited Bulk Email");
  expect(Array.isArray(o.notes)).toBe(true);
  for (const k of ["parse_ms", "checks_ms", "rules_ms", "scan_ms", "elapsed_ms"]) expect(typeof o.timings[k]).toBe("number");
  expect(r.text).not.toContain("Subject:");

  const rej = writeConfig(dir(), '[policy]\nspam_action = "reject"\nreject_text = "5.7.1 No spam here"\n');
  const x = await runKas(["filter", "--local", "--json", "--config", rej], { stdin: gtube });
  expect(x.exitCode).toBe(69);
  expect(report(x.text)).toMatchObject({ status: "spam", action: "reject", reply: { code: 550, text: "5.7.1 No spam here" } });
  expect(x.stderr).toContain("kas: 5.7.1 No spam here");
}, 30_000);

test("client mode --json against kas serve: same fields plus the server; the server's log line matches the header", async () => {
  const s = await startServer(dir(), { toml: '[policy]\nspam_action = "prefix"\n', server: "start_filters = 1" });
  servers.push(s);
  const cfg = writeConfig(dir(), `[client]\nconnect_to = [${JSON.stringify(s.tcp)}]\n`);
  const r = await runKas(["filter", "--json", "--id", "c1", "--config", cfg], { stdin: gtube });
  expect(r.exitCode).toBe(0);
  const o = report(r.text);
  expect(o).toMatchObject({ id: "c1", status: "spam", threshold: 5, probable_threshold: 3, action: "prefix", server: s.tcp });
  expect(o.hits.find((h: { name: string }) => h.name === "GTUBE").description).toContain("Unsolicited Bulk Email");
  expect(typeof o.timings.scan_ms).toBe("number");
  expect(o.timings.elapsed_ms).toBeGreaterThanOrEqual(o.timings.scan_ms);

  // The same message without --json: the score in X-KAS-Score is the one the server logged.
  const plain = await runKas(["filter", "--id", "c2", "--config", cfg], { stdin: gtube });
  const header = /^X-KAS-Score: (\S+) \/ (\S+)\r?$/m.exec(plain.text)!;
  const line = await s.waitLog(/id=c2 /);
  expect(line).toContain(`status=spam score=${header[1]}/${header[2]} action=prefix `);
  expect(o.score_shown).toBe(header[1]);
  expect(await s.stop()).toBe(0);
}, 60_000);

test("client mode --json without a verdict: on_error decides the exit code; the object says why", async () => {
  const down = `tcp:127.0.0.1:${freePort()}`;
  for (const [mode, code, status] of [["tempfail", 75, "error"], ["reject", 69, "error"], ["accept", 0, "unscanned"]] as const) {
    const cfg = writeConfig(dir(), `[client]\nconnect_to = [${JSON.stringify(down)}]\non_error = "${mode}"\nconnect_timeout = 2\n`);
    const r = await runKas(["filter", "--json", "--id", "d1", "--config", cfg], { stdin: ham });
    expect(r.exitCode).toBe(code);
    const o = report(r.text);
    expect(o).toMatchObject({ id: "d1", status, action: mode, score: null, hits: [] });
    expect(o.error).toContain(down);
  }
}, 30_000);
