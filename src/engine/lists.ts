// White and black lists of a policy: envelope senders (address, @domain, *@domain) and
// client IPs (addresses or CIDR ranges, IPv4 and IPv6; IPv4-mapped IPv6 counts as IPv4).
import type { Envelope } from "../model";
import { inNetwork, parseCidr as parseRange, parseIp, type IpRange } from "../dns/ip";
import { addressInList, normaliseAddress } from "../message/address";
import type { Policy } from "./policy";

export type ListVerdict = { status: "blacklisted" | "trusted"; symbol: string; why: string } | undefined;

/** Black lists win over white lists: a forged whitelisted sender from a listed IP stays blacklisted. */
export function checkLists(p: Policy, env: Envelope): ListVerdict {
  const from = env.from ? normaliseAddress(env.from) : "";
  if (from && addressInList(from, p.blacklist_senders)) return { status: "blacklisted", symbol: "KAS_BLACKLIST_SENDER", why: `sender ${from} is black-listed` };
  if (env.ip && ipInList(env.ip, p.blacklist_ips)) return { status: "blacklisted", symbol: "KAS_BLACKLIST_IP", why: `client ${env.ip} is black-listed` };
  if (from && addressInList(from, p.whitelist_senders)) return { status: "trusted", symbol: "KAS_WHITELIST_SENDER", why: `sender ${from} is white-listed` };
  if (env.ip && ipInList(env.ip, p.whitelist_ips)) return { status: "trusted", symbol: "KAS_WHITELIST_IP", why: `client ${env.ip} is white-listed` };
  return undefined;
}


/** Parsed once per list (a policy's lists are frozen config), not once per message. */
const parsedLists = new WeakMap<readonly string[], IpRange[]>();
function ranges(list: readonly string[]): IpRange[] {
  let r = parsedLists.get(list);
  if (!r) parsedLists.set(list, (r = list.map(parseRange).filter((x): x is IpRange => !!x)));
  return r;
}

export function ipInList(ip: string, list: readonly string[]): boolean {
  if (!list.length) return false;
  const a = parseIp(ip.trim().replace(/^\[|\]$/g, ""));
  return !!a && ranges(list).some((r) => inNetwork(a, r.net, r.bits));
}
