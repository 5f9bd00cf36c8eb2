// Update sources ([update] sources): a mirror is read-only storage addressed by relative path.
// http(s):// goes through fetch with an idle timeout (connect, headers and every gap between
// body chunks), so a mirror that stalls mid-download fails over instead of hanging cron;
// file:/// URLs and plain directories read the local file system (a mirror on NFS, a test).
import { openSync, readSync, closeSync, fstatSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export interface GetOptions {
  /** Refuse (SourceError "too_large") more than this many bytes. */
  maxBytes: number;
  onProgress?: (got: number) => void;
}

export interface Source {
  /** How the source is named in messages (the configured text). */
  readonly name: string;
  get(path: string, opts: GetOptions): Promise<Uint8Array>;
}

/** A source failed for this path: unreachable, HTTP error, timeout, or more bytes than allowed. */
export class SourceError extends Error {
  constructor(
    message: string,
    readonly kind: "unreachable" | "too_large",
  ) {
    super(message);
  }
}

export type FetchLike = (url: string, init: { signal: AbortSignal; redirect: "follow" }) => Promise<Response>;

export function openSource(spec: string, timeoutS: number, fetchImpl: FetchLike = fetch): Source {
  if (/^https?:\/\//i.test(spec)) return httpSource(spec, timeoutS * 1000, fetchImpl);
  const dir = /^file:/i.test(spec) ? fileURLToPath(spec) : resolve(spec);
  return dirSource(spec, dir);
}

function httpSource(name: string, idleMs: number, fetchImpl: FetchLike): Source {
  const base = name.endsWith("/") ? name : name + "/";
  return {
    name,
    async get(path, { maxBytes, onProgress }) {
      const url = new URL(path, base).href;
      const ctl = new AbortController();
      let timer: ReturnType<typeof setTimeout> | undefined;
      const arm = () => {
        clearTimeout(timer);
        timer = setTimeout(() => ctl.abort(), idleMs);
      };
      arm();
      try {
        const res = await fetchImpl(url, { signal: ctl.signal, redirect: "follow" });
        if (!res.ok) throw new SourceError(`${url}: HTTP ${res.status}`, "unreachable");
        const declared = Number(res.headers.get("content-length") ?? NaN);
        if (declared > maxBytes) throw new SourceError(`${url}: ${declared} bytes, more than the ${maxBytes} expected`, "too_large");
        const chunks: Uint8Array[] = [];
        let got = 0;
        const reader = res.body!.getReader();
        for (;;) {
          arm();
          const { done, value } = await reader.read();
          if (done) break;
          got += value.length;
          if (got > maxBytes) {
            void reader.cancel().catch(() => {});
            throw new SourceError(`${url}: more than the ${maxBytes} bytes expected`, "too_large");
          }
          chunks.push(value);
          onProgress?.(got);
        }
        return concat(chunks, got);
      } catch (e) {
        if (e instanceof SourceError) throw e;
        const why = ctl.signal.aborted ? `no data for ${idleMs / 1000}s (timeout)` : e instanceof Error ? e.message : String(e);
        throw new SourceError(`${url}: ${why}`, "unreachable");
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

function dirSource(name: string, dir: string): Source {
  return {
    name,
    async get(path, { maxBytes, onProgress }) {
      const file = join(dir, ...path.split("/"));
      let fd: number;
      try {
        fd = openSync(file, "r");
      } catch (e) {
        throw new SourceError(`${file}: ${(e as NodeJS.ErrnoException).code ?? e}`, "unreachable");
      }
      try {
        const size = fstatSync(fd).size;
        if (size > maxBytes) throw new SourceError(`${file}: ${size} bytes, more than the ${maxBytes} expected`, "too_large");
        const buf = new Uint8Array(size);
        let got = 0;
        while (got < size) {
          const n = readSync(fd, buf, got, size - got, got);
          if (n === 0) break;
          got += n;
        }
        onProgress?.(got);
        return buf.subarray(0, got);
      } catch (e) {
        if (e instanceof SourceError) throw e;
        throw new SourceError(`${file}: ${(e as NodeJS.ErrnoException).code ?? e}`, "unreachable");
      } finally {
        closeSync(fd);
      }
    },
  };
}

function concat(chunks: Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
