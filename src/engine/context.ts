// The per-scan context (DESIGN.md §3): one set of typed facts per scan, and the rule that
// orders the checks by them. A check starts as soon as every fact it needs is known (or known
// to be missing: its provider is disabled, failed or ran out of time), so independent checks
// overlap and dependent ones follow; nothing waits longer than the checks' deadline, because
// every provider is itself cut off there. No check keeps per-message state of its own.
import type { FactKey, FactMap } from "../checks/facts";
import type { Check, CheckInput, CheckOutput } from "../checks/types";

export interface Facts {
  /** The fact once its provider has run; undefined when nobody provides it or its provider gave none. */
  get<K extends FactKey>(key: K): Promise<FactMap[K] | undefined>;
  set<K extends FactKey>(key: K, value: FactMap[K]): void;
}

/** The facts of one scan, for these checks (the providers decide which facts can ever come). */
export function createFacts(checks: readonly Check[]): Facts & { settle(c: Check): void } {
  const slots = new Map<FactKey, { promise: Promise<unknown>; resolve(v: unknown): void; done: boolean }>();
  // Made on first use: checks that neither need nor provide a fact (phishing, date-skew) never
  // ask, and every scan makes its facts.
  let provided: Set<FactKey> | undefined;
  const slot = (k: FactKey) => {
    let s = slots.get(k);
    if (!s) {
      let resolve!: (v: unknown) => void;
      const promise = new Promise((r) => (resolve = r));
      s = { promise, resolve, done: false };
      slots.set(k, s);
      provided ??= new Set(checks.flatMap((c) => c.provides ?? []));
      if (!provided.has(k)) (s.done = true), resolve(undefined);
    }
    return s;
  };
  return {
    get: (k) => slot(k).promise as Promise<FactMap[typeof k] | undefined>,
    set(k, v) {
      const s = slot(k);
      if (s.done) return; // first value wins: a fact never changes under a check that read it
      s.done = true;
      s.resolve(v);
    },
    /** The check has finished (or failed, or was cut off): what it did not provide is missing. */
    settle(c) {
      for (const k of c.provides ?? []) {
        const s = slot(k);
        if (!s.done) (s.done = true), s.resolve(undefined);
      }
    },
  };
}

/**
 * Throws when the checks' declarations cannot be ordered: a cycle, a fact two checks provide,
 * or an envelope check needing a fact only a content check provides (it runs before parsing).
 * Called once when a scanner is built, so a wrong registry fails at start, not per message.
 */
export function validateOrder(checks: readonly Check[]): void {
  const provider = new Map<FactKey, Check>();
  for (const c of checks)
    for (const k of c.provides ?? []) {
      const other = provider.get(k);
      if (other) throw new Error(`checks ${other.name} and ${c.name} both provide the fact "${k}"`);
      provider.set(k, c);
    }
  for (const c of checks)
    for (const k of c.needs ?? []) {
      const p = provider.get(k);
      if (p && c.stage === "envelope" && p.stage === "content") throw new Error(`envelope check ${c.name} needs "${k}", which content check ${p.name} provides after parsing`);
    }
  const state = new Map<Check, "visiting" | "done">();
  const visit = (c: Check, path: string[]) => {
    if (state.get(c) === "done") return;
    if (state.get(c) === "visiting") throw new Error(`checks depend on each other in a cycle: ${[...path, c.name].join(" → ")}`);
    state.set(c, "visiting");
    for (const k of c.needs ?? []) {
      const p = provider.get(k);
      if (p) visit(p, [...path, c.name]);
    }
    state.set(c, "done");
  };
  for (const c of checks) visit(c, []);
}

/**
 * Past the deadline a check was given, how long the engine still waits for it (and how long a
 * check that runs late, Check.runsLate, has to answer). A check that honours input.deadline
 * answers for itself (SPF: temperror and its Received-SPF field); the engine's cut-off is only
 * the backstop for one that does not.
 */
const BACKSTOP_GRACE_MS = 25;

/**
 * Runs one check once the facts it needs are known. A check that throws or misses the
 * deadline is a note, never a failed scan; either way its unprovided facts become missing,
 * so the checks after it go on.
 */
export async function runCheck(c: Check, input: CheckInput, facts: ReturnType<typeof createFacts>): Promise<CheckOutput> {
  const deadline = input.deadline;
  try {
    if (c.needs?.length) await Promise.all(c.needs.map((k) => facts.get(k)));
    if (deadline - performance.now() <= 0 && !c.runsLate) return { symbols: [], notes: [`${c.name}: no time left in the budget, skipped`] };
    const out = c.run(input);
    // A check that answers at once (no I/O: phishing, date-skew) has nothing a timer could cut
    // off, so it gets none: a timer set and cleared and a race per check and message.
    if (typeof (out as Partial<PromiseLike<CheckOutput>>).then !== "function") return out as CheckOutput;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<CheckOutput>((resolve) => {
      timer = setTimeout(() => resolve({ symbols: [], notes: [`${c.name}: did not finish within the time budget, skipped`] }), Math.max(deadline - performance.now(), 0) + BACKSTOP_GRACE_MS);
    });
    try {
      return await Promise.race([out as PromiseLike<CheckOutput>, late]);
    } finally {
      clearTimeout(timer);
    }
  } catch (e) {
    return { symbols: [], notes: [`${c.name}: failed, skipped: ${e instanceof Error ? e.message : String(e)}`] };
  } finally {
    facts.settle(c);
  }
}
