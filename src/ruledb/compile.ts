// Rule sources (SpamAssassin syntax subset) → CompiledDb, with diagnostics as file:line.
// Order-independent like SA: score/describe/tflags may come before or after their rule and
// in any file; a later score line for the same name wins (so a local file sorted after the
// shipped ones can re-score or disable with `score NAME 0`).
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { DataError } from "../errors";
import { finishDb } from "./db";
import { DB_FORMAT, type CheckSymbol, type CompiledRule, type RuleKind, type RulesPayload, type ScoreGroup } from "./format";
import { metaRefs, parseMeta } from "./meta";
import { parseRuleText, stripComment, type Statement } from "./parse";
import { extractRegex, translateRegex } from "./regex";
import type { CompiledDb, Diagnostic } from "./types";

export interface CompileOptions {
  version?: string;
  createdAt?: string;
}
export interface CompileResult {
  db?: CompiledDb;
  diagnostics: Diagnostic[];
}

const KNOWN_TFLAGS = new Set(["nice", "multiple", "learn", "noautolearn", "net", "userconf", "publish", "nopublish", "autolearn_force", "a", "u", "domains_only", "nosubject"]);
/** SA directives kas accepts and ignores (server settings, plugins, report text): a warning, not an error. */
const IGNORED = new Set([
  "lang", "loadplugin", "tryplugin", "priority", "required_score", "required_hits", "report", "clear_report_template",
  "add_header", "remove_header", "clear_headers", "report_safe", "rewrite_header", "use_bayes", "bayes_auto_learn",
  "trusted_networks", "internal_networks", "whitelist_from", "blacklist_from", "whitelist_to", "welcomelist_from",
  "blocklist_from", "util_rb_tld", "util_rb_2tld", "util_rb_3tld", "redirector_pattern", "test", "version_tag",
  "replace_tag", "replace_rules", "replace_start", "replace_end", "replace_inter", "replace_post", "replace_pre",
  "askdns", "urirhssub", "urirhsbl", "uridnsbl", "uridnssub", "check_rbl", "enlist_uri_host", "mimeheader",
  "reuse", "require_version", "dns_available", "skip_rbl_checks", "ok_locales", "normalize_charset",
]);
const UPPER_SNAKE = /^[A-Z][A-Z0-9_]*$/;
const NAME = /^\w+$/;
const HEADER_MODS = new Set(["raw", "addr", "name", "first", "last"]);

export function compileSources(files: { path: string; text: string }[], opts: CompileOptions = {}): CompileResult {
  const diags: Diagnostic[] = [];
  const statements = files.flatMap((f) => parseRuleText(f.path, f.text, diags));
  const err = (s: Statement, message: string) => diags.push({ file: s.file, line: s.line, severity: "error", message });
  const warn = (s: Statement, message: string) => diags.push({ file: s.file, line: s.line, severity: "warning", message });
  const at = (s: Statement) => `${basename(s.file)}:${s.line}`;

  const rules = new Map<string, { rule: CompiledRule; stmt: Statement }>();
  const scores = new Map<string, { score: number; stmt: Statement }>();
  const describes = new Map<string, { text: string; stmt: Statement }>();
  const tflags = new Map<string, { flags: string[]; stmt: Statement }>();
  const groupOf = new Map<string, { group: string; stmt: Statement }>();
  const groupMax = new Map<string, { max: number; stmt: Statement }>();

  for (const s of statements) {
    const regexKind = ["header", "body", "rawbody", "uri", "full"].includes(s.keyword);
    const [, name = "", rest = ""] = /^(\S*)\s*(.*)$/.exec(regexKind ? s.args : stripComment(s.args))!;
    switch (s.keyword) {
      case "header": case "body": case "rawbody": case "uri": case "full": case "meta": {
        if (!NAME.test(name)) { err(s, `bad rule name "${name}": use letters, digits and _`); break; }
        if (!rest) { err(s, `${s.keyword} ${name}: missing definition`); break; }
        const prev = rules.get(name);
        if (prev) { err(s, `duplicate rule ${name} (first defined at ${prev.stmt.file}:${prev.stmt.line}): rename one`); break; }
        if (/^eval:/.test(rest)) { warn(s, `${name}: eval: tests are Perl plugin code, not supported by kas; rule ignored`); break; }
        const rule = defineRule(s, s.keyword as RuleKind, name, rest, err, warn, at(s));
        if (rule) rules.set(name, { rule, stmt: s });
        break;
      }
      case "score": {
        const parts = rest.split(/\s+/).filter(Boolean).map((p) => p.replace(/^\((.*)\)$/, "$1"));
        if (!NAME.test(name) || parts.length === 0 || parts.length > 4 || parts.some((p) => !/^[-+]?(\d+\.?\d*|\.\d+)$/.test(p))) {
          err(s, "score: expected `score NAME N` (or 4 numbers; kas uses the first)");
          break;
        }
        scores.set(name, { score: Number(parts[0]), stmt: s });
        break;
      }
      case "describe":
        if (!NAME.test(name)) { err(s, "describe: expected `describe NAME text`"); break; }
        describes.set(name, { text: rest, stmt: s });
        break;
      case "tflags": {
        if (!NAME.test(name)) { err(s, "tflags: expected `tflags NAME flag...`"); break; }
        const flags = rest.split(/\s+/).filter(Boolean);
        for (const f of flags) if (!KNOWN_TFLAGS.has(f) && !/^(maxhits|range)=\d/.test(f)) warn(s, `tflags ${name}: unknown flag "${f}" kept but ignored`);
        const bad = flags.find((f) => /^maxhits=/.test(f) && !/^maxhits=[1-9]\d*$/.test(f));
        if (bad) { err(s, `tflags ${name}: ${bad}: expected a positive integer`); break; }
        tflags.set(name, { flags, stmt: s });
        break;
      }
      case "group": {
        // `group NAME MEMBER...`: may be repeated to add members; a rule is in one group at most.
        const members = rest.split(/\s+/).filter(Boolean);
        if (!NAME.test(name) || !members.length || members.some((m) => !NAME.test(m))) { err(s, "group: expected `group GROUP RULE...`"); break; }
        for (const m of members) {
          const prev = groupOf.get(m);
          if (prev && prev.group !== name) err(s, `group ${name}: ${m} is already in group ${prev.group} (${at(prev.stmt)}); a rule belongs to one group`);
          else groupOf.set(m, { group: name, stmt: s });
        }
        break;
      }
      case "group_max": {
        // A later line wins, like score: a local file can loosen or tighten a shipped cap.
        if (!NAME.test(name) || !/^(\d+\.?\d*|\.\d+)$/.test(rest.trim()) || !Number.isFinite(Number(rest.trim()))) { err(s, "group_max: expected `group_max GROUP N` with N >= 0"); break; }
        groupMax.set(name, { max: Number(rest.trim()), stmt: s });
        break;
      }
      default:
        if (IGNORED.has(s.keyword)) warn(s, `\`${s.keyword}\` is a SpamAssassin setting kas does not use; ignored`);
        else err(s, `unknown directive "${s.keyword}" (supported: header body rawbody uri full meta score describe tflags group group_max)`);
    }
  }

  // Attach scores, descriptions and flags; names that are not rules are check symbols.
  const symbols = new Map<string, CheckSymbol>();
  const symbol = (name: string) => symbols.get(name) ?? symbols.set(name, { name, score: 0 }).get(name)!;
  for (const [name, { score, stmt }] of scores) {
    const r = rules.get(name);
    if (r) r.rule.score = score;
    else {
      if (!UPPER_SNAKE.test(name)) warn(stmt, `score for ${name}, which is no rule here and not an UPPER_SNAKE check symbol: typo?`);
      symbol(name).score = score;
    }
  }
  for (const [name, { text, stmt }] of describes) {
    const r = rules.get(name);
    if (r) r.rule.describe = text;
    else if (scores.has(name) || UPPER_SNAKE.test(name)) symbol(name).describe = text;
    else warn(stmt, `describe for unknown rule ${name}`);
  }
  for (const [name, { flags, stmt }] of tflags) {
    const r = rules.get(name);
    if (!r) { warn(stmt, `tflags for unknown rule ${name}`); continue; }
    r.rule.tflags = flags;
    if (flags.includes("multiple")) {
      const mh = flags.find((f) => f.startsWith("maxhits="));
      r.rule.maxhits = mh ? Number(mh.slice(8)) : MAX_HITS;
    }
  }
  for (const { rule } of rules.values()) {
    if (scores.has(rule.name)) continue;
    // SA's defaults: __sub-rules 0; T_ (testing) rules 0.01; others 1.0; negated for `nice`.
    const base = rule.name.startsWith("__") ? 0 : rule.name.startsWith("T_") ? 0.01 : 1;
    rule.score = rule.tflags?.includes("nice") ? -base : base;
  }

  const metas = orderMetas(rules, scores, err, warn);
  const groups = scoreGroups(groupOf, groupMax, (n) => rules.has(n) || symbols.has(n), warn);
  const content = [...rules.values()].filter((r) => r.rule.kind !== "meta").map((r) => r.rule);
  if (diags.some((d) => d.severity === "error")) return { diagnostics: diags };
  const payload: RulesPayload = { rules: [...content, ...metas], symbols: [...symbols.values()].sort((a, b) => a.name.localeCompare(b.name)) };
  if (groups.length) payload.groups = groups;
  // Format 1 when there are no groups: a kas that predates them can still read the database.
  const db = finishDb({ format: groups.length ? DB_FORMAT : 1, version: opts.version ?? "local", createdAt: opts.createdAt ?? new Date().toISOString(), rules: payload });
  return { db, diagnostics: diags };
}

/** Groups with a cap, members sorted; a group without group_max (or the reverse) is a warning. */
function scoreGroups(
  groupOf: Map<string, { group: string; stmt: Statement }>, groupMax: Map<string, { max: number; stmt: Statement }>,
  known: (name: string) => boolean, warn: (s: Statement, m: string) => void,
): ScoreGroup[] {
  const members = new Map<string, string[]>();
  for (const [m, { group, stmt }] of groupOf) {
    if (!known(m)) warn(stmt, `group ${group}: ${m} is neither a rule nor a scored check symbol`);
    (members.get(group) ?? members.set(group, []).get(group)!).push(m);
  }
  for (const [g, { stmt }] of groupMax) if (!members.has(g)) warn(stmt, `group_max ${g}: the group has no members (add \`group ${g} RULE...\`)`);
  const out: ScoreGroup[] = [];
  for (const [g, list] of members) {
    const cap = groupMax.get(g);
    if (!cap) {
      const { stmt } = groupOf.get(list[0])!;
      warn(stmt, `group ${g} has no group_max line, so it caps nothing`);
      continue;
    }
    out.push({ name: g, max: cap.max, members: list.sort() });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

/** `tflags multiple` without maxhits=: SA counts without limit; kas stops here. */
export const MAX_HITS = 1000;

function defineRule(
  s: Statement, kind: RuleKind, name: string, rest: string,
  err: (s: Statement, m: string) => void, warn: (s: Statement, m: string) => void, src: string,
): CompiledRule | undefined {
  const rule: CompiledRule = { name, kind, src, score: 1 };
  if (kind === "meta") {
    const r = parseMeta(rest);
    if ("error" in r) return void err(s, `meta ${name}: ${r.error}`);
    rule.expr = r.ast;
    return rule;
  }
  let reText = rest;
  if (kind === "header") {
    const ex = /^exists:\s*([\w-]+)\s*$/.exec(stripComment(rest));
    if (ex) return { ...rule, kind: "exists", header: ex[1].toLowerCase() };
    const m = /^([\w-]+)((?::\w+)*)\s*(=~|!~)\s*(.*)$/.exec(rest);
    if (!m) return void err(s, `header ${name}: expected \`Header =~ /regex/\`, \`Header !~ /regex/\` or \`exists:Header\``);
    const header = m[1].toLowerCase();
    if (header === "envelopefrom") warn(s, `header ${name}: the EnvelopeFrom pseudo-header is not available to rules; it never exists`);
    const mods = m[2].split(":").filter(Boolean).map((x) => x.toLowerCase());
    const badMod = mods.find((x) => !HEADER_MODS.has(x));
    if (badMod) return void err(s, `header ${name}: modifier :${badMod} is not supported (supported: :raw :addr :name :first :last)`);
    Object.assign(rule, { header, mods: mods.length ? mods : undefined, neg: m[3] === "!~" || undefined });
    reText = m[4];
  }
  const ex = extractRegex(reText);
  if ("error" in ex) return void err(s, `${kind} ${name}: ${ex.error}`);
  ex.rest = stripComment(ex.rest);
  if (ex.rest) {
    const unset = /^\[if-unset:\s*(.*?)\s*\]$/.exec(ex.rest);
    if (kind === "header" && unset) rule.unset = unset[1];
    else return void err(s, `${kind} ${name}: unexpected text after the regex: "${ex.rest}"`);
  }
  const tr = translateRegex(ex.pattern, ex.flags, { multiline: kind === "body" || kind === "rawbody" });
  if (!tr.ok) return void err(s, `${kind} ${name}: ${tr.why}`);
  if (tr.re.warning) warn(s, `${kind} ${name}: ${tr.re.warning}`);
  // `wpre` only where the matcher reads it: a target the literal scanner walks in segments.
  const wpre = kind !== "header" && !tr.re.whole ? tr.re.wpre : undefined;
  const scripts = kind !== "header" && !tr.re.whole ? tr.re.scripts : undefined;
  Object.assign(rule, { re: tr.re.src, flags: tr.re.flags, lits: tr.re.lits, pre: tr.re.pre, wpre, scripts, re2: tr.re.re2, whole: tr.re.whole, anchored: tr.re.anchored });
  return rule;
}

/** Metas in dependency order (Kahn); cycles are errors; undeclared names are warnings. */
function orderMetas(
  rules: Map<string, { rule: CompiledRule; stmt: Statement }>, scores: Map<string, unknown>,
  err: (s: Statement, m: string) => void, warn: (s: Statement, m: string) => void,
): CompiledRule[] {
  const metas = [...rules.values()].filter((r) => r.rule.kind === "meta");
  const deps = new Map<string, string[]>();
  for (const { rule, stmt } of metas) {
    const refs = [...metaRefs(rule.expr!)];
    for (const ref of refs) {
      if (!rules.has(ref) && !scores.has(ref)) warn(stmt, `meta ${rule.name} references ${ref}, which is neither a rule nor a scored check symbol (it counts as 0 unless a check raises it)`);
    }
    deps.set(rule.name, refs.filter((r) => rules.get(r)?.rule.kind === "meta"));
  }
  const out: CompiledRule[] = [];
  const done = new Set<string>();
  let progress = true;
  while (progress) {
    progress = false;
    for (const { rule } of metas) {
      if (done.has(rule.name) || !deps.get(rule.name)!.every((d) => done.has(d))) continue;
      done.add(rule.name);
      out.push(rule);
      progress = true;
    }
  }
  for (const { rule, stmt } of metas) {
    if (!done.has(rule.name)) err(stmt, `meta ${rule.name} is part of a dependency cycle (${deps.get(rule.name)!.filter((d) => !done.has(d)).join(", ")}): break the cycle`);
  }
  return out;
}

/** Compile every *.cf in `dir`, sorted by name (like SA's config directories). */
export function compileDir(dir: string, opts: CompileOptions = {}): CompileResult {
  const files = existsSync(dir) && statSync(dir).isDirectory()
    ? readdirSync(dir).filter((f) => f.endsWith(".cf")).sort().map((f) => ({ path: join(dir, f), text: readFileSync(join(dir, f), "utf8") }))
    : undefined;
  if (!files) return { diagnostics: [{ file: dir, line: 0, severity: "error", message: "rules directory does not exist or is not a directory" }] };
  const r = compileSources(files, opts);
  if (!files.length) r.diagnostics.push({ file: dir, line: 0, severity: "warning", message: "no *.cf files: the database is empty" });
  return r;
}

/**
 * compileDir for callers that cannot use rules with errors: throws `toError(errors)` (default
 * rulesError: DataError, exit 65, every error as file:line) and returns the database with the
 * warnings for the caller to print (libraries do not log).
 */
export function compileDirOrThrow(dir: string, opts: CompileOptions = {}, toError: (errors: Diagnostic[]) => Error = (errors) => rulesError(dir, errors)): { db: CompiledDb; warnings: Diagnostic[] } {
  const { db, diagnostics } = compileDir(dir, opts);
  const errors = diagnostics.filter((d) => d.severity === "error");
  if (!db || errors.length) throw toError(errors);
  return { db, warnings: diagnostics };
}

export function formatDiagnostic(d: Diagnostic): string {
  return `${d.file}:${d.line}: ${d.severity === "warning" ? "warning: " : ""}${d.message}`;
}

/** DataError whose message lists every error as file:line: reason. */
export function rulesError(dir: string, errors: Diagnostic[]): DataError {
  const list = errors.map((d) => "  " + formatDiagnostic(d)).join("\n");
  return new DataError(`rules in ${dir} do not compile (${errors.length} error${errors.length === 1 ? "" : "s"}):\n${list}`, "fix the lines named above, then run `kas rules check DIR`");
}
