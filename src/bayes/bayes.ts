// The classifier over a token store: classify one parsed message (abstaining until enough
// mail was learned) and learn / forget batches of them. Library code: no config file, no
// logging; the check (checks/bayes.ts) and `kas learn` (cli/learn.ts) wrap it.
import { createHash } from "node:crypto";
import type { ParsedMessage } from "../message/types";
import { bandSymbols, classifyArrays, DEFAULT_PARAMS } from "./classify";
import type { LearnClass, LearnItem, LearnOutcome, Lookup, StoreTotals, TokenStore } from "./store";
import { MAX_TOKENS, tokenIds } from "./tokenize";

/** A long-lived writer (auto-learning, POST /v1/learn) expires tokens after this many learned messages (a full count costs ~0.1 s at a million tokens). */
export const EXPIRE_EVERY = 500;

export interface BayesOptions {
  /** Abstain until this many spam and ham messages were learned. */
  minSpam: number;
  minHam: number;
  /** Set for a long-lived writer: every EXPIRE_EVERY learned messages, drop the least recently learned tokens beyond this many. */
  expireBeyond?: number;
}

export type BayesVerdict =
  | { kind: "scored"; probability: number; symbols: string[]; used: number; totals: StoreTotals }
  | { kind: "abstain"; reason: string; totals: StoreTotals };

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

/** A lookup's counts into the scratch arrays, in the order of `ids` (0 and 0 = unknown); its totals. */
function fillScratch(l: Lookup, ids: readonly number[]): StoreTotals {
  for (let i = 0; i < ids.length; i++) {
    const c = l.counts.get(ids[i]);
    scratch.spam[i] = c ? c.spam : 0;
    scratch.ham[i] = c ? c.ham : 0;
  }
  return l.totals;
}

export class Bayes {
  private sinceExpiry = 0;

  constructor(
    readonly store: TokenStore,
    readonly opts: BayesOptions,
  ) {}

  async classify(msg: ParsedMessage): Promise<BayesVerdict> {
    return this.classifyIds(tokenIds(msg));
  }

  /** The verdict on a message's distinct token ids (tokenize.ts tokenIds). */
  async classifyIds(ids: readonly number[]): Promise<BayesVerdict> {
    // An in-memory store (snapshot.ts) answers into the arrays at once: no Map, no count objects.
    const looked = this.store.countsInto ? undefined : await this.store.lookup(ids);
    // After the await: the arrays are filled and read with no await in between.
    if (scratch.spam.length < ids.length) scratch = { spam: new Uint32Array(ids.length), ham: new Uint32Array(ids.length) };
    const totals = looked ? fillScratch(looked, ids) : this.store.countsInto!(ids, scratch.spam, scratch.ham);
    if (!this.enough(totals)) return { kind: "abstain", totals, reason: `learned ${totals.nspam} spam and ${totals.nham} ham, needs ${this.opts.minSpam} and ${this.opts.minHam}` };
    const c = classifyArrays(scratch.spam, scratch.ham, ids.length, totals.nspam, totals.nham, DEFAULT_PARAMS);
    return { kind: "scored", probability: c.probability, used: c.used, symbols: bandSymbols(c.probability), totals };
  }

  private enough(t: StoreTotals): boolean {
    return t.nspam >= this.opts.minSpam && t.nham >= this.opts.minHam;
  }

  /** Learn (or forget) parsed messages in one store transaction. */
  async learn(msgs: readonly ParsedMessage[], op: LearnClass | "forget"): Promise<LearnOutcome[]> {
    return this.learnItems(msgs.map((m) => ({ digest: messageDigest(m), op, tokens: tokenIds(m) })));
  }

  /** Learn items already tokenized, in one store transaction; a long-lived writer (opts.expireBeyond) also expires tokens now and then. */
  async learnItems(items: readonly LearnItem[]): Promise<LearnOutcome[]> {
    const out = await this.store.learn(items);
    if (this.opts.expireBeyond !== undefined && (this.sinceExpiry += items.length) >= EXPIRE_EVERY) {
      this.sinceExpiry = 0;
      await this.store.expire(this.opts.expireBeyond);
    }
    return out;
  }
}
