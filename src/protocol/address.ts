// Listener / server addresses as written in kas.toml: `tcp:host:port` (IPv6 host in
// brackets: `tcp:[::1]:2277`) and `unix:/absolute/path`. One parser, so `[server] listen`,
// `[client] connect_to` and `kas status --connect` agree on the syntax.

import { isIPv6 } from "../dns/ip";

export type Address = { kind: "tcp"; host: string; port: number; tls?: boolean } | { kind: "unix"; path: string };

/** Parses an address; returns a reason string for a bad one (callers wrap it in their error type). */
export function parseAddress(text: string): Address | string {
  const t = text.trim();
  if (t.startsWith("unix:")) {
    const path = t.slice(5);
    if (!path.startsWith("/")) return `${JSON.stringify(text)}: a Unix socket path must be absolute (unix:/run/kas/kas.sock)`;
    // sockaddr_un.sun_path is 108 bytes on Linux, including the terminating NUL.
    if (Buffer.byteLength(path) > 107) return `${JSON.stringify(text)}: a Unix socket path must be at most 107 bytes`;
    return { kind: "unix", path };
  }
  if (t.startsWith("tcp:")) {
    const m = /^tcp:(?:\[([0-9A-Fa-f:.]+)\]|([^:\[\]]+)):(\d{1,5})$/.exec(t);
    if (!m) return `${JSON.stringify(text)}: expected tcp:host:port (IPv6 as tcp:[::1]:2277)`;
    const port = Number(m[3]);
    if (port < 1 || port > 65535) return `${JSON.stringify(text)}: port must be 1..65535`;
    return { kind: "tcp", host: m[1] ?? m[2], port };
  }
  return `${JSON.stringify(text)}: expected tcp:host:port or unix:/path`;
}

/**
 * An address a client connects to ([client] connect_to, --connect): parseAddress's, plus
 * `tls:host:port` for a TCP listener whose server has tls_cert / tls_key. Listeners take no
 * `tls:` (their section's tls_cert says whether they speak TLS), so only clients parse it.
 */
export function parseClientAddress(text: string): Address | string {
  const t = text.trim();
  if (!t.startsWith("tls:")) {
    const a = parseAddress(t);
    return typeof a === "string" ? a.replace("expected tcp:host:port or unix:/path", "expected tcp:host:port, tls:host:port or unix:/path") : a;
  }
  const a = parseAddress("tcp:" + t.slice(4));
  if (typeof a === "string") return `${JSON.stringify(text)}: expected tls:host:port (IPv6 as tls:[::1]:2277)`;
  return { ...a, tls: true } as Address;
}

/**
 * `host[:port]` as a DNS server is written (`[dns] resolver`, `kas spf-query --resolver`):
 * an IPv6 address bare or in brackets (`[::1]:5353`); the port defaults to `defaultPort`.
 */
export function parseHostPort(text: string, defaultPort: number): { host: string; port: number } | undefined {
  const m = text.match(/^\[([^\]]+)\](?::(\d+))?$/) ?? (isIPv6(text) ? [text, text] : text.match(/^([^:]+)(?::(\d+))?$/));
  if (!m) return undefined;
  const port = m[2] === undefined ? defaultPort : Number(m[2]);
  if (!Number.isInteger(port) || port < 1 || port > 65535 || !m[1]) return undefined;
  return { host: m[1], port };
}

export function formatAddress(a: Address): string {
  if (a.kind === "unix") return `unix:${a.path}`;
  const scheme = a.tls ? "tls" : "tcp";
  return a.host.includes(":") ? `${scheme}:[${a.host}]:${a.port}` : `${scheme}:${a.host}:${a.port}`;
}
