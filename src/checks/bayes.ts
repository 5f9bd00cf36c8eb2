// The Bayes classifier as a content check: looks up the message's tokens in the token store
// (one query) and names the probability band it fell in (BAYES_00 … BAYES_99, BAYES_999);
// rules/ gives each band its score. It abstains (no symbol, a note) until [bayes] min_spam
// and min_ham messages were learned, and when the token database is missing or unusable:
// mail is scanned on without Bayes and the note says how to recover.
//
// Auto-learning ([bayes] autolearn) needs the final score, which only exists after the rule
// stage: the engine calls `afterScan(result)` (the "after" stage of engine/scan.ts), which a
// filtering process runs after it has sent the result, so learning never delays a reply.
// It learns from the score WITHOUT the BAYES_* hits, as SpamAssassin does, so the classifier
// does not teach itself its own mistakes.
import { statSync } from "node:fs";
import { Bayes, messageDigest } from "../bayes/bayes";
import { tokenIds } from "../bayes/tokenize";
import { SnapshotTokenStore } from "../bayes/snapshot";
import { openSqliteStore } from "../bayes/sqlite-store";
import { BayesStoreError, type TokenStore } from "../bayes/store";
import { bayesDbPath } from "../config/paths";
import type { KasConfig } from "../config/schema";
import type { ScanResult } from "../model";
import type { Check, CheckInput, CheckOutput } from "./types";

/** <data_dir>/bayes/bayes.sqlite unless [bayes] path says otherwise. */
export { bayesDbPath };

/** After a failure to open, retry this much later: a relearned database is picked up without a restart. */
const REOPEN_AFTER_MS = 30_000;
/** How often an open reader checks whether the file was replaced (removed and relearned). */
const STAT_EVERY_MS = 1000;
/** Scanners wait at most this long for a lock (readers in WAL mode almost never need one). */
const READ_BUSY_MS = 2000;
/** Auto-learning must not hold up mail: give up on a busy database quickly. */
const AUTOLEARN_BUSY_MS = 250;

export interface BayesCheckDeps {
  /** A store to use instead of the SQLite file (tests, a Redis store). */
  store?: TokenStore;
  /** Opens the writable store for auto-learning (default: the SQLite file). */
  openWriter?: () => TokenStore;
  now?: () => number;
  /**
   * Told when the check's state changes (database missing, corrupt, busy, abstaining, usable
   * again): the caller logs it, once per change rather than once per message.
   */
  onStateChange?: (note: string, state: BayesState) => void;
}

/** ok = classifying; abstain = too little learned; else why the database cannot be read. */
export type BayesState = "ok" | "abstain" | "missing" | "corrupt" | "busy" | "io" | "error";

export class BayesCheck implements Check {
  readonly name = "bayes";
  readonly stage = "content" as const;
  /** The tokens travel from run() to afterScan() in the scan's facts, never in this object. */
  readonly provides = ["bayes"] as const;
  private reader?: { bayes: Bayes; ino?: number };
  private failedAt = -Infinity;
  private lastError: unknown;
  private writer?: Bayes;
  private readonly path: string;
  private state: BayesState = "ok";
  private statAt = -Infinity;

  constructor(
    private readonly config: Pick<KasConfig, "data_dir" | "bayes">,
    private readonly deps: BayesCheckDeps = {},
  ) {
    this.path = bayesDbPath(config);
  }

  private opts() {
    return { minSpam: this.config.bayes.min_spam, minHam: this.config.bayes.min_ham };
  }

  private now(): number {
    return this.deps.now?.() ?? Date.now();
  }

  /** The reading store, reopened when the file was replaced (removed and relearned). */
  private open(): Bayes {
    if (this.deps.store) return (this.reader ??= { bayes: new Bayes(this.deps.store, this.opts()) }).bayes;
    // A stat per scan is measurable at 1000+ scans/s: look for a replaced (or, before the first
    // learning, a new) file once a second. Between looks a missing or broken database stays the
    // last failure: a server on its defaults that has learned nothing yet stat()ed every scan.
    if (this.now() - this.statAt < STAT_EVERY_MS) {
      if (this.reader) return this.reader.bayes;
      if (this.lastError !== undefined) throw this.lastError;
    }
    this.statAt = this.now();
    const ino = fileIno(this.path);
    if (this.reader && this.reader.ino === ino) return this.reader.bayes;
    const appeared = ino !== undefined && this.lastError instanceof BayesStoreError && this.lastError.failure === "missing";
    if (!this.reader && !appeared && this.now() - this.failedAt < REOPEN_AFTER_MS) throw this.lastError;
    this.reader?.bayes.store.close();
    this.reader = undefined;
    try {
      const store = new SnapshotTokenStore(openSqliteStore(this.path, { readonly: true, busyTimeoutMs: READ_BUSY_MS }));
      try {
        store.refresh(); // load now, so a corrupt file is found here and not in the first lookup
      } catch (e) {
        store.close();
        throw e;
      }
      this.reader = { bayes: new Bayes(store, this.opts()), ino };
      return this.reader.bayes;
    } catch (e) {
      this.failedAt = this.now();
      this.lastError = e;
      throw e;
    }
  }

  async run(input: CheckInput): Promise<CheckOutput> {
    if (!input.message) return { symbols: [] };
    // Auto-learning needs the tokens even when the database cannot be read (it may create it).
    const autolearn = this.config.bayes.autolearn;
    const ids = autolearn ? tokenIds(input.message) : undefined;
    if (ids) input.facts.set("bayes", { ids, digest: messageDigest(input.message) });
    let bayes: Bayes;
    try {
      bayes = this.open();
    } catch (e) {
      return this.problem(e);
    }
    try {
      const v = await bayes.classifyIds(ids ?? tokenIds(input.message));
      if (v.kind === "abstain") return this.note("abstain", `bayes: not enough learned yet (${v.reason}), skipped`, []);
      return this.note("ok", `bayes: token database ${bayes.store.location} usable, classifying`, v.symbols);
    } catch (e) {
      // A file that went bad under us: drop the handle so the next scan retries after a pause.
      if (!this.deps.store) {
        this.reader?.bayes.store.close();
        this.reader = undefined;
        this.failedAt = this.now();
        this.lastError = e;
      }
      return this.problem(e);
    }
  }

  private problem(e: unknown): CheckOutput {
    return this.note(e instanceof BayesStoreError ? e.failure : "error", unavailable(e), []);
  }

  /** The output, with the note for the scan; tells onStateChange when the state is new. */
  private note(state: BayesState, note: string, symbols: string[]): CheckOutput {
    if (state !== this.state) {
      this.state = state;
      this.deps.onStateChange?.(note, state);
    }
    return { symbols, notes: state === "ok" ? [] : [note] };
  }

  /**
   * Auto-learn a clear verdict. Returns a note when something was learned or went wrong,
   * undefined when there was nothing to do. Never throws: mail must not wait for learning.
   */
  async afterScan(result: ScanResult, facts: CheckInput["facts"]): Promise<string | undefined> {
    const b = this.config.bayes;
    const p = b.autolearn ? await facts.get("bayes") : undefined;
    if (!p) return undefined;
    const score = result.hits.filter((h) => !h.name.startsWith("BAYES_")).reduce((s, h) => s + h.score, 0);
    const cls = score >= b.autolearn_spam_score ? "spam" : score <= b.autolearn_ham_score ? "ham" : undefined;
    if (!cls) return undefined;
    try {
      // Auto-learning is the only writer some sites have: it keeps the database bounded too (expireBeyond).
      this.writer ??= new Bayes(this.deps.openWriter?.() ?? this.deps.store ?? openSqliteStore(this.path, { busyTimeoutMs: AUTOLEARN_BUSY_MS }), { ...this.opts(), expireBeyond: b.max_tokens });
      const [outcome] = await this.writer.learnItems([{ digest: p.digest, op: cls, tokens: p.ids }]);
      return outcome === "already" ? undefined : `bayes: autolearned as ${cls} (score without Bayes ${score.toFixed(1)})`;
    } catch (e) {
      return `bayes: autolearn skipped: ${e instanceof Error ? e.message : String(e)}`;
    }
  }

  close(): void {
    this.reader?.bayes.store.close();
    if (this.writer && this.writer.store !== this.reader?.bayes.store) this.writer.store.close();
    this.reader = undefined;
    this.writer = undefined;
  }
}

export function createBayesCheck(config: Pick<KasConfig, "data_dir" | "bayes">, deps: BayesCheckDeps = {}): BayesCheck {
  return new BayesCheck(config, deps);
}

function unavailable(e: unknown): string {
  if (e instanceof BayesStoreError) {
    if (e.failure === "missing") return `bayes: no token database at ${e.location} yet, skipped (${e.hint})`;
    return `bayes: ${e.message}, skipped${e.hint ? ` (${e.hint})` : ""}`;
  }
  return `bayes: unavailable, skipped: ${e instanceof Error ? e.message : String(e)}`;
}

function fileIno(path: string): number | undefined {
  try {
    return statSync(path).ino;
  } catch {
    return undefined;
  }
}
