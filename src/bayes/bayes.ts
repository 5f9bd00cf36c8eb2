// The classifier over a token store: classify one parsed message (abstaining until enough
// mail was learned) and learn / forget batches of them. Library code: no config file, no
// logging; the check (checks/bayes.ts) and `kas learn` (cli/learn.ts) wrap it.
import { createHash } from "node:crypto";
import type { ParsedMessage } from "../message/types";
import { bandSymbols, type Classification, classify, classifyArrays, DEFAULT_PARAMS, type ClassifierParams } from "./classify";
import type { LearnClass, LearnOutcome, StoreTotals, TokenStore } from "./store";
import { MAX_TOKENS, tokenIds, type TokenizeOptions } from "./tokenize";

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

/** Count arrays for classifyIds, reused: filled and read with no await in between, so never shared by two messages. */
let scratch = { spam: new Uint32Array(MAX_TOKENS), ham: new Uint32Array(MAX_TOKENS) };

export class Bayes {
  constructor(
    readonly store: TokenStore,
    readonly opts: BayesOptions,
  ) {}

  async classify(msg: ParsedMessage): Promise<BayesVerdict> {
    return this.classifyIds(messageTokenIds(msg, this.opts.tokenize));
  }

  /** The verdict on a message's distinct token ids (messageTokenIds). */
  async classifyIds(ids: readonly number[]): Promise<BayesVerdict> {
    const params = this.opts.params ?? DEFAULT_PARAMS;
    let totals: StoreTotals;
    let c: Classification | undefined;
    if (this.store.countsInto) {
      // An in-memory store: counts into scratch arrays, no Map and no count objects (the scan path).
      if (scratch.spam.length < ids.length) scratch = { spam: new Uint32Array(ids.length), ham: new Uint32Array(ids.length) };
      totals = this.store.countsInto(ids, scratch.spam, scratch.ham);
      if (this.enough(totals)) c = classifyArrays(scratch.spam, scratch.ham, ids.length, totals.nspam, totals.nham, params);
    } else {
      const l = await this.store.lookup(ids);
      totals = l.totals;
      if (this.enough(totals)) c = classify(l.counts.values(), totals.nspam, totals.nham, params);
    }
    if (!c) return { kind: "abstain", totals, reason: `learned ${totals.nspam} spam and ${totals.nham} ham, needs ${this.opts.minSpam} and ${this.opts.minHam}` };
    return { kind: "scored", probability: c.probability, used: c.used, symbols: bandSymbols(c.probability), totals };
  }

  private enough(t: StoreTotals): boolean {
    return t.nspam >= this.opts.minSpam && t.nham >= this.opts.minHam;
  }

  /** Learn (or forget) parsed messages in one store transaction. */
  async learn(msgs: readonly ParsedMessage[], op: LearnClass | "forget"): Promise<LearnOutcome[]> {
    return this.store.learn(msgs.map((m) => ({ digest: messageDigest(m), op, tokens: messageTokenIds(m, this.opts.tokenize) })));
  }
}
