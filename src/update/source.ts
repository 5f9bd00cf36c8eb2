// Update sources ([update] sources): a mirror is read-only storage addressed by relative path.
// http(s):// goes through fetch with an idle timeout (connect, headers and every gap between
// body chunks), so a mirror that stalls mid-download fails over instead of hanging cron;
// file:/// URLs and plain directories read the local file system (a mirror on NFS, a test).
// Redirects are followed by hand (at most MAX_REDIRECTS), and only within the source's origin
// (scheme, host, port) unless [update] follow_redirects: signatures protect what is installed
// either way, but an administrator who named a mirror should not find kas fetching from
// wherever it points, and every hop is logged. A file the mirror does not have (404/410,
// ENOENT) is "missing", which the pipeline tells apart from a mirror that is down: a manifest
// without its signature file is a signature failure (exit 3), not an unreachable source.
import { openSync, readSync, closeSync, fstatSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { readLimited } from "../protocol/framing";

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
    readonly kind: "unreachable" | "missing" | "too_large",
  ) {
    super(message);
  }
}

export type FetchLike = (url: string, init: { signal: AbortSignal; redirect: "manual" }) => Promise<Response>;

export interface SourceOptions {
  /** [update] follow_redirects: also follow redirects to another origin. */
  followRedirects?: boolean;
  /** Hears every redirect followed (the update log). */
  onRedirect?: (from: string, to: string) => void;
}

const MAX_REDIRECTS = 5;
const REDIRECT = new Set([301, 302, 303, 307, 308]);

export function openSource(spec: string, timeoutS: number, fetchImpl: FetchLike = fetch, opts: SourceOptions = {}): Source {
  if (/^https?:\/\//i.test(spec)) return httpSource(spec, timeoutS * 1000, fetchImpl, opts);
  const dir = /^file:/i.test(spec) ? fileURLToPath(spec) : resolve(spec);
  return dirSource(spec, dir);
}

function httpSource(name: string, idleMs: number, fetchImpl: FetchLike, opts: SourceOptions): Source {
  const base = name.endsWith("/") ? name : name + "/";
  const origin = new URL(base).origin;
  const timeoutText = `no data for ${idleMs / 1000}s (timeout)`;
  return {
    name,
    async get(path, { maxBytes, onProgress }) {
      let url = new URL(path, base).href;
      let res: Response;
      for (let hops = 0; ; hops++) {
        // Connect and headers under the idle timer too; readLimited times the body.
        const ctl = new AbortController();
        const timer = setTimeout(() => ctl.abort(), idleMs);
        try {
          res = await fetchImpl(url, { signal: ctl.signal, redirect: "manual" });
        } catch (e) {
          throw new SourceError(`${url}: ${ctl.signal.aborted ? timeoutText : e instanceof Error ? e.message : String(e)}`, "unreachable");
        } finally {
          clearTimeout(timer);
        }
        const location = res.headers.get("location");
        if (!REDIRECT.has(res.status) || location === null) break;
        void res.body?.cancel().catch(() => {});
        let next: URL;
        try {
          next = new URL(location, url);
        } catch {
          throw new SourceError(`${url}: HTTP ${res.status} to an invalid location ${JSON.stringify(location.slice(0, 200))}`, "unreachable");
        }
        if (hops >= MAX_REDIRECTS) throw new SourceError(`${url}: more than ${MAX_REDIRECTS} redirects`, "unreachable");
        if (next.origin !== origin && !opts.followRedirects) {
          throw new SourceError(`${url}: redirected (HTTP ${res.status}) to ${next.href}, outside ${origin}; not followed (list that mirror in [update] sources, or set [update] follow_redirects = true)`, "unreachable");
        }
        opts.onRedirect?.(url, next.href);
        url = next.href;
      }
      if (res.status === 404 || res.status === 410) throw new SourceError(`${url}: HTTP ${res.status}`, "missing");
      if (!res.ok) throw new SourceError(`${url}: HTTP ${res.status}`, "unreachable");
      const declared = Number(res.headers.get("content-length") ?? NaN);
      if (declared > maxBytes) throw new SourceError(`${url}: ${declared} bytes, more than the ${maxBytes} expected`, "too_large");
      const r = await readLimited(res.body, maxBytes, idleMs, { onProgress });
      if (r.ok) return r.bytes;
      if (r.reason === "too_large") throw new SourceError(`${url}: more than the ${maxBytes} bytes expected`, "too_large");
      throw new SourceError(`${url}: ${r.reason === "timeout" ? timeoutText : r.error}`, "unreachable");
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
        throw new SourceError(`${file}: ${(e as NodeJS.ErrnoException).code ?? e}`, (e as NodeJS.ErrnoException).code === "ENOENT" ? "missing" : "unreachable");
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
