// `bun run mime:diff`: what our MIME walker (message/parse.ts) and mailparser 3.9.0 see in the
// same message — the decoded text of the text parts and the list of leaf parts with their
// types — over the whole SpamAssassin corpus and `--count` generated and mutated messages
// (deterministic from `--seed`). Every disagreement is named by a kind (mime-classify.ts);
// the report gives counts per kind for the corpus and the generated set apart, a sample id
// of each (regenerate and inspect one with `--show <id>`), and the time spent.
// The first samples of each kind are written to `--out` as .eml files for reading.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import mpPkg from "mailparser/package.json";
import { benchArgs, intArg } from "./bench-args";
import { CORPUS_DIR } from "./corpus";
import { corpusPaths, diffItem, itemById } from "./mime-diff-items";
import { emptyTally, merge, type DiffJob, type Tally } from "./mime-diff-tally";

const CMD = "mime:diff";
const args = benchArgs(CMD, {
  seed: { type: "string", default: "1", help: "seed of the generated and mutated messages" },
  count: { type: "string", default: "100000", help: "generated + mutated messages (every fifth is a mutated corpus message)" },
  workers: { type: "string", default: String(Math.min(2, availableParallelism())), help: "worker threads (mailparser is the slow side)" },
  samples: { type: "string", default: "3", help: "sample ids kept (and written to --out) per kind" },
  out: { type: "string", default: ".tmp/mime-diff", help: "directory for the sample messages, one folder per kind" },
  "no-corpus": { type: "boolean", default: false, help: "generated messages only" },
  show: { type: "string", help: "print one item (e.g. gen:1:42, mut:1:4, corpus:spam-1/<file>) with both readings, and exit" },
  help: { type: "boolean", default: false, help: "this text" },
});
const seed = intArg(CMD, "seed", args.seed);
const count = intArg(CMD, "count", args.count);
const workers = intArg(CMD, "workers", args.workers, 1);
const samples = intArg(CMD, "samples", args.samples);
const paths = corpusPaths();
let corpusCache: Uint8Array[] | undefined;
const corpus = () => (corpusCache ??= paths.map((p) => new Uint8Array(readFileSync(join(CORPUS_DIR, p)))));

if (args.show) {
  let item;
  try {
    item = itemById(args.show, corpus);
  } catch (e) {
    console.error(`${CMD}: ${(e as Error).message}`);
    process.exit(2);
  }
  const r = await diffItem(item);
  console.log(`${item.id}  recipe: ${item.recipe.join(", ") || "-"}\n----- message (${item.raw.byteLength} bytes) -----`);
  console.log(Buffer.from(item.raw).toString("latin1").slice(0, 20_000));
  console.log(`----- verdict: ${r.verdict.same ? "same" : `${r.verdict.kind}: ${r.verdict.detail}`}`);
  console.log(`----- kas leaves: ${r.kas.leaves.join(" ")}${r.kas.error ? ` (${r.kas.error})` : ""}\n${r.kas.text}`);
  console.log(`----- mailparser leaves: ${r.mp.leaves.join(" ")}${r.mp.error ? ` (${r.mp.error})` : ""}\n${r.mp.text}`);
  process.exit(0);
}

const t0 = performance.now();
const corpusTally = emptyTally();
const genTally = emptyTally();
await Promise.all(
  Array.from({ length: workers }, (_, worker) => {
    const w = new Worker(new URL("./mime-diff-worker.ts", import.meta.url));
    const job: DiffJob = { seed, count, worker, workers, includeCorpus: !args["no-corpus"], corpusPaths: paths, samples };
    return new Promise<void>((resolve, reject) => {
      w.onmessage = (ev: MessageEvent<{ type: string; done?: number; corpus?: Tally; generated?: Tally }>) => {
        if (ev.data.type === "progress") return void process.stderr.write(`  … ${ev.data.done} generated items (worker ${worker}), ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);
        merge(corpusTally, ev.data.corpus!, samples);
        merge(genTally, ev.data.generated!, samples);
        w.terminate();
        resolve();
      };
      w.onerror = (e) => reject(new Error(`worker ${worker}: ${e.message}`));
      w.postMessage(job);
    });
  }),
);
const elapsed = (performance.now() - t0) / 1000;

function report(title: string, t: Tally): void {
  console.log(`${title}: ${t.compared} compared, ${t.disagree} disagree (${((100 * t.disagree) / Math.max(1, t.compared)).toFixed(2)} %)`);
  for (const [kind, v] of Object.entries(t.kinds).sort((a, b) => b[1].count - a[1].count || a[0].localeCompare(b[0]))) {
    console.log(`  ${kind.padEnd(40)} ${String(v.count).padStart(7)}  e.g. ${v.samples[0]?.id ?? "-"}`);
    for (const s of v.samples) console.log(`      ${s.id}${s.recipe.length ? ` [${s.recipe.join(", ")}]` : ""}: ${s.detail.slice(0, 220)}`);
  }
}

// The samples as files, to read with a mail program or `--show`.
for (const t of [corpusTally, genTally])
  for (const [kind, v] of Object.entries(t.kinds))
    for (const s of v.samples) {
      const dir = join(args.out, kind.replace(/[^A-Za-z0-9_.()-]+/g, "_"));
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `${s.id.replace(/[^A-Za-z0-9_.-]+/g, "_")}.eml`), itemById(s.id, corpus).raw);
    }

console.log(`mime:diff: kas message/parse.ts against mailparser ${mpPkg.version}; seed ${seed}, ${workers} worker(s)`);
if (!args["no-corpus"]) report("corpus (SpamAssassin, every group)", corpusTally);
report(`generated (${count}: ${count - Math.floor(count / 5)} generated, ${Math.floor(count / 5)} mutated corpus messages)`, genTally);
const all = corpusTally.compared + genTally.compared;
const mpMs = corpusTally.mpMs + genTally.mpMs;
const kasMs = corpusTally.kasMs + genTally.kasMs;
console.log(`total compared: ${all}; elapsed ${elapsed.toFixed(1)} s (${(all / elapsed).toFixed(0)} messages/s over ${workers} worker(s))`);
console.log(
  `per reader, one thread: kas ${(kasMs / all).toFixed(3)} ms/message (${((1000 * all) / kasMs).toFixed(0)}/s), mailparser ${(mpMs / all).toFixed(3)} ms/message (${((1000 * all) / mpMs).toFixed(0)}/s, slowest ${Math.max(corpusTally.mpMaxMs, genTally.mpMaxMs).toFixed(0)} ms)`,
);
console.log(`samples written to ${args.out}/<kind>/`);
