// The master's HTTP handler for the native protocol (see protocol/kas/ for the grammar):
//   POST /v1/scan  → decode envelope + read body (size cap, data_timeout) → dispatch
//                    (dispatch.ts: admission, pool, edits, log line) → JSON verdict;
//   GET /v1/ping, GET /v1/status → answered by the master itself, so they work while every
//   filtering process is busy. Anything else gets a protocol error object, never a hang.
// A request with a body (scan, learn) first takes a slot at the edge gate (limits.ts): its
// client's connections and bytes in flight are capped, and the body must arrive whole within
// request_timeout, however it is dribbled.
// Who ([server]): `allow` for every request (ping too), `status_allow` also for GET /v1/status
// (it shows the config path, listeners and counters); learn.ts checks learn_allow and the
// secret. Others get 403 "forbidden" and a log line. A Unix-socket client has no address:
// socket_mode / socket_owner decide who reaches it.
import type { KasConfig } from "../config/schema";
import type { ScanRequest } from "../model";
import { readLimited } from "../protocol/framing";
import { errorReply, type ErrorCode } from "../protocol/kas/reply";
import { decodeScanHeaders, PING_PATH, SCAN_PATH, STATUS_PATH } from "../protocol/kas/request";
import { allowList, type AllowList } from "./allow";
import { dispatch, newRequestId, type BeforeDispatch } from "./dispatch";
import { isRefusal, type EdgeGate, type Slot } from "./limits";
import type { Dispatched } from "./pool";

export type { BeforeDispatch, DispatchDecision, HeaderField } from "./dispatch";

export interface HandlerDeps {
  config(): KasConfig;
  submit(req: ScanRequest, signal?: AbortSignal): Promise<Dispatched>;
  status(): unknown;
  beforeDispatch?: BeforeDispatch;
  /** More endpoints answered by the master (e.g. "/v1/learn"), by exact path; a POST holds a gate slot. */
  routes?: Record<string, (req: Request, slot?: Slot, client?: string) => Promise<Response>>;
  /** Caps connections and bytes per client and in total (the master's one gate for every door). */
  gate?: EdgeGate;
  onScanned(line: string, status: string, truncated?: boolean): void;
  /** Refusals (not in [server] allow / status_allow / learn_allow) are logged here. */
  log?: { warn(msg: string, ...a: unknown[]): void };
  version: string;
}

/** The [server] allow lists of one config (parsed once per config object: a reload brings a new one). */
const lists = new WeakMap<KasConfig["server"], { allow: AllowList; status: AllowList; learn: AllowList }>();
export function serverAccess(cfg: KasConfig["server"]) {
  let l = lists.get(cfg);
  if (!l) lists.set(cfg, (l = { allow: allowList(cfg.allow), status: allowList(cfg.status_allow), learn: allowList(cfg.learn_allow) }));
  return l;
}
/** The peer as allowList takes it: a Unix-socket client ("unix") has no address. */
export const peerIp = (client: string) => (client === "unix" ? undefined : client);

export const json = (status: number, body: unknown, extra: Record<string, string> = {}) =>
  new Response(JSON.stringify(body) + "\n", { status, headers: { "content-type": "application/json", ...extra } });
/** A protocol error reply; `close` when the body was not read (the connection cannot be reused). */
export const fail = (code: ErrorCode, message: string, close = false) => {
  const e = errorReply(code, message);
  return json(e.status, e.body, close ? { connection: "close" } : {});
};

/**
 * The request body of a scan or learn request under [server] max_request_size, data_timeout
 * and request_timeout (counted from `started`), with its bytes reserved on `slot` (a declared
 * length whole before reading, a chunked body chunk by chunk), or the error reply to send.
 * Every refusal closes the connection (the body was not read to its end).
 */
export async function readBody(req: Request, cfg: KasConfig["server"], slot?: Slot, started = Date.now()): Promise<{ ok: true; bytes: Uint8Array } | { ok: false; reply: Response }> {
  const header = req.headers.get("content-length");
  const declared = header === null ? undefined : Number(header);
  if (declared !== undefined && declared > cfg.max_request_size) return { ok: false, reply: fail("too_large", `message of ${declared} bytes exceeds max_request_size ${cfg.max_request_size}`, true) };
  let refused = slot && declared ? slot.reserve(declared) : undefined;
  if (refused) return { ok: false, reply: fail(refused.code, refused.message, true) };
  const admit = slot && declared === undefined ? (n: number) => !(refused = slot.reserve(n)) : undefined;
  const body = await readLimited(req.body, cfg.max_request_size, cfg.data_timeout * 1000, { deadline: started + cfg.request_timeout * 1000, expected: Number.isSafeInteger(declared) ? declared : undefined, admit });
  if (body.ok) return { ok: true, bytes: body.bytes };
  if (body.reason === "refused" && refused) return { ok: false, reply: fail(refused.code, refused.message, true) };
  if (body.reason === "too_large") return { ok: false, reply: fail("too_large", `message exceeds max_request_size ${cfg.max_request_size}`, true) };
  if (body.reason === "timeout") return { ok: false, reply: fail("timeout", `no data for data_timeout ${cfg.data_timeout}s after ${body.received} bytes`, true) };
  if (body.reason === "deadline") return { ok: false, reply: fail("timeout", `request not received whole within request_timeout ${cfg.request_timeout}s (${body.received} bytes arrived)`, true) };
  return { ok: false, reply: fail("bad_request", `body unreadable: ${"error" in body ? body.error : body.reason}`, true) };
}

/**
 * The path of a request, never throwing: a request without Host (HTTP/1.0, or `Host:` empty)
 * leaves Bun a URL that `new URL` refuses.
 */
export function pathOf(url: string): string {
  const m = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*([^?#]*)/i.exec(url);
  const path = m ? m[1] : url.replace(/[?#].*$/s, "");
  return path.startsWith("/") ? path : "/" + path;
}

export function makeHandler(d: HandlerDeps) {
  const handle = route(d);
  // A hook or route that throws is a bug, but the client still gets a protocol reply (and its
  // on_error), never Bun's HTML error page.
  // `server` tells the peer's address (limits.ts counts per client); a Unix-socket peer has none.
  return async (req: Request, server?: Pick<Bun.Server<undefined>, "requestIP">): Promise<Response> => {
    try {
      return await handle(req, server?.requestIP(req)?.address ?? "unix");
    } catch (e) {
      d.onScanned(`${req.method} ${pathOf(req.url)} failed: ${e instanceof Error ? e.message : String(e)}`, "failed");
      return fail("internal", `server error: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
}

function route(d: HandlerDeps) {
  return async (req: Request, client: string): Promise<Response> => {
    const started = Date.now();
    const path = pathOf(req.url);
    const access = serverAccess(d.config().server);
    if (!access.allow.allows(peerIp(client))) {
      d.log?.warn("door=native refused %s %s from %s: not in [server] allow", req.method, path.slice(0, 100), client);
      return fail("forbidden", `client ${client} is not in [server] allow`, true);
    }
    if (path === PING_PATH) return req.method === "GET" || req.method === "HEAD" ? json(200, { version: 1, pong: true, server: d.version }) : fail("method_not_allowed", "use GET /v1/ping");
    if (path === STATUS_PATH) {
      if (req.method !== "GET") return fail("method_not_allowed", "use GET /v1/status");
      if (!access.status.allows(peerIp(client))) {
        d.log?.warn("door=native refused GET %s from %s: not in [server] status_allow", path, client);
        return fail("forbidden", `client ${client} is not in [server] status_allow`);
      }
      return json(200, d.status());
    }
    const route = d.routes?.[path];
    if (!route && path !== SCAN_PATH) return fail("not_found", `no such endpoint ${path.slice(0, 100)}; this server speaks POST ${SCAN_PATH}, GET ${PING_PATH}, GET ${STATUS_PATH}`);
    if (!route && req.method !== "POST") return fail("method_not_allowed", `use POST ${SCAN_PATH} with the message as body`);
    const slot = req.method === "POST" ? d.gate?.enter(client) : undefined;
    if (isRefusal(slot)) return fail(slot.code, slot.message, true);
    try {
      if (route) return await route(req, slot, client);
      const head = decodeScanHeaders(req.headers, newRequestId());
      if (!head.ok) return fail("bad_request", head.reason, true);
      const body = await readBody(req, d.config().server, slot, started);
      if (!body.ok) return body.reply;
      const request: ScanRequest = { id: head.value.id, envelope: head.value.envelope, raw: body.bytes };
      // req.signal aborts when the client closes the connection (Bun.serve).
      const out = await dispatch(d, request, undefined, req.signal);
      return out.ok ? json(200, out.reply) : fail(out.code, out.message);
    } finally {
      slot?.leave();
    }
  };
}
