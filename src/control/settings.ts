// Editing kas.toml from the Control Center. The text is checked by the one loader
// (config/load.ts parseConfig: the same rules and messages as `kas config check`), the change
// is shown as a line diff, and saving writes a dated backup, replaces the file atomically
// (atomic-write.ts: a crash leaves the old or the new file, never half of one) and reloads
// the server. A reload the server refuses (a rule database that does not load, a service that
// cannot take the config) puts the previous file back, so the file on disk and the
// configuration in force never disagree, and the refusal is shown.
import { createHash } from "node:crypto";
import { copyFileSync, readFileSync, statSync } from "node:fs";
import { writeFileAtomic } from "../atomic-write";
import { parseConfig } from "../config/load";
import { ConfigError } from "../errors";

export const digest = (text: string) => createHash("sha256").update(text).digest("hex");

export type Checked = { ok: true } | { ok: false; message: string };

/** The loader's verdict on `text` as file `file`: the message `kas config check` would print. */
export function checkConfigText(text: string, file: string): Checked {
  try {
    parseConfig(text, file);
    return { ok: true };
  } catch (e) {
    if (e instanceof ConfigError) return { ok: false, message: e.message };
    throw e;
  }
}

export type DiffLine = { op: " " | "-" | "+"; text: string };

/** Line diff (longest common subsequence) with `context` unchanged lines around each change; "…" marks a gap. */
export function lineDiff(a: string, b: string, context = 3): DiffLine[] {
  const x = a.split("\n");
  const y = b.split("\n");
  // A config file is small; beyond this the diff is summarised rather than computed in O(n·m).
  if (x.length * y.length > 4_000_000) return [{ op: "-", text: `(${x.length} lines)` }, { op: "+", text: `(${y.length} lines)` }];
  const n = x.length;
  const m = y.length;
  const L = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) L[i][j] = x[i] === y[j] ? L[i + 1][j + 1] + 1 : Math.max(L[i + 1][j], L[i][j + 1]);
  const all: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && x[i] === y[j]) all.push({ op: " ", text: x[i++] }), j++;
    else if (i < n && (j >= m || L[i + 1][j] >= L[i][j + 1])) all.push({ op: "-", text: x[i++] });
    else all.push({ op: "+", text: y[j++] });
  }
  const near = all.map((_, k) => all.slice(Math.max(0, k - context), k + context + 1).some((d) => d.op !== " "));
  const out: DiffLine[] = [];
  for (const [k, d] of all.entries()) {
    if (near[k]) out.push(d);
    else if (out[out.length - 1]?.text !== "…") out.push({ op: " ", text: "…" });
  }
  return out.some((d) => d.op !== " ") ? out : [];
}

/** `file.2030-05-15T10-30-00Z.bak`: sorts by time, no characters a shell or Windows share minds. */
export const backupName = (file: string, now: Date) => `${file}.${now.toISOString().replace(/\.\d+Z$/, "Z").replace(/:/g, "-")}.bak`;

/** Backs the current file up and replaces it with `text`, keeping its mode. Returns the backup's path. */
export function writeConfigFile(file: string, text: string, now: Date): string {
  const backup = backupName(file, now);
  copyFileSync(file, backup);
  writeFileAtomic(file, text, { mode: statSync(file).mode & 0o777 });
  return backup;
}

export const readConfigFile = (file: string) => readFileSync(file, "utf8");
