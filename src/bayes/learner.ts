// Learning from files: read each path (file, directory, mbox), parse every message, and hand
// the classifier batches. Batches are what keeps the write transactions bounded: a scanner
// reading meanwhile never waits for more than one batch, and a crash loses at most one.
import type { ParsedMessage } from "../message/types";
import type { Bayes } from "./bayes";
import { eachMessage, type Skipped } from "./mail-files";
import type { LearnClass, LearnOutcome } from "./store";

/** Messages per write transaction: ~50 ms of SQLite work, so readers and other writers never wait long. */
export const BATCH = 200;

export interface LearnTally {
  files: number;
  messages: number;
  outcomes: Record<LearnOutcome, number>;
  skipped: Skipped[];
}

export interface LearnFilesOptions {
  bayes: Bayes;
  files: readonly string[];
  op: LearnClass | "forget";
  parse: (raw: Uint8Array) => ParsedMessage | Promise<ParsedMessage>;
  batch?: number;
  onProgress?: (t: LearnTally) => void;
}

export async function learnFiles(o: LearnFilesOptions): Promise<LearnTally> {
  const tally: LearnTally = { files: 0, messages: 0, outcomes: { learned: 0, relearned: 0, already: 0, forgotten: 0, unknown: 0 }, skipped: [] };
  let batch: ParsedMessage[] = [];
  const flush = async () => {
    if (!batch.length) return;
    for (const r of await o.bayes.learn(batch, o.op)) tally.outcomes[r]++;
    tally.messages += batch.length;
    batch = [];
    o.onProgress?.(tally);
  };
  for (const m of eachMessage(o.files, { onFile: () => tally.files++, onSkip: (s) => tally.skipped.push(s) })) {
    try {
      batch.push(await o.parse(m.raw));
    } catch (e) {
      tally.skipped.push({ label: m.label, reason: `cannot parse: ${e instanceof Error ? e.message : String(e)}` });
      continue;
    }
    if (batch.length >= (o.batch ?? BATCH)) await flush();
  }
  await flush();
  return tally;
}
