// The master-side SPF and DNS service: one caching resolver for the whole pool (the classic
// design's SPF daemon), answering the workers' `spf_query` IPC requests, and through `dns`
// the single questions of every other check (`dns_query`: DNS lists, DKIM keys, DMARC
// records), so all share one cache and one set of timeouts. Every SPF evaluation has a
// deadline ([spf] timeout): past it the answer is temperror and the scan goes on (issue 5).
import { hostname } from "node:os";
import type { KasConfig } from "../config/schema";
import { createCachingResolver, type CacheStats } from "../dns/cache";
import { createWireResolver, parseServerAddress, systemNameserver } from "../dns/client";
import { parseIp } from "../dns/ip";
import type { Resolver } from "../dns/types";
import { ConfigError } from "../errors";
import { checkHelo, checkMailFrom, receivedSpf, temperrorAnswer, type IdentityCheck } from "../spf";
import type { SpfAnswer, SpfQuery } from "../spf/types";

export interface SpfServiceStats extends CacheStats {
  /** SPF evaluations asked for (the DNS figures above count single DNS queries). */
  evaluations: number;
  /** Evaluations that hit the [spf] timeout. */
  deadlineExceeded: number;
  results: Record<string, number>;
  /** Mean milliseconds per evaluation. */
  meanMs: number;
}

export interface SpfService {
  ask(q: SpfQuery): Promise<SpfAnswer>;
  /** The shared caching resolver itself, for every other check's DNS (the workers' `dns_query`). */
  dns: Resolver;
  stats(): SpfServiceStats;
}

export interface SpfServiceDeps {
  /** Upstream resolver (tests); default: the wire client to [dns] resolver. */
  upstream?: Resolver;
  now?: () => number;
  /** The config file, named in a ConfigError (bad [dns] resolver). */
  configFile?: string;
}

/** `spf`: the evaluation's settings; `dns`: the resolver, cache and query timeout every check shares. */
export function createSpfService(settings: Pick<KasConfig, "spf" | "dns">, deps: SpfServiceDeps = {}): SpfService {
  const { spf: config, dns } = settings;
  const timeoutMs = Math.round(config.timeout * 1000);
  let upstream = deps.upstream;
  /** Who is asked, for the messages of a timeout. */
  let upstreamName = "the DNS resolver";
  if (!upstream) {
    const server = dns.resolver ? parseServerAddress(dns.resolver) : systemNameserver();
    if (!server) throw new ConfigError(deps.configFile ?? "kas.toml", "dns.resolver", undefined, `${JSON.stringify(dns.resolver)} is not host:port`);
    upstream = createWireResolver({ server, timeoutMs: Math.round(dns.timeout * 1000) });
    upstreamName = `DNS server ${serverText(server)}`;
  }
  const resolver = createCachingResolver(upstream, { maxEntries: dns.cache_size, maxConcurrent: dns.max_concurrent, now: deps.now });
  const receiver = config.receiver || hostname();
  const s = { evaluations: 0, deadlineExceeded: 0, totalMs: 0, results: {} as Record<string, number> };

  /** `pending` holds this evaluation's unanswered queries, so a timeout can say what it waited for. */
  async function evaluate(q: SpfQuery, deadline: number, pending: Set<string>): Promise<SpfAnswer> {
    const req = { ip: q.ip, mailFrom: q.from, helo: q.helo ?? "" };
    const tracked: Resolver = {
      query(name, type) {
        const key = `${name.replace(/\.$/, "")} ${type}`;
        pending.add(key);
        return resolver.query(name, type).finally(() => pending.delete(key));
      },
    };
    const common = { resolver: tracked, receiver, deadline };
    const check: IdentityCheck = q.identity === "helo" ? await checkHelo(req, common) : await checkMailFrom(req, common);
    return answerOf(check, req, receiver);
  }

  return {
    dns: resolver,
    async ask(q) {
      s.evaluations++;
      const started = performance.now();
      let answer: SpfAnswer;
      if (!parseIp(q.ip)) answer = { result: "none", problem: `client address ${JSON.stringify(q.ip)} is not an IP address` };
      else {
        let timer: ReturnType<typeof setTimeout> | undefined;
        const pending = new Set<string>();
        const deadline = new Promise<SpfAnswer>((r) => {
          timer = setTimeout(() => {
            s.deadlineExceeded++;
            r(timeoutAnswer(q, receiver, config.timeout, pending.size ? `no answer from ${upstreamName} for ${[...pending].join(", ")}` : undefined));
          }, timeoutMs);
        });
        answer = await Promise.race([evaluate(q, started + timeoutMs, pending), deadline]).finally(() => clearTimeout(timer));
      }
      s.totalMs += performance.now() - started;
      s.results[answer.result] = (s.results[answer.result] ?? 0) + 1;
      return answer;
    },
    stats: () => ({ ...resolver.stats(), evaluations: s.evaluations, deadlineExceeded: s.deadlineExceeded, results: { ...s.results }, meanMs: s.evaluations ? s.totalMs / s.evaluations : 0 }),
  };
}

function answerOf(check: IdentityCheck, req: { ip: string; mailFrom: string; helo: string }, receiver: string): SpfAnswer {
  return {
    result: check.result,
    explanation: check.explanation,
    mechanism: check.mechanism,
    problem: check.problem,
    lookups: check.lookups,
    voidLookups: check.voidLookups,
    identity: check.identity,
    sender: check.sender,
    receivedSpf: receivedSpf({ check, ip: req.ip, mailFrom: req.mailFrom, helo: req.helo, receiver }),
  };
}

/**
 * The answer when the evaluation's deadline passed: temperror (§2.6.6: a transient error).
 * `waitingFor` says what was still unanswered (the DNS server and the queries), when known.
 */
export function timeoutAnswer(q: SpfQuery, receiver: string, seconds: number, waitingFor?: string): SpfAnswer {
  return temperrorAnswer(q, waitingFor ? `${waitingFor} within ${seconds} s` : `SPF evaluation took longer than ${seconds} s`, receiver);
}

const serverText = (a: { host: string; port: number }) => (a.host.includes(":") ? `[${a.host}]:${a.port}` : `${a.host}:${a.port}`);
