// The Control Center's HTTP handler (the master opens its listener: server/control-door.ts).
// Order of checks for every request: client address in [control] allow (or metrics_allow for
// GET /metrics) → the login page and /metrics are the only things answered without a session
// → changing requests (POST) must come from this site and carry the session's CSRF token.
// Every response says no-store and forbids framing; the pages carry no script at all and the
// Content-Security-Policy allows none, so a symbol or sender address shown in the history
// cannot run as script even if escaping were ever missed.
import { readFileSync } from "node:fs";
import type { KasConfig } from "../config/schema";
import { allowCheck } from "../server/allow";
import { checkPassword, cookies, crossSite, LoginLimiter, sameToken, SESSION_COOKIE, sessionCookie, Sessions, type Session } from "./auth";
import { dashboardPage, historyPage, loginPage, rulesPage, statsPage, viewStarts, type DashboardEvents } from "./pages";
import { METRICS_CONTENT_TYPE, renderMetrics, type ScanMetrics } from "./metrics";
import { installKey, judgeUpload, keyHistory } from "./license";
import { ruleList, type RuleRow } from "./rules";
import { learnPage, licensePage, noConfigFilePage, settingsPage } from "./pages-admin";
import { checkConfigText, digest, lineDiff, readConfigFile, writeConfigFile } from "./settings";
import { countsCsv, PERIODS, type Period, type StatsStore } from "./stats";
import type { LearnOp, LearnReply } from "../protocol/kas/learn";
import { readLastRun } from "../update/last-run";
import { bayesLearned } from "./bayes";

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
  /** The monitor's conditions and reports for the dashboard. */
  events?: () => DashboardEvents;
  /** Reloads the server (as SIGHUP) and says whether the new configuration was taken. */
  reload?: () => Promise<{ ok: boolean; error?: string; generation?: number }>;
  /** Runs `kas update-db ARGS` with the server's config; resolves with its exit code and output. */
  runUpdate?: (args: string[]) => Promise<{ code: number; output: string }>;
  /** A filtering process learns a message (Pool.learn). */
  learn?: (op: LearnOp, raw: Uint8Array) => Promise<{ ok: true; reply: LearnReply } | { ok: false; message: string }>;
}

/**
 * Does ip fall in one of the ranges? The same check as every door's allow (server/allow.ts):
 * a Unix-socket client (no IP) is allowed, the socket's mode decides; IPv4-mapped IPv6 peers
 * count as IPv4.
 */
export const allowed = allowCheck();

/** Resident memory of a process (Linux /proc), bytes; undefined elsewhere or when it is gone. */
export function rssOf(pid: number): number | undefined {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

const SECURITY = { "cache-control": "no-store", "x-frame-options": "DENY", "x-content-type-options": "nosniff", "referrer-policy": "same-origin" };

function html(body: string, status = 200, extra: Record<string, string> = {}): Response {
  return new Response(body, { status, headers: { "content-type": "text/html; charset=utf-8", "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'", ...SECURITY, ...extra } });
}
const text = (body: string, status: number, type = "text/plain; charset=utf-8", extra: Record<string, string> = {}) => new Response(body, { status, headers: { "content-type": type, ...SECURITY, ...extra } });
const redirect = (to: string, extra: Record<string, string> = {}) => new Response(null, { status: 303, headers: { location: to, ...SECURITY, ...extra } });

export interface Form {
  fields: URLSearchParams;
  files: Map<string, Uint8Array>;
}

/** A form post (urlencoded or multipart; the listener caps the body size). Anything else is an empty form. */
async function readForm(req: Request): Promise<Form> {
  const type = req.headers.get("content-type") ?? "";
  const out: Form = { fields: new URLSearchParams(), files: new Map() };
  try {
    if (type.startsWith("application/x-www-form-urlencoded")) out.fields = new URLSearchParams(await req.text());
    else if (type.startsWith("multipart/form-data")) {
      for (const [k, v] of await req.formData()) {
        if (typeof v === "string") out.fields.append(k, v);
        else if (v.size) out.files.set(k, new Uint8Array(await v.arrayBuffer()));
      }
    }
  } catch {
    // A malformed body is an empty form: the CSRF check then refuses it.
  }
  return out;
}

export function makeControlHandler(d: ControlDeps) {
  const now = d.now ?? Date.now;
  const sessions = new Sessions(() => d.config().control.session_timeout * 1000, now);
  const limiter = new LoginLimiter(now);

  const status = () => {
    const st = d.status();
    // RSS is read here, not by the pool: only the dashboard needs it, and /proc reads cost.
    if (st.pool?.workers) st.pool.workers = st.pool.workers.map((w: Record<string, any>) => ({ ...w, rss: rssOf(w.pid) }));
    st.update_run ??= readLastRun(d.config());
    return st;
  };

  const withBayes = async (st: Record<string, any>) => {
    st.bayes ??= await bayesLearned(d.config());
    return st;
  };

  async function login(req: Request, ip: string): Promise<Response> {
    const wait = limiter.retryAfter(ip);
    if (wait > 0) {
      d.log.warn("control: login from %s refused: too many failed attempts (retry in %d s)", ip, Math.ceil(wait / 1000));
      return html(loginPage({ error: `Too many failed attempts: try again in ${Math.ceil(wait / 1000)} seconds.` }), 429, { "retry-after": String(Math.ceil(wait / 1000)) });
    }
    const f = (await readForm(req)).fields;
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

  async function route(req: Request, url: URL, s: Session, body: Form): Promise<Response> {
    const path = url.pathname;
    const t = now();
    if (req.method === "POST") {
      switch (path) {
        case "/logout":
          sessions.destroy(s.token);
          return redirect("/login", { "set-cookie": sessionCookie("", d.secure, 0) });
        case "/settings":
          return await postSettings(body, s);
        case "/learn":
          return await postLearn(body, s);
        case "/license":
          return await postLicense(body, s);
        case "/rules/update":
        case "/rules/rollback": {
          if (!d.runUpdate) return html(rulesView(s, { ok: false, text: "updates cannot be started from here" }), 501);
          const args = path === "/rules/rollback" ? ["--rollback"] : [];
          d.log.info("control: kas update-db %s started from the Control Center", args.join(" "));
          const r = await d.runUpdate(args);
          return html(rulesView(s, { ok: r.code === 0, text: `${["kas update-db", ...args].join(" ")} exited with ${r.code}${r.code === 0 ? "" : " (see the exit codes in kas update-db --help)"}\n${r.output.trim()}` }), r.code === 0 ? 200 : 502);
        }
      }
    }
    if (req.method !== "GET" && req.method !== "HEAD") return text("method not allowed\n", 405);
    const period = (PERIODS as readonly string[]).includes(url.searchParams.get("period") ?? "") ? (url.searchParams.get("period") as Period) : "day";
    switch (path) {
      case "/":
        return html(dashboardPage(await withBayes(status()), d.metrics, s.csrf, t, d.events?.()));
      case "/api/status":
        return text(JSON.stringify(await withBayes(status())) + "\n", 200, "application/json");
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
        return html(rulesView(s));
      case "/settings": {
        const file = configFile();
        if (!file) return html(noConfigFilePage(String(d.status().config), s.csrf));
        const text = readConfigFile(file);
        return html(settingsPage({ file, text, base: digest(text) }, s.csrf));
      }
      case "/learn":
        return html(learnPage(s.csrf));
      case "/license":
        return html(licensePage(status().license ?? {}, licenseHistory(), s.csrf));
    }
    return html(`<p>No such page. <a href="/">Dashboard</a></p>`, 404);
  }

  /** The file the server was started with; undefined when it runs on built-in defaults. */
  const configFile = (): string | undefined => {
    const f = d.status().config;
    return typeof f === "string" && !f.startsWith("(") ? f : undefined;
  };

  async function postSettings(body: Form, s: Session): Promise<Response> {
    const file = configFile();
    if (!file) return html(noConfigFilePage(String(d.status().config), s.csrf), 409);
    const text = (body.fields.get("text") ?? "").replace(/\r\n/g, "\n");
    const current = readConfigFile(file);
    const view = { file, text, base: body.fields.get("base") ?? "" };
    const checked = checkConfigText(text, file);
    if (!checked.ok) return html(settingsPage({ ...view, error: `${checked.message}\n\nNothing was saved.` }, s.csrf), 422);
    const diff = lineDiff(current, text);
    if (body.fields.get("action") !== "save" || !diff.length) return html(settingsPage({ ...view, diff }, s.csrf));
    if (view.base !== digest(current)) return html(settingsPage({ ...view, base: digest(current), diff, error: `${file} was changed by someone else since this page was shown: check the change again before saving.` }, s.csrf), 409);
    if (!d.reload) return html(settingsPage({ ...view, error: "this server cannot reload from here" }, s.csrf), 501);
    let backup: string;
    try {
      backup = writeConfigFile(file, text, new Date(now()));
    } catch (e) {
      return html(settingsPage({ ...view, error: `cannot write ${file}: ${(e as Error).message}\nThe server's user needs write access to the file and its directory; nothing was changed.` }, s.csrf), 500);
    }
    d.log.info("control: %s changed from the Control Center (backup %s); reloading", file, backup);
    const r = await d.reload();
    if (!r.ok) {
      writeConfigFile(file, current, new Date(now()));
      d.log.warn("control: reload refused, %s restored: %s", file, r.error);
      return html(settingsPage({ ...view, base: digest(current), diff, error: `The server refused the new configuration, so ${file} was put back and the old configuration keeps serving:\n${r.error ?? "(no reason given)"}` }, s.csrf), 422);
    }
    return html(settingsPage({ file, text, base: digest(text), notice: `Saved (previous file kept as ${backup}) and reloaded: generation ${r.generation ?? "?"} is serving.` }, s.csrf));
  }

  const rulesView = (s: Session, result?: { ok: boolean; text: string }) => {
    d.stats?.flush();
    let rules: RuleRow[] | string;
    try {
      rules = ruleList(d.config());
    } catch (e) {
      rules = `cannot list the rules: ${(e as Error).message}`;
    }
    return rulesPage(status(), rules, d.stats?.hits() ?? new Map(), s.csrf, result);
  };

  const licenseHistory = () =>
    keyHistory(d.config()).slice(0, 20).map((file) => {
      const st = judgeUpload(readFileSync(file), d.config(), configFile() ?? "kas.toml", new Date(now())).status;
      return { file, text: st.license ? `${st.license.licensee}, serial ${st.license.serial}, ${st.message}` : st.message };
    });

  async function postLicense(body: Form, s: Session): Promise<Response> {
    const bytes = body.files.get("file") ?? new TextEncoder().encode(body.fields.get("key") ?? "");
    const page = (status: number, ok: boolean, text: string) => html(licensePage(d.status().license ?? {}, licenseHistory(), s.csrf, { ok, text }), status);
    if (!bytes.length) return page(400, false, "no key given: choose the key file or paste it");
    const judged = judgeUpload(bytes, d.config(), configFile() ?? "kas.toml", new Date(now()));
    if (!judged.ok) return page(422, false, `Not installed: this key is ${judged.status.verdict}: ${judged.status.message}. The current key stays.`);
    if (!d.reload) return page(501, false, "this server cannot reload from here");
    let backup: string | undefined;
    try {
      backup = installKey(d.config(), bytes, new Date(now()));
    } catch (e) {
      return page(500, false, `cannot write ${d.config().license.key_file}: ${(e as Error).message} (the server's user needs write access to it and its directory)`);
    }
    d.log.info("control: license key of %s (serial %s) installed as %s", judged.status.license?.licensee, judged.status.license?.serial, d.config().license.key_file);
    const r = await d.reload();
    const kept = backup ? ` The previous key is kept as ${backup}.` : "";
    if (!r.ok) return page(422, false, `The key was installed, but the reload was refused: ${r.error}.${kept}`);
    return page(200, true, `Installed for ${judged.status.license?.licensee}: ${judged.status.message}.${kept}`);
  }

  async function postLearn(body: Form, s: Session): Promise<Response> {
    const op = body.fields.get("op");
    if (op !== "spam" && op !== "ham" && op !== "forget") return html(learnPage(s.csrf, { ok: false, text: "choose spam, ham or forget" }), 400);
    const raw = body.files.get("file") ?? new TextEncoder().encode((body.fields.get("message") ?? "").replace(/\r?\n/g, "\r\n"));
    if (!raw.length) return html(learnPage(s.csrf, { ok: false, text: "no message given: choose a file or paste one" }), 400);
    if (!d.learn) return html(learnPage(s.csrf, { ok: false, text: "learning is not available on this server" }), 501);
    const r = await d.learn(op, raw);
    if (!r.ok) return html(learnPage(s.csrf, { ok: false, text: `not learned: ${r.message}` }), 503);
    d.log.info("control: message of %d bytes learned as %s: %s", raw.length, op, r.reply.outcome);
    return html(learnPage(s.csrf, { ok: true, text: `${op}: ${r.reply.outcome}. The database now holds ${r.reply.spam} spam and ${r.reply.ham} ham messages.` }));
  }

  return async (req: Request, ip: string | undefined): Promise<Response> => {
    // A request without Host (HTTP/1.0) leaves Bun a bare path, which new URL alone refuses.
    const url = new URL(req.url, "http://control.invalid");
    const c = d.config().control;
    const who = ip ?? "local socket";
    if (url.pathname === "/metrics" && req.method === "GET") {
      // Prometheus has no session: its addresses are listed in metrics_allow. An admin's browser with a session may look too.
      const open = allowed(ip, c.metrics_allow) || (allowed(ip, c.allow) && !!sessions.get(cookies(req)[SESSION_COOKIE]));
      if (!open) return text(`403 forbidden: ${who} is not in [control] metrics_allow\n`, 403);
      return text(renderMetrics(d.metrics, await withBayes(status())), 200, METRICS_CONTENT_TYPE);
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
    const body: Form = changing ? await readForm(req) : { fields: new URLSearchParams(), files: new Map() };
    if (changing) {
      const token = req.headers.get("x-csrf-token") ?? body.fields.get("csrf") ?? "";
      if (!sameToken(token, s.csrf)) {
        d.log.warn("control: %s %s from %s without a valid CSRF token refused", req.method, url.pathname, who);
        return text("403 forbidden: missing or wrong CSRF token (reload the page)\n", 403);
      }
    }
    return await route(req, url, s, body);
  };
}


