// `bun run bench:engine`: the scan engine in-process over the whole SpamAssassin corpus with
// the default (built-in) rules, one message at a time on one core. Prints messages/second,
// median and p99 per-message time, the time split (parse / rules), and peak RSS.
// Every message is read into memory first so disk I/O is not measured. Two passes: the first
// warms the JIT and the regex caches and is not counted. Options: --phishing adds the phishing
// and date-skew checks (always on in a filtering process, so rules-only serving runs them too); --no-bayes
// leaves out the rules + Bayes line. Throughput is also given per CPU-second of this process
// (user + system), the figure that stays meaningful on a shared, loaded machine.
import { readFileSync } from "node:fs";
import pkg from "../../package.json";
import { createDateSkewCheck } from "../checks/date-skew";
import { createPhishingCheck } from "../checks/phishing";
import { defaults } from "../config/load";
import { createScanner } from "../engine/scanner";
import { benchBayes, formatBayesBench } from "./bayes";
import { corpusGroups, groupFiles } from "./corpus";

const groups = corpusGroups();
const messages = groups.flatMap(groupFiles).map((f) => readFileSync(f));
const bytes = messages.reduce((a, m) => a + m.byteLength, 0);

const phishing = process.argv.includes("--phishing");
const scanner = await createScanner(defaults(), { checks: phishing ? [createPhishingCheck(), createDateSkewCheck()] : [] });
let peakRss = process.memoryUsage().rss;

async function pass(): Promise<{ wall: number; cpu: number; each: number[]; parse: number; rules: number }> {
  const each: number[] = [];
  let parse = 0;
  let rules = 0;
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  for (let i = 0; i < messages.length; i++) {
    const t = performance.now();
    const r = await scanner.scan({ id: String(i), envelope: { rcpt: [] }, raw: messages[i] });
    each.push(performance.now() - t);
    parse += r.timings.parseMs;
    rules += r.timings.rulesMs;
    if (i % 500 === 0) peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }
  const c = process.cpuUsage(c0);
  return { wall: performance.now() - t0, cpu: (c.user + c.system) / 1000, each, parse, rules };
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];
await pass();
const runs = [await pass(), await pass(), await pass()];
peakRss = Math.max(peakRss, process.memoryUsage().rss);
const rates = runs.map((r) => (messages.length / r.wall) * 1000).sort((a, b) => a - b);
const cpuRates = runs.map((r) => (messages.length / r.cpu) * 1000).sort((a, b) => a - b);
const all = runs.flatMap((r) => r.each).sort((a, b) => a - b);
const n = messages.length * runs.length;
console.log(`kas ${pkg.version} engine benchmark (bun ${Bun.version}, ${scanner.db.ruleCount} rules, database ${scanner.dbSource})`);
console.log(`corpus: ${messages.length} messages, ${(bytes / 1048576).toFixed(1)} MiB (${groups.join(", ")}); 1 warm-up + 3 timed passes, one core${phishing ? ", phishing check on" : ""}`);
console.log(`throughput: median ${rates[1].toFixed(0)} messages/s (passes: ${rates.map((r) => r.toFixed(0)).join(", ")})`);
console.log(`per CPU-second: median ${cpuRates[1].toFixed(0)} messages (passes: ${cpuRates.map((r) => r.toFixed(0)).join(", ")})`);
console.log(`per message: median ${pct(all, 50).toFixed(3)} ms, p99 ${pct(all, 99).toFixed(3)} ms, max ${all[all.length - 1].toFixed(1)} ms`);
console.log(`time split: parse ${(runs.reduce((a, r) => a + r.parse, 0) / n).toFixed(3)} ms, rules ${(runs.reduce((a, r) => a + r.rules, 0) / n).toFixed(3)} ms a message on average`);
console.log(`peak RSS: ${(peakRss / 1048576).toFixed(0)} MiB`);
// Rules only against rules + Bayes (a token database learned from the training split).
if (!process.argv.includes("--no-bayes")) for (const l of formatBayesBench(await benchBayes())) console.log(l);
