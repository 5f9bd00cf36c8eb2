// `bun run fuzz:time [--rules DIR] [--kb 16,64] [--top 10]`: worst-case inputs for every
// content rule, timed through the matcher a filtering process uses (segments, prefilter,
// engine choice), and the slowest rules in microseconds per KB of input.
// Inputs per rule, built from its own pattern: a long run of each character a repeated part
// of the pattern accepts, pairs of those characters alternating, and the pattern's literals
// interleaved with short and long runs of padding. Each input is timed at every size given;
// a rule whose time grows faster than its input shows it in the `growth` column (1.0 =
// linear). An input that already takes more than SKIP_MS at one size is not tried larger
// (a quadratic rule at 64 KB can take seconds), and a rule that has spent RULE_BUDGET_MS
// is not given more inputs.
// The input goes where the rule looks: body/rawbody/full text, one header field, or URIs.
import pkg from "../../package.json";
import { builtinDb } from "../ruledb/builtin";
import { compileDirOrThrow } from "../ruledb/compile";
import type { CompiledRule, RulesPayload } from "../ruledb/format";
import { loadRuleDb } from "../ruledb/match";
import { SCRIPT_SAMPLE, type Script } from "../ruledb/scripts";
import type { CompiledDb } from "../ruledb/types";
import type { ParsedMessage } from "../message/types";

const SKIP_MS = 300;
/** A time no pause explains: measured once. */
const CLEARLY_SLOW_MS = 2000;
/** Time one rule's inputs may take in all before the rest of them are skipped. */
const RULE_BUDGET_MS = 20_000;
/** Characters offered to every repeated part; those it accepts become padding. */
const POOL = [" ", "\n", "\t", "a", "A", "x", "0", "9", ".", "*", "=", "#", "-", "_", "<", ">", "!", "$", "%", "&", "/", ":", "@", '"', "'", ",", ";", "?", "+", "(", ")", "~", "\u00a0", "\u00e9", ...Object.values(SCRIPT_SAMPLE), "Я", "円", "：", "，"];
/**
 * A gated rule's inputs carry a letter of its script (scripts.ts SCRIPT_SAMPLE) every
 * GATE_EVERY characters, as a crafted text puts one in every segment so the regex runs at all.
 */
const GATE_EVERY = 4096;
/** Each GATE_EVERY characters of an input, to begin with the script's character. */
const GATE_BLOCK = new RegExp(`[\\s\\S]{1,${GATE_EVERY}}`, "g");

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(name);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1] : def;
}
const sizesKb = arg("--kb", "16,64").split(",").map(Number).sort((a, b) => a - b);
const top = Number(arg("--top", "10"));
if (!sizesKb.every((n) => Number.isInteger(n) && n > 0) || !(top > 0)) {
  console.error("usage: bun run fuzz:time [--rules DIR] [--kb 16,64] [--top 10] [--only RULE]: --kb takes sizes in KB (whole numbers, comma-separated), --top a count");
  process.exit(2);
}
const rulesDir = process.argv.includes("--rules") ? arg("--rules", "") : "";
const only = process.argv.includes("--only") ? arg("--only", "") : "";

const db: CompiledDb = rulesDir ? compileDirOrThrow(rulesDir, { version: "rules_dir" }).db : builtinDb();
const payload = db.rules as RulesPayload;

/** Parts of the JS source that a quantifier repeats: classes, escapes, dots and single characters. */
function repeatedAtoms(src: string): string[] {
  const atoms = new Set<string>();
  const re = /(\[(?:\\.|[^\]\\])*\]|\\u[0-9a-fA-F]{4}|\\x[0-9a-fA-F]{2}|\\.|[^()|\\[\]])(?:[*+]|\{\d*,?\d*\})/g;
  for (const m of src.matchAll(re)) atoms.add(m[1]);
  return [...atoms];
}

/** Padding characters: for each repeated atom, the pool characters it accepts (two at most). */
function paddingChars(rule: CompiledRule): string[] {
  const flags = (rule.flags ?? "").replace(/[gy]/g, "");
  const chars = new Set<string>();
  for (const atom of repeatedAtoms(rule.re!)) {
    let test: RegExp;
    try {
      test = new RegExp(`^(?:${atom})$`, flags);
    } catch {
      continue;
    }
    let n = 0;
    for (const c of POOL) if (n < 2 && test.test(c)) (chars.add(c), n++);
  }
  // Line ends matter to /m anchors and line-spanning repeats even when no repeat accepts them.
  if (rule.re!.includes("\\n")) chars.add("\n");
  if (!chars.size) chars.add("a");
  return [...chars];
}

/**
 * Literals to interleave: each prefilter conjunction's literals together (a text must hold
 * all of them for the regex to run at all, as a crafted one would), the prefilter's, and the
 * words written in the pattern.
 */
function literals(rule: CompiledRule): string[] {
  // Words of Latin letters, and of Cyrillic, Chinese/Japanese or Korean ones (the rules of 37 and 64).
  const words = (rule.re!.replace(/\\[a-zA-Z]/g, " ").match(/[A-Za-z\u0400-\u04ff\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af][A-Za-z0-9:\/.\u0400-\u04ff\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af-]{1,}/g) ?? []).map((w) => w.replace(/\\/g, ""));
  const conjunctions = (rule.pre ?? []).map((c) => c.map((set) => set[0]).join(" "));
  return [...new Set([...conjunctions.slice(0, 3), ...(rule.lits ?? []), ...words])].slice(0, 6);
}

interface Shape {
  what: string;
  make(n: number): string;
}

function shapes(rule: CompiledRule): Shape[] {
  const pad = paddingChars(rule);
  const lits = literals(rule);
  const fill = (unit: string, n: number) => unit.repeat(Math.ceil(n / unit.length)).slice(0, n);
  const out: Shape[] = [];
  const show = (c: string) => JSON.stringify(c);
  for (const c of pad) out.push({ what: `run of ${show(c)}`, make: (n) => c.repeat(n) });
  for (let i = 0; i < pad.length; i++)
    for (let j = i + 1; j < pad.length; j++) {
      const u = pad[i] + pad[j];
      out.push({ what: `${show(u)} repeated`, make: (n) => fill(u, n) });
      out.push({ what: `runs of ${show(pad[i])} split by ${show(pad[j])} every 64`, make: (n) => fill(pad[i].repeat(63) + pad[j], n) });
    }
  for (const l of lits)
    for (const c of pad)
      for (const k of [1, 16, 1024]) out.push({ what: `${show(l)} + ${show(c)}x${k} repeated`, make: (n) => fill(l + c.repeat(k), n) });
  for (const l of lits) out.push({ what: `${show(l)} then a run of ${show(pad[0])}`, make: (n) => (l + pad[0].repeat(n)).slice(0, n) });
  // A gated rule sees only segments holding its script: put one of its characters in each.
  const gate = rule.scripts?.map((sc) => SCRIPT_SAMPLE[sc as Script]).find(Boolean);
  if (!gate) return out;
  return out.map((sh) => ({ what: `${sh.what}, ${show(gate)} every ${GATE_EVERY}`, make: (n) => sh.make(n).replace(GATE_BLOCK, (m) => gate + m.slice(1)) }));
}

function messageFor(rule: CompiledRule, text: string): ParsedMessage {
  const header = (name: string) => ({ name, raw: text, value: text });
  const hname = rule.header === "all" || rule.header === "tocc" ? "To" : rule.header === "messageid" ? "Message-ID" : (rule.header ?? "Subject");
  // URIs are looked at each up to 8 KB and 1000 of them: split the input into 2 KB URIs.
  const uris = rule.kind === "uri" ? Array.from({ length: Math.ceil(text.length / 2048) }, (_, i) => text.slice(i * 2048, (i + 1) * 2048)) : [];
  return {
    headers: rule.kind === "header" || rule.kind === "exists" ? [header(hname)] : [],
    body: rule.kind === "body" ? `subject\n${text}` : "",
    rawbody: rule.kind === "rawbody" ? text : "",
    full: rule.kind === "full" ? text : "",
    uris,
    links: [],
    parts: [],
    htmlHiddenChars: 0,
    htmlVisibleChars: 0,
    truncated: false,
    defects: [],
    size: text.length,
  };
}

/**
 * Milliseconds one match takes on msg: averaged over repeats when short, and the best of
 * three such rounds when under 50 ms (two under CLEARLY_SLOW_MS), so a garbage collection
 * or another process taking the core for a moment does not make a rule look slow.
 */
function timeOne(match: (m: ParsedMessage) => void, msg: ParsedMessage): number {
  let best = Infinity;
  for (let round = 0; round < 3 && best >= 0; round++) {
    let runs = 0;
    const t0 = performance.now();
    let t = t0;
    do {
      match(msg);
      runs++;
      t = performance.now();
    } while (t - t0 < 5 && runs < 200);
    best = Math.min(best, (t - t0) / runs);
    if (best > CLEARLY_SLOW_MS || (best > 50 && round >= 1)) break;
  }
  return best;
}
/** Below this a time ratio is mostly timer noise: growth is not computed. */
const GROWTH_MIN_MS = 0.5;

interface Row {
  rule: string;
  kind: string;
  usPerKb: number;
  kb: number;
  growth: number;
  what: string;
}

const rows: Row[] = [];
const t0 = performance.now();
for (const rule of payload.rules) {
  if (rule.kind === "meta" || rule.re === undefined) continue;
  if (only && rule.name !== only) continue;
  const one = loadRuleDb({ ...db, rules: { rules: [rule], symbols: [] } satisfies RulesPayload });
  const match = (m: ParsedMessage) => one.match(m, { checkSymbols: [], deadline: Infinity });
  let worst: Row | undefined;
  const ruleStart = performance.now();
  for (const s of shapes(rule)) {
    // A rule that is already this slow has shown what it is; the rest of its inputs would only take minutes.
    if (performance.now() - ruleStart > RULE_BUDGET_MS) break;
    const times: number[] = [];
    for (const kb of sizesKb) {
      const ms = timeOne(match, messageFor(rule, s.make(kb * 1024)));
      times.push(ms);
      const prev = times[times.length - 2];
      const growth = times.length > 1 && prev >= GROWTH_MIN_MS ? ms / prev / (kb / sizesKb[times.length - 2]) : NaN;
      const row: Row = { rule: rule.name, kind: rule.kind, usPerKb: (ms * 1000) / kb, kb, growth, what: s.what };
      if (!worst || row.usPerKb > worst.usPerKb) worst = row;
      if (ms > SKIP_MS) break;
    }
  }
  if (worst) rows.push(worst);
  const spent = performance.now() - ruleStart;
  if (spent > 2000) console.error(`  ${rule.name}: ${(spent / 1000).toFixed(1)} s`);
}
rows.sort((a, b) => b.usPerKb - a.usPerKb);
const total = rows.reduce((a, r) => a + r.usPerKb, 0);
console.log(`kas ${pkg.version} fuzz:time (bun ${Bun.version}): ${rows.length} content rules of ${rulesDir ? `rules_dir ${rulesDir}` : "the built-in database"}, inputs of ${sizesKb.join(" and ")} KB, ${((performance.now() - t0) / 1000).toFixed(0)} s`);
console.log(`slowest ${Math.min(top, rows.length)} (worst input of each rule; growth = time ratio / size ratio between the last two sizes, 1.0 = linear):`);
console.log(`${"rule".padEnd(28)} ${"kind".padEnd(8)} ${"µs/KB".padStart(10)} ${"at KB".padStart(6)} ${"growth".padStart(7)}  input`);
for (const r of rows.slice(0, top)) console.log(`${r.rule.padEnd(28)} ${r.kind.padEnd(8)} ${r.usPerKb.toFixed(1).padStart(10)} ${String(r.kb).padStart(6)} ${(Number.isNaN(r.growth) ? "-" : r.growth.toFixed(2)).padStart(7)}  ${r.what}`);
console.log(`all rules together, each at its worst: ${total.toFixed(0)} µs/KB (${((total * 512) / 1e6).toFixed(2)} s for 512 KB of text)`);
