// The shipped rules/95_fitted_scores.cf (written by `bun run fit`) keeps the fit's guards: only
// score lines; only rules that may be fitted; each score the hand score's sign and within its
// bounds. It fails when the file is edited by hand past a guard, or when a hand score moves so
// far that the fitted one is out of its bounds: then run `bun run fit` again.
import { expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { compileSources } from "../ruledb/compile";
import type { RulesPayload } from "../ruledb/format";
import { BOUNDS, FITTED_FILE, KEEP_FILES, ruleBounds } from "./fit-model";

const RULES = join(import.meta.dir, "../../rules");
const fitted = join(RULES, FITTED_FILE);
const compile = (files: string[]) => compileSources(files.map((f) => ({ path: join(RULES, f), text: readFileSync(join(RULES, f), "utf8") }))).db!.rules as RulesPayload;
const all = readdirSync(RULES).filter((f) => f.endsWith(".cf")).sort();

test.skipIf(!existsSync(fitted))("the fitted scores keep the guards of bun run fit", () => {
  const lines = readFileSync(fitted, "utf8").split("\n").filter((l) => l.trim() && !l.startsWith("#"));
  expect(lines.filter((l) => !/^score\s+\w+\s+-?\d/.test(l))).toEqual([]);
  const hand = new Map(compile(all.filter((f) => f !== FITTED_FILE)).rules.map((r) => [r.name, r]));
  const shipped = new Map(compile(all).rules.map((r) => [r.name, r.score]));
  const broken: string[] = [];
  for (const line of lines) {
    const [, name = "", v = ""] = /^score\s+(\w+)\s+(\S+)/.exec(line) ?? [];
    const rule = hand.get(name);
    if (!rule) { broken.push(`${name}: no such rule (check symbols keep their hand scores)`); continue; }
    if (KEEP_FILES.includes(rule.src.split(":")[0])) broken.push(`${name}: defined in ${rule.src}, whose rules keep their hand scores`);
    const [lo, hi] = ruleBounds(rule.score, BOUNDS);
    const got = shipped.get(name)!;
    if (got !== Number(v)) broken.push(`${name}: a later file overrides the fitted ${v} with ${got}`);
    if (got < lo - 1e-9 || got > hi + 1e-9) broken.push(`${name}: ${got} outside [${lo}, ${hi}] for hand score ${rule.score}`);
  }
  expect(broken).toEqual([]);
  expect(lines.length).toBeGreaterThan(0);
});
