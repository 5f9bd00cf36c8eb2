// POST /v1/learn (protocol/kas/learn.ts), answered by the master itself: the master is the
// one writer of the server's token database, so learning through the server never makes
// two processes of it compete for the write lock, and the filtering processes (readers, WAL)
// see each batch as soon as it commits. Parsing and the token store load on the first
// learn request only: a server that is never taught pays nothing.
import type { KasConfig } from "../config/schema";
import { readLimited } from "../protocol/framing";
import { decodeLearnOp, LEARN_PATH, type LearnReply } from "../protocol/kas/learn";
import { errorReply, type ErrorCode } from "../protocol/kas/reply";
import type { Bayes } from "../bayes/bayes";

const json = (status: number, body: unknown) => new Response(JSON.stringify(body) + "\n", { status, headers: { "content-type": "application/json" } });
const fail = (code: ErrorCode, message: string) => {
  const e = errorReply(code, message);
  return json(e.status, e.body);
};

/** Expire tokens beyond [bayes] max_tokens after this many learned messages (a full count costs ~0.1 s at a million tokens). */
const EXPIRE_EVERY = 500;

export function makeLearnHandler(config: () => KasConfig) {
  let open: { path: string; bayes: Bayes } | undefined;
  let sinceExpiry = 0;
  return async (req: Request): Promise<Response> => {
    if (req.method !== "POST") return fail("method_not_allowed", "use POST /v1/learn with X-KAS-Learn: spam|ham|forget and the message as body");
    const op = decodeLearnOp(req.headers);
    if (!op.ok) return fail("bad_request", op.reason);
    const cfg = config();
    const body = await readLimited(req.body, cfg.server.max_request_size, cfg.server.data_timeout * 1000);
    if (!body.ok) return fail(body.reason === "too_large" ? "too_large" : body.reason === "timeout" ? "timeout" : "bad_request", `message not read: ${body.reason}`);
    const [{ Bayes }, { openSqliteStore }, { bayesDbPath }, { parseMessage }, { BayesStoreError }] = await Promise.all([
      import("../bayes/bayes"),
      import("../bayes/sqlite-store"),
      import("../checks/bayes"),
      import("../message/parse"),
      import("../bayes/store"),
    ]);
    try {
      const path = bayesDbPath(cfg);
      if (open?.path !== path) {
        open?.bayes.store.close();
        open = { path, bayes: new Bayes(openSqliteStore(path, { busyTimeoutMs: 5000 }), { minSpam: cfg.bayes.min_spam, minHam: cfg.bayes.min_ham }) };
      }
      const msg = await parseMessage(body.bytes, cfg.scan);
      const [outcome] = await open.bayes.learn([msg], op.value);
      if (++sinceExpiry >= EXPIRE_EVERY) {
        sinceExpiry = 0;
        await open.bayes.store.expire(cfg.bayes.max_tokens);
      }
      // The totals row only (stats() would count every token).
      const { totals } = await open.bayes.store.lookup([]);
      const reply: LearnReply = { version: 1, outcome, spam: totals.nspam, ham: totals.nham };
      return json(200, reply);
    } catch (e) {
      if (e instanceof BayesStoreError) {
        open?.bayes.store.close();
        open = undefined;
        return fail(e.failure === "busy" ? "busy" : "unavailable", `${e.message}${e.hint ? ` (${e.hint})` : ""}`);
      }
      return fail("internal", e instanceof Error ? e.message : String(e));
    }
  };
}

/** For MasterHooks.routes: the endpoints of this file, by path. */
export const learnRoutes = (config: () => KasConfig) => ({ [LEARN_PATH]: makeLearnHandler(config) });
