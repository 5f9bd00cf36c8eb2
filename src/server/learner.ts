// POST /v1/learn, the filtering process's half: parse the message and learn it into the
// server's token database ([bayes] path). The writer opens on the first learn request only
// (a server that is never taught pays nothing) and closes when the process exits. Several
// filtering processes may each hold a writer: SQLite's WAL + busy_timeout serialise their
// commits, and a lock held too long is answered "busy" (the client retries), never a hang.
import type { KasConfig } from "../config/schema";
import type { Bayes } from "../bayes/bayes";
import type { LearnOp, LearnReply } from "../protocol/kas/learn";
import type { LearnAnswer } from "./worker";

/** Expire tokens beyond [bayes] max_tokens after this many messages learned by this process (a full count costs ~0.1 s at a million tokens). */
const EXPIRE_EVERY = 500;

export interface Learner {
  learn(op: LearnOp, raw: Uint8Array): Promise<LearnAnswer>;
  close(): void;
}

export function createLearner(cfg: KasConfig): Learner {
  let bayes: Bayes | undefined;
  let sinceExpiry = 0;
  return {
    async learn(op, raw) {
      const [{ Bayes }, { openSqliteStore }, { bayesDbPath }, { parseMessage }, { BayesStoreError }] = await Promise.all([
        import("../bayes/bayes"),
        import("../bayes/sqlite-store"),
        import("../config/paths"),
        import("../message/parse"),
        import("../bayes/store"),
      ]);
      try {
        bayes ??= new Bayes(openSqliteStore(bayesDbPath(cfg), { busyTimeoutMs: 5000 }), { minSpam: cfg.bayes.min_spam, minHam: cfg.bayes.min_ham });
        const msg = await parseMessage(raw, cfg.scan);
        const [outcome] = await bayes.learn([msg], op);
        if (++sinceExpiry >= EXPIRE_EVERY) {
          sinceExpiry = 0;
          await bayes.store.expire(cfg.bayes.max_tokens);
        }
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
