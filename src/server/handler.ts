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
import { decodeScanHeaders, PING_PATH, SCAN_PATH, STATUS_PATH, type HeaderSource } from "../protocol/kas/request";
import { allowList, perConfig } from "./allow";
import { dispatch, newRequestId, type BeforeDispatch } from "./dispatch";
import type { Http1Direct } from "./http1";
import { isRefusal, type EdgeGate, type Slot } from "./limits";
import type { Dispatched } from "./pool";
import { jsonWithHits } from "./raw-hits";

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
export const serverAccess = perConfig((s: KasConfig["server"]) => ({ allow: allowList(s.allow), status: allowList(s.status_allow), learn: allowList(s.learn_allow) }));
/** The peer as allowList takes it: a Unix-socket client ("unix") has no address. */
export const peerIp = (client: string) => (client === "unix" ? undefined : client);

/** A reply of the native protocol as text, before it is a Response (the direct path writes it as it is). */
export interface JsonReply {
  status: number;
  text: string;
  /** Close the connection after it (the body was not read to its end). */
  close: boolean;
}
const jsonReply = (status: number, body: unknown, close = false): JsonReply => ({ status, text: JSON.stringify(body) + "\n", close });
const failReply = (code: ErrorCode, message: string, close = false): JsonReply => {
  const e = errorReply(code, message);
  return jsonReply(e.status, e.body, close);
};
const toResponse = (r: JsonReply) => new Response(r.text, { status: r.status, headers: { "content-type": "application/json", ...(r.close ? { connection: "close" } : {}) } });

export const json = (status: number, body: unknown, extra: Record<string, string> = {}) =>
  new Response(JSON.stringify(body) + "\n", { status, headers: { "content-type": "application/json", ...extra } });
/** A protocol error reply; `close` when the body was not read (the connection cannot be reused). */
export const fail = (code: ErrorCode, message: string, close = false) => toResponse(failReply(code, message, close));

/**
 * What a scan needs of its request. A Request has it; the native door's direct path
 * (http1.ts) gives it without one, with `bodyNow` when the whole body has already arrived.
 */
export interface ScanInput {
  readonly headers: HeaderSource;
  readonly body: ReadableStream<Uint8Array> | null;
  /** Aborts when the client closes the connection (Bun.serve, http1.ts). */
  readonly signal: AbortSignal;
  /** The whole body (its declared Content-Length) when it is already here: no stream to read. */
  bodyNow?(): Uint8Array | undefined;
}

type BodyOutcome = { ok: true; bytes: Uint8Array } | { ok: false; code: ErrorCode; message: string };

/**
 * The request body of a scan or learn request under [server] max_request_size, data_timeout
 * and request_timeout (counted from `started`), with its bytes reserved on `slot` (a declared
 * length whole before reading, a chunked body chunk by chunk), or the error reply to send.
 * Every refusal closes the connection (the body was not read to its end).
 */
export async function readBody(req: Pick<ScanInput, "headers" | "body" | "bodyNow">, cfg: KasConfig["server"], slot?: Slot, started = Date.now()): Promise<{ ok: true; bytes: Uint8Array } | { ok: false; reply: Response }> {
  const b = await bodyOf(req, cfg, slot, started);
  return b.ok ? b : { ok: false, reply: fail(b.code, b.message, true) };
}

async function bodyOf(req: Pick<ScanInput, "headers" | "body" | "bodyNow">, cfg: KasConfig["server"], slot: Slot | undefined, started: number): Promise<BodyOutcome> {
  const header = req.headers.get("content-length");
  // Repeated, it arrives as "5, 5" (the framing refuses values that differ): the first is the length.
  const declared = header === null ? undefined : Number(header.split(",", 1)[0]);
  if (declared !== undefined && declared > cfg.max_request_size) return { ok: false, code: "too_large", message: `message of ${declared} bytes exceeds max_request_size ${cfg.max_request_size}` };
  let refused = slot && declared ? slot.reserve(declared) : undefined;
  if (refused) return { ok: false, ...refused };
  const now = req.bodyNow?.();
  if (now) return { ok: true, bytes: now };
  const admit = slot && declared === undefined ? (n: number) => !(refused = slot.reserve(n)) : undefined;
  const body = await readLimited(req.body, cfg.max_request_size, cfg.data_timeout * 1000, { deadline: started + cfg.request_timeout * 1000, expected: Number.isSafeInteger(declared) ? declared : undefined, admit });
  if (body.ok) return { ok: true, bytes: body.bytes };
  if (body.reason === "refused" && refused) return { ok: false, ...refused };
  if (body.reason === "too_large") return { ok: false, code: "too_large", message: `message exceeds max_request_size ${cfg.max_request_size}` };
  if (body.reason === "timeout") return { ok: false, code: "timeout", message: `no data for data_timeout ${cfg.data_timeout}s after ${body.received} bytes` };
  if (body.reason === "deadline") return { ok: false, code: "timeout", message: `request not received whole within request_timeout ${cfg.request_timeout}s (${body.received} bytes arrived)` };
  return { ok: false, code: "bad_request", message: `body unreadable: ${"error" in body ? body.error : body.reason}` };
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
      return toResponse(thrown(d, req.method, pathOf(req.url), e));
    }
  };
}

function thrown(d: HandlerDeps, method: string, path: string, e: unknown): JsonReply {
  d.onScanned(`${method} ${path} failed: ${e instanceof Error ? e.message : String(e)}`, "failed");
  return failReply("internal", `server error: ${e instanceof Error ? e.message : String(e)}`);
}

/**
 * POST /v1/scan on the native door without a Request or Response object (http1.ts direct
 * path): the same checks, limits and replies as makeHandler's, in the same order. Building a
 * Request (URL, Headers, body stream, signal) and reading the Response back was ~12 % of the
 * master's CPU profile under load. Only an origin-form target ("/v1/scan", "/v1/scan?..."),
 * whose path needs no URL normalisation; anything else goes the Request way.
 */
export function makeDirect(d: HandlerDeps): Http1Direct {
  return {
    takes: (method, target) => method === "POST" && target.startsWith(SCAN_PATH) && (target.length === SCAN_PATH.length || target[SCAN_PATH.length] === "?"),
    async serve(input, client) {
      try {
        const started = Date.now();
        if (!serverAccess(d.config().server).allow.allows(peerIp(client))) {
          d.log?.warn("door=native refused %s %s from %s: not in [server] allow", "POST", SCAN_PATH, client);
          return failReply("forbidden", `client ${client} is not in [server] allow`, true);
        }
        return await scan(d, input, client, started);
      } catch (e) {
        return thrown(d, "POST", SCAN_PATH, e);
      }
    },
  };
}

/** A scan request whose client and path were checked: edge gate, envelope, body, dispatch. */
async function scan(d: HandlerDeps, input: ScanInput, client: string, started: number): Promise<JsonReply> {
  const slot = d.gate?.enter(client);
  if (isRefusal(slot)) return failReply(slot.code, slot.message, true);
  try {
    const head = decodeScanHeaders(input.headers, newRequestId());
    if (!head.ok) return failReply("bad_request", head.reason, true);
    const body = await bodyOf(input, d.config().server, slot, started);
    if (!body.ok) return failReply(body.code, body.message, true);
    const request: ScanRequest = { id: head.value.id, envelope: head.value.envelope, raw: body.bytes };
    const out = await dispatch(d, request, undefined, input.signal);
    // The verdict's hits as their JSON text came from the filtering process (raw-hits.ts).
    return out.ok ? { status: 200, text: jsonWithHits(out.reply) + "\n", close: false } : failReply(out.code, out.message);
  } finally {
    slot?.leave();
  }
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
    // req.signal aborts when the client closes the connection (Bun.serve, http1.ts).
    if (!route) return toResponse(await scan(d, req, client, started));
    const slot = req.method === "POST" ? d.gate?.enter(client) : undefined;
    if (isRefusal(slot)) return fail(slot.code, slot.message, true);
    try {
      return await route(req, slot, client);
    } finally {
      slot?.leave();
    }
  };
}
