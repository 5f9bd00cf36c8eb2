// Opens the master's listeners: HTTP/1.1 (the native protocol) over TCP and Unix sockets via
// Bun.serve, and raw stream listeners (the milter door) via Bun.listen. A Unix socket file left by a crashed server is removed only when nothing
// answers on it (a live server's socket is never stolen, a regular file is never deleted);
// the file gets [server] socket_mode / socket_owner and is removed at stop.
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, readFileSync, unlinkSync } from "node:fs";
import { dirname } from "node:path";
import type { KasConfig } from "../config/schema";
import { ConfigError, StateError } from "../errors";
import { formatAddress, parseAddress, type Address } from "../protocol/address";
import { errorReply } from "../protocol/kas/reply";
import { http1SocketHandler, type Http1Direct, type Http1Fetch } from "./http1";
import type { TlsPem } from "./tls";

export interface ListenOptions {
  socketMode: string;
  socketOwner: string;
  maxRequestSize: number;
  dataTimeoutS: number;
  /** The certificate and key (PEM text, tls.ts loadTls): the listener speaks HTTPS (the Control Center's tls_cert / tls_key). */
  tls?: TlsPem;
}

export type FetchHandler = (req: Request, server: Bun.Server<undefined>) => Response | Promise<Response>;

export interface Listener {
  address: string;
  /** Stop accepting; `force` also closes open connections. Removes the socket file. */
  stop(force: boolean): Promise<void>;
  /** A TCP stream listener opened with `pem`: serve this certificate from now on (SIGHUP after a renewal). */
  renewTls?(pem: TlsPem): void;
}

/** Is something accepting connections on this Unix socket? (bounded: 1 s) */
async function answers(path: string): Promise<boolean> {
  return await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(true), 1000); // no answer in time: assume alive, do not steal it
    Bun.connect({ unix: path, socket: { open: (s) => (clearTimeout(timer), s.end(), resolve(true)), data() {}, error: () => (clearTimeout(timer), resolve(false)), connectError: () => (clearTimeout(timer), resolve(false)) } }).catch(() => (clearTimeout(timer), resolve(false)));
  });
}

async function clearStaleSocket(path: string): Promise<void> {
  let st;
  try {
    st = lstatSync(path);
  } catch {
    return;
  }
  if (!st.isSocket()) throw new StateError(`${path} exists and is not a socket`, "remove it or choose another unix: path in [server] listen");
  if (await answers(path)) throw new StateError(`another server is listening on unix:${path}`, "stop it first (kas status shows it), or choose another path");
  unlinkSync(path);
}

/** uid/gid of "user[:group]" (names or numbers), from /etc/passwd and /etc/group. */
export function resolveOwner(spec: string, passwd = readText("/etc/passwd"), group = readText("/etc/group")): { uid: number; gid: number } {
  const [user, grp] = spec.split(":");
  const lookup = (table: string, name: string, what: string) => {
    if (/^\d+$/.test(name)) return { id: Number(name), gid: -1 };
    const row = table.split("\n").map((l) => l.split(":")).find((f) => f[0] === name);
    if (!row) throw new StateError(`socket_owner: no such ${what} ${JSON.stringify(name)}`, `check [server] socket_owner (user[:group])`);
    return { id: Number(row[2]), gid: Number(row[3]) };
  };
  const u = user ? lookup(passwd, user, "user") : { id: -1, gid: -1 };
  const gid = grp ? lookup(group, grp, "group").id : u.gid;
  return { uid: u.id, gid };
}

const readText = (p: string) => (existsSync(p) ? readFileSync(p, "utf8") : "");

/** Makes a unix: address ready to bind: its directory exists, no stale socket file is in the way. */
async function prepareUnix(addr: Extract<Address, { kind: "unix" }>, section: string): Promise<void> {
  try {
    mkdirSync(dirname(addr.path), { recursive: true });
  } catch (e) {
    throw new StateError(`cannot create the directory of unix:${addr.path}: ${(e as Error).message}`, `create it (writable by the server's user) or choose another unix: path in [${section}] listen`);
  }
  await clearStaleSocket(addr.path);
}

/** [server] socket_mode / socket_owner on a fresh socket file; on failure the listener is stopped and the file removed. */
function applySocketMode(path: string, opts: Pick<ListenOptions, "socketMode" | "socketOwner">, stop: () => void): void {
  try {
    chmodSync(path, parseInt(opts.socketMode, 8));
    if (opts.socketOwner) {
      const { uid, gid } = resolveOwner(opts.socketOwner);
      chownSync(path, uid, gid);
    }
  } catch (e) {
    stop();
    unlinkSync(path);
    throw e instanceof StateError ? e : new StateError(`cannot set mode/owner of ${path}: ${(e as Error).message}`, "socket_owner needs the server to run as root; socket_mode is octal like 0660");
  }
}

/**
 * A TLS listener on `port` whose certificate can be renewed. Bun cannot change the certificate
 * of a running listener or server, so a renewal binds a new one with the new certificate beside
 * it (both were bound with SO_REUSEPORT), then the old one stops accepting; its open
 * connections finish with the old certificate. No connection is refused; one that the kernel
 * had queued on the old socket in that instant may be reset (the client retries).
 */
function renewableTls<S extends { stop(force?: boolean): unknown }>(addr: Address, port: number, first: S, rebind: (pem: TlsPem) => S): Listener {
  let current = first;
  const listener = listenerOf(addr, port, async (force) => void (await current.stop(force)));
  listener.renewTls = (next) => {
    const fresh = rebind(next);
    void current.stop(false);
    current = fresh;
  };
  return listener;
}

function listenerOf(addr: Address, boundPort: number | undefined, stop: (force: boolean) => Promise<void> | void): Listener {
  const address = addr.kind === "tcp" && addr.port === 0 ? formatAddress({ ...addr, port: boundPort! }) : formatAddress(addr);
  return {
    address,
    async stop(force) {
      await stop(force);
      if (addr.kind === "unix") {
        try {
          if (lstatSync(addr.path).isSocket()) unlinkSync(addr.path);
        } catch {}
      }
    },
  };
}

export async function openListener(addr: Address, fetch: FetchHandler, opts: ListenOptions): Promise<Listener> {
  // Closes connections that send nothing (half-sent request lines, idle keep-alives).
  const idleTimeout = Math.min(255, Math.max(1, Math.ceil(opts.dataTimeoutS)));
  const common = {
    // Bun counts a request whose handler is still running as idle (a request without a body
    // is cut after idleTimeout even while it waits queue_timeout for a filtering process), so
    // the timer is off while we work: body stalls are cut by the handler's own data_timeout
    // (framing.ts readLimited), scans by queue_timeout and the pool's watchdog. It is set back
    // before the reply goes out, because Bun keeps a per-request value as the connection's
    // keep-alive idle window afterwards.
    async fetch(req: Request, server: Bun.Server<undefined>) {
      server.timeout(req, 0);
      try {
        return await fetch(req, server);
      } finally {
        server.timeout(req, idleTimeout);
      }
    },
    // Bun answers 413 itself beyond this; the handler enforces it again for chunked bodies.
    maxRequestBodySize: opts.maxRequestSize,
    idleTimeout,
    // Never Bun's development error page (HTML with source lines, file paths and the working
    // directory) to a client: whatever escapes the handler gets the protocol's JSON error.
    development: false,
    error(e: Error) {
      const r = errorReply("internal", `server error: ${e.message}`);
      return new Response(JSON.stringify(r.body) + "\n", { status: r.status, headers: { "content-type": "application/json", connection: "close" } });
    },
  };
  let server: Bun.Server<undefined>;
  if (addr.kind === "unix") {
    await prepareUnix(addr, "server");
    try {
      server = Bun.serve({ ...common, unix: addr.path });
    } catch (e) {
      throw new StateError(`cannot listen on ${formatAddress(addr)}: ${(e as Error).message}`, "check the directory exists and is writable by this user");
    }
    applySocketMode(addr.path, opts, () => server.stop(true));
  } else {
    const bind = (port: number, p: TlsPem | undefined) => Bun.serve({ ...common, hostname: addr.host, port, ...(p ? { tls: { cert: p.cert, key: p.key }, reusePort: true } : {}) });
    try {
      server = bind(addr.port, opts.tls);
    } catch (e) {
      throw new StateError(`cannot listen on ${formatAddress(addr)}: ${(e as Error).message}`, "is another server on that port? (kas status; ss -ltnp)");
    }
    if (opts.tls) {
      const port = server.port!;
      return renewableTls(addr, port, server, (pem) => bind(port, pem));
    }
  }
  return listenerOf(addr, server.port, (force) => server.stop(force));
}

/**
 * The native protocol's listener: HTTP/1.1 framed by kas itself (http1.ts) on a raw stream
 * listener, so pipelined requests and a client that half-closes after its request get their
 * replies (Bun.serve closes such connections). The same unix-socket handling as the others.
 * `direct`: requests served without Request/Response objects (handler.ts makeDirect).
 */
export async function openNativeListener(addr: Address, fetch: Http1Fetch, opts: ListenOptions, pem?: TlsPem, direct?: Http1Direct): Promise<Listener> {
  return await openSocketListener(addr, http1SocketHandler(fetch, { timeoutS: () => opts.dataTimeoutS, direct }), opts, "server", true, pem);
}

/**
 * A raw stream listener (the milter door): the same unix-socket handling as openListener
 * (stale file check, mode, owner, removal at stop). `section` names the config table in errors.
 * `halfOpen`: a peer that shuts down its sending side still gets the reply (spamc and Exim
 * send the request, shut down, then read; Bun otherwise closes both ends at the peer's FIN).
 */
export async function openSocketListener<T>(addr: Address, socket: Bun.SocketHandler<T>, opts: Pick<ListenOptions, "socketMode" | "socketOwner">, section: string, halfOpen = false, pem?: TlsPem): Promise<Listener> {
  let l: Bun.TCPSocketListener<T> | Bun.UnixSocketListener<T>;
  const cannot = (e: unknown) => new StateError(`cannot listen on ${formatAddress(addr)} ([${section}] listen): ${(e as Error).message}`, addr.kind === "unix" ? "check the directory exists and is writable by this user" : "is another server on that port? (ss -ltnp)");
  if (addr.kind === "unix") {
    await prepareUnix(addr, section);
    try {
      l = Bun.listen<T>({ unix: addr.path, socket, allowHalfOpen: halfOpen });
    } catch (e) {
      throw cannot(e);
    }
    applySocketMode(addr.path, opts, () => l.stop(true));
  } else {
    // TLS on TCP only ([section] tls_cert / tls_key): Bun does the handshake, the door's
    // handler sees the same plaintext stream.
    // A TLS listener sets SO_REUSEPORT so that a renewal can bind the new one before the old
    // one closes (Linux lets only the same user share the port; a plain listener keeps the
    // "port in use" error that catches a second server started by mistake).
    const bind = (port: number, p: TlsPem | undefined) => Bun.listen<T>({ hostname: addr.host, port, socket, allowHalfOpen: halfOpen, ...(p ? { tls: { cert: p.cert, key: p.key }, reusePort: true } : {}) });
    try {
      l = bind(addr.port, pem);
    } catch (e) {
      throw cannot(e);
    }
    if (pem) {
      const port = l.port;
      return renewableTls(addr, port, l, (next) => {
        try {
          return bind(port, next);
        } catch (e) {
          throw cannot(e);
        }
      });
    }
  }
  // Bun.listen's stop(false) stops accepting and leaves open connections to finish.
  return listenerOf(addr, "port" in l ? l.port : undefined, (force) => l.stop(force));
}

/** The config sections that open listeners; every one but [server] may be empty (that door is off). */
export const DOOR_SECTIONS = ["server", "milter", "spamd", "rspamd", "control"] as const;
export type DoorSection = (typeof DOOR_SECTIONS)[number];

/** `[section] listen`, parsed; a bad address is a ConfigError naming the key. */
export function doorAddresses(config: KasConfig, section: DoorSection, source: string): Address[] {
  if (section === "server" && !config.server.listen.length) throw new ConfigError(source, "server.listen", undefined, "needs at least one address (tcp:host:port or unix:/path)");
  return config[section].listen.map((text) => {
    const a = parseAddress(text);
    if (typeof a === "string") throw new ConfigError(source, `${section}.listen`, undefined, a);
    return a;
  });
}
