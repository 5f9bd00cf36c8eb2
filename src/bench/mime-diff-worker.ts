// One worker of `bun run mime:diff`: compares its share of the items (every `workers`-th,
// starting at `worker`) and posts the counts per kind with the first samples of each.
// mailparser is asynchronous and spends most of the time; two workers use two cores.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CORPUS_DIR } from "./corpus";
import { corpusItem, diffItem, generatedItem, type Item } from "./mime-diff-items";
import { emptyTally, record, type DiffJob, type Tally } from "./mime-diff-tally";

declare const self: Worker;

self.onmessage = async (ev: MessageEvent<DiffJob>) => {
  const job = ev.data;
  let corpusCache: Uint8Array[] | undefined;
  const corpus = () => (corpusCache ??= job.corpusPaths.map((p) => new Uint8Array(readFileSync(join(CORPUS_DIR, p)))));
  const corpusTally: Tally = emptyTally();
  const genTally: Tally = emptyTally();
  const run = async (item: Item, order: number, tally: Tally) => {
    const r = await diffItem(item);
    record(tally, item, order, r, job.samples);
  };
  if (job.includeCorpus) for (let i = job.worker; i < job.corpusPaths.length; i += job.workers) await run(corpusItem(job.corpusPaths[i]), i, corpusTally);
  for (let j = job.worker; j < job.count; j += job.workers) {
    await run(generatedItem(job.seed, j, corpus), j, genTally);
    if ((j - job.worker) % (5000 * job.workers) === 0 && j > job.worker) postMessage({ type: "progress", worker: job.worker, done: j });
  }
  postMessage({ type: "done", corpus: corpusTally, generated: genTally });
};
