// How many messages the Bayes classifier has learned, for the dashboard and /metrics. The
// master does not use the token database; it opens it read-only for the moment of the count
// (bayes/sqlite-store.ts), so a filtering process writing it is never blocked for long.
import { existsSync } from "node:fs";
import { openSqliteStore } from "../bayes/sqlite-store";
import { bayesDbPath } from "../config/paths";
import type { KasConfig } from "../config/schema";

export type BayesCounts = { spam: number; ham: number; tokens: number } | { error: string };

export async function bayesLearned(config: Pick<KasConfig, "data_dir" | "bayes">): Promise<BayesCounts | undefined> {
  if (!config.bayes.enabled) return undefined;
  const path = bayesDbPath(config);
  if (!existsSync(path)) return { spam: 0, ham: 0, tokens: 0 };
  try {
    const store = openSqliteStore(path, { readonly: true, busyTimeoutMs: 200 });
    try {
      const s = await store.stats();
      return { spam: s.nspam, ham: s.nham, tokens: s.tokens };
    } finally {
      store.close();
    }
  } catch (e) {
    return { error: (e as Error).message };
  }
}
