// POST /v1/learn (protocol/kas/learn.ts), the master's half: it reads the request (size cap,
// data_timeout) and hands the message to a filtering process through the pool, exactly like
// a scan; the filtering process parses it and writes the token database (learner.ts). The
// master never parses a message: a slow or broken one cannot stall the listeners or crash
// the process that holds them.
import type { KasConfig } from "../config/schema";
import { decodeLearnOp, type LearnOp } from "../protocol/kas/learn";
import { fail, json, readBody } from "./handler";
import type { Learned } from "./job";
import type { Slot } from "./limits";

export interface LearnHandlerDeps {
  config(): KasConfig;
  /** Pool.learn: a filtering process learns the message. */
  learn(op: LearnOp, raw: Uint8Array): Promise<Learned>;
}

export function makeLearnHandler(d: LearnHandlerDeps) {
  return async (req: Request, slot?: Slot): Promise<Response> => {
    const started = Date.now();
    if (req.method !== "POST") return fail("method_not_allowed", "use POST /v1/learn with X-KAS-Learn: spam|ham|forget and the message as body");
    const op = decodeLearnOp(req.headers);
    if (!op.ok) return fail("bad_request", op.reason);
    const body = await readBody(req, d.config().server, slot, started);
    if (!body.ok) return body.reply;
    const r = await d.learn(op.value, body.bytes);
    return r.ok ? json(200, r.reply) : fail(r.code, r.message);
  };
}
