// The token store behind the classifier. One interface so a site with several filtering
// servers can share one store (Redis: a hash per token id, HINCRBY in a MULTI for learning,
// one pipelined HMGET per message for scanning) while a single host uses embedded SQLite
// (sqlite-store.ts). Methods are async for that reason; the SQLite store answers at once.
import { EXIT, KasError } from "../errors";
import type { TokenCounts } from "./classify";

export type LearnClass = "spam" | "ham";

export interface LearnItem {
  /** Identity of the message (see learner.ts messageDigest): learning is idempotent per digest. */
  digest: string;
  /** Learn as spam or ham, or forget (undo an earlier learn). */
  op: LearnClass | "forget";
  /** Token ids of the message (token-id.ts), each once. */
  tokens: readonly number[];
}

/**
 * What one item did: learned (new), relearned (moved from the other class), already (learned
 * as this class before: nothing changed), forgotten, unknown (forget of a message never learned).
 */
export type LearnOutcome = "learned" | "relearned" | "already" | "forgotten" | "unknown";

export interface StoreTotals {
  /** Messages learned as spam / ham. */
  nspam: number;
  nham: number;
}

export interface StoreStats extends StoreTotals {
  tokens: number;
  /** Bytes on disk (database + write-ahead log), or 0 when not a file. */
  bytes: number;
  location: string;
}

export interface Lookup {
  totals: StoreTotals;
  /** Counts of the ids that are known; unknown ids are absent. */
  counts: Map<number, TokenCounts>;
}

export interface TokenStore {
  /** Where it lives (file path, redis URL), for logs and hints. */
  readonly location: string;
  /** Totals and the counts of `ids`, in one round trip (one query). */
  lookup(ids: readonly number[]): Promise<Lookup>;
  /**
   * Optional, for stores held in memory (snapshot.ts): lookup() written into spam[i], ham[i]
   * for ids[i] (0 and 0 when unknown), synchronously. The scan path uses it when present: a
   * Map keyed by 52-bit ids, and a count object per token, cost more than the lookup itself.
   */
  countsInto?(ids: readonly number[], spam: Uint32Array, ham: Uint32Array): StoreTotals;
  /** Apply a batch in one bounded write transaction; outcomes in the order of `items`. */
  learn(items: readonly LearnItem[], now?: number): Promise<LearnOutcome[]>;
  /** Drop the least recently learned tokens beyond `maxTokens`; returns how many went. */
  expire(maxTokens: number): Promise<number>;
  stats(): Promise<StoreStats>;
  close(): void;
}

/** Why a store could not be used; the hint says how to recover. */
export type StoreFailure = "missing" | "corrupt" | "busy" | "io";

export class BayesStoreError extends KasError {
  constructor(
    readonly failure: StoreFailure,
    readonly location: string,
    detail: string,
  ) {
    const what = { missing: "does not exist", corrupt: "is corrupt", busy: "is busy (locked by another writer)", io: "cannot be used" }[failure];
    const hint = {
      missing: "learn some mail first: kas learn --spam DIR... and kas learn --ham DIR...",
      corrupt: `remove ${location} (and its -wal and -shm files) and relearn: kas learn --spam DIR...; kas learn --ham DIR...`,
      busy: "another kas learn is running; try again when it is done",
      io: `check that ${location} and its directory are readable and writable by kas`,
    }[failure];
    super(`token database ${location} ${what}: ${detail}`, failure === "missing" ? EXIT.NOINPUT : failure === "corrupt" ? EXIT.DATAERR : failure === "busy" ? EXIT.TEMPFAIL : EXIT.CANTCREAT, hint);
  }
}
