// Client side of GET /v1/status (kas status): fetch and render the master's state.
import { UsageError } from "../errors";
import { parseClientAddress } from "../protocol/address";
import { STATUS_PATH } from "../protocol/kas/request";
import { renderFreshness } from "../update/freshness";
import { ClientError, httpRequest, timeoutsOf } from "./http";
import type { ClientSettings } from "./scan";

/** `answered`: something replied, but not as kas does (wrong address?); false: nothing answered in time. */
export type StatusResult = { ok: true; status: Record<string, any> } | { ok: false; error: string; answered?: boolean };

export async function fetchStatus(target: string, c: Pick<ClientSettings, "connect_timeout" | "data_timeout"> & { tls_ca?: string }): Promise<StatusResult> {
  const addr = parseClientAddress(target);
  if (typeof addr === "string") throw new UsageError(addr, "addresses look like tcp:127.0.0.1:2277, tls:kas.example.org:2277 or unix:/run/kas/kas.sock");
  try {
    const res = await httpRequest(addr, { method: "GET", path: STATUS_PATH }, timeoutsOf(c));
    const body = JSON.parse(new TextDecoder().decode(res.body));
    if (res.status !== 200 || typeof body !== "object" || body?.version !== 1 || typeof body.generation !== "number") return { ok: false, error: `not a kas status reply (HTTP ${res.status})`, answered: true };
    return { ok: true, status: body };
  } catch (e) {
    if (e instanceof ClientError) return { ok: false, error: `${e.kind}: ${e.message}`, answered: e.kind === "protocol" };
    if (e instanceof SyntaxError) return { ok: false, error: "reply is not JSON: is this a kas server?", answered: true };
    throw e;
  }
}

/**
 * What to check when `target` gave no status: the admin's first question is whether the server
 * runs at all, the second whether client and server agree on the address ([client] connect_to
 * is what kas status asks, [server] listen is where kas serve listens).
 */
export function unreachableHint(target: string, r: { answered?: boolean }, from: { flag: boolean; configSource: string }): string {
  const where = from.flag ? `--connect ${target}` : `${target} (the first [client] connect_to of ${from.configSource})`;
  if (r.answered) return `something answers at ${where}, but not kas serve: point [client] connect_to (or --connect) at an address in the server's [server] listen`;
  return `is \`kas serve\` running? kas status asked ${where}; the address must be one of the server's [server] listen (set [client] connect_to, or pass --connect tcp:host:port or unix:/path)`;
}

/** Every door's addresses, the native one first: "tcp:… ; milter tcp:… ; control tcp:…". */
function listening(s: Record<string, any>): string {
  const doors: [string, unknown][] = [["", s.listen], ["milter ", s.milter_listen], ["spamd ", s.spamd_listen], ["rspamd ", s.rspamd_listen], ["control ", s.control_listen]];
  return doors.flatMap(([name, list]) => (Array.isArray(list) ? list.map((a) => `${name}${a}`) : [])).join(", ");
}

export function renderStatus(s: Record<string, any>): string {
  const p = s.pool ?? {};
  const by = Object.entries(s.messages?.by_status ?? {}).map(([k, v]) => `${k} ${v}`).join(", ") || "none yet";
  const lines = [
    `${s.server} pid ${s.pid}, up ${s.uptime_s}s, config ${s.config}`,
    `listening: ${listening(s)}`,
    `generation ${s.generation}; rules ${s.rules?.version} (${String(s.rules?.digest ?? "").slice(0, 12)}) from ${s.rules?.source}${s.rules?.loaded === false ? " (filtering processes still loading it)" : ""}`,
    `filtering processes: ${p.starting ?? 0} starting, ${p.idle ?? 0} idle, ${p.busy ?? 0} busy, ${p.draining ?? 0} draining (max ${p.max_filters}); queue ${p.queue ?? 0}`,
    `messages: ${s.messages?.total ?? 0} (${by})${s.messages?.truncated ? `; ${s.messages.truncated} cut short by the time budget (KAS_SCAN_TRUNCATED)` : ""}`,
    `reloads: ${s.reloads?.ok ?? 0} ok, ${s.reloads?.refused ?? 0} refused${s.reloads?.last_error ? ` (last: ${s.reloads.last_error})` : ""}`,
  ];
  if (s.license) lines.push(`license: ${s.license.verdict}: ${s.license.message}`);
  if (s.rules_freshness) lines.push(renderFreshness(s.rules_freshness));
  if (s.spf) lines.push(`spf: ${s.spf.evaluations ?? 0} evaluations; DNS: ${s.spf.queries ?? 0} lookups, ${s.spf.cacheHits ?? 0} from the cache, ${s.spf.upstreamQueries ?? 0} sent`);
  // A DNS list that refuses us protects nobody: said on its own line (server/dns-watch.ts).
  for (const [zone, r] of Object.entries<any>(s.dnsbl_refused ?? {})) lines.push(`dnsbl: ${zone} refuses our queries (answer ${r.answer}, ${r.queries} times since ${r.first}): its answers are not scored`);
  for (const w of p.workers ?? []) lines.push(`  #${w.id} pid ${w.pid} gen ${w.generation} ${w.state} ${w.messages}/${w.max_messages} messages`);
  return lines.join("\n") + "\n";
}
