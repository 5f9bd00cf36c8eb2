// Where the message came from, up to the trust boundary (SpamAssassin's trusted_networks /
// internal_networks, Mail::SpamAssassin::Conf "trusted_networks"): the connecting client, and
// while that is one of our own relays, the host its Received field says it got the message
// from, and so on. The first relay outside the trusted networks is the one whose reputation
// counts; everything below it may be forged and everything above it is ours. Loopback and
// private ranges are always trusted: they cannot be a public spam source.
import { inNetwork, parseCidr, parseIp, type IpRange } from "../dns/ip";
import type { HeaderField } from "../message/types";

const ALWAYS_TRUSTED = ["127.0.0.0/8", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16", "100.64.0.0/10", "::1/128", "fc00::/7", "fe80::/10"];

const PRIVATE_RANGES = ALWAYS_TRUSTED.map((t) => parseCidr(t)!);
/** Whether `text` is an address of a loopback, private, shared or link-local range (never a host on the Internet: link-handoff.ts). */
export function isPrivateAddress(text: string): boolean {
  const ip = parseIp(text);
  return !!ip && PRIVATE_RANGES.some((r) => inNetwork(ip, r.net, r.bits));
}

export function trustedRanges(trusted: readonly string[], internal: readonly string[]): IpRange[] {
  return [...ALWAYS_TRUSTED, ...trusted, ...internal].map((t) => parseCidr(t)).filter((r): r is IpRange => !!r);
}

/**
 * The address a Received field names as the sending host: the bracketed literal of its
 * `from` clause (RFC 5321 §4.4 TCP-info: "from name (rdns [192.0.2.1])"), before `by`.
 */
export function receivedFromIp(value: string): string | undefined {
  const from = /^\s*from\s([\s\S]*?)(?:\sby\s|;|$)/i.exec(value)?.[1];
  if (!from) return undefined;
  for (const m of from.matchAll(/\[(?:IPv6:)?([0-9a-fA-F:.]+)\]|\(([0-9a-fA-F:.]{7,})\)/g)) {
    const ip = m[1] ?? m[2];
    if (parseIp(ip)) return ip;
  }
  return undefined;
}

/**
 * The first untrusted relay's address, or undefined when every hop is trusted. `clientIp` is
 * the connecting client (the envelope); without one (a local scan) the walk starts at the top
 * Received field. The top Received field usually records that same client: it is skipped then.
 */
export function boundaryRelay(clientIp: string | undefined, headers: readonly HeaderField[], trusted: readonly IpRange[]): string | undefined {
  const hops = headers.filter((h) => h.name.toLowerCase() === "received").map((h) => receivedFromIp(h.value));
  const chain = clientIp ? [clientIp, ...(hops[0] === clientIp ? hops.slice(1) : hops)] : hops;
  for (const hop of chain) {
    // A Received field without an address breaks the chain: what is below it cannot be placed.
    if (!hop) return undefined;
    const ip = parseIp(hop);
    if (!ip) return undefined;
    if (!trusted.some((r) => inNetwork(ip, r.net, r.bits))) return hop;
  }
  return undefined;
}
