// How well each rule's literal prefilter works on the training split (spam-1 + easy-ham-1).
//
//   bun src/bench/prefilter-stats.ts [--rules DIR] [--top N] [--rounds N]
//
// For every rule on a long target (body, rawbody, full, uri) it counts the messages on which
// the prefilter (the rule's `wpre` on the scanner's reading of a segment, else its `pre`
// conjunctions, else its `lits`: see ruledb/regex-prefilter.ts)
// lets the regex run, those on which the regex matches, and the CPU time the regex took; the
// worst N rules (most regex time on messages it did not match) are listed with their
// prefilters ("a & b|c ; d": a and one of b, c; or d). The targets are built and cut as the
// matcher does (match.ts caps, segment.ts segments, each URI on its own); the timing is per
// regex call, so it shows which rules cost, not the matcher's total; the counts are exact
// and the same on every run, so they compare two prefilter choices on a busy machine.
// Training split only (DESIGN.md §7): the prefilter is chosen from these figures, so the
// evaluation split must not be looked at.
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { RE2JS } from "re2js";
import { defaults } from "../config/load";
import { parseMessage } from "../message/parse";
import type { ParsedMessage } from "../message/types";
import { compileDir, formatDiagnostic } from "../ruledb/compile";
import type { CompiledRule, RulesPayload } from "../ruledb/format";
import { BODY_CAP, FULL_CAP, MAX_URIS, URI_CAP } from "../ruledb/match";
import { SCRIPTS, scriptOf } from "../ruledb/scripts";
import { segments } from "../ruledb/segment";
import { benchArgs, intArg } from "./bench-args";
import { groupFiles, TRAIN } from "./corpus";

const CMD = "src/bench/prefilter-stats.ts";
const args = benchArgs(CMD, {
  rules: { type: "string", default: join(import.meta.dir, "../../rules"), help: "rules directory (default: the repository's rules/)" },
  top: { type: "string", default: "20", help: "how many of the worst rules to list" },
  rounds: { type: "string", default: "3", help: "timed passes (the median of each rule's time is shown)" },
  help: { type: "boolean", help: "this text" },
});
const top = intArg(CMD, "top", args.top);
const rounds = intArg(CMD, "rounds", args.rounds, 1);

const compiled = compileDir(resolve(args.rules));
for (const d of compiled.diagnostics) if (d.severity === "error") console.error(formatDiagnostic(d));
if (!compiled.db) {
  console.error(`${CMD}: the rules in ${args.rules} do not compile: fix the errors above`);
  process.exit(65);
}
const LONG = new Set(["body", "rawbody", "full", "uri"]);
const rules = (compiled.db.rules as RulesPayload).rules.filter((r) => LONG.has(r.kind) && r.re !== undefined);

/** The texts one rule's regex is tried on, one list per target kind. */
function units(msg: ParsedMessage): Record<string, string[]> {
  return {
    body: segments(msg.body.slice(0, BODY_CAP)),
    rawbody: segments(msg.rawbody.slice(0, BODY_CAP)),
    full: segments(msg.full.slice(0, FULL_CAP)),
    uri: msg.uris.slice(0, MAX_URIS).map((u) => u.slice(0, URI_CAP)),
  };
}
const wholeOf = (msg: ParsedMessage, kind: string) => (kind === "body" ? msg.body.slice(0, BODY_CAP) : kind === "rawbody" ? msg.rawbody.slice(0, BODY_CAP) : msg.full.slice(0, FULL_CAP));

/** The scripts (scripts.ts) a text holds a character of, as the literal scan notes them. */
function scriptsIn(text: string): Set<string> {
  const out = new Set<string>();
  for (let i = 0; i < text.length; i++) {
    const k = scriptOf(text.charCodeAt(i));
    if (k >= 0) out.add(SCRIPTS[k]);
  }
  return out;
}

/** The matcher's prefilter (match.ts test): the script gate, then `wpre` on the spaced reading, else `pre`, else `lits`. */
function passes(rule: CompiledRule, lower: string, spaced: string, scripts: Set<string> | undefined): boolean {
  if (rule.scripts && !rule.whole && !rule.scripts.some((sc) => scripts?.has(sc))) return false;
  if (rule.wpre && !rule.whole) return rule.wpre.some((c) => c.every((set) => set.some((l) => spaced.includes(l))));
  if (rule.pre) return rule.pre.some((c) => c.every((set) => set.some((l) => lower.includes(l))));
  return !rule.lits || rule.lits.some((l) => lower.includes(l));
}
const show = (r: CompiledRule) => (r.scripts && !r.whole ? `[${r.scripts.join("|")}] ` : "") + (r.wpre && !r.whole ? r.wpre.map((c) => c.map((s) => s.join("|")).join(" & ")).join(" ; ") : r.pre ? r.pre.map((c) => c.map((s) => s.join("|")).join(" & ")).join(" ; ") : r.lits ? r.lits.join("|") : "(none)");

interface Row {
  rule: CompiledRule;
  test: (s: string) => boolean;
  /** Messages on which the prefilter passed on some unit / the regex matched on some unit. */
  passed: number;
  matched: number;
  /** Regex ms per round; and the ms spent on messages it did not match. */
  ms: number[];
  wasted: number[];
}
const rows: Row[] = rules.map((rule) => {
  const test = rule.re2 !== undefined ? ((re) => (s: string) => re.test(s))(RE2JS.compile(rule.re2, RE2JS.LOOKBEHINDS)) : ((re) => (s: string) => re.test(s))(new RegExp(rule.re!, rule.flags));
  return { rule, test, passed: 0, matched: 0, ms: [], wasted: [] };
});

const messages: ParsedMessage[] = [];
for (const g of [...TRAIN.spam, ...TRAIN.ham]) for (const f of groupFiles(g)) messages.push(await parseMessage(readFileSync(f), defaults().scan));

const prepared = messages.map((m) => {
  const u = units(m);
  const lower = Object.fromEntries(Object.entries(u).map(([k, v]) => [k, v.map((s) => s.toLowerCase())])) as Record<string, string[]>;
  // The literal scanner's reading (literal-scan.ts): whitespace runs as one space.
  const spaced = Object.fromEntries(Object.entries(lower).map(([k, v]) => [k, v.map((s) => s.replace(/\s+/g, " "))])) as Record<string, string[]>;
  // The scripts each unit holds a character of, as the scan notes them (the gates): once per unit, not per rule.
  const scripts = Object.fromEntries(Object.entries(u).map(([k, v]) => [k, v.map(scriptsIn)])) as Record<string, Set<string>[]>;
  return { m, u, lower, spaced, scripts };
});

for (let round = 0; round <= rounds; round++) {
  // Round 0 warms the regex JIT and is not timed.
  for (const row of rows) {
    let ms = 0, wasted = 0, passed = 0, matched = 0;
    const { rule } = row;
    for (const p of prepared) {
      const texts = rule.whole ? [wholeOf(p.m, rule.kind)] : p.u[rule.kind];
      const lowers = rule.whole ? [texts[0].toLowerCase()] : p.lower[rule.kind];
      const spaced = rule.whole ? lowers : p.spaced[rule.kind];
      let pass = false, hit = false, t = 0;
      for (let i = 0; i < texts.length && !hit; i++) {
        if (!passes(rule, lowers[i], spaced[i], rule.whole ? undefined : p.scripts[rule.kind][i])) continue;
        pass = true;
        const t0 = performance.now();
        hit = row.test(texts[i]);
        t += performance.now() - t0;
      }
      ms += t;
      if (pass) passed++;
      if (hit) matched++;
      else wasted += t;
    }
    if (round === 0) continue;
    row.passed = passed;
    row.matched = matched;
    row.ms.push(ms);
    row.wasted.push(wasted);
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const total = (f: (r: Row) => number[]) => rows.reduce((a, r) => a + median(f(r)), 0);
const n = messages.length;
console.log(`${rows.length} rules on body/rawbody/full/uri (${rows.filter((r) => !r.rule.lits && !r.rule.pre && !r.rule.wpre && !r.rule.scripts).length} without a prefilter, ${rows.filter((r) => r.rule.scripts && !r.rule.whole).length} gated by script, ${rows.filter((r) => r.rule.pre).length} with conjunctions, ${rows.filter((r) => r.rule.wpre && !r.rule.whole).length} with a spaced one), ${n} messages (${[...TRAIN.spam, ...TRAIN.ham].join(" + ")}), median of ${rounds} timed passes`);
console.log(`regex runs: prefilter passed on ${rows.reduce((a, r) => a + r.passed, 0)} rule×message pairs, regex matched on ${rows.reduce((a, r) => a + r.matched, 0)}`);
console.log(`regex CPU: ${(total((r) => r.ms) / n).toFixed(3)} ms a message, of which ${(total((r) => r.wasted) / n).toFixed(3)} ms on rule×message pairs that did not match`);
const worst = [...rows].sort((a, b) => median(b.wasted) - median(a.wasted)).slice(0, top);
console.log(`\n${"rule".padEnd(30)} ${"kind".padEnd(7)} ${"passed".padStart(7)} ${"matched".padStart(7)} ${"ms".padStart(8)} ${"wasted".padStart(8)}  literals`);
for (const r of worst) {
  const lits = JSON.stringify(show(r.rule)).slice(0, 70);
  console.log(`${r.rule.name.padEnd(30)} ${r.rule.kind.padEnd(7)} ${String(r.passed).padStart(7)} ${String(r.matched).padStart(7)} ${median(r.ms).toFixed(1).padStart(8)} ${median(r.wasted).toFixed(1).padStart(8)}  ${lits}`);
}
