// The Control Center's HTTP handler (the master opens its listener: server/control-door.ts).
// Order of checks for every request: client address in [control] allow (or metrics_allow for
// GET /metrics) → the login page and /metrics are the only things answered without a session
// → changing requests (POST) must come from this site and carry the session's CSRF token.
// Every response says no-store and forbids framing; pages run only the scripts they carry
// (Content-Security-Policy with a per-response nonce), so a symbol or sender address shown in
// the history cannot run as script even if escaping were ever missed.
import { readFileSync } from "node:fs";
import type { KasConfig } from "../config/schema";
import { inNetwork, parseCidr, parseIp } from "../dns/ip";
import { checkPassword, cookies, crossSite, LoginLimiter, sameToken, SESSION_COOKIE, sessionCookie, Sessions, type Session } from "./auth";
import { dashboardPage, historyPage, loginPage, rulesPage, statsPage, viewStarts } from "./pages";
import { METRICS_CONTENT_TYPE, renderMetrics, type ScanMetrics } from "./metrics";
import { countsCsv, PERIODS, type Period, type StatsStore } from "./stats";

export interface ControlLog {
  info(msg: string, ...a: unknown[]): void;
  warn(msg: string, ...a: unknown[]): void;
}

export interface ControlDeps {
  config(): KasConfig;
  /** The master's status report (GET /v1/status). */
  status(): Record<string, any>;
  metrics: ScanMetrics;
  stats?: StatsStore;
  /** The listener speaks HTTPS: cookies get Secure. */
  secure: boolean;
  log: ControlLog;
  now?: () => number;
  /** Recent notification events for the dashboard. */
  events?: () => { t: number; text: string }[];
}

/**
 * Does ip fall in one of the ranges? A Unix-socket client (no IP) is allowed: the socket's
 * mode decides. IPv4-mapped IPv6 peers (a dual-stack listener) count as IPv4 (dns/ip.ts).
 */
export function allowed(ip: string | undefined, ranges: readonly string[]): boolean {
  if (!ip) return true;
  const p = parseIp(ip);
  if (!p) return false;
  return ranges.some((r) => {
    const c = parseCidr(r);
    return !!c && inNetwork(p, c.net, c.bits);
  });
}

/** Resident memory of a process (Linux /proc), bytes; undefined elsewhere or when it is gone. */
export function rssOf(pid: number): number | undefined {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

const SECURITY = { "cache-control": "no-store", "x-frame-options": "DENY", "x-content-type-options": "nosniff", "referrer-policy": "no-referrer" };

function html(body: string, status = 200, extra: Record<string, string> = {}): Response {
  return new Response(body, { status, headers: { "content-type": "text/html; charset=utf-8", "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'", ...SECURITY, ...extra } });
}
const text = (body: string, status: number, type = "text/plain; charset=utf-8", extra: Record<string, string> = {}) => new Response(body, { status, headers: { "content-type": type, ...SECURITY, ...extra } });
const redirect = (to: string, extra: Record<string, string> = {}) => new Response(null, { status: 303, headers: { location: to, ...SECURITY, ...extra } });

/** Body fields of a form post (application/x-www-form-urlencoded or multipart), bounded. */
async function form(req: Request): Promise<URLSearchParams> {
  const type = req.headers.get("content-type") ?? "";
  if (Number(req.headers.get("content-length") ?? 0) > 1_048_576) return new URLSearchParams();
  if (type.startsWith("application/x-www-form-urlencoded")) return new URLSearchParams(await req.text());
  if (type.startsWith("multipart/form-data")) {
    const out = new URLSearchParams();
    for (const [k, v] of await req.formData()) if (typeof v === "string") out.append(k, v);
    return out;
  }
  return new URLSearchParams();
}

export function makeControlHandler(d: ControlDeps) {
  const now = d.now ?? Date.now;
  const sessions = new Sessions(() => d.config().control.session_timeout * 1000, now);
  const limiter = new LoginLimiter(now);

  const status = () => {
    const st = d.status();
    // RSS is read here, not by the pool: only the dashboard needs it, and /proc reads cost.
    if (st.pool?.workers) st.pool.workers = st.pool.workers.map((w: Record<string, any>) => ({ ...w, rss: rssOf(w.pid) }));
    return st;
  };

  async function login(req: Request, ip: string): Promise<Response> {
    const wait = limiter.retryAfter(ip);
    if (wait > 0) {
      d.log.warn("control: login from %s refused: too many failed attempts (retry in %d s)", ip, Math.ceil(wait / 1000));
      return html(loginPage({ error: `Too many failed attempts: try again in ${Math.ceil(wait / 1000)} seconds.` }), 429, { "retry-after": String(Math.ceil(wait / 1000)) });
    }
    const f = await form(req);
    const r = await checkPassword(d.config().control, f.get("password") ?? "");
    if (!r.ok) {
      if (r.error) d.log.warn("control: %s", r.error);
      limiter.fail(ip);
      d.log.warn("control: failed login from %s", ip);
      return html(loginPage({ error: r.error ? "Login is not possible: the password is not configured correctly (see the server log)." : "Wrong password." }), 401);
    }
    limiter.succeed(ip);
    const s = sessions.create();
    d.log.info("control: login from %s", ip);
    return redirect("/", { "set-cookie": sessionCookie(s.token, d.secure) });
  }

  async function route(req: Request, url: URL, s: Session): Promise<Response> {
    const path = url.pathname;
    const t = now();
    if (req.method === "POST" && path === "/logout") {
      sessions.destroy(s.token);
      return redirect("/login", { "set-cookie": sessionCookie("", d.secure, 0) });
    }
    if (req.method !== "GET" && req.method !== "HEAD") return text("method not allowed\n", 405);
    const period = (PERIODS as readonly string[]).includes(url.searchParams.get("period") ?? "") ? (url.searchParams.get("period") as Period) : "day";
    switch (path) {
      case "/":
        return html(dashboardPage(status(), d.metrics, s.csrf, t, d.events?.() ?? []));
      case "/api/status":
        return text(JSON.stringify(status()) + "\n", 200, "application/json");
      case "/stats":
        if (!d.stats) return html(loginPage({ error: "statistics are off" }), 404);
        d.stats.flush();
        return html(statsPage(d.stats, period, url.searchParams.get("policy") ?? "", s.csrf, t));
      case "/stats.csv": {
        if (!d.stats) return text("statistics are off\n", 404);
        d.stats.flush();
        const policy = url.searchParams.get("policy") ?? "";
        const rows = d.stats.counts(period, viewStarts(period, t)[0]).filter((r) => !policy || r.policy === policy);
        return text(countsCsv(rows), 200, "text/csv; charset=utf-8", { "content-disposition": `attachment; filename="kas-stats-${period}.csv"` });
      }
      case "/history": {
        if (!d.stats) return text("statistics are off\n", 404);
        d.stats.flush();
        const q = url.searchParams.get("q") ?? "";
        const st = url.searchParams.get("status") ?? "";
        return html(historyPage(d.stats.history({ q, status: st, limit: Number(url.searchParams.get("limit") ?? 200) }), q, st, s.csrf));
      }
      case "/rules":
        d.stats?.flush();
        return html(rulesPage(status(), d.stats?.hits() ?? new Map(), s.csrf));
    }
    return html(`<p>No such page. <a href="/">Dashboard</a></p>`, 404);
  }

  return async (req: Request, ip: string | undefined): Promise<Response> => {
    const url = new URL(req.url);
    const c = d.config().control;
    const who = ip ?? "local socket";
    if (url.pathname === "/metrics" && req.method === "GET") {
      // Prometheus has no session: its addresses are listed in metrics_allow. An admin's browser with a session may look too.
      const open = allowed(ip, c.metrics_allow) || (allowed(ip, c.allow) && !!sessions.get(cookies(req)[SESSION_COOKIE]));
      if (!open) return text(`403 forbidden: ${who} is not in [control] metrics_allow\n`, 403);
      return text(renderMetrics(d.metrics, status()), 200, METRICS_CONTENT_TYPE);
    }
    if (!allowed(ip, c.allow)) return text(`403 forbidden: ${who} is not in [control] allow\n`, 403);
    const changing = req.method !== "GET" && req.method !== "HEAD";
    if (changing && crossSite(req)) {
      d.log.warn("control: cross-site %s %s from %s refused", req.method, url.pathname, who);
      return text("403 forbidden: cross-site request\n", 403);
    }
    if (url.pathname === "/login") {
      if (req.method === "POST") return await login(req, who);
      return html(loginPage());
    }
    const s = sessions.get(cookies(req)[SESSION_COOKIE]);
    if (!s) return changing ? text("401 log in first\n", 401) : redirect("/login");
    if (changing) {
      const token = req.headers.get("x-csrf-token") ?? (await form(req.clone())).get("csrf") ?? "";
      if (!sameToken(token, s.csrf)) {
        d.log.warn("control: %s %s from %s without a valid CSRF token refused", req.method, url.pathname, who);
        return text("403 forbidden: missing or wrong CSRF token (reload the page)\n", 403);
      }
    }
    return await route(req, url, s);
  };
}


