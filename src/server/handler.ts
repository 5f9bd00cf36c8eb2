// The master's HTTP handler for the native protocol (see protocol/kas/ for the grammar):
//   POST /v1/scan  → decode envelope + read body (size cap, data_timeout) → beforeDispatch
//                    hook → pool → JSON verdict;
//   GET /v1/ping, GET /v1/status → answered by the master itself, so they work while every
//   filtering process is busy. Anything else gets a protocol error object, never a hang.
import type { KasConfig } from "../config/schema";
import type { HeaderEdit, PassStatus, ScanRequest } from "../engine/types";
import { verdictFields } from "../engine/verdict";
import { readLimited } from "../protocol/framing";
import { errorReply, scanReplyOf, withStatusEdit, type ErrorCode, type ScanReply } from "../protocol/kas/reply";
import { decodeScanHeaders, PING_PATH, SCAN_PATH, STATUS_PATH } from "../protocol/kas/request";
import type { Dispatched } from "./pool";

/**
 * Looks at a request (its recipients, client IP...) before it is queued, e.g. licensing:
 * recipients beyond the licensed addresses. undefined = scan normally; "pass" = the message
 * is not scanned and leaves with `status` and the given header fields; "scan" = scan it and
 * add these header fields to the verdict's edits (e.g. which recipients were unlicensed).
 */
export type BeforeDispatch = (req: ScanRequest) => Promise<DispatchDecision | undefined> | DispatchDecision | undefined;
export type DispatchDecision =
  | { action: "pass"; status: PassStatus; headers: HeaderField[]; reason: string }
  | { action: "scan"; headers: HeaderField[]; reason?: string };
export interface HeaderField {
  name: string;
  value: string;
}

export interface HandlerDeps {
  config(): KasConfig;
  submit(req: ScanRequest): Promise<Dispatched>;
  status(): unknown;
  beforeDispatch?: BeforeDispatch;
  /** More endpoints answered by the master (e.g. "/v1/learn"), by exact path. */
  routes?: Record<string, (req: Request) => Promise<Response>>;
  onScanned(line: string, status: string): void;
  version: string;
}

export const json = (status: number, body: unknown, extra: Record<string, string> = {}) =>
  new Response(JSON.stringify(body) + "\n", { status, headers: { "content-type": "application/json", ...extra } });
/** A protocol error reply; `close` when the body was not read (the connection cannot be reused). */
export const fail = (code: ErrorCode, message: string, close = false) => {
  const e = errorReply(code, message);
  return json(e.status, e.body, close ? { connection: "close" } : {});
};

/**
 * The request body of a scan or learn request under [server] max_request_size and
 * data_timeout, or the error reply to send: a declared size over the cap is refused before
 * reading, and every refusal closes the connection (the body was not read to its end).
 */
export async function readBody(req: Request, cfg: KasConfig["server"]): Promise<{ ok: true; bytes: Uint8Array } | { ok: false; reply: Response }> {
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > cfg.max_request_size) return { ok: false, reply: fail("too_large", `message of ${declared} bytes exceeds max_request_size ${cfg.max_request_size}`, true) };
  const body = await readLimited(req.body, cfg.max_request_size, cfg.data_timeout * 1000);
  if (body.ok) return { ok: true, bytes: body.bytes };
  if (body.reason === "too_large") return { ok: false, reply: fail("too_large", `message exceeds max_request_size ${cfg.max_request_size}`, true) };
  if (body.reason === "timeout") return { ok: false, reply: fail("timeout", `no data for data_timeout ${cfg.data_timeout}s after ${body.received} bytes`, true) };
  return { ok: false, reply: fail("bad_request", `body unreadable: ${body.error}`, true) };
}

let seq = 0;
const newId = () => `${Date.now().toString(36)}.${process.pid.toString(36)}.${(seq++).toString(36)}`;

export function makeHandler(d: HandlerDeps) {
  const handle = route(d);
  // A hook or route that throws is a bug, but the client still gets a protocol reply (and its
  // on_error), never Bun's HTML error page.
  return async (req: Request): Promise<Response> => {
    try {
      return await handle(req);
    } catch (e) {
      d.onScanned(`${req.method} ${new URL(req.url).pathname} failed: ${e instanceof Error ? e.message : String(e)}`, "failed");
      return fail("internal", `server error: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
}

function route(d: HandlerDeps) {
  return async (req: Request): Promise<Response> => {
    const path = new URL(req.url).pathname;
    if (path === PING_PATH) return req.method === "GET" || req.method === "HEAD" ? json(200, { version: 1, pong: true, server: d.version }) : fail("method_not_allowed", "use GET /v1/ping");
    if (path === STATUS_PATH) return req.method === "GET" ? json(200, d.status()) : fail("method_not_allowed", "use GET /v1/status");
    const route = d.routes?.[path];
    if (route) return await route(req);
    if (path !== SCAN_PATH) return fail("not_found", `no such endpoint ${path.slice(0, 100)}; this server speaks POST ${SCAN_PATH}, GET ${PING_PATH}, GET ${STATUS_PATH}`);
    if (req.method !== "POST") return fail("method_not_allowed", `use POST ${SCAN_PATH} with the message as body`);

    const head = decodeScanHeaders(req.headers, newId());
    if (!head.ok) return fail("bad_request", head.reason, true);
    const body = await readBody(req, d.config().server);
    if (!body.ok) return body.reply;
    const request: ScanRequest = { id: head.value.id, envelope: head.value.envelope, raw: body.bytes };
    const t0 = performance.now();
    const env = request.envelope;
    const who = `id=${request.id}${env.queueId ? ` qid=${env.queueId}` : ""} from=<${env.from ?? ""}> rcpt=${env.rcpt.length} size=${body.bytes.byteLength}`;

    const decision = d.beforeDispatch ? await d.beforeDispatch(request) : undefined;
    if (decision?.action === "pass") {
      const pass = decision;
      const reply: ScanReply = {
        version: 1, id: request.id, status: pass.status, score: 0, threshold: 0, policy: "-", action: "accept", hits: [],
        edits: withStatusEdit(pass.headers.map((h) => ({ op: "set" as const, ...h })), pass.status), notes: [pass.reason],
      };
      d.onScanned(`${who} status=${pass.status} (not scanned: ${pass.reason})`, pass.status);
      return json(200, reply);
    }

    const r = await d.submit(request);
    const ms = Math.round(performance.now() - t0);
    if (!r.ok) {
      d.onScanned(`${who} failed=${r.code} ${r.message} ms=${ms}`, "failed");
      return fail(r.code, r.message);
    }
    const reply = scanReplyOf(r.result, r.generation);
    const extra: HeaderEdit[] = (decision?.headers ?? []).map((h) => ({ op: "set", ...h }));
    reply.edits = withStatusEdit([...reply.edits, ...extra], reply.status);
    if (decision?.reason) reply.notes = [...reply.notes, decision.reason];
    const fields = verdictFields({ status: reply.status, score: reply.score, threshold: reply.threshold, probableThreshold: reply.probable_threshold, action: reply.policy_action ?? reply.action });
    d.onScanned(`${who} ${fields} ms=${ms} pid=${r.workerPid}`, reply.status);
    return json(200, reply);
  };
}
