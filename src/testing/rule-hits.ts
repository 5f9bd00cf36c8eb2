// The shipped rules (and the phishing check) run over a letter written in a test: for the
// tests that set a rule's wording beside the honest mail that shares its words. Test-only:
// never imported by production code.
import { expect } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createPhishingCheck } from "../checks/phishing";
import { defaults } from "../config/load";
import { scan, type Engine } from "../engine/scan";
import { builtinDb } from "../ruledb/builtin";
import { loadRuleDb } from "../ruledb/match";

const rulesOnly: Engine = { config: { ...defaults(), bayes: { ...defaults().bayes, enabled: false } }, db: loadRuleDb(builtinDb()), checks: [] };
/** The same rules with the phishing check, as a filtering process runs them (no Bayes, no network). */
export const shippedEngine: Engine = { ...rulesOnly, checks: [createPhishingCheck()] };

/** The names of `names` that a letter (plain text or HTML, from a neutral sender to user@example.com) hits, sorted. */
export async function ruleHits(names: readonly string[], text: string, type: "plain" | "html" = "plain"): Promise<string[]> {
  const raw = new TextEncoder().encode(`From: Sender <a@sender.example>\nTo: user@example.com\nSubject: Hello\nDate: Fri, 04 Dec 2026 10:00:00 +0000\nMessage-ID: <t-1@sender.example>\nMIME-Version: 1.0\nContent-Type: text/${type}; charset=utf-8\n\n${text}\n`);
  return (await scan(rulesOnly, { id: "letter", envelope: { rcpt: ["user@example.com"] }, raw })).hits.map((h) => h.name).filter((n) => names.includes(n)).sort();
}

/**
 * Every name an HTML letter from `from` (a whole From field) to user@example.com hits, the
 * phishing check's symbols among them: for rules that weigh who sent it. `headers`: more
 * header lines, each ending in "\n" (a Reply-To).
 */
export async function fromHits(from: string, html: string, headers = ""): Promise<string[]> {
  const raw = new TextEncoder().encode(`From: ${from}\n${headers}To: user@example.com\nSubject: Notice\nDate: Fri, 04 Dec 2026 10:00:00 +0000\nMessage-ID: <n-1@x.example>\nMIME-Version: 1.0\nContent-Type: text/html; charset=utf-8\n\n<html><body>${html}</body></html>\n`);
  return (await scan(shippedEngine, { id: "lure", envelope: { rcpt: ["user@example.com"] }, raw })).hits.map((h) => h.name);
}

/** `fromHits` kept to `names`, sorted: the rules of one family on a letter from `from`. */
export const fromHitsOf = (names: readonly string[]) => async (from: string, html: string): Promise<string[]> =>
  (await fromHits(from, html)).filter((n) => names.includes(n)).sort();

/**
 * Each lure hits exactly `want` of `hit` (a family's ruleHits or fromHitsOf, sorted): one
 * expect per letter, naming it, so a failure says which wording missed or fired.
 */
export async function expectLures(hit: (text: string) => Promise<string[]>, want: readonly string[], lures: readonly string[]): Promise<void> {
  for (const lure of lures) expect({ lure, got: await hit(lure) }).toEqual({ lure, got: [...want] });
}

/** Each honest letter hits nothing of `hit`, one expect per letter as expectLures. */
export async function expectHonest(hit: (text: string) => Promise<string[]>, honest: readonly string[]): Promise<void> {
  for (const text of honest) expect({ honest: text, got: await hit(text) }).toEqual({ honest: text, got: [] });
}

/** A fixture message (`path` under fixtures/messages/) scanned as a filtering process scans it: flagged (probable spam or spam), and the names it hits. */
export async function fixtureVerdict(path: string): Promise<{ flagged: boolean; names: string[] }> {
  const raw = new Uint8Array(readFileSync(join(import.meta.dir, "../../fixtures/messages", path)));
  const r = await scan(shippedEngine, { id: path, envelope: { rcpt: ["dana@example.com"] }, raw });
  return { flagged: r.status !== "not_detected", names: r.hits.map((h) => h.name) };
}

/** The file names of one fixtures/messages/ directory, sorted (a family's test lists every one). */
export const fixtureFiles = (dir: string): string[] => readdirSync(join(import.meta.dir, "../../fixtures/messages", dir)).sort();

/**
 * Each fixture (`path` under fixtures/messages/) is flagged and hits every one of its names:
 * one expect per fixture, naming it, so a failure says which message and which rule.
 */
export async function expectFixturesFlagged(want: Record<string, readonly string[]>): Promise<void> {
  for (const [f, names] of Object.entries(want)) {
    const v = await fixtureVerdict(f);
    expect({ f, flagged: v.flagged, names: v.names.filter((n) => names.includes(n)).sort() }).toEqual({ f, flagged: true, names: [...names].sort() });
  }
}
