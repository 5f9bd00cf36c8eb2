// What `bun run eval` and `bun run fit` both scan with: the config of a throw-away data_dir,
// the network-free scanner, the messages of corpus files, and our wanted-bulk fixtures.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { eachMessage } from "../bayes/mail-files";
import type { MemoryTokenStore } from "../bayes/memory-store";
import { createBayesCheck } from "../checks/bayes";
import { createDateSkewCheck } from "../checks/date-skew";
import { createPhishingCheck } from "../checks/phishing";
import { parseConfig } from "../config/load";
import type { KasConfig } from "../config/schema";
import { createScanner } from "../engine/scanner";
import type { ScanResult } from "../model";

export type Scanner = { scan(r: { id: string; envelope: { rcpt: string[] }; raw: Uint8Array }): Promise<ScanResult> };

export function benchConfig(dataDir: string): KasConfig {
  return parseConfig(`data_dir = ${JSON.stringify(dataDir)}\n`);
}

export async function scannerFor(cfg: KasConfig, bayes: boolean, store?: MemoryTokenStore): Promise<Scanner> {
  // The checks that need no network (the corpus has no DNS of its time): phishing, date skew, then Bayes.
  const checks = [createPhishingCheck(), createDateSkewCheck(), ...(bayes ? [createBayesCheck(cfg, store ? { store } : {})] : [])];
  return await createScanner(cfg, { checks });
}

/** The raw messages of files (a file may be an mbox), in order. */
export function* messagesOf(list: string[]): Generator<Uint8Array> {
  for (const m of eachMessage(list)) yield m.raw;
}

/** Commercial mail people asked for, written by us (fixtures/messages/wanted-bulk): the kind of ham the training split lacks. */
export const WANTED_BULK = join(import.meta.dir, "../../fixtures/messages/wanted-bulk");
export const wantedBulk = () =>
  readdirSync(WANTED_BULK)
    .filter((f) => f.endsWith(".eml"))
    .sort()
    .map((f) => join(WANTED_BULK, f));

/**
 * `items` in the order of their files' Date headers, oldest first; files without a readable
 * date last, ties in the given order. Each file is read once (a comparator reading both files
 * read each about log n times).
 */
export function byDate<T>(items: readonly T[], fileOf: (item: T) => string): T[] {
  const dated = items.map((item, i) => ({ item, i, t: dateOf(fileOf(item)) }));
  return dated.sort((a, b) => a.t - b.t || a.i - b.i).map((d) => d.item);
}

/** The message's Date header as a time; files without a readable one sort last. */
function dateOf(file: string): number {
  const head = readFileSync(file, "latin1").slice(0, 16384);
  const t = Date.parse(/^Date:[ \t]*(.+)$/im.exec(head)?.[1] ?? "");
  return Number.isNaN(t) ? Number.MAX_SAFE_INTEGER : t;
}
