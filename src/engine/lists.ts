// White and black lists of a policy: envelope senders (address, @domain, *@domain) and
// client IPs (addresses or CIDR ranges, IPv4 and IPv6; IPv4-mapped IPv6 counts as IPv4).
import type { Envelope } from "./types";
import { bareAddress, type Policy } from "./policy";

export type ListVerdict = { status: "blacklisted" | "trusted"; symbol: string; why: string } | undefined;

/** Black lists win over white lists: a forged whitelisted sender from a listed IP stays blacklisted. */
export function checkLists(p: Policy, env: Envelope): ListVerdict {
  const from = env.from ? bareAddress(env.from) : "";
  if (from && p.blacklist_senders.some((s) => senderMatches(s, from))) return { status: "blacklisted", symbol: "KAS_BLACKLIST_SENDER", why: `sender ${from} is black-listed` };
  if (env.ip && p.blacklist_ips.some((r) => ipInRange(env.ip!, r))) return { status: "blacklisted", symbol: "KAS_BLACKLIST_IP", why: `client ${env.ip} is black-listed` };
  if (from && p.whitelist_senders.some((s) => senderMatches(s, from))) return { status: "trusted", symbol: "KAS_WHITELIST_SENDER", why: `sender ${from} is white-listed` };
  if (env.ip && p.whitelist_ips.some((r) => ipInRange(env.ip!, r))) return { status: "trusted", symbol: "KAS_WHITELIST_IP", why: `client ${env.ip} is white-listed` };
  return undefined;
}

export function senderMatches(pattern: string, addr: string): boolean {
  const p = pattern.trim().toLowerCase();
  if (p.startsWith("*@")) return addr.endsWith(p.slice(1));
  if (p.startsWith("@")) return addr.endsWith(p);
  if (p.includes("*")) return new RegExp(`^${p.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`).test(addr);
  return p === addr;
}

/** 16 bytes for IPv6, 4 for IPv4 (IPv4-mapped IPv6 folded to IPv4); undefined when not an address. */
export function ipBytes(text: string): Uint8Array | undefined {
  const t = text.trim().replace(/^\[|\]$/g, "");
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(t);
  if (v4) {
    const b = v4.slice(1).map(Number);
    return b.every((x) => x <= 255) ? new Uint8Array(b) : undefined;
  }
  if (!t.includes(":") || !/^[0-9a-fA-F:.]+$/.test(t)) return undefined;
  let head = t;
  let tail4: Uint8Array | undefined;
  const lastColon = t.lastIndexOf(":");
  if (t.slice(lastColon + 1).includes(".")) {
    tail4 = ipBytes(t.slice(lastColon + 1));
    if (!tail4 || tail4.length !== 4) return undefined;
    head = t.slice(0, lastColon + 1) + "0:0";
  }
  const halves = head.split("::");
  if (halves.length > 2) return undefined;
  const groups = (s: string) => (s ? s.split(":") : []);
  const left = groups(halves[0]);
  const right = halves.length === 2 ? groups(halves[1]) : [];
  const missing = 8 - left.length - right.length;
  if ((halves.length === 1 && missing !== 0) || missing < 0) return undefined;
  const all = [...left, ...Array(halves.length === 2 ? missing : 0).fill("0"), ...right];
  const out = new Uint8Array(16);
  for (let i = 0; i < 8; i++) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(all[i])) return undefined;
    const v = parseInt(all[i], 16);
    out[i * 2] = v >> 8;
    out[i * 2 + 1] = v & 0xff;
  }
  if (tail4) out.set(tail4, 12);
  const mapped = out.subarray(0, 10).every((x) => x === 0) && out[10] === 0xff && out[11] === 0xff;
  return mapped ? out.slice(12) : out;
}

export function ipInRange(ip: string, range: string): boolean {
  const [net, lenText] = range.trim().split("/");
  const a = ipBytes(ip);
  const n = ipBytes(net);
  if (!a || !n || a.length !== n.length) return false;
  const len = lenText === undefined ? a.length * 8 : Number(lenText);
  if (!Number.isInteger(len) || len < 0 || len > a.length * 8) return false;
  for (let bit = 0; bit < len; bit += 8) {
    const take = Math.min(8, len - bit);
    const mask = (0xff << (8 - take)) & 0xff;
    if ((a[bit / 8] & mask) !== (n[bit / 8] & mask)) return false;
  }
  return true;
}
