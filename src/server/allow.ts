// Who may use a door: client IPs checked against CIDR lists ([spamd] allow / learn_allow, and
// later every listener's allow). A Unix-socket peer has no IP: the socket file's mode and
// owner ([server] socket_mode / socket_owner) decide who reaches it, so it is allowed.
// IPv4-mapped IPv6 peers (::ffff:192.0.2.1, a dual-stack listener) count as IPv4 (dns/ip.ts).
import { inNetwork, parseCidr, parseIp, type IpRange } from "../dns/ip";

export interface AllowList {
  /** True when `peer` (an IP text, or undefined/"" for a Unix socket) is inside one of the ranges. */
  allows(peer: string | undefined): boolean;
  readonly ranges: readonly IpRange[];
}

/**
 * allows(peer, cidrs) for a list read from the live config on every connection: the parsed
 * list is kept per array, so it is rebuilt only when a reload brings a new one.
 */
export function allowCheck(): (peer: string | undefined, cidrs: readonly string[]) => boolean {
  const lists = perConfig(allowList);
  return (peer, cidrs) => lists(cidrs).allows(peer);
}

/**
 * `build` of a config section (or list), computed once per object: a reload brings new
 * objects, so the lists follow it, and the same config is never parsed twice. Every door
 * keeps its parsed allow lists this way.
 */
export function perConfig<S extends object, L>(build: (s: S) => L): (s: S) => L {
  const cache = new WeakMap<S, L>();
  return (s) => {
    let l = cache.get(s);
    if (!l) cache.set(s, (l = build(s)));
    return l;
  };
}

/** The config checks (config/checks.ts ipRange) already refused a bad entry; one that slips through matches nothing. */
export function allowList(cidrs: readonly string[]): AllowList {
  const ranges = cidrs.map(parseCidr).filter((r): r is IpRange => !!r);
  return {
    ranges,
    allows(peer) {
      if (!peer) return true;
      const ip = parseIp(peer);
      return !!ip && ranges.some((r) => inNetwork(ip, r.net, r.bits));
    },
  };
}
