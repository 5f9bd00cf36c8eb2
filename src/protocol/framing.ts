// Shared framing limits: reading a byte stream to its end with a size cap and a per-read
// idle deadline, so a peer that stalls mid-body or sends too much is cut off instead of
// holding a slot forever. Used by the server for request bodies and by `kas update-db` for
// downloads; no sockets here.

export type ReadOutcome =
  | { ok: true; bytes: Uint8Array }
  | { ok: false; reason: "too_large"; received: number }
  | { ok: false; reason: "timeout"; received: number }
  | { ok: false; reason: "aborted"; received: number; error: string };

/**
 * Reads `stream` to its end. Fails with "too_large" as soon as more than `maxBytes` arrived,
 * with "timeout" when no bytes arrive for `idleMs` (a stalled client), "aborted" when the
 * peer went away. `onProgress` hears the running byte count after every chunk.
 */
export async function readLimited(stream: ReadableStream<Uint8Array> | null, maxBytes: number, idleMs: number, opts: { onProgress?: (received: number) => void } = {}): Promise<ReadOutcome> {
  if (!stream) return { ok: true, bytes: new Uint8Array(0) };
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let received = 0;
  try {
    for (;;) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const idle = new Promise<"idle">((res) => (timer = setTimeout(() => res("idle"), idleMs)));
      let r: ReadableStreamReadResult<Uint8Array> | "idle";
      try {
        r = await Promise.race([reader.read(), idle]);
      } finally {
        clearTimeout(timer);
      }
      if (r === "idle") {
        void reader.cancel().catch(() => {});
        return { ok: false, reason: "timeout", received };
      }
      if (r.done) break;
      received += r.value.byteLength;
      if (received > maxBytes) {
        void reader.cancel().catch(() => {});
        return { ok: false, reason: "too_large", received };
      }
      chunks.push(r.value);
      opts.onProgress?.(received);
    }
  } catch (e) {
    return { ok: false, reason: "aborted", received, error: e instanceof Error ? e.message : String(e) };
  }
  if (chunks.length === 1) return { ok: true, bytes: chunks[0] };
  const out = new Uint8Array(received);
  let off = 0;
  for (const c of chunks) {
    out.set(c, off);
    off += c.byteLength;
  }
  return { ok: true, bytes: out };
}
