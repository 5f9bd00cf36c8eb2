// The pages that change something: settings (kas.toml), learning. Every form carries the
// session's CSRF token; routes.ts refuses a post without it.
import { renderDefaults } from "../config/render";
import { esc, page } from "./html";
import type { DiffLine } from "./settings";

const csrfField = (csrf: string) => `<input type="hidden" name="csrf" value="${esc(csrf)}">`;

export interface SettingsView {
  file: string;
  text: string;
  /** Digest of the file as it was when the form was shown: a save over a file changed meanwhile is refused. */
  base: string;
  error?: string;
  notice?: string;
  diff?: DiffLine[];
}

export function settingsPage(v: SettingsView, csrf: string): string {
  const msg = (v.error ? `<pre class="err">${esc(v.error)}</pre>` : "") + (v.notice ? `<p class="ok">${esc(v.notice)}</p>` : "");
  const diff = v.diff
    ? v.diff.length
      ? `<h2>Change</h2><pre style="background:#fff;border:1px solid #d8dce3;padding:.5em">${v.diff.map((d) => `<span style="color:${d.op === "+" ? "#17702f" : d.op === "-" ? "#b00020" : "#555"}">${esc(d.op)} ${esc(d.text)}</span>`).join("\n")}</pre>`
      : "<p>No change.</p>"
    : "";
  const save = v.diff?.length ? ` <button name="action" value="save">Save and reload</button>` : "";
  const form = `<form method="post" action="/settings">${csrfField(csrf)}<input type="hidden" name="base" value="${esc(v.base)}"><p><code>${esc(v.file)}</code></p><textarea name="text" rows="30" cols="110" spellcheck="false" style="font-family:monospace;width:100%">${esc(v.text)}</textarea><p><button name="action" value="check">Check and show the change</button>${save}</p></form>`;
  const docs = `<details><summary>Every key with its default and meaning (kas config defaults)</summary><pre>${esc(renderDefaults())}</pre></details>`;
  return page("Settings", msg + diff + form + docs, { path: "/settings", csrf });
}

export function noConfigFilePage(source: string, csrf: string): string {
  return page("Settings", `<p>The server runs on ${esc(source)}: there is no file to edit. Create one with <code>kas config defaults &gt; /etc/kas/kas.toml</code>, edit it, and restart the server with it.</p>`, { path: "/settings", csrf });
}

export function learnPage(csrf: string, result?: { ok: boolean; text: string }): string {
  const r = result ? `<p class="${result.ok ? "ok" : "err"}">${esc(result.text)}</p>` : "";
  return page(
    "Learn",
    `${r}<p>Teach the Bayes classifier with a whole message (headers and body, as saved from the mail program: .eml).</p><form method="post" action="/learn" enctype="multipart/form-data">${csrfField(csrf)}<p><input type="file" name="file" accept=".eml,message/rfc822,text/plain"></p><p>or paste it:<br><textarea name="message" rows="14" cols="100" style="font-family:monospace;width:100%"></textarea></p><p><button name="op" value="spam">Learn as spam</button> <button name="op" value="ham">Learn as ham</button> <button name="op" value="forget">Forget</button></p></form>`,
    { path: "/learn", csrf },
  );
}

export function licensePage(lic: Record<string, any>, history: { file: string; text: string }[], csrf: string, result?: { ok: boolean; text: string }): string {
  const r = result ? `<p class="${result.ok ? "ok" : "err"}">${esc(result.text)}</p>` : "";
  const rows: [string, unknown][] = [["state", lic.verdict], ["", lic.message], ["licensee", lic.licensee], ["serial", lic.serial], ["edition", lic.edition], ["expires", lic.expires], ["days left", lic.days_left], ["addresses used / allowed", `${lic.addresses_used ?? "?"} / ${lic.max_addresses ?? "?"}`], ["domains", (lic.domains ?? []).join(", ") || "any"], ["key in use", lic.source]];
  const t = `<table>${rows.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v ?? "")}</td></tr>`).join("")}</table>`;
  const form = `<h2>Install a new key</h2><p>The key is checked (signature by a trusted issuer, dates) before it replaces the current one; the current one is kept.</p><form method="post" action="/license" enctype="multipart/form-data">${csrfField(csrf)}<p><input type="file" name="file"></p><p>or paste it:<br><textarea name="key" rows="12" cols="100" style="font-family:monospace;width:100%"></textarea></p><p><button>Check and install</button></p></form>`;
  const hist = history.length ? `<h2>Replaced keys</h2><table><tr><th>file</th><th>key</th></tr>${history.map((h) => `<tr><td><code>${esc(h.file)}</code></td><td>${esc(h.text)}</td></tr>`).join("")}</table>` : "";
  return page("License", r + t + form + hist, { path: "/license", csrf });
}
