// The admission gate at the server's edge: what one client, and all clients together, may hold
// in the master at once. Every front door asks it (native HTTP per request, milter per
// connection; spamd and Rspamd call the same API): a connection/request takes a Slot, and the
// message bytes it holds are reserved on that slot before they are read (a declared length is
// reserved whole, a chunked body as it grows), so a flood is refused before it is in memory.
//
// Why per client as well as in total: with only a total cap, one address that opens
// max_connections dribbling connections (or sends max_bytes_in_flight of bodies) starves
// every other client. The per-client caps keep the difference in reserve for the others.
// "Client" is the peer address as the socket reports it (every Unix-socket peer is one client:
// the socket's mode already says who may connect).
//
// Memory: bodies are released when their reply has gone out; when the bytes in flight fall
// back to zero after a large peak, a full garbage collection returns the heap to the system
// (without it the master kept most of a 3.5 GB peak for good). Under continuous load the
// bytes in flight never fall to zero, and JavaScriptCore lets a heap whose live part is small
// (the master's: ~6 MB) take 32 MB of new objects before it collects; every request's objects
// outlive a young-generation collection (16 in flight), so the master's RSS swung between 84
// and 103 MB in a soak of 100 000 messages at 16 in flight. A full collection after every COLLECT_EVERY replies
// keeps the swing to what those replies allocate (~7 MB). Measured (issue 16): ~7 ms of CPU
// and ~11 ms of wall time per collection, i.e. 0.007 ms of CPU per message (the master
// spends ~0.3 ms per message); a smaller COLLECT_EVERY (300) did not lower the RSS further.
import { fullGC } from "bun:jsc";
import type { KasConfig } from "../config/schema";
import type { ErrorCode } from "../protocol/kas/reply";

export interface EdgeLimits {
  maxConnections: number;
  maxConnectionsPerClient: number;
  maxBytesInFlight: number;
  maxBytesPerClient: number;
  /** Largest single request/message (the per-connection cap): [server] max_request_size. */
  maxRequestSize: number;
}

export function edgeLimits(s: KasConfig["server"]): EdgeLimits {
  return {
    maxConnections: s.max_connections,
    maxConnectionsPerClient: Math.min(s.max_connections_per_client, s.max_connections),
    maxBytesInFlight: s.max_bytes_in_flight,
    maxBytesPerClient: Math.min(s.max_bytes_per_client, s.max_bytes_in_flight),
    maxRequestSize: s.max_request_size,
  };
}

/** Why the gate said no: `busy` (503, try later) or `too_large` (413, never fits). */
export interface Refusal {
  code: Extract<ErrorCode, "busy" | "too_large">;
  message: string;
}

export interface Slot {
  readonly client: string;
  /** Reserves `n` more bytes for this slot; a Refusal when a cap would be passed (nothing reserved then). */
  reserve(n: number): Refusal | undefined;
  /** Bytes held by this slot so far. */
  readonly bytes: number;
  /** Gives back this slot's bytes (the reply has gone out; the connection may carry another request). */
  releaseBytes(): void;
  /** Gives back the slot and its bytes; later calls do nothing. */
  leave(): void;
}

export interface GateStatus {
  connections: number;
  clients: number;
  bytes_in_flight: number;
  peak_bytes_in_flight: number;
  refused: Record<string, number>;
}

/** A full GC once the bytes in flight are back to 0 after a peak above this. */
const GC_AFTER_PEAK = 32 * 1024 * 1024;
/** A collection of the JavaScript heap after this many replies, whatever is in flight. */
export const COLLECT_EVERY = 1000;

interface PerClient {
  slots: number;
  bytes: number;
}

export class EdgeGate {
  private slots = 0;
  private bytes = 0;
  private peak = 0;
  private peakSinceGc = 0;
  private repliesSinceCollect = 0;
  private readonly clients = new Map<string, PerClient>();
  private readonly refused: Record<string, number> = {};

  constructor(
    private readonly limits: () => EdgeLimits,
    private readonly gc: () => void = () => Bun.gc(true),
    // fullGC, not Bun.gc(true): the latter also drops every function's compiled code, which
    // the master then compiles again (measured under load: ~14 ms of CPU per call, fullGC ~7).
    private readonly collect: () => void = () => void fullGC(),
  ) {}

  /** A new connection (milter) or request (HTTP) from `client`, or why not. */
  enter(client: string): Slot | Refusal {
    const l = this.limits();
    const c = this.clients.get(client) ?? { slots: 0, bytes: 0 };
    if (this.slots >= l.maxConnections) return this.refuse("connections", `${this.slots} connections open, max_connections ${l.maxConnections}`);
    if (c.slots >= l.maxConnectionsPerClient) return this.refuse("client_connections", `${c.slots} connections open from ${client}, max_connections_per_client ${l.maxConnectionsPerClient}`);
    this.slots++;
    c.slots++;
    this.clients.set(client, c);
    let held = 0;
    let left = false;
    const gate = this;
    return {
      client,
      get bytes() {
        return held;
      },
      reserve(n) {
        if (left) return { code: "busy", message: "connection closed" };
        const lim = gate.limits();
        if (held + n > lim.maxRequestSize) return gate.refuse("too_large", `request of ${held + n} bytes exceeds max_request_size ${lim.maxRequestSize}`, "too_large");
        if (gate.bytes + n > lim.maxBytesInFlight) return gate.refuse("bytes", `${gate.bytes} bytes of requests in flight, max_bytes_in_flight ${lim.maxBytesInFlight}`);
        if (c.bytes + n > lim.maxBytesPerClient) return gate.refuse("client_bytes", `${c.bytes} bytes in flight from ${client}, max_bytes_per_client ${lim.maxBytesPerClient}`);
        held += n;
        c.bytes += n;
        gate.bytes += n;
        gate.peak = Math.max(gate.peak, gate.bytes);
        gate.peakSinceGc = Math.max(gate.peakSinceGc, gate.bytes);
        return undefined;
      },
      releaseBytes() {
        if (held > 0) gate.replied();
        gate.bytes -= held;
        c.bytes -= held;
        held = 0;
        gate.maybeGc();
      },
      leave() {
        if (left) return;
        this.releaseBytes();
        left = true;
        gate.slots--;
        if (--c.slots === 0) gate.clients.delete(client);
      },
    };
  }

  status(): GateStatus {
    return { connections: this.slots, clients: this.clients.size, bytes_in_flight: this.bytes, peak_bytes_in_flight: this.peak, refused: { ...this.refused } };
  }

  private refuse(what: string, message: string, code: Refusal["code"] = "busy"): Refusal {
    this.refused[what] = (this.refused[what] ?? 0) + 1;
    return { code, message };
  }

  /** A request's bytes are given back (its reply is out, or it was refused): every COLLECT_EVERY, a collection. */
  private replied(): void {
    if (++this.repliesSinceCollect < COLLECT_EVERY) return;
    this.repliesSinceCollect = 0;
    // Not inside the reply path: the reply being sent goes out first.
    setTimeout(this.collect, 0).unref?.();
  }

  private maybeGc(): void {
    if (this.bytes > 0 || this.peakSinceGc < GC_AFTER_PEAK) return;
    this.peakSinceGc = 0;
    // After the reply is written: the last body's buffers must be unreachable first.
    setTimeout(() => {
      if (this.bytes === 0) this.gc();
    }, 50).unref?.();
  }
}

export const isRefusal = (x: Slot | Refusal | undefined): x is Refusal => x !== undefined && "code" in x && !("reserve" in x);
