// The pages of the Control Center, each a function of plain data (the master's status
// report, the statistics store) to HTML, so they are tested without a server.
import { barChart, esc, page, table } from "./html";
import type { ScanMetrics } from "./metrics";
import type { RuleRow } from "./rules";
import { periodStart, type CountRow, type HistoryRow, type Period, type StatsStore } from "./stats";

export function loginPage(opts: { error?: string; retryS?: number } = {}): string {
  const err = opts.error ? `<p class="err">${esc(opts.error)}</p>` : "";
  return page("Log in", `${err}<form method="post" action="/login"><label>Password <input type="password" name="password" autocomplete="current-password" autofocus required></label> <button>Log in</button></form>`);
}

const ago = (iso: string | undefined, now: number) => {
  if (!iso) return "";
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  return s < 120 ? `${s} s` : s < 7200 ? `${Math.round(s / 60)} min` : s < 172_800 ? `${Math.round(s / 3600)} h` : `${Math.round(s / 86_400)} d`;
};
const mb = (bytes: unknown) => (typeof bytes === "number" ? `${(bytes / 1048576).toFixed(1)} MB` : "");

/** The last `kas update-db` run (update/last-run.ts) in one line: when, and how it ended. */
function updateLine(u: { at: string; code: number; message: string; failures: number } | undefined, now: number): string {
  if (!u) return "<br>kas update-db: no run recorded";
  const ok = u.code === 0 || u.code === 1;
  return `<br>last update ${esc(ago(u.at, now))} ago: <span class="${ok ? "ok" : "bad"}">${esc(u.message.split("\n")[0].slice(0, 120))}</span>${u.failures > 1 ? ` (${u.failures} failures in a row)` : ""}`;
}

// The status report is the master's own JSON (GET /v1/status): read defensively, a member a
// service does not provide is shown as absent, not as an error.
/** What the monitor says (notify/notifier.ts): conditions present now, and what was reported. */
export interface DashboardEvents {
  active: { severity: string; subject: string }[];
  recent: { t: number; severity: string; subject: string; mail?: string }[];
}

export function dashboardPage(st: Record<string, any>, metrics: ScanMetrics, csrf: string, now: number, events: DashboardEvents = { active: [], recent: [] }): string {
  const pool = st.pool ?? {};
  const workers: Record<string, any>[] = pool.workers ?? [];
  const lic = st.license ?? {};
  const fr = st.rules_freshness ?? {};
  const rules = st.rules ?? {};
  const licClass = lic.verdict === "valid" ? "ok" : lic.verdict === "expiring" ? "warn" : "bad";
  const hour = metrics.lastHour(now);
  const perMin = hour.reduce((a, m) => a + m.n, 0);
  const cards = [
    `<div class="card"><b>Master</b><br>${esc(st.server)}<br>pid ${esc(st.pid)}, up ${esc(ago(st.started, now))}<br>generation ${esc(st.generation)}; reloads ${esc(st.reloads?.ok ?? 0)} ok, ${esc(st.reloads?.refused ?? 0)} refused${st.reloads?.last_error ? `<br><span class="bad">last refused: ${esc(st.reloads.last_error)}</span>` : ""}</div>`,
    `<div class="card"><b>Filtering processes</b><br>${["starting", "idle", "busy", "draining"].map((s) => `${s} ${esc(pool[s] ?? 0)}`).join(", ")}<br>queue ${esc(pool.queue ?? 0)}, max ${esc(pool.max_filters)}${pool.last_load_error ? `<br><span class="bad">${esc(pool.last_load_error)}</span>` : ""}</div>`,
    `<div class="card"><b>Rule database</b><br>version ${esc(rules.version ?? fr.version)}${fr.ageDays !== undefined ? `, ${esc(fr.ageDays)} days old` : ""}<br>${esc(rules.source ?? "")}${fr.stale ? `<br><span class="warn">${esc(fr.warning ?? "stale")}</span>` : ""}${updateLine(st.update_run, now)}</div>`,
    `<div class="card"><b>License</b><br><span class="${licClass}">${esc(lic.verdict ?? "unknown")}</span> ${esc(lic.licensee ?? "")}<br>${lic.days_left != null ? `${esc(lic.days_left)} days left` : esc(lic.message ?? "")}<br>addresses ${esc(lic.addresses_used ?? "?")} / ${esc(lic.max_addresses ?? "?")}</div>`,
    `<div class="card"><b>Messages since start</b><br>${esc(st.messages?.total ?? 0)} total<br>${Object.entries(st.messages?.by_status ?? {}).map(([k, v]) => `${esc(k)} ${esc(v)}`).join(", ")}<br>last hour: ${perMin}</div>`,
    st.spf ? `<div class="card"><b>SPF / DNS service</b><br>${esc(st.spf.evaluations ?? 0)} evaluations, mean ${esc(Math.round(st.spf.meanMs ?? 0))} ms<br>DNS cache ${esc(st.spf.cacheHits ?? 0)} hits / ${esc(st.spf.cacheMisses ?? 0)} misses</div>` : `<div class="card"><b>SPF / DNS service</b><br>off</div>`,
    st.bayes ? `<div class="card"><b>Bayes</b><br>${st.bayes.error ? `<span class="bad">${esc(st.bayes.error)}</span>` : `learned ${esc(st.bayes.spam)} spam, ${esc(st.bayes.ham)} ham<br>${esc(st.bayes.tokens)} tokens`}</div>` : `<div class="card"><b>Bayes</b><br>off</div>`,
  ].join("");
  const active = events.active.length ? `<div class="err">${events.active.map((e) => `<div class="${e.severity === "error" ? "bad" : "warn"}">${esc(e.subject)}</div>`).join("")}</div>` : "";
  const ev = events.recent.length ? `<h2>Events</h2>${table(["time (UTC)", "event", "mail"], events.recent.slice(-20).reverse().map((e) => [esc(new Date(e.t).toISOString().replace("T", " ").slice(0, 19)), `<span class="${e.severity === "error" ? "bad" : "warn"}">${esc(e.subject)}</span>`, esc(e.mail ?? "sending…")]))}` : "";
  const chart = barChart(hour.map((m) => new Date(m.minute).toISOString().slice(11, 16)), new Map([["messages", hour.map((m) => m.n)]]), { height: 140 });
  const lat = hour.filter((m) => m.n).map((m) => m.meanMs);
  const wtable = table(
    ["#", "pid", "generation", "state", "messages", "RSS", "age"],
    workers.map((w) => [esc(w.id), esc(w.pid), esc(w.generation), esc(w.state), `${esc(w.messages)} / ${esc(w.max_messages)}`, esc(mb(w.rss)), esc(ago(w.started, now))]),
    [true, true, true, false, true, true, false],
  );
  return page("Dashboard", `${active}${cards}<h2>Throughput, last hour (per minute)</h2>${chart}<p>mean latency over the hour: ${lat.length ? Math.round(lat.reduce((a, b) => a + b, 0) / lat.length) : 0} ms</p><h2>Filtering processes</h2>${wtable}${ev}`, { path: "/", csrf, refreshS: 15 });
}

/** How far back each view goes and how its period starts are labelled. */
const VIEW: Record<Period, { back: number; label: (t: number) => string }> = {
  hour: { back: 48, label: (t) => new Date(t).toISOString().slice(5, 13).replace("T", " ") + "h" },
  day: { back: 31, label: (t) => new Date(t).toISOString().slice(5, 10) },
  week: { back: 26, label: (t) => new Date(t).toISOString().slice(0, 10) },
  month: { back: 12, label: (t) => new Date(t).toISOString().slice(0, 7) },
  year: { back: 5, label: (t) => new Date(t).toISOString().slice(0, 4) },
};

/** The period starts of a view, oldest first, ending with the one holding `now`. */
export function viewStarts(period: Period, now: number): number[] {
  const out = [periodStart(period, now)];
  for (let i = 1; i < VIEW[period].back; i++) out.unshift(periodStart(period, out[0] - 1));
  return out;
}

export function statsPage(store: StatsStore, period: Period, policy: string, csrf: string, now: number): string {
  const starts = viewStarts(period, now);
  const all = store.counts(period, starts[0]);
  const policies = [...new Set(all.map((r) => r.policy))].sort();
  const rows = policy ? all.filter((r) => r.policy === policy) : all;
  const statuses = [...new Set(rows.map((r) => r.status))].sort();
  const index = new Map(starts.map((s, i) => [s, i]));
  const series = new Map(statuses.map((s) => [s, new Array<number>(starts.length).fill(0)]));
  for (const r of rows) {
    const i = index.get(r.start);
    if (i !== undefined) series.get(r.status)![i] += r.n;
  }
  const sel = (name: string, value: string, options: string[], label: (o: string) => string) => `<select name="${name}">${options.map((o) => `<option value="${esc(o)}"${o === value ? " selected" : ""}>${esc(label(o))}</option>`).join("")}</select>`;
  const form = `<form method="get" action="/stats">${sel("period", period, ["hour", "day", "week", "month", "year"], (o) => `per ${o}`)} ${sel("policy", policy, ["", ...policies], (o) => o || "all policies")} <button>Show</button> <a href="/stats.csv?period=${esc(period)}&amp;policy=${esc(policy)}">CSV</a></form>`;
  const totals = statuses.map((s) => [esc(s), series.get(s)!.reduce((a, b) => a + b, 0)] as [string, number]);
  const body = rows.length
    ? `${barChart(starts.map(VIEW[period].label), series)}${table(["status", "messages"], totals, [false, true])}${tableOf(rows, period)}`
    : `<p>No messages counted in this view yet.</p>`;
  return page("Statistics", form + body, { path: "/stats", csrf });
}

function tableOf(rows: CountRow[], period: Period): string {
  return table(["period start (UTC)", "policy", "status", "messages", "mean ms"], [...rows].reverse().slice(0, 500).map((r) => [esc(VIEW[period].label(r.start)), esc(r.policy), esc(r.status), r.n, r.n ? Math.round(r.ms / r.n) : 0]), [false, false, false, true, true]);
}

export function historyPage(rows: HistoryRow[], q: string, status: string, csrf: string): string {
  const statuses = ["", "spam", "probable_spam", "blacklisted", "trusted", "formal", "not_detected", "unlicensed", "failed"];
  const form = `<form method="get" action="/history"><input name="q" value="${esc(q)}" placeholder="address, IP, queue id, symbol"> <select name="status">${statuses.map((s) => `<option value="${s}"${s === status ? " selected" : ""}>${s || "any status"}</option>`).join("")}</select> <button>Search</button></form>`;
  const t = table(
    ["time (UTC)", "queue id", "client IP", "from", "recipients", "status", "policy", "score", "symbols", "ms"],
    rows.map((r) => [esc(new Date(r.t).toISOString().replace("T", " ").slice(0, 19)), esc(r.queueId ?? r.id), esc(r.ip ?? ""), esc(r.from ?? ""), esc(r.rcpt.join(", ")), esc(r.status) + (r.error ? ` (${esc(r.error)})` : ""), esc(r.policy), r.score, `<code>${esc(r.symbols.join(" "))}</code>`, r.ms]),
    [false, false, false, false, false, false, false, true, false, true],
  );
  return page("History", `${form}<p>${rows.length} scans shown (newest first; message bodies are never kept).</p>${t}`, { path: "/history", csrf });
}

export function rulesPage(st: Record<string, any>, rules: RuleRow[] | string, hits: Map<string, number>, csrf: string, result?: { ok: boolean; text: string }): string {
  const r = result ? `<pre class="${result.ok ? "ok" : "err"}">${esc(result.text)}</pre>` : "";
  const info = st.rules ?? {};
  const fr = st.rules_freshness ?? {};
  const head = table(["version", "source", "digest", "age (days)", "installed"], [[esc(info.version ?? fr.version), esc(info.source ?? ""), `<code>${esc(String(info.digest ?? "").slice(0, 16))}</code>`, esc(fr.ageDays ?? ""), esc(fr.installedAt ?? "")]]);
  const warn = fr.stale && fr.warning ? `<p class="warn">${esc(fr.warning)}</p>` : "";
  const actions = `<form method="post" action="/rules/update" style="display:inline"><input type="hidden" name="csrf" value="${esc(csrf)}"><button>Update now (kas update-db)</button></form> <form method="post" action="/rules/rollback" style="display:inline"><input type="hidden" name="csrf" value="${esc(csrf)}"><button>Roll back to the previous version</button></form>`;
  const list =
    typeof rules === "string"
      ? `<p class="err">${esc(rules)}</p>`
      : table(["rule", "kind", "score", "hits", "description"], rules.map((x) => [`<code>${esc(x.name)}</code>`, esc(x.kind), x.score, hits.get(x.name) ?? 0, esc(x.describe)]), [false, false, true, true, false]);
  const extra = [...hits].filter(([n]) => typeof rules === "string" || !rules.some((x) => x.name === n));
  const others = extra.length ? `<h2>Other symbols seen</h2>${table(["symbol", "hits"], extra.map(([n, c]) => [`<code>${esc(n)}</code>`, c]), [false, true])}` : "";
  return page("Rules", `${r}${head}${warn}<p>${actions}</p><h2>Rules (${typeof rules === "string" ? "?" : rules.length}), with hits since statistics began</h2>${list}${others}`, { path: "/rules", csrf });
}
