// POST /v1/learn, the filtering process's half: parse the message and learn it into the
// server's token database ([bayes] path). The writer opens on the first learn request only
// (a server that is never taught pays nothing) and closes when the process exits. Several
// filtering processes may each hold a writer: SQLite's WAL + busy_timeout serialise their
// commits, and a lock held too long is answered "busy" (the client retries), never a hang.
// This module is itself imported lazily (server/scanner.ts), so its imports cost a process
// that never scans nothing.
import { Bayes } from "../bayes/bayes";
import { openSqliteStore } from "../bayes/sqlite-store";
import { BayesStoreError } from "../bayes/store";
import { bayesDbPath } from "../config/paths";
import type { KasConfig } from "../config/schema";
import { parseMessage } from "../message/parse";
import type { LearnOp, LearnReply } from "../protocol/kas/learn";
import type { LearnAnswer } from "./worker";

export interface Learner {
  learn(op: LearnOp, raw: Uint8Array): Promise<LearnAnswer>;
  close(): void;
}

export function createLearner(cfg: KasConfig): Learner {
  let bayes: Bayes | undefined;
  return {
    async learn(op, raw) {
      try {
        // expireBeyond: tokens beyond [bayes] max_tokens go every few hundred learned messages.
        bayes ??= new Bayes(openSqliteStore(bayesDbPath(cfg), { busyTimeoutMs: 5000 }), { minSpam: cfg.bayes.min_spam, minHam: cfg.bayes.min_ham, expireBeyond: cfg.bayes.max_tokens });
        const msg = await parseMessage(raw, cfg.scan);
        const [outcome] = await bayes.learn([msg], op);
        // The totals row only (stats() would count every token).
        const { totals } = await bayes.store.lookup([]);
        const reply: LearnReply = { version: 1, outcome, spam: totals.nspam, ham: totals.nham };
        return { ok: true, reply };
      } catch (e) {
        if (e instanceof BayesStoreError) {
          // Reopened by the next request: the file may have been fixed or replaced meanwhile.
          bayes?.store.close();
          bayes = undefined;
          return { ok: false, code: e.failure === "busy" ? "busy" : "unavailable", error: `${e.message}${e.hint ? ` (${e.hint})` : ""}` };
        }
        return { ok: false, code: "internal", error: e instanceof Error ? e.message : String(e) };
      }
    },
    close() {
      bayes?.store.close();
      bayes = undefined;
    },
  };
}
