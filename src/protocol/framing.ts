// Shared framing limits: reading a byte stream to its end with a size cap and a per-read
// idle deadline, so a peer that stalls mid-body or sends too much is cut off instead of
// holding a slot forever. Used by the server for request bodies and by `kas update-db` for
// downloads; no sockets here. A per-read idle timer alone does not bound a request: a peer
// that sends one byte just inside every idle window holds its slot for ever, so callers also
// give an overall deadline. A declared length is read into one buffer (no second copy when
// the chunks are joined: the master holds many bodies at once).

export type ReadOutcome =
  | { ok: true; bytes: Uint8Array }
  | { ok: false; reason: "too_large"; received: number }
  | { ok: false; reason: "timeout"; received: number }
  | { ok: false; reason: "deadline"; received: number }
  | { ok: false; reason: "refused"; received: number }
  | { ok: false; reason: "aborted"; received: number; error: string };

export interface ReadOptions {
  onProgress?: (received: number) => void;
  /** Absolute time (Date.now() ms) by which the whole stream must have arrived: "deadline" after it. */
  deadline?: number;
  /** The length the peer declared (Content-Length): read into one buffer of that size. */
  expected?: number;
  /** Asked before each chunk is kept, with its size; false stops the read ("refused"), e.g. a cap on bytes held. */
  admit?: (bytes: number) => boolean;
}

/**
 * Reads `stream` to its end. Fails with "too_large" as soon as more than `maxBytes` arrived,
 * with "timeout" when no bytes arrive for `idleMs` (a stalled client), "deadline" when
 * `opts.deadline` passes first, "refused" when `opts.admit` says no, "aborted" when the peer
 * went away. `onProgress` hears the running byte count after every chunk.
 */
export async function readLimited(stream: ReadableStream<Uint8Array> | null, maxBytes: number, idleMs: number, opts: ReadOptions = {}): Promise<ReadOutcome> {
  if (!stream) return { ok: true, bytes: new Uint8Array(0) };
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  const whole = opts.expected !== undefined && opts.expected <= maxBytes ? new Uint8Array(opts.expected) : undefined;
  let received = 0;
  const stop = (reason: "timeout" | "deadline" | "too_large" | "refused"): ReadOutcome => {
    void reader.cancel().catch(() => {});
    return { ok: false, reason, received };
  };
  try {
    for (;;) {
      const left = opts.deadline === undefined ? Infinity : opts.deadline - Date.now();
      if (left <= 0) return stop("deadline");
      let timer: ReturnType<typeof setTimeout> | undefined;
      const wait = Math.min(idleMs, left);
      const idle = new Promise<"idle">((res) => (timer = setTimeout(() => res("idle"), wait)));
      let r: ReadableStreamReadResult<Uint8Array> | "idle";
      try {
        r = await Promise.race([reader.read(), idle]);
      } finally {
        clearTimeout(timer);
      }
      if (r === "idle") return stop(wait < idleMs ? "deadline" : "timeout");
      if (r.done) break;
      const n = r.value.byteLength;
      if (received + n > maxBytes || (whole && received + n > whole.byteLength)) {
        received += n;
        return stop("too_large");
      }
      if (opts.admit && !opts.admit(n)) return stop("refused");
      if (whole) whole.set(r.value, received);
      else chunks.push(r.value);
      received += n;
      opts.onProgress?.(received);
    }
  } catch (e) {
    return { ok: false, reason: "aborted", received, error: e instanceof Error ? e.message : String(e) };
  }
  if (whole) return { ok: true, bytes: received === whole.byteLength ? whole : whole.subarray(0, received) };
  if (chunks.length === 1) return { ok: true, bytes: chunks[0] };
  const out = new Uint8Array(received);
  let off = 0;
  for (const c of chunks) {
    out.set(c, off);
    off += c.byteLength;
  }
  return { ok: true, bytes: out };
}
