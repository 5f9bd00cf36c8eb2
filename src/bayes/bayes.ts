// The classifier over a token store: classify one parsed message (abstaining until enough
// mail was learned) and learn / forget batches of them. Library code: no config file, no
// logging; the check (checks/bayes.ts) and `kas learn` (cli/learn.ts) wrap it.
import { createHash } from "node:crypto";
import type { ParsedMessage } from "../message/types";
import { bandSymbols, classify, DEFAULT_PARAMS, type ClassifierParams } from "./classify";
import type { LearnClass, LearnOutcome, StoreTotals, TokenStore } from "./store";
import { tokenIds, type TokenizeOptions } from "./tokenize";

export interface BayesOptions {
  /** Abstain until this many spam and ham messages were learned. */
  minSpam: number;
  minHam: number;
  params?: ClassifierParams;
  tokenize?: TokenizeOptions;
}

export type BayesVerdict =
  | { kind: "scored"; probability: number; symbols: string[]; used: number; totals: StoreTotals }
  | { kind: "abstain"; reason: string; totals: StoreTotals };

/** Token ids of a message's distinct tokens (see token-id.ts on collisions). */
export function messageTokenIds(msg: ParsedMessage, opts?: TokenizeOptions): number[] {
  return tokenIds(msg, opts);
}

/**
 * Identity of a message for idempotent learning: its Message-ID and its body exactly as
 * transmitted. Header fields added on the way (Received, X-Spam-*, X-KAS-*, a subject
 * prefix) do not change it, so a message learned from a mailbox after delivery and the
 * same message learned before are one message. Line ends and trailing blank lines are
 * normalised: the same message stored with LF in an mbox and CRLF in a file is one message.
 */
export function messageDigest(msg: ParsedMessage): string {
  const mid = msg.headers.find((h) => h.name.toLowerCase() === "message-id")?.raw.trim() ?? "";
  const m = /\r?\n\r?\n/.exec(msg.full);
  const body = (m ? msg.full.slice(m.index + m[0].length) : msg.full).replace(/\r\n/g, "\n").replace(/\s+$/, "");
  return createHash("sha256").update(mid).update("\0").update(body, "latin1").digest("base64url").slice(0, 32);
}

export class Bayes {
  constructor(
    readonly store: TokenStore,
    readonly opts: BayesOptions,
  ) {}

  async classify(msg: ParsedMessage): Promise<BayesVerdict> {
    return this.classifyIds(messageTokenIds(msg, this.opts.tokenize));
  }

  async classifyIds(ids: readonly number[]): Promise<BayesVerdict> {
    const { totals, counts } = await this.store.lookup(ids);
    if (totals.nspam < this.opts.minSpam || totals.nham < this.opts.minHam) {
      return { kind: "abstain", totals, reason: `learned ${totals.nspam} spam and ${totals.nham} ham, needs ${this.opts.minSpam} and ${this.opts.minHam}` };
    }
    const c = classify(counts.values(), totals.nspam, totals.nham, this.opts.params ?? DEFAULT_PARAMS);
    return { kind: "scored", probability: c.probability, used: c.used, symbols: bandSymbols(c.probability), totals };
  }

  /** Learn (or forget) parsed messages in one store transaction. */
  async learn(msgs: readonly ParsedMessage[], op: LearnClass | "forget"): Promise<LearnOutcome[]> {
    return this.store.learn(msgs.map((m) => ({ digest: messageDigest(m), op, tokens: messageTokenIds(m, this.opts.tokenize) })));
  }
}
