// Rule tuning figures on the SpamAssassin public corpus.
//
//   bun src/bench/rule-stats.ts [--rules DIR] [--eval] [--quiet] [--fp] [--fn]
//
// Training split (spam-1, easy-ham-1): per-rule hits on spam and ham with S/O (the share of
// a rule's hits that were spam, after normalising the group sizes), then recall and false
// positives at score 3 and 5. --fp / --fn list the training messages on the wrong side of 5.
// --eval prints ONLY the summary figures for the evaluation split (spam-2, easy-ham-2,
// hard-ham-1): no per-rule lines, so nobody tunes rules on it (DESIGN.md §7).
//
// The rules are compiled with the product's compiler (src/ruledb compileDir) and matched
// with its matcher (loadRuleDb), so the figures are the product's own.
import { readFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { compileDir, formatDiagnostic } from "../ruledb/compile";
import { loadRuleDb } from "../ruledb/match";
import type { RuleDb } from "../ruledb/types";
import type { ParsedMessage } from "../message/types";
import { parseMessage } from "../message/parse";
import { defaults } from "../config/load";
import { scoreOf } from "../engine/verdict";
import { EVAL, groupFiles, TRAIN } from "./corpus";

const REPO = resolve(import.meta.dir, "../..");
const THRESHOLDS = [3, 5];

const args = process.argv.slice(2);
const flag = (f: string) => args.includes(f);
const rulesDir = flag("--rules") ? resolve(args[args.indexOf("--rules") + 1] ?? "") : join(REPO, "rules");

function loadDb(dir: string): RuleDb {
  const r = compileDir(dir);
  for (const d of r.diagnostics) console.error(formatDiagnostic(d));
  if (!r.db) {
    console.error(`rules in ${dir} do not compile: fix the errors above`);
    process.exit(65);
  }
  return loadRuleDb(r.db);
}

interface Scored {
  file: string;
  score: number;
  hits: string[];
}

/** Parse once, match once: each message is read, parsed and scored exactly one time per run. */
async function scoreGroup(db: RuleDb, group: string): Promise<Scored[]> {
  const out: Scored[] = [];
  for (const path of groupFiles(group)) {
    const msg: ParsedMessage = await parseMessage(readFileSync(path), defaults().scan);
    const r = db.match(msg, { checkSymbols: [], deadline: performance.now() + 10_000 });
    out.push({ file: `${group}/${basename(path)}`, score: scoreOf(r.hits), hits: r.hits.map((h) => h.name) });
  }
  return out;
}

const pct = (n: number, d: number) => `${((100 * n) / d).toFixed(2)}%`;

function summary(label: string, spam: Scored[] | undefined, hams: [string, Scored[]][]) {
  for (const t of THRESHOLDS) {
    const parts: string[] = [];
    if (spam) parts.push(`recall ${spam.filter((s) => s.score >= t).length}/${spam.length} ${pct(spam.filter((s) => s.score >= t).length, spam.length)}`);
    for (const [g, h] of hams) parts.push(`FP ${g} ${h.filter((s) => s.score >= t).length}/${h.length} ${pct(h.filter((s) => s.score >= t).length, h.length)}`);
    console.log(`${label} score>=${t}: ${parts.join("  ")}`);
  }
}

const db = loadDb(rulesDir);
console.log(`rules: ${rulesDir} (${db.ruleCount} rules and metas)`);

if (flag("--eval")) {
  // Evaluation split: summary figures only, by design.
  const spam = (await Promise.all(EVAL.spam.map((g) => scoreGroup(db, g)))).flat();
  const hams: [string, Scored[]][] = [];
  for (const g of EVAL.ham) hams.push([g, await scoreGroup(db, g)]);
  summary(`eval ${EVAL.spam.join("+")}`, spam, hams);
} else {
  const spam = (await Promise.all(TRAIN.spam.map((g) => scoreGroup(db, g)))).flat();
  const ham = (await Promise.all(TRAIN.ham.map((g) => scoreGroup(db, g)))).flat();
  if (!flag("--quiet")) {
    const count = new Map<string, [number, number]>();
    const add = (list: Scored[], k: 0 | 1) => list.forEach((m) => m.hits.forEach((h) => ((count.get(h) ?? count.set(h, [0, 0]).get(h)!)[k] += 1)));
    add(spam, 0);
    add(ham, 1);
    const rows = [...count].sort((a, b) => b[1][0] - a[1][0] || a[1][1] - b[1][1]);
    console.log(`${"rule".padEnd(28)} ${"spam".padStart(13)} ${"ham".padStart(13)}   S/O`);
    for (const [name, [s, h]] of rows) {
      const rs = s / spam.length;
      const rh = h / ham.length;
      console.log(`${name.padEnd(28)} ${String(s).padStart(5)} ${pct(s, spam.length).padStart(7)} ${String(h).padStart(5)} ${pct(h, ham.length).padStart(7)}  ${(rs / (rs + rh)).toFixed(2)}`);
    }
  }
  summary(`train ${TRAIN.spam.join("+")}`, spam, [[TRAIN.ham.join("+"), ham]]);
  if (flag("--fp")) for (const m of ham.filter((m) => m.score >= 5)) console.log(`FP ${m.score.toFixed(1)} ${m.file} ${m.hits.join(" ")}`);
  if (flag("--fn")) for (const m of spam.filter((m) => m.score < 5).sort((a, b) => a.score - b.score)) console.log(`FN ${m.score.toFixed(1)} ${m.file} ${m.hits.join(" ")}`);
}
