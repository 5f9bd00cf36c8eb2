// `bun run eval`: an honest evaluation of kas (rules + Bayes) on the SpamAssassin public
// corpus. Trains a FRESH token database (temporary data_dir) on the training split
// (spam-1 + easy-ham-1), scans the evaluation split (spam-2, easy-ham-2, hard-ham-1) once
// with rules only and once with rules + Bayes, and prints per group: messages, spam recall
// or false-positive rate at the default threshold, and the score distribution.
//
// `bun run eval --cv`: two-fold cross-validation INSIDE the training split (train on one
// half of spam-1/easy-ham-1, scan the other half, and swap). The held-out ham is also scanned
// dressed as HTML (dress.ts), and our own fixtures of wanted commercial mail
// (fixtures/messages/wanted-bulk) are scanned too: the training split has no ham of either
// kind. Every design choice and parameter (tokenizer, classifier constants, BAYES_* scores,
// score groups) is chosen with this mode; the evaluation split is only ever scanned by the
// default mode, never tuned on. `--misses` (--cv only) lists the held-out training spam under the
// threshold with its hits, to read when writing rules.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pkg from "../../package.json";
import { Bayes } from "../bayes/bayes";
import { learnFiles } from "../bayes/learner";
import { DEFAULT_PARAMS } from "../bayes/classify";
import { MemoryTokenStore } from "../bayes/memory-store";
import { DEFAULT_TOKENIZE } from "../bayes/tokenize";
import { EVAL, groupFiles, TRAIN } from "./corpus";
import { benchConfig as config, byDate as inDateOrder, messagesOf, type Scanner, scannerFor, wantedBulk } from "./cv-scan";
import { type Dress, dressAsHtml } from "./dress";
import { openSqliteStore } from "../bayes/sqlite-store";
import { bayesDbPath } from "../config/paths";
import { parseMessage } from "../message/parse";

const EVAL_GROUPS: Group[] = [...EVAL.spam.map((name) => ({ name, spam: true })), ...EVAL.ham.map((name) => ({ name, spam: false }))];
/** Score bands of the distribution (the default thresholds are 3 and 5). */
const BANDS: Array<[string, (s: number) => boolean]> = [
  ["<0", (s) => s < 0],
  ["0–3", (s) => s >= 0 && s < 3],
  ["3–5", (s) => s >= 3 && s < 5],
  ["5–8", (s) => s >= 5 && s < 8],
  ["≥8", (s) => s >= 8],
];

interface Group {
  name: string;
  spam: boolean;
}
interface GroupResult {
  group: string;
  spam: boolean;
  scores: number[];
  bayes: Record<string, number>;
}

const MISSES = process.argv.includes("--misses");
const subjectOf = (raw: Uint8Array) => /^Subject:(.*)$/im.exec(new TextDecoder().decode(raw.subarray(0, 8192)))?.[1]?.trim().slice(0, 70) ?? "";

/** `missesUnder`: print the spam that scores under this (--misses, held-out training spam only). */
async function scanGroup(scanner: Scanner, name: string, spam: boolean, raws: Iterable<Uint8Array>, missesUnder?: number): Promise<GroupResult> {
  const r: GroupResult = { group: name, spam, scores: [], bayes: {} };
  let n = 0;
  for (const raw of raws) {
    const res = await scanner.scan({ id: `${name}-${++n}`, envelope: { rcpt: [] }, raw });
    r.scores.push(res.score);
    if (missesUnder !== undefined && res.score < missesUnder)
      console.error(`MISS ${res.score.toFixed(2)} ${subjectOf(raw)}\n    ${res.hits.map((h) => `${h.name}=${h.score}`).join(" ")}`);
    const band = res.hits.find((h) => /^BAYES_\d\d$/.test(h.name))?.name ?? "none";
    r.bayes[band] = (r.bayes[band] ?? 0) + 1;
  }
  return r;
}

const pct = (a: number, b: number) => (b ? `${((100 * a) / b).toFixed(2)}%` : "–");

function report(title: string, results: GroupResult[], threshold: number): string {
  const head = `| group | messages | ${"spam recall / false positives"} (score ≥ ${threshold}) | ${BANDS.map(([b]) => b).join(" | ")} |`;
  const sep = `|---|---:|---:|${BANDS.map(() => "---:").join("|")}|`;
  const rows = results.map((r) => {
    const hit = r.scores.filter((s) => s >= threshold).length;
    const rate = r.spam ? `recall ${pct(hit, r.scores.length)}` : `FP ${pct(hit, r.scores.length)} (${hit})`;
    return `| ${r.group} | ${r.scores.length} | ${rate} | ${BANDS.map(([, f]) => r.scores.filter(f).length).join(" | ")} |`;
  });
  return [`**${title}**`, "", head, sep, ...rows].join("\n");
}

function bayesBands(results: GroupResult[]): string {
  const names = ["BAYES_00", "BAYES_05", "BAYES_20", "BAYES_40", "BAYES_50", "BAYES_60", "BAYES_80", "BAYES_95", "BAYES_99", "none"];
  return [
    `| group | ${names.join(" | ")} |`,
    `|---|${names.map(() => "---:").join("|")}|`,
    ...results.map((r) => `| ${r.group} | ${names.map((n) => r.bayes[n] ?? 0).join(" | ")} |`),
  ].join("\n");
}

/**
 * `--set name=value` (repeatable, --cv only): try another classifier parameter
 * (classify.ts DEFAULT_PARAMS) or tokenizer option (tokenize.ts DEFAULT_TOKENIZE) for this run.
 */
function applySettings(): string[] {
  const done: string[] = [];
  const argv = process.argv;
  for (let i = argv.indexOf("--set"); i >= 0; i = argv.indexOf("--set", i + 1)) {
    const [k = "", v = ""] = (argv[i + 1] ?? "").split("=");
    const known = [...Object.keys(DEFAULT_PARAMS), ...Object.keys(DEFAULT_TOKENIZE)].join(", ");
    if (Object.hasOwn(DEFAULT_PARAMS, k)) {
      if (!Number.isFinite(Number(v)) || v === "") throw new Error(`--set ${k}=${v}: expected a number`);
      (DEFAULT_PARAMS as unknown as Record<string, number>)[k] = Number(v);
    } else if (Object.hasOwn(DEFAULT_TOKENIZE, k)) {
      if (v !== "true" && v !== "false") throw new Error(`--set ${k}=${v}: expected true or false`);
      (DEFAULT_TOKENIZE as Record<string, boolean>)[k] = v === "true";
    } else throw new Error(`--set ${argv[i + 1] ?? ""}: unknown setting; one of ${known}`);
    done.push(`${k}=${v}`);
  }
  return done;
}

async function main() {
  const cv = process.argv.includes("--cv");
  const experiments = applySettings();
  if ((experiments.length || process.argv.includes("--by-date") || MISSES) && !cv) throw new Error("--set, --by-date and --misses are for --cv runs only: the evaluation split is never used to choose settings or write rules");
  const dir = mkdtempSync(join(tmpdir(), "kas-eval-"));
  try {
    const cfg = config(dir);
    const threshold = cfg.policy.spam_score;
    const out: string[] = [];
    if (!cv) {
      const store = openSqliteStore(bayesDbPath(cfg));
      const bayes = new Bayes(store, { minSpam: cfg.bayes.min_spam, minHam: cfg.bayes.min_ham });
      const t0 = performance.now();
      let learned = 0;
      for (const op of ["spam", "ham"] as const)
        for (const g of TRAIN[op]) learned += (await learnFiles({ bayes, files: groupFiles(g), op, parse: (raw) => parseMessage(raw, cfg.scan) })).messages;
      const learnS = (performance.now() - t0) / 1000;
      const stats = await store.stats();
      store.close();
      console.error(`learned ${learned} messages in ${learnS.toFixed(1)} s (${stats.tokens} tokens, ${(stats.bytes / 1048576).toFixed(1)} MiB)`);
      const results: Record<string, GroupResult[]> = {};
      for (const withBayes of [false, true]) {
        const scanner = await scannerFor(cfg, withBayes);
        const t1 = performance.now();
        let n = 0;
        results[String(withBayes)] = [];
        for (const g of EVAL_GROUPS) {
          const r = await scanGroup(scanner, g.name, g.spam, messagesOf(groupFiles(g.name)));
          n += r.scores.length;
          results[String(withBayes)].push(r);
        }
        console.error(`scanned ${n} messages ${withBayes ? "with" : "without"} Bayes in ${((performance.now() - t1) / 1000).toFixed(1)} s`);
      }
      out.push(`kas ${pkg.version}, ${new Date().toISOString().slice(0, 10)}: trained on spam-1 + easy-ham-1 (${learned} messages, ${learnS.toFixed(1)} s), evaluated on spam-2, easy-ham-2, hard-ham-1.`);
      out.push("", report("rules + Bayes", results.true, threshold), "", report("rules only", results.false, threshold), "", "**Bayes bands (rules + Bayes run)**", "", bayesBands(results.true));
    } else {
      // Each fold: learn one half, scan the other half as it is and dressed in HTML (dress.ts), with and without Bayes.
      // --by-date: one fold, learn the older half (by Date header) and scan the newer half: mail
      // changes over time, and the evaluation split is later mail than the training split.
      const byDate = process.argv.includes("--by-date");
      const folds: Record<string, GroupResult[][]> = { true: [], false: [] };
      for (let fold = 0; fold < (byDate ? 1 : 2); fold++) {
        const store = new MemoryTokenStore();
        const bayes = new Bayes(store, { minSpam: 1, minHam: 1 });
        const half = byDate
          ? (list: string[], test: boolean) => {
              const sorted = inDateOrder(list, (f) => f);
              return test ? sorted.slice(sorted.length >> 1) : sorted.slice(0, sorted.length >> 1);
            }
          : (list: string[], test: boolean) => list.filter((_, i) => (i % 2 === fold) === test);
        for (const [op, g] of [["spam", "spam-1"], ["ham", "easy-ham-1"]] as const) await learnFiles({ bayes, files: half(groupFiles(g), false), op, parse: (raw) => parseMessage(raw, cfg.scan) });
        const hamRaw = [...messagesOf(half(groupFiles("easy-ham-1"), true))];
        const dressed = (d: Dress) => hamRaw.map((raw) => dressAsHtml(raw, d, cfg.scan)).filter((m): m is Uint8Array => m !== null);
        for (const withBayes of [true, false]) {
          const scanner = await scannerFor(config(dir), withBayes, store);
          folds[String(withBayes)].push([
            await scanGroup(scanner, "spam-1 (held-out half)", true, messagesOf(half(groupFiles("spam-1"), true)), MISSES && withBayes ? threshold : undefined),
            await scanGroup(scanner, "easy-ham-1 (held-out half)", false, hamRaw),
            await scanGroup(scanner, "easy-ham-1 dressed as mail-client HTML", false, dressed("client")),
            await scanGroup(scanner, "easy-ham-1 dressed as newsletter HTML", false, dressed("newsletter")),
            await scanGroup(scanner, byDate ? "wanted bulk mail (our fixtures)" : "wanted bulk mail (our fixtures, once per fold)", false, messagesOf(wantedBulk())),
          ]);
        }
      }
      const merged = (f: GroupResult[][]) => (f.length === 1 ? f[0] : f[0].map((r, i) => ({ ...r, scores: [...r.scores, ...f[1][i].scores], bayes: sumCounts(r.bayes, f[1][i].bayes) })));
      const settings = experiments.length ? ` Settings changed for this run: ${experiments.join(", ")}.` : "";
      const how = byDate ? "learned on the older half by Date, scanned the newer half" : "2-fold cross-validation";
      out.push(`kas ${pkg.version}, ${new Date().toISOString().slice(0, 10)}: ${how} within the training split (spam-1, easy-ham-1).${settings}`);
      out.push("", report("rules + Bayes", merged(folds.true), threshold), "", report("rules only", merged(folds.false), threshold), "", "**Bayes bands**", "", bayesBands(merged(folds.true)));
    }
    console.log(out.join("\n"));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function sumCounts(a: Record<string, number>, b: Record<string, number>): Record<string, number> {
  const o = { ...a };
  for (const [k, v] of Object.entries(b)) o[k] = (o[k] ?? 0) + v;
  return o;
}

await main();
