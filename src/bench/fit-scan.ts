// The labelled hit table `bun run fit` learns from: every message of the training split
// (spam-1, easy-ham-1) scanned with token databases that never saw it, so BAYES_* hits are out
// of sample as they are in real use. Twice: in the two folds of `bun run eval --cv` (alternate
// files), and in two folds by date (learn the older half, scan the newer, and the reverse, as
// `eval --cv --by-date`), because a site's classifier always judges mail newer than what it
// learned and is less sure of it: rules must carry weight where Bayes does not. Also the
// held-out ham dressed as HTML (dress.ts), and our wanted-bulk fixtures with each fold's
// database. And all of it once more with rules alone (the `-rules` kinds): a site runs
// without Bayes until it has learned enough mail, and the fit must not leave it unguarded.
// Only hit names are kept: scores are what is fitted.
import { Bayes } from "../bayes/bayes";
import { learnFiles } from "../bayes/learner";
import { MemoryTokenStore } from "../bayes/memory-store";
import { parseMessage } from "../message/parse";
import { groupFiles } from "./corpus";
import { benchConfig, byDate, messagesOf, type Scanner, scannerFor, wantedBulk } from "./cv-scan";
import { type Dress, dressAsHtml } from "./dress";

type Source = "spam" | "ham" | "client" | "newsletter" | "bulk";
/** What a scanned message stands for, and whether Bayes took part (`-rules`: it did not). */
export type SampleKind = Source | `${Source}-rules`;
export const HAM_KINDS: readonly SampleKind[] = ["ham", "client", "newsletter", "bulk", "ham-rules", "client-rules", "newsletter-rules", "bulk-rules"];
export const SPAM_KINDS: readonly SampleKind[] = ["spam", "spam-rules"];
/**
 * Scans of each message of a kind: each training message (and its dressed copies) is scanned by
 * two of the four folds' token databases, each fixture by all four; rules alone scan each once.
 */
export const SCANS_PER_MESSAGE: Record<SampleKind, number> = {
  spam: 2, ham: 2, client: 2, newsletter: 2, bulk: 4,
  "spam-rules": 1, "ham-rules": 1, "client-rules": 1, "newsletter-rules": 1, "bulk-rules": 1,
};

export interface ScannedSample {
  kind: SampleKind;
  /** Index of the source message in its list (spam-1, easy-ham-1 or the fixtures): dressed copies share their source's. */
  src: number;
  hits: string[];
}

/** Scans the messages of `files` (a file may hold none, one or several), each labelled with its file's index. */
async function scanFiles(scanner: Scanner, kind: SampleKind, files: [number, string][], out: ScannedSample[], dress?: (raw: Uint8Array) => Uint8Array | null) {
  for (const [src, file] of files)
    for (const m of messagesOf([file])) {
      const raw = dress ? dress(m) : m;
      if (!raw) continue;
      const r = await scanner.scan({ id: `${kind}-${src}`, envelope: { rcpt: [] }, raw });
      out.push({ kind, src, hits: r.hits.map((h) => h.name) });
    }
}

const indexed = (list: string[]) => list.map((f, i): [number, string] => [i, f]);

export async function scanTraining(dataDir: string, progress: (line: string) => void): Promise<ScannedSample[]> {
  const cfg = benchConfig(dataDir);
  const parse = (raw: Uint8Array) => parseMessage(raw, cfg.scan);
  const spam = indexed(groupFiles("spam-1"));
  const ham = indexed(groupFiles("easy-ham-1"));
  const bulk = indexed(wantedBulk());
  const out: ScannedSample[] = [];
  const newer = (list: [number, string][]) => {
    const sorted = byDate(list, ([, f]) => f);
    return new Set(sorted.slice(sorted.length >> 1).map(([i]) => i));
  };
  const newerSpam = newer(spam);
  const newerHam = newer(ham);
  for (let fold = 0; fold < 4; fold++) {
    // Folds 0 and 1: the halves of `bun run eval --cv`; 2: learn the older half, scan the newer; 3: the reverse.
    const inTest = (i: number, later: Set<number>) => (fold < 2 ? i % 2 === fold : later.has(i) === (fold === 2));
    const half = (list: [number, string][], test: boolean) => list.filter(([i]) => inTest(i, list === spam ? newerSpam : newerHam) === test);
    const store = new MemoryTokenStore();
    const bayes = new Bayes(store, { minSpam: 1, minHam: 1 });
    for (const [op, list] of [["spam", spam], ["ham", ham]] as const) await learnFiles({ bayes, files: half(list, false).map(([, f]) => f), op, parse });
    const scanner = await scannerFor(cfg, true, store);
    await scanFiles(scanner, "spam", half(spam, true), out);
    await scanFiles(scanner, "ham", half(ham, true), out);
    for (const dress of ["client", "newsletter"] as Dress[]) await scanFiles(scanner, dress, half(ham, true), out, (raw) => dressAsHtml(raw, dress, cfg.scan));
    await scanFiles(scanner, "bulk", bulk, out);
    progress(`fold ${fold + 1} of 4 scanned (${out.length} samples so far)`);
  }
  const rulesOnly = await scannerFor(cfg, false);
  await scanFiles(rulesOnly, "spam-rules", spam, out);
  await scanFiles(rulesOnly, "ham-rules", ham, out);
  for (const dress of ["client", "newsletter"] as Dress[]) await scanFiles(rulesOnly, `${dress}-rules`, ham, out, (raw) => dressAsHtml(raw, dress, cfg.scan));
  await scanFiles(rulesOnly, "bulk-rules", bulk, out);
  return out;
}
