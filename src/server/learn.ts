// POST /v1/learn (protocol/kas/learn.ts), the master's half: it reads the request (size cap,
// data_timeout) and hands the message to a filtering process through the pool, exactly like
// a scan; the filtering process parses it and writes the token database (learner.ts). The
// master never parses a message: a slow or broken one cannot stall the listeners or crash
// the process that holds them.
// Learning changes what every later scan decides, so a client that may scan may not
// necessarily learn: [server] learn_allow, and when set the learn_secret in
// X-KAS-Learn-Secret (constant-time compare; asked of Unix-socket clients too, which
// learn_allow cannot tell apart). Refused before the body is read: 403 and a log line.
import type { KasConfig } from "../config/schema";
import { decodeLearnOp, LEARN_SECRET_HEADER, type LearnOp } from "../protocol/kas/learn";
import { fail, json, peerIp, readBody, serverAccess } from "./handler";
import { sameSecret } from "./secret";
import type { Learned } from "./job";
import type { Slot } from "./limits";

export interface LearnHandlerDeps {
  config(): KasConfig;
  /** Pool.learn: a filtering process learns the message. */
  learn(op: LearnOp, raw: Uint8Array): Promise<Learned>;
  log?: { warn(msg: string, ...a: unknown[]): void };
}

export function makeLearnHandler(d: LearnHandlerDeps) {
  return async (req: Request, slot?: Slot, client = "unix"): Promise<Response> => {
    const started = Date.now();
    if (req.method !== "POST") return fail("method_not_allowed", "use POST /v1/learn with X-KAS-Learn: spam|ham|forget and the message as body");
    const cfg = d.config().server;
    if (!serverAccess(cfg).learn.allows(peerIp(client))) {
      d.log?.warn("door=native refused learn from %s: not in [server] learn_allow", client);
      return fail("forbidden", `client ${client} may not learn: not in [server] learn_allow`, true);
    }
    if (cfg.learn_secret && !sameSecret(req.headers.get(LEARN_SECRET_HEADER) ?? "", cfg.learn_secret)) {
      d.log?.warn("door=native refused learn from %s: %s", client, req.headers.has(LEARN_SECRET_HEADER) ? "wrong learn secret" : "no learn secret");
      return fail("forbidden", `learning needs the [server] learn_secret in ${LEARN_SECRET_HEADER} (kas learn --connect sends [client] learn_secret)`, true);
    }
    const op = decodeLearnOp(req.headers);
    if (!op.ok) return fail("bad_request", op.reason);
    const body = await readBody(req, d.config().server, slot, started);
    if (!body.ok) return body.reply;
    const r = await d.learn(op.value, body.bytes);
    return r.ok ? json(200, r.reply) : fail(r.code, r.message);
  };
}
