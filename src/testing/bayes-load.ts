// Test-only: a separate process that hammers the Bayes token database, for the concurrency
// test (src/bayes/concurrency.test.ts). Never imported by production code.
//   bun src/testing/bayes-load.ts read  DATA_DIR MS   → scans with the Bayes check for MS ms
//   bun src/testing/bayes-load.ts write DATA_DIR N    → learns N batches of 200 messages
// Prints one JSON line: { ops, failures: string[] }.
import { Bayes } from "../bayes/bayes";
import { BATCH } from "../bayes/learner";
import { openSqliteStore } from "../bayes/sqlite-store";
import { createBayesCheck } from "../checks/bayes";
import { bayesDbPath } from "../config/paths";
import { defaults } from "../config/load";
import { parsed } from "./parsed";

const [mode, dataDir, arg] = process.argv.slice(2);
const config = { data_dir: dataDir, bayes: { ...defaults().bayes, min_spam: 1, min_ham: 1 } };
const msg = (cls: string, i: number) =>
  parsed({ messageId: `${cls}${i}-${process.pid}@load`, headers: { Subject: `${cls} subject ${i % 97}` }, body: Array.from({ length: 300 }, (_, k) => `${cls}w${(i * 7 + k) % 5000}`).join(" ") });

const failures: string[] = [];
let ops = 0;
if (mode === "read") {
  const check = createBayesCheck(config);
  const until = Date.now() + Number(arg);
  while (Date.now() < until) {
    const out = await check.run({ id: String(ops), envelope: { rcpt: [] }, message: msg(ops % 2 ? "spam" : "ham", ops), raw: new Uint8Array(), deadline: performance.now() + 5000 });
    for (const n of out.notes ?? []) if (!n.includes("not enough learned")) failures.push(n);
    if (out.symbols.length) ops++;
    else await Bun.sleep(1);
  }
} else {
  const store = openSqliteStore(bayesDbPath(config), { busyTimeoutMs: 30_000 });
  const bayes = new Bayes(store, { minSpam: 1, minHam: 1 });
  for (let b = 0; b < Number(arg); b++) {
    const cls = b % 2 ? "spam" : "ham";
    try {
      await bayes.learn(Array.from({ length: BATCH }, (_, i) => msg(cls, b * BATCH + i)), cls);
      ops++;
    } catch (e) {
      failures.push(String(e));
    }
  }
  store.close();
}
console.log(JSON.stringify({ ops, failures: failures.slice(0, 5), failureCount: failures.length }));
