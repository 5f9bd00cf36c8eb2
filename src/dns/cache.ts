// A caching resolver in front of another one. Positive answers live for their smallest record
// TTL; NXDOMAIN/NODATA for the SOA-derived negative TTL (RFC 2308 §5), or negDefaultSec when
// the reply carried no SOA, both capped at negMaxSec. Resolution failures (SERVFAIL, timeout)
// are cached for failSec (RFC 9520 §3: at least 1 s, at most 5 min), so a DNS outage costs one
// timeout per name, not one per message. Identical queries in flight share one
// upstream query, and at most maxConcurrent upstream queries run at once (the rest wait).
import type { DnsAnswer, QType, Resolver } from "./types";

export interface CacheOptions {
  /** Entries kept; the least recently used goes first. */
  maxEntries: number;
  maxConcurrent: number;
  /** Bounds on what we keep, whatever the zone says (a 1-week TTL should not pin memory). */
  maxTtlSec?: number;
  negDefaultSec?: number;
  negMaxSec?: number;
  /** Seconds a SERVFAIL / timeout / error is remembered (RFC 9520); 0 = not at all. */
  failSec?: number;
  /** Milliseconds clock (injected for tests). */
  now?: () => number;
}

export interface CacheStats {
  queries: number;
  cacheHits: number;
  cacheMisses: number;
  /** Misses that joined an identical query already on the wire. */
  coalesced: number;
  upstreamQueries: number;
  entries: number;
  inFlight: number;
  /** Upstream queries waiting for a concurrency slot right now. */
  waiting: number;
}

export interface CachingResolver extends Resolver {
  stats(): CacheStats;
  clear(): void;
}

export function createCachingResolver(upstream: Resolver, opts: CacheOptions): CachingResolver {
  const now = opts.now ?? (() => performance.now());
  const maxTtl = opts.maxTtlSec ?? 86_400;
  const negDefault = opts.negDefaultSec ?? 60;
  const negMax = opts.negMaxSec ?? 900;
  const failSec = Math.min(300, opts.failSec ?? 30);
  const cache = new Map<string, { answer: DnsAnswer; expires: number }>();
  const inFlight = new Map<string, Promise<DnsAnswer>>();
  const queue: (() => void)[] = [];
  let running = 0;
  const s = { queries: 0, cacheHits: 0, cacheMisses: 0, coalesced: 0, upstreamQueries: 0 };

  const ttlOf = (a: DnsAnswer): number => {
    if (a.status === "ok") return Math.min(maxTtl, ...a.records.map((r) => r.ttl));
    if (a.status === "nxdomain" || a.status === "nodata") return Math.min(negMax, a.negTtl ?? negDefault);
    return failSec;
  };

  async function slot<T>(fn: () => Promise<T>): Promise<T> {
    if (running >= opts.maxConcurrent) await new Promise<void>((r) => queue.push(r));
    running++;
    try {
      return await fn();
    } finally {
      running--;
      queue.shift()?.();
    }
  }

  return {
    async query(name: string, type: QType): Promise<DnsAnswer> {
      s.queries++;
      const key = `${name.toLowerCase().replace(/\.$/, "")}|${type}`;
      const hit = cache.get(key);
      if (hit && hit.expires > now()) {
        s.cacheHits++;
        cache.delete(key); // re-insert: Map order is our LRU order
        cache.set(key, hit);
        return hit.answer;
      }
      if (hit) cache.delete(key);
      s.cacheMisses++;
      const pending = inFlight.get(key);
      if (pending) {
        s.coalesced++;
        return pending;
      }
      const p = slot(async () => {
        s.upstreamQueries++;
        return upstream.query(name, type);
      }).then((answer) => {
        const ttl = ttlOf(answer);
        if (ttl > 0) {
          cache.set(key, { answer, expires: now() + ttl * 1000 });
          while (cache.size > opts.maxEntries) cache.delete(cache.keys().next().value!);
        }
        return answer;
      }).finally(() => inFlight.delete(key));
      inFlight.set(key, p);
      return p;
    },
    stats: () => ({ ...s, entries: cache.size, inFlight: inFlight.size, waiting: queue.length }),
    clear: () => cache.clear(),
  };
}
