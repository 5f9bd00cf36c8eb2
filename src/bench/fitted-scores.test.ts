// The shipped rules/95_fitted_scores.cf (written by `bun run fit`) keeps the fit's guards: only
// score lines; only rules that may be fitted, and of the check symbols only the Bayes bands;
// each score the hand score's sign and within its bounds; the Bayes bands, as the engine adds
// them up with every file, rising with probability and unable to make a message spam alone.
// It fails when the file is edited by hand past a guard, or when a hand score moves so far that
// the fitted one is out of its bounds: then run `bun run fit` again.
import { expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { defaults } from "../config/load";
import { compileSources } from "../ruledb/compile";
import type { RulesPayload } from "../ruledb/format";
import { BAND_STEP, BAYES_ALONE_MARGIN, BAYES_BANDS, BAYES_TOP, BOUNDS, FITTED_FILE, FITTED_SYMBOLS, KEEP_FILES, ruleBounds } from "./fit-model";

const RULES = join(import.meta.dir, "../../rules");
const fitted = join(RULES, FITTED_FILE);
const compile = (files: string[]) => compileSources(files.map((f) => ({ path: join(RULES, f), text: readFileSync(join(RULES, f), "utf8") }))).db!.rules as RulesPayload;
const all = readdirSync(RULES).filter((f) => f.endsWith(".cf")).sort();
/** Every scored name with its score, rules and check symbols alike. */
const scores = (p: RulesPayload) => new Map([...p.rules, ...p.symbols].map((r): [string, number] => [r.name, r.score]));

test.skipIf(!existsSync(fitted))("the fitted scores keep the guards of bun run fit", () => {
  const lines = readFileSync(fitted, "utf8").split("\n").filter((l) => l.trim() && !l.startsWith("#"));
  expect(lines.filter((l) => !/^score\s+\w+\s+-?\d/.test(l))).toEqual([]);
  const handPayload = compile(all.filter((f) => f !== FITTED_FILE));
  const rules = new Map(handPayload.rules.map((r) => [r.name, r]));
  const hand = scores(handPayload);
  const shipped = scores(compile(all));
  const broken: string[] = [];
  for (const line of lines) {
    const [, name = "", v = ""] = /^score\s+(\w+)\s+(\S+)/.exec(line) ?? [];
    const rule = rules.get(name);
    if (!rule && !FITTED_SYMBOLS.includes(name)) { broken.push(`${name}: ${hand.has(name) ? "a check symbol the fit does not fit (it keeps its hand score)" : "no such rule"}`); continue; }
    if (rule && KEEP_FILES.includes(rule.src.split(":")[0])) broken.push(`${name}: defined in ${rule.src}, whose rules keep their hand scores`);
    const [lo, hi] = ruleBounds(hand.get(name)!, BOUNDS);
    const got = shipped.get(name)!;
    if (got !== Number(v)) broken.push(`${name}: a later file overrides the fitted ${v} with ${got}`);
    if (got < lo - 1e-9 || got > hi + 1e-9) broken.push(`${name}: ${got} outside [${lo}, ${hi}] for hand score ${hand.get(name)}`);
  }
  expect(broken).toEqual([]);
});

test("the Bayes bands of the shipped rules rise with probability, a step apart (two decimals allowed)", () => {
  const s = scores(compile(all));
  const bands = BAYES_BANDS.map((b) => [b, s.get(b)!] as const);
  const fallen = bands.filter(([, v], k) => k > 0 && v < bands[k - 1][1] + BAND_STEP - 0.01 - 1e-9).map(([b, v]) => `${b} ${v}`);
  expect(fallen).toEqual([]);
  expect(s.get(BAYES_TOP)!).toBeGreaterThan(0);
});

test("Bayes alone cannot make a message spam with the shipped rules: a content rule has to agree", () => {
  const s = scores(compile(all));
  expect(s.get("BAYES_99")! + s.get(BAYES_TOP)!).toBeLessThanOrEqual(defaults().policy.spam_score - BAYES_ALONE_MARGIN + 1e-9);
});
