// The loaded rule database: regexes built once, rules grouped by target so each target
// string (body, a header, ...) is built and lower-cased at most once per message, a literal
// prefilter before each regex (one Aho-Corasick pass, lower-casing as it goes, over each of
// body/rawbody/full and each URI for all their rules; `includes` on the lower-cased header
// targets), metas evaluated in the compiler's dependency order.
// Bounded work (a crafted text must not buy a clean verdict by running out the clock):
//   - patterns whose repeats can backtrack over a run (regex-analyze.ts backtrackRisk) run
//     on the linear-time engine (re2js) with the RE2 form the compiler gave them (`re2`);
//     every other pattern on the JS engine, which is 2-3 times faster on ordinary mail;
//   - body / rawbody / full are matched in segments of at most SEGMENT_MAX chars
//     (segment.ts), each prefiltered on its own; rules using \A \z \Z see the whole text;
//   - caps: body / rawbody: first BODY_CAP chars; full: first FULL_CAP chars; one header
//     target: HEADER_CAP chars; uri: first MAX_URIS URIs, each URI_CAP chars.
// The deadline is checked when matching starts and before every regex run (every rule whose
// prefilter holds, on every segment and URI): the regex is the work that can take long; the
// literal scan is one linear pass. Not before every rule: a clock read costs 60-100 ns here,
// and most rules end at their prefilter. When it has passed,
// matching stops, metas are not evaluated (a half-known `A && !B` would be wrong), timedOut
// is set and SCAN_TRUNCATED is among the hits, so a cut-short scan never looks clean.
import { RE2JS } from "re2js";
import { DataError } from "../errors";
import type { Hit } from "../model";
import type { ParsedMessage } from "../message/types";
import type { CompiledRule, RulesPayload, ScoreGroup } from "./format";
import { LiteralScanner } from "./literal-scan";
import { compileMeta } from "./meta";
import { HeaderTargets, segmentsOf, target, Targets, type HeaderSpec, type Target } from "./targets";
import { SCAN_TRUNCATED, type CompiledDb, type MatchOptions, type MatchOutcome, type RuleDb } from "./types";

export { addrOf, BODY_CAP, displayName, FULL_CAP, HEADER_CAP, MAX_URIS, URI_CAP } from "./targets";

// Live objects are made with all their fields, set or undefined (the literal in loadRuleDb):
// objects of one shape keep the property loads of the hot loop (runRule, test: every rule on
// every target) monomorphic for the JIT.
/** Targets long enough that one literal pass for all rules beats `includes` per rule. */
const LONG = new Set(["body", "rawbody", "full"]);
/**
 * Targets whose prefilter is one literal pass: the long ones, and each URI (a URI is short,
 * but ~20 uri rules each searching every URI of a newsletter cost more than one pass per URI).
 */
const SCANNED = [...LONG, "uri"];
interface Live {
  rule: CompiledRule;
  /** rule.kind, rule.lits, rule.pre, rule.maxhits, rule.whole: read on every test, kept here in one shape. */
  kind: CompiledRule["kind"];
  lits: string[] | undefined;
  /** The stronger prefilter (format.ts `pre`): used instead of lits when present. */
  pre: string[][][] | undefined;
  maxhits: number | undefined;
  whole: boolean;
  slot: number;
  re: RegExp | undefined;
  /** `re` is sticky (rule.anchored): it is tried at position 0 only, so lastIndex is reset before each test. */
  sticky: boolean;
  /** Same regex with the g flag, for `tflags multiple`. */
  reG: RegExp | undefined;
  /** The linear-time form (rule.re2), used instead of re / reG. */
  re2: RE2JS | undefined;
  key: string;
  /** header / exists: the target, described once (targets.ts). */
  spec: HeaderSpec | undefined;
  /** Ids of the rule's prefilter literals in its target's LiteralScanner (SCANNED targets). */
  litIds: number[] | undefined;
  /** `pre` as literal ids, the same way. */
  preIds: number[][][] | undefined;
  /** The LiteralScanner of the rule's target, when litIds / preIds are set (no map lookup per rule and message). */
  scanner: LiteralScanner | undefined;
}

export function loadRuleDb(db: CompiledDb): RuleDb {
  const payload = db.rules as RulesPayload;
  const slots = new Map<string, number>();
  const slotOf = (name: string) => slots.get(name) ?? slots.set(name, slots.size).get(name)!;
  const content: Live[] = [];
  const metas: { live: Live; fn: (c: ArrayLike<number>) => number }[] = [];
  const headerTargets = new HeaderTargets();
  for (const rule of payload.rules) {
    const live: Live = {
      rule, kind: rule.kind, lits: rule.lits, pre: rule.pre, maxhits: rule.maxhits, whole: rule.whole === true, slot: slotOf(rule.name), key: targetKey(rule),
      spec: rule.kind === "header" || rule.kind === "exists" ? headerTargets.spec(rule.header!, rule.mods) : undefined,
      re: undefined, sticky: false, reG: undefined, re2: undefined, litIds: undefined, preIds: undefined, scanner: undefined,
    };
    if (rule.re !== undefined) {
      try {
        if (rule.re2 !== undefined) live.re2 = RE2JS.compile(rule.re2, RE2JS.LOOKBEHINDS);
        else if (rule.anchored && !rule.maxhits) {
          // Every match starts at 0: a sticky regex tries there only; without it the engine
          // tries (and fails) at every position of the text.
          live.re = new RegExp(rule.re, rule.flags + "y");
          live.sticky = true;
        } else {
          live.re = new RegExp(rule.re, rule.flags);
          if (rule.maxhits) live.reG = new RegExp(rule.re, rule.flags + "g");
        }
      } catch (e) {
        throw new DataError(`rule ${rule.name} (${rule.src}) in database ${db.version}: ${(e as Error).message}`, "rebuild the database with `kas rules compile`");
      }
    }
    if (rule.kind === "meta") metas.push({ live, fn: compileMeta(rule.expr!, slotOf) });
    else content.push(live);
  }
  // Group by target so its string (and lower-cased copy) stays hot while its rules run.
  content.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  for (const key of SCANNED) {
    const ids = new Map<string, number>();
    const id = (l: string) => ids.get(l) ?? ids.set(l, ids.size).get(l)!;
    const ascii = (l: string) => /^[\x00-\x7f]+$/.test(l);
    for (const live of content) {
      // (The compiler extracts ASCII only; a hand-made database with other literals uses `includes`.)
      // Whole-text rules keep `includes` on the whole text (a literal may span a segment cut).
      if (live.key !== key || live.whole || !(live.lits || live.pre || live.rule.wpre)) continue;
      const asciiPre = (p: string[][][]) => p.every((c) => c.every((set) => set.every(ascii)));
      // `wpre` is written for the scanner's reading (whitespace runs as one space): the better
      // prefilter when present; lits / pre hold in that reading too.
      const wpre = live.rule.wpre;
      if (wpre && asciiPre(wpre)) {
        live.preIds = wpre.map((c) => c.map((set) => set.map(id)));
        continue;
      }
      if (!(live.lits ?? []).every(ascii) || !asciiPre(live.pre ?? [])) continue;
      live.litIds = live.lits?.map(id);
      live.preIds = live.pre?.map((c) => c.map((set) => set.map(id)));
    }
    // Script gates (scripts.ts): a rule in Russian, Chinese, Japanese or Korean runs only on a text holding
    // one of its scripts' characters, which the scan notes; one more any-of set in each of
    // its conjunctions. A script this kas does not know gates nothing.
    const gated = content.filter((l) => l.key === key && !l.whole && l.rule.scripts?.length);
    if (!ids.size && !gated.length) continue;
    const scanner = new LiteralScanner([...ids.keys()]);
    for (const live of content) if (live.key === key && (live.litIds || live.preIds)) live.scanner = scanner;
    for (const live of gated) {
      const sids = live.rule.scripts!.map((sc) => scanner.scriptId(sc));
      if (sids.includes(-1)) continue;
      if (live.preIds) live.preIds = live.preIds.map((conj) => [...conj, sids]);
      else if (live.litIds) [live.preIds, live.litIds] = [[[live.litIds, sids]], undefined];
      else if (live.lits || live.pre) continue; // non-ASCII literals of a hand-made database: `includes` stays
      else live.preIds = [[sids]];
      live.scanner = scanner;
    }
  }
  // The rules a hit is reported for, in database order, with their slots: no name lookup per rule and message.
  const reported = payload.rules.filter((r) => r.score !== 0 && !r.name.startsWith("__")).map((r) => ({ r, slot: slots.get(r.name)! }));
  const symbols = new Map(payload.symbols.map((s) => [s.name, s]));
  const ruleNames = new Set(payload.rules.map((r) => r.name));
  const groupOf = new Map<string, ScoreGroup>();
  for (const g of payload.groups ?? []) for (const m of g.members) groupOf.set(m, g);

  return {
    version: db.version,
    digest: db.digest,
    ruleCount: payload.rules.length,
    groups: payload.groups ?? [],
    match(msg: ParsedMessage, opts: MatchOptions): MatchOutcome {
      const counts = new Float64Array(slots.size);
      for (const sym of opts.checkSymbols) {
        const s = slots.get(sym);
        if (s !== undefined) counts[s] = Math.max(counts[s], 1);
      }
      const targets = new Targets(msg, headerTargets, opts.deadline);
      if (performance.now() > opts.deadline) targets.timedOut = true;
      for (const live of content) {
        if (targets.timedOut) break;
        const n = runRule(live, targets);
        if (n) counts[live.slot] += n;
      }
      const timedOut = targets.timedOut;
      if (!timedOut) for (const { live, fn } of metas) counts[live.slot] = fn(counts) ? 1 : 0;
      const hits: Hit[] = [];
      for (const { r, slot } of reported) if (counts[slot]) hits.push(hit(r.name, r.score, r.describe));
      // Check symbols are always reported (score 0 when no score line gives them weight), so
      // what a check saw shows up in headers and logs.
      for (const sym of new Set(timedOut ? [...opts.checkSymbols, SCAN_TRUNCATED] : opts.checkSymbols)) {
        if (ruleNames.has(sym) || sym.startsWith("__")) continue;
        const s = symbols.get(sym);
        hits.push(hit(sym, s?.score ?? 0, s?.describe));
      }
      if (groupOf.size) capGroups(hits, groupOf);
      return { hits, timedOut };
    },
  };
}

/**
 * Score groups (`group` / `group_max`): when the positive scores of a group's hits add up to
 * more than its cap, each of them is scaled by cap / sum, so the group contributes exactly
 * the cap. Scaling rather than dropping the later hits keeps the result independent of rule
 * order and every hit visible; negative scores are left alone (a cap limits evidence for
 * spam, it never takes away evidence for ham). Why groups: correlated rules (the wording of
 * an offer, the layout of an HTML mailing) otherwise stack up on wanted commercial mail.
 */
function capGroups(hits: Hit[], groupOf: Map<string, ScoreGroup>): void {
  const sums = new Map<ScoreGroup, number>();
  for (const h of hits) {
    const g = groupOf.get(h.name);
    if (g && h.score > 0) sums.set(g, (sums.get(g) ?? 0) + h.score);
  }
  for (const [g, sum] of sums) {
    if (sum <= g.max) continue;
    // In thousandths (the engine rounds the total to 1/1000): each hit gets the floor of its
    // share, and the units left over go to the largest remainders, so the group adds exactly
    // its cap, never a thousandth more or less.
    const idx = hits.flatMap((h, i) => (groupOf.get(h.name) === g && h.score > 0 ? [i] : []));
    const exact = idx.map((i) => (hits[i].score * g.max * 1000) / sum);
    const units = exact.map(Math.floor);
    let left = Math.round(g.max * 1000) - units.reduce((a, u) => a + u, 0);
    const order = exact.map((e, k) => k).sort((x, y) => exact[y] - units[y] - (exact[x] - units[x]) || x - y);
    for (const k of order) if (left-- > 0) units[k]++;
    const note = `group ${g.name} capped at ${g.max}`;
    idx.forEach((i, k) => {
      const h = hits[i];
      hits[i] = hit(h.name, units[k] / 1000, h.description ? `${h.description} (${note})` : note);
    });
  }
}

function hit(name: string, score: number, description?: string): Hit {
  return description === undefined ? { name, score } : { name, score, description };
}

function targetKey(r: CompiledRule): string {
  if (r.kind === "header" || r.kind === "exists") return `h:${r.header}:${(r.mods ?? []).join(":")}`;
  return r.kind;
}

/** Number of hits of one content rule (0 = no hit). */
function runRule(live: Live, t: Targets): number {
  const r = live.rule;
  switch (live.kind) {
    case "exists":
      return t.fields(live.spec!).length ? 1 : 0;
    case "uri": {
      let n = 0;
      const uris = t.uris();
      const scanner = live.scanner;
      for (const u of uris) {
        n += test(live, u, t, scanner);
        if (t.timedOut) return n;
        if (n && !live.reG) return 1;
        if (live.reG && n >= live.maxhits!) return live.maxhits!;
      }
      return n;
    }
    case "header": {
      let h = t.headerTarget(live.spec!);
      if (!h) {
        if (r.unset === undefined) h = EMPTY;
        else h = target(r.unset);
      }
      const n = test(live, h, t);
      // A regex cut by the deadline decided nothing: not a hit of `!~` either.
      if (t.timedOut) return 0;
      return r.neg ? (n ? 0 : 1) : n;
    }
    default: {
      const whole = t.text(live.kind as "body" | "rawbody" | "full");
      if (live.whole) return test(live, whole, t);
      // Segments: each prefiltered on its own; hits add up (to maxhits for `multiple`).
      const scanner = live.scanner;
      const max = live.maxhits ?? 1;
      const segs = (whole.segs ??= segmentsOf(whole));
      if (segs.length === 1) return test(live, segs[0], t, scanner);
      let n = 0;
      for (const seg of segs) {
        n += test(live, seg, t, scanner);
        if (t.timedOut) break;
        if (n >= max) return max;
      }
      return n;
    }
  }
}

const EMPTY: Target = target("");

function test(live: Live, t: Target, ts: Targets, scanner?: LiteralScanner): number {
  if ((live.preIds || live.litIds) && scanner) {
    const found = (t.found ??= scanner.scan(t.s));
    if (live.preIds ? !someAllFound(live.preIds, found) : !anyFound(live.litIds!, found)) return 0;
  } else if (live.pre) {
    if (!someAllIn(live.pre, (t.lower ??= t.s.toLowerCase()))) return 0;
  } else if (live.lits) {
    if (!anyIn(live.lits, (t.lower ??= t.s.toLowerCase()))) return 0;
  }
  if (performance.now() > ts.deadline) {
    ts.timedOut = true;
    return 0;
  }
  if (live.re2) {
    if (!live.maxhits) return live.re2.test(t.s) ? 1 : 0;
    let n = 0;
    for (const _ of live.re2.matchAll(t.s)) if (++n >= live.maxhits) break;
    return n;
  }
  if (!live.reG) {
    if (live.sticky) live.re!.lastIndex = 0;
    return live.re!.test(t.s) ? 1 : 0;
  }
  const re = live.reG;
  re.lastIndex = 0;
  let n = 0;
  let m: RegExpExecArray | null;
  while (n < live.maxhits! && (m = re.exec(t.s))) {
    n++;
    if (m[0] === "") re.lastIndex++;
  }
  return n;
}

/** A loop, not `some` with a closure: this runs for every rule on every target and URI. */
function anyFound(ids: number[], found: Uint8Array): boolean {
  for (let i = 0; i < ids.length; i++) if (found[ids[i]]) return true;
  return false;
}

/** anyFound and someAllFound for targets searched with `includes` (header targets, whole texts): loops, no closure per call. */
function anyIn(lits: string[], lower: string): boolean {
  for (let i = 0; i < lits.length; i++) if (lower.includes(lits[i])) return true;
  return false;
}
function someAllIn(pre: string[][][], lower: string): boolean {
  for (let i = 0; i < pre.length; i++) {
    const conj = pre[i];
    let k = 0;
    while (k < conj.length && anyIn(conj[k], lower)) k++;
    if (k === conj.length) return true;
  }
  return false;
}

/** Does one conjunction of `pre` have every one of its any-of sets found? Loops, as in anyFound. */
function someAllFound(pre: number[][][], found: Uint8Array): boolean {
  for (let i = 0; i < pre.length; i++) {
    const conj = pre[i];
    let k = 0;
    while (k < conj.length && anyFound(conj[k], found)) k++;
    if (k === conj.length) return true;
  }
  return false;
}
