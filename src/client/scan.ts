// The client side of the native protocol, shared by every client module (kas filter now,
// the milter later): send one message to the first server of [client] connect_to that
// answers (fail-over in order), and return its verdict or why there is none.
import type { KasConfig } from "../config/schema";
import type { Envelope } from "../model";
import { parseClientAddress, type Address } from "../protocol/address";
import { decodeReply, isErrorReply, type ScanReply } from "../protocol/kas/reply";
import { encodeScanHeaders, SCAN_PATH } from "../protocol/kas/request";
import { ClientError, httpRequest, timeoutsOf, type HttpRequest, type HttpResponse, type Timeouts } from "./http";

export type ClientSettings = KasConfig["client"];
export type Send = (addr: Address, req: HttpRequest, t: Timeouts) => Promise<HttpResponse>;

export type ScanAttempt =
  | { ok: true; reply: ScanReply; server: string }
  /** No server produced a verdict; `errors` has one line per address tried. */
  | { ok: false; errors: string[] };

export function clientAddresses(list: readonly string[]): Address[] | string {
  if (!list.length) return "[client] connect_to is empty";
  const out: Address[] = [];
  for (const t of list) {
    const a = parseClientAddress(t);
    if (typeof a === "string") return a;
    out.push(a);
  }
  return out;
}

export async function scanViaServer(
  raw: Uint8Array,
  envelope: Envelope,
  c: ClientSettings,
  opts: { id?: string; send?: Send; onFailover?: (server: string, why: string) => void } = {},
): Promise<ScanAttempt> {
  const addrs = clientAddresses(c.connect_to);
  if (typeof addrs === "string") return { ok: false, errors: [addrs] };
  const send = opts.send ?? httpRequest;
  const headers = encodeScanHeaders({ id: opts.id ?? "", envelope });
  const errors: string[] = [];
  for (const addr of addrs) {
    const name = c.connect_to[addrs.indexOf(addr)];
    const why = await (async (): Promise<string | ScanReply> => {
      let res: HttpResponse;
      try {
        res = await send(addr, { method: "POST", path: SCAN_PATH, headers, body: raw }, timeoutsOf(c));
      } catch (e) {
        return e instanceof ClientError ? `${e.kind}: ${e.message}` : `error: ${e instanceof Error ? e.message : e}`;
      }
      const d = decodeReply(new TextDecoder().decode(res.body));
      if (!d.ok) return `protocol: HTTP ${res.status}: ${d.reason}`;
      if (isErrorReply(d.value)) return `server: ${d.value.error.code}: ${d.value.error.message}`;
      return d.value;
    })();
    if (typeof why !== "string") return { ok: true, reply: why, server: name };
    errors.push(`${name}: ${why}`);
    opts.onFailover?.(name, why);
  }
  return { ok: false, errors };
}
