// The Control Center's HTML: one layout, server-rendered, no external asset (the UI must work
// on a host without internet; the binary carries everything). Values are escaped where they
// are interpolated: sender addresses and symbols in the history come from mail.
export const esc = (v: unknown) => String(v ?? "").replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const STYLE = `body{font:14px/1.4 system-ui,sans-serif;margin:0;color:#1d2430;background:#f5f6f8}
header{background:#1d2430;color:#fff;padding:.5em 1em;display:flex;gap:1.2em;align-items:center}
header a{color:#cfe0ff;text-decoration:none}header a.on{color:#fff;font-weight:600}header form{margin-left:auto}
main{padding:1em 1.5em;max-width:1200px}table{border-collapse:collapse;background:#fff;margin:.5em 0 1.2em}
td,th{border:1px solid #d8dce3;padding:.25em .6em;text-align:left;vertical-align:top}th{background:#eef1f5}
td.n{text-align:right;font-variant-numeric:tabular-nums}.card{display:inline-block;vertical-align:top;background:#fff;border:1px solid #d8dce3;padding:.6em 1em;margin:0 .6em .6em 0;min-width:14em}
.bad{color:#b00020;font-weight:600}.warn{color:#a05a00}.ok{color:#17702f}.err{background:#fde7ea;border:1px solid #b00020;padding:.5em 1em}
input,select,button{font:inherit}code{font-size:90%}svg text{font-size:10px;fill:#555}`;

export const STATUS_COLORS: Record<string, string> = { spam: "#c62828", probable_spam: "#ef6c00", blacklisted: "#6a1b9a", trusted: "#2e7d32", formal: "#0277bd", not_detected: "#9e9e9e", unlicensed: "#795548", too_large: "#5d4037", failed: "#000000" };

const NAV: [string, string][] = [["/", "Dashboard"], ["/stats", "Statistics"], ["/history", "History"], ["/rules", "Rules"], ["/settings", "Settings"], ["/license", "License"], ["/learn", "Learn"]];

/** A full page; `csrf` present = logged in (navigation and the logout button are shown). */
export function page(title: string, body: string, opts: { path?: string; csrf?: string; refreshS?: number } = {}): string {
  const nav = opts.csrf
    ? `<header><b>kas</b>${NAV.map(([href, name]) => `<a href="${href}"${opts.path === href ? ' class="on"' : ""}>${name}</a>`).join("")}<form method="post" action="/logout"><input type="hidden" name="csrf" value="${esc(opts.csrf)}"><button>Log out</button></form></header>`
    : `<header><b>kas</b> Control Center</header>`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">${opts.refreshS ? `<meta http-equiv="refresh" content="${opts.refreshS}">` : ""}<title>${esc(title)} · kas</title><style>${STYLE}</style></head><body>${nav}<main><h1>${esc(title)}</h1>${body}</main></body></html>`;
}

export function table(head: string[], rows: (string | number)[][], numeric: boolean[] = []): string {
  return `<table><tr>${head.map((h) => `<th>${esc(h)}</th>`).join("")}</tr>${rows.map((r) => `<tr>${r.map((c, i) => `<td${numeric[i] ? ' class="n"' : ""}>${typeof c === "number" ? c : c}</td>`).join("")}</tr>`).join("")}</table>`;
}

/**
 * A stacked bar chart as inline SVG (no chart library: a few hundred bytes per chart, drawn
 * here, readable without script). `series` maps a stack name to one value per label.
 */
export function barChart(labels: string[], series: Map<string, number[]>, opts: { width?: number; height?: number } = {}): string {
  const W = opts.width ?? 900;
  const H = opts.height ?? 220;
  const pad = { l: 44, b: 28, t: 8 };
  const totals = labels.map((_, i) => [...series.values()].reduce((a, v) => a + (v[i] ?? 0), 0));
  const max = Math.max(1, ...totals);
  const bw = (W - pad.l) / Math.max(1, labels.length);
  const y = (v: number) => pad.t + (H - pad.t - pad.b) * (1 - v / max);
  let bars = "";
  labels.forEach((label, i) => {
    let base = 0;
    for (const [name, vals] of series) {
      const v = vals[i] ?? 0;
      if (!v) continue;
      bars += `<rect x="${(pad.l + i * bw + 1).toFixed(1)}" y="${y(base + v).toFixed(1)}" width="${Math.max(1, bw - 2).toFixed(1)}" height="${(y(base) - y(base + v)).toFixed(1)}" fill="${STATUS_COLORS[name] ?? "#607d8b"}"><title>${esc(label)} ${esc(name)}: ${v}</title></rect>`;
      base += v;
    }
  });
  const every = Math.max(1, Math.ceil(labels.length / 12));
  const xl = labels.map((l, i) => (i % every ? "" : `<text x="${(pad.l + i * bw + bw / 2).toFixed(1)}" y="${H - 10}" text-anchor="middle">${esc(l)}</text>`)).join("");
  const yl = [0, 0.5, 1].map((f) => `<text x="${pad.l - 4}" y="${(y(max * f) + 3).toFixed(1)}" text-anchor="end">${+(max * f).toFixed(max < 10 ? 1 : 0)}</text><line x1="${pad.l}" x2="${W}" y1="${y(max * f).toFixed(1)}" y2="${y(max * f).toFixed(1)}" stroke="#e0e0e0"/>`).join("");
  const legend = [...series.keys()].map((n) => `<span style="display:inline-block;width:.8em;height:.8em;background:${STATUS_COLORS[n] ?? "#607d8b"}"></span> ${esc(n)}`).join(" &nbsp; ");
  return `<svg viewBox="0 0 ${W} ${H}" width="100%" style="max-width:${W}px;background:#fff;border:1px solid #d8dce3" role="img">${yl}${bars}${xl}</svg><div>${legend}</div>`;
}
