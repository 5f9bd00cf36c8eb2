// IP address text ⇄ bytes, shared by the DNS codec (A/AAAA, reverse names) and SPF (CIDR
// matching, %{i} macro). IPv4-mapped IPv6 (::ffff:a.b.c.d, RFC 4291 §2.5.5.2) is folded to IPv4
// because RFC 7208 §5 says such a client "MUST still be considered an IPv4 address".
// isIPv4/isIPv6/isIP answer as node:net's do (tested against it) without loading node:net:
// that module costs every start of the binary ~6 ms of CPU, and `kas filter` in a pipeline
// (once per message) needs only the check.

const V4_OCTET = /^(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
const HEX_GROUP = /^[0-9A-Fa-f]{1,4}$/;
// A zone index (RFC 4007 §11.2, "fe80::1%eth0"): node:net accepts these characters.
const ZONE = /^[0-9A-Za-z.:-]+$/;

/** Dotted-quad IPv4, each part 0–255 written without leading zeros. */
export function isIPv4(text: string): boolean {
  const parts = text.split(".");
  return parts.length === 4 && parts.every((p) => V4_OCTET.test(p));
}

/** IPv6 text (RFC 4291 §2.2): eight groups, or fewer around one "::", an optional dotted
 * IPv4 tail standing for the last two groups, an optional %zone. */
export function isIPv6(text: string): boolean {
  let s = text;
  const pct = s.indexOf("%");
  if (pct >= 0) {
    if (!ZONE.test(s.slice(pct + 1))) return false;
    s = s.slice(0, pct);
  }
  const halves = s.split("::");
  if (halves.length > 2) return false;
  const groupsOf = (h: string) => (h === "" ? [] : h.split(":"));
  const head = groupsOf(halves[0]);
  const tail = halves.length === 2 ? groupsOf(halves[1]) : [];
  const groups = [...head, ...tail];
  let count = groups.length;
  // Only the text's own last group may be dotted ("1.2.3.4::" is not an address).
  const last = (halves.length === 2 ? tail : head).at(-1);
  if (last?.includes(".")) {
    if (!isIPv4(last)) return false;
    groups.pop();
    count++;
  }
  if (!groups.every((g) => HEX_GROUP.test(g))) return false;
  // "::" stands for at least one group of zeros.
  return halves.length === 2 ? count <= 7 : count === 8;
}

/** 4, 6 or 0, as node:net's isIP. */
export const isIP = (text: string): 0 | 4 | 6 => (isIPv4(text) ? 4 : isIPv6(text) ? 6 : 0);

export interface Ip {
  version: 4 | 6;
  bytes: Uint8Array;
}

export function parseIp(text: string): Ip | undefined {
  if (isIPv4(text)) return { version: 4, bytes: Uint8Array.from(text.split(".").map(Number)) };
  if (!isIPv6(text)) return undefined;
  const b = ipv6Bytes(text);
  const mapped = b.subarray(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff;
  return mapped ? { version: 4, bytes: b.slice(12) } : { version: 6, bytes: b };
}

/** A parsed `addr` or `addr/len` (a network in a white/black list). */
export interface IpRange {
  net: Ip;
  bits: number;
}

/** undefined when `text` is not an address or CIDR range. */
export function parseCidr(text: string): IpRange | undefined {
  const [addr, len, extra] = text.trim().split("/");
  const net = parseIp(addr);
  if (!net || extra !== undefined || !/^\d{1,3}$/.test(len ?? "0")) return undefined;
  const max = net.version === 4 ? 32 : 128;
  // A mapped IPv6 range (::ffff:192.0.2.0/120) counts its prefix over the IPv6 form.
  const bits = len === undefined ? max : Number(len) - (net.version === 4 && addr.includes(":") ? 96 : 0);
  return bits >= 0 && bits <= max ? { net, bits } : undefined;
}

/** True when the first `bits` bits of a and b agree (same version required). */
export function inNetwork(ip: Ip, net: Ip, bits: number): boolean {
  if (ip.version !== net.version) return false;
  for (let i = 0; i < ip.bytes.length && bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((ip.bytes[i] & mask) !== (net.bytes[i] & mask)) return false;
  }
  return true;
}

export function ipText(ip: Ip): string {
  return ip.version === 4 ? [...ip.bytes].join(".") : ipv6Text(ip.bytes);
}

/** Reverse-lookup name: d.c.b.a.in-addr.arpa or the 32 nibbles under ip6.arpa (RFC 3596 §2.5). */
export function reverseName(ip: Ip): string {
  if (ip.version === 4) return [...ip.bytes].reverse().join(".") + ".in-addr.arpa";
  return nibbles(ip.bytes).reverse().join(".") + ".ip6.arpa";
}

export const nibbles = (b: Uint8Array) => [...b].flatMap((x) => [(x >> 4).toString(16), (x & 15).toString(16)]);

/** RFC 5952 text: lower case, longest zero run (of 2+ groups) as "::". */
export function ipv6Text(b: Uint8Array): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((b[i] << 8) | b[i + 1]).toString(16));
  let best = -1, bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== "0") { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === "0") j++;
    if (j - i > bestLen && j - i > 1) [best, bestLen] = [i, j - i];
    i = j;
  }
  if (best < 0) return groups.join(":");
  return groups.slice(0, best).join(":") + "::" + groups.slice(best + bestLen).join(":");
}

/** 16 bytes of a valid IPv6 text address (with "::" and an optional dotted IPv4 tail). */
export function ipv6Bytes(text: string): Uint8Array {
  let s = text;
  const tail = s.match(/(\d+\.\d+\.\d+\.\d+)$/);
  if (tail) {
    const p = tail[1].split(".").map(Number);
    s = s.slice(0, -tail[1].length) + ((p[0] << 8) | p[1]).toString(16) + ":" + ((p[2] << 8) | p[3]).toString(16);
  }
  const [head, rest] = s.split("::");
  const h = head ? head.split(":") : [];
  const t = rest !== undefined && rest !== "" ? rest.split(":") : [];
  const groups = rest === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill("0"), ...t];
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    const v = parseInt(g, 16);
    out[i * 2] = v >> 8;
    out[i * 2 + 1] = v & 0xff;
  });
  return out;
}
