// `bun src/bench/engine-equal.ts`: a behaviour-equality check for work on the scan engine's
// speed. It scans every message of the whole SpamAssassin corpus (all groups: this compares
// engines, it tunes nothing, so the EVAL rule of DESIGN.md §7 is not at stake) and every file
// under fixtures/messages/ with the active rules and the phishing and date-skew checks (what a filtering
// process runs, rules only), and writes one line per message: status, score, sorted hit names.
//   --write <file>    store the lines (the baseline, before an optimisation)
//   --compare <file>  scan again and exit 1 on the first differing message, 0 when identical
// The first line records a digest of the rule sources (rules/*.cf, which the built-in database
// is compiled from) and of the message list: a baseline made from other rules (rules/ changed
// in between) cannot be compared, and the check says so instead of reporting a difference the
// engine did not make. The compiled database's digest is printed but not compared, so a change
// to the compiler's output (e.g. better prefilter literals) can be checked too.
// To compare engines on the current rules: extract the old commit (git archive) next to a copy
// of rules/ and fixtures/, --write there, then --compare here.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { createDateSkewCheck } from "../checks/date-skew";
import { createPhishingCheck } from "../checks/phishing";
import { defaults } from "../config/load";
import { createScanner } from "../engine/scanner";
import { builtinSources } from "../ruledb/builtin-macro";
import { benchArgs } from "./bench-args";
import { corpusGroups, CORPUS_DIR, groupFiles } from "./corpus";

const ROOT = join(import.meta.dir, "../..");
const FIXTURES = join(ROOT, "fixtures/messages");

function walk(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((f) => {
      const p = join(dir, f);
      return statSync(p).isDirectory() ? walk(p) : [p];
    });
}

/**
 * The lines of the check: a header with the rules digest, then one line per message of the
 * corpus `groups` (all five by default) and of fixtures/messages/.
 */
export async function engineLines(groups: readonly string[] = corpusGroups()): Promise<string[]> {
  const scanner = await createScanner(defaults(), { checks: [createPhishingCheck(), createDateSkewCheck()] });
  const files = [...groups.flatMap(groupFiles), ...walk(FIXTURES)];
  if (scanner.dbSource !== "built-in") throw new Error(`engine-equal compares engines on the built-in rules (rules/), but the active database is ${scanner.dbSource}`);
  const h = createHash("sha256");
  for (const s of builtinSources()) h.update(`${s.path}\0${s.text}\0`);
  const lines = [`rules/ sources sha256 ${h.digest("hex")}; ${files.length} messages`];
  console.log(`engine-equal: compiled database ${scanner.db.version} digest ${scanner.db.digest}`);
  for (const f of files) {
    const r = await scanner.scan({ id: f, envelope: { rcpt: [] }, raw: readFileSync(f) });
    const name = f.startsWith(CORPUS_DIR) ? `corpus/${relative(CORPUS_DIR, f)}` : relative(ROOT, f);
    lines.push(`${name}\t${r.status}\t${r.score}\t${r.hits.map((h) => h.name).sort().join(",")}`);
  }
  return lines;
}

if (import.meta.main) {
  const args = benchArgs("src/bench/engine-equal.ts", {
    write: { type: "string", help: "store the scan results in this file (the baseline)" },
    compare: { type: "string", help: "scan again and compare with this baseline" },
    help: { type: "boolean", help: "this text" },
  });
  if (!args.write === !args.compare) {
    console.error("engine-equal: give exactly one of --write <file> or --compare <file> (see --help)");
    process.exit(2);
  }
  const t0 = performance.now();
  const lines = await engineLines();
  const secs = ((performance.now() - t0) / 1000).toFixed(1);
  if (args.write) {
    writeFileSync(args.write, lines.join("\n") + "\n");
    console.log(`engine-equal: ${lines.length - 1} messages written to ${args.write} in ${secs} s (${lines[0]})`);
    process.exit(0);
  }
  const base = readFileSync(args.compare, "utf8").trimEnd().split("\n");
  if (base[0] !== lines[0]) {
    console.error(`engine-equal: the baseline was made with other rules or messages:\n  baseline: ${base[0]}\n  now:      ${lines[0]}\nrebuild it from the engine before your change (--write), then compare`);
    process.exit(2);
  }
  const diff = lines.findIndex((l, i) => l !== base[i]);
  if (diff >= 0 || base.length !== lines.length) {
    const at = diff >= 0 ? diff : Math.min(base.length, lines.length);
    const count = lines.filter((l, i) => l !== base[i]).length;
    console.error(`engine-equal: ${count} message(s) differ; first:\n  baseline: ${base[at] ?? "(none)"}\n  now:      ${lines[at] ?? "(none)"}`);
    process.exit(1);
  }
  console.log(`engine-equal: identical, ${lines.length - 1} messages in ${secs} s (${lines[0]})`);
}
