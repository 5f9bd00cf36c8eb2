// The inputs of `bun run mime:diff`, each named by an id that regenerates it alone:
//   corpus:<group>/<file>   a SpamAssassin corpus message as it is;
//   gen:<seed>:<index>      a generated message (mime-gen.ts);
//   mut:<seed>:<index>      a corpus message with 1-3 mild mutations (mime-mutate.ts).
// Every fifth generated item is a mutated corpus message, so structures nobody would write
// by hand but real mail has (long headers, odd preambles, vendor boundaries) get damaged too.
import { readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { compareViews, type Verdict } from "./mime-classify";
import { corpusGroups, CORPUS_DIR, groupFiles } from "./corpus";
import { generateMessage } from "./mime-gen";
import { mutate } from "./mime-mutate";
import { createRng, itemSeed } from "./mime-rng";
import { kasView, mailparserView, type MimeView } from "./mime-views";

/** Mutations that keep a message a message (no 256 KB runs, no nests past every limit). */
const MILD = ["byte-flip", "byte-insert", "byte-delete", "splice", "truncate", "boundary-damage", "header-damage"];

export interface Item {
  id: string;
  raw: Uint8Array;
  /** What the generator or mutator did, for the report. */
  recipe: string[];
}

/** Corpus file paths relative to the corpus directory, in a fixed order. */
export function corpusPaths(): string[] {
  return corpusGroups()
    .flatMap(groupFiles)
    .map((f) => relative(CORPUS_DIR, f));
}

export function corpusItem(path: string): Item {
  return { id: `corpus:${path}`, raw: new Uint8Array(readFileSync(join(CORPUS_DIR, path))), recipe: [] };
}

/** Generated item `index` of the run with `seed`; `corpus` is read only for the mutated fifth. */
export function generatedItem(seed: number, index: number, corpus: () => Uint8Array[]): Item {
  if (index % 5 !== 4) {
    const g = generateMessage(seed, index);
    return { id: `gen:${seed}:${index}`, raw: g.raw, recipe: g.recipe };
  }
  const msgs = corpus();
  const r = createRng(itemSeed(seed ^ 0x5eed, index));
  const m = mutate(r, msgs[r.int(msgs.length)], msgs[r.int(msgs.length)], MILD);
  return { id: `mut:${seed}:${index}`, raw: m.raw, recipe: m.ops };
}

/** An item from its id, for `--show`; a clear error for an id that names nothing. */
export function itemById(id: string, corpus: () => Uint8Array[]): Item {
  const g = /^(gen|mut):(\d+):(\d+)$/.exec(id);
  if (g) {
    const index = Number(g[3]);
    const isMut = index % 5 === 4;
    if (isMut !== (g[1] === "mut")) throw new Error(`${id}: index ${index} is a ${isMut ? "mut" : "gen"} item (every fifth index, 4 mod 5, is a mutated corpus message)`);
    return generatedItem(Number(g[2]), index, corpus);
  }
  const c = /^corpus:(.+)$/.exec(id);
  if (c) return corpusItem(c[1]);
  throw new Error(`unknown item id ${JSON.stringify(id)}: expected corpus:<group>/<file>, gen:<seed>:<index> or mut:<seed>:<index>`);
}

export interface ItemResult {
  verdict: Verdict;
  kas: MimeView;
  mp: MimeView;
  kasMs: number;
  mpMs: number;
}

export async function diffItem(item: Item): Promise<ItemResult> {
  const t0 = performance.now();
  const kas = kasView(item.raw);
  const t1 = performance.now();
  const mp = await mailparserView(item.raw);
  const t2 = performance.now();
  return { verdict: compareViews(kas, mp, Buffer.from(item.raw).toString("latin1")), kas, mp, kasMs: t1 - t0, mpMs: t2 - t1 };
}
