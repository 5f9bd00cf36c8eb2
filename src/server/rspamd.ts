// The Rspamd door of `kas serve` (DESIGN §1): Rspamd's HTTP protocol (protocol/rspamd) for
// the MTAs and tools that already speak it (Haraka's rspamd plugin, rspamc, Rspamd's proxy
// in milter mode pointed at kas). Each scan is decoded into a ScanRequest, goes through the
// same dispatch() as every other door, and its verdict is encoded as Rspamd's JSON reply.
//
// Who may talk to it ([rspamd]): `allow` (default loopback) for everything, `learn_allow` and
// the optional `password` (Rspamd's controller Password header) for /learnspam and
// /learnham, which a filtering process learns through the pool like `kas learn --connect`.
// Refusals are 403 with Rspamd's error object and a log line. Every other failure is an
// error object too (never Bun's HTML page): the MTA's own failure policy decides (Haraka's
// defer.error, the Rspamd proxy's default action), as with a real Rspamd that is down.
import type { KasConfig } from "../config/schema";
import { readLimited } from "../protocol/framing";
import { ERROR_CODES } from "../protocol/kas/reply";
import type { LearnOp } from "../protocol/kas/learn";
import { decodeRspamdHeaders, passwordOf, routeOf, type RspamdRoute } from "../protocol/rspamd/request";
import { encodeLearn, encodeV1, encodeV2, errorBody } from "../protocol/rspamd/reply";
import { allowList, type AllowList } from "./allow";
import { dispatch, newRequestId, type DispatchDeps } from "./dispatch";
import type { Learned } from "./job";
import { isRefusal, type EdgeGate, type Slot } from "./limits";
import type { ListenOptions } from "./listeners";
import type { DoorLog } from "./milter";
import { sameSecret } from "./secret";

export interface RspamdDoorDeps extends DispatchDeps {
  config(): KasConfig;
  /** Pool.learn: a filtering process learns the message into the server's token database. */
  learn(op: LearnOp, raw: Uint8Array): Promise<Learned>;
  log: DoorLog;
  /** The master's one edge gate: connections and bytes in flight per client and in total (limits.ts). */
  gate?: EdgeGate;
}

const reply = (status: number, body: unknown, close = false) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...(close ? { connection: "close" } : {}) } });
const refuse = (status: number, message: string, close = false) => reply(status, errorBody(message), close);

type Peer = { requestIP(req: Request): { address: string } | null };

/**
 * The listener options of this door: Bun's own body cap is lifted, because Bun refuses an
 * over-size request itself with an empty 413 that no Rspamd client can read; the handler
 * refuses it instead, with Rspamd's error object, by the declared length before reading and
 * by counting a chunked body (readLimited), under the [server] max_request_size in force.
 */
export const rspamdListenOptions = (o: ListenOptions): ListenOptions => ({ ...o, maxRequestSize: Number.MAX_SAFE_INTEGER });

export function makeRspamdHandler(d: RspamdDoorDeps) {
  // The lists are parsed once per config snapshot (a reload swaps the object).
  let checksFor: KasConfig | undefined;
  let allow: AllowList = allowList([]);
  let learnAllow: AllowList = allowList([]);
  const checks = (cfg: KasConfig) => {
    if (checksFor !== cfg) {
      checksFor = cfg;
      allow = allowList(cfg.rspamd.allow);
      learnAllow = allowList(cfg.rspamd.learn_allow);
    }
  };

  /**
   * The message under [server] max_request_size, data_timeout and request_timeout (from
   * `started`), its bytes reserved on the gate's `slot` as the native door does (handler.ts
   * readBody): a declared length whole before reading, a chunked body as it grows.
   */
  const body = async (req: Request, cfg: KasConfig, slot: Slot | undefined, started: number): Promise<{ ok: true; bytes: Uint8Array } | { ok: false; res: Response }> => {
    const s = cfg.server;
    const header = req.headers.get("content-length");
    const declared = header === null ? undefined : Number(header);
    if (declared !== undefined && declared > s.max_request_size) return { ok: false, res: refuse(413, `message of ${declared} bytes exceeds [server] max_request_size ${s.max_request_size}`, true) };
    // Rspamd clients may compress with zstd; kas reads plain messages only.
    const enc = req.headers.get("compression") ?? req.headers.get("content-encoding");
    if (enc && enc.trim().toLowerCase() !== "identity") return { ok: false, res: refuse(415, `compressed requests (${enc.slice(0, 20)}) are not supported: send the message uncompressed (no rspamc -z)`, true) };
    let refused = slot && declared ? slot.reserve(declared) : undefined;
    if (refused) return { ok: false, res: refuse(ERROR_CODES[refused.code], refused.message, true) };
    const admit = slot && declared === undefined ? (n: number) => !(refused = slot.reserve(n)) : undefined;
    const r = await readLimited(req.body, s.max_request_size, s.data_timeout * 1000, { deadline: started + s.request_timeout * 1000, expected: Number.isSafeInteger(declared) ? declared : undefined, admit });
    if (r.ok) return r;
    if (r.reason === "refused" && refused) return { ok: false, res: refuse(ERROR_CODES[refused.code], refused.message, true) };
    if (r.reason === "too_large") return { ok: false, res: refuse(413, `message exceeds [server] max_request_size ${s.max_request_size}`, true) };
    if (r.reason === "timeout") return { ok: false, res: refuse(408, `no data for [server] data_timeout ${s.data_timeout}s after ${r.received} bytes`, true) };
    if (r.reason === "deadline") return { ok: false, res: refuse(408, `request not received whole within [server] request_timeout ${s.request_timeout}s (${r.received} bytes arrived)`, true) };
    return { ok: false, res: refuse(400, `body unreadable: ${"error" in r ? r.error : r.reason}`, true) };
  };

  const handle = async (req: Request, peerAddr: string | undefined): Promise<Response> => {
    const t0 = performance.now();
    const started = Date.now();
    const cfg = d.config();
    checks(cfg);
    // An HTTP/1.0 request without Host (as Rspamd's own examples send) has a relative URL.
    const url = new URL(req.url, "http://localhost");
    const who = peerAddr ?? "unix socket";
    if (!allow.allows(peerAddr)) {
      d.log.warn("door=rspamd refused %s %s from %s: not in [rspamd] allow", req.method, url.pathname.slice(0, 100), who);
      return refuse(403, `client ${who} is not in [rspamd] allow`, true);
    }
    const route = routeOf(req.method, url.pathname);
    if (route.kind === "refused") return refuse(route.status, route.message);
    if (route.kind === "ping") return new Response("pong\r\n", { headers: { "content-type": "text/plain" } });
    const slot = d.gate?.enter(peerAddr ?? "unix");
    if (isRefusal(slot)) return refuse(ERROR_CODES[slot.code], slot.message, true);
    try {
      return await work(req, url, route, peerAddr, slot, t0, started);
    } finally {
      slot?.leave();
    }
  };

  /** A scan or learn request of an allowed client that holds a gate slot. */
  const work = async (req: Request, url: URL, route: Exclude<RspamdRoute, { kind: "refused" | "ping" }>, peerAddr: string | undefined, slot: Slot | undefined, t0: number, started: number): Promise<Response> => {
    const cfg = d.config();
    const who = peerAddr ?? "unix socket";
    if (route.kind === "learn") {
      if (!learnAllow.allows(peerAddr)) {
        d.log.warn("door=rspamd refused learn %s from %s: not in [rspamd] learn_allow", route.op, who);
        return refuse(403, `client ${who} may not learn: not in [rspamd] learn_allow`, true);
      }
      const expected = cfg.rspamd.password;
      if (expected && !sameSecret(passwordOf(req.headers, url.searchParams) ?? "", expected)) {
        d.log.warn("door=rspamd refused learn %s from %s: wrong or missing Password", route.op, who);
        return refuse(403, "learning needs the [rspamd] password (Password header; rspamc -P)", true);
      }
      const b = await body(req, cfg, slot, started);
      if (!b.ok) return b.res;
      const r = await d.learn(route.op, b.bytes);
      if (!r.ok) return refuse(ERROR_CODES[r.code], `${r.code}: ${r.message}`);
      d.log.info("door=rspamd learn %s from %s: %s (spam %d, ham %d)", route.op, who, r.reply.outcome, r.reply.spam, r.reply.ham);
      return reply(200, encodeLearn(r.reply));
    }

    const head = decodeRspamdHeaders(req.headers);
    if (!head.ok) return refuse(400, head.reason, true);
    const b = await body(req, cfg, slot, started);
    if (!b.ok) return b.res;
    const out = await dispatch(d, { id: newRequestId(), envelope: head.value.envelope, raw: b.bytes }, "rspamd");
    if (!out.ok) return refuse(ERROR_CODES[out.code], `${out.code}: ${out.message}`);
    const seconds = (performance.now() - t0) / 1000;
    return reply(200, route.shape === "v2" ? encodeV2(out.reply, b.bytes, seconds) : encodeV1(out.reply, b.bytes, seconds));
  };

  return async (req: Request, server: Peer): Promise<Response> => {
    try {
      return await handle(req, server.requestIP(req)?.address ?? undefined);
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      d.log.warn("door=rspamd %s failed: %s", req.method, msg);
      return refuse(500, `server error: ${msg}`);
    }
  };
}
