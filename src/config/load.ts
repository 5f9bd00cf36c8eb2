// The only reader of kas.toml. Lookup order: --config FILE, $KAS_CONFIG, /etc/kas/kas.toml,
// then the built-in defaults, so every command runs with no file at all. The result is
// validated against SCHEMA (unknown keys are errors), frozen, and passed down; the master
// hands the same snapshot to its filtering processes.
import { existsSync, readFileSync } from "node:fs";
import { parse, TomlError } from "smol-toml";
import { ConfigError, errnoText, type ConfigProblem } from "../errors";
import { relationProblems } from "./relations";
import { SCHEMA, type KasConfig } from "./schema";
import type { KeySpec, SectionSpec } from "./spec";
import { describeUser, runningAs } from "./user";

export const SYSTEM_CONFIG = "/etc/kas/kas.toml";

export interface LoadedConfig {
  readonly config: KasConfig;
  /** The file it came from, or "(built-in defaults)". */
  readonly source: string;
}

/** Where the config file comes from, in lookup order; the first one set wins (the system file only when it exists). */
export type ConfigOrigin = "--config" | "$KAS_CONFIG" | typeof SYSTEM_CONFIG;

export function locateConfig(flag?: string, env: Record<string, string | undefined> = process.env): { file: string; from: ConfigOrigin } | undefined {
  if (flag) return { file: flag, from: "--config" };
  if (env.KAS_CONFIG) return { file: env.KAS_CONFIG, from: "$KAS_CONFIG" };
  if (existsSync(SYSTEM_CONFIG)) return { file: SYSTEM_CONFIG, from: SYSTEM_CONFIG };
  return undefined;
}

/** Load and validate; throws ConfigError naming the file, line and key path of every problem. */
export function loadConfig(flag?: string, env: Record<string, string | undefined> = process.env): LoadedConfig {
  const found = locateConfig(flag, env);
  if (!found) return { config: defaults(), source: "(built-in defaults)" };
  const { file, from } = found;
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw unreadable(file, from, e);
  }
  return { config: parseConfig(text, file), source: file };
}

/** A config file that cannot be read: say which lookup found it, the lookup order, and what to do. */
export function unreadable(file: string, from: ConfigOrigin, e: unknown): ConfigError {
  const code = (e as NodeJS.ErrnoException).code;
  const origin = from === SYSTEM_CONFIG ? "the system config file" : `named by ${from}`;
  const lookup = `kas takes its config from --config FILE, else $KAS_CONFIG, else ${SYSTEM_CONFIG} when it exists, else the built-in defaults`;
  if (code === "ENOENT" || code === "ENOTDIR") {
    return new ConfigError(file, undefined, undefined, `no such file (${origin})`, `${lookup}; create this one with \`kas config defaults > ${file}\` and edit it, or name an existing file`);
  }
  if (code === "EACCES" || code === "EPERM") {
    return new ConfigError(file, undefined, undefined, `permission denied for ${describeUser(runningAs())} (${origin})`, "run kas as a user who may read it (a member of group kas when it is set up as in the README), or make it readable: `chgrp kas FILE && chmod 640 FILE`");
  }
  const why = code === "EISDIR" ? `is a directory, not a file (${origin})` : `cannot read (${origin}): ${errnoText(e)}`;
  return new ConfigError(file, undefined, undefined, why, lookup);
}

export function defaults(): KasConfig {
  return deepFreeze(fill(SCHEMA, {}, "", newCtx(""))) as KasConfig;
}

/** Parse TOML text and validate it against the schema; every problem is reported at once. */
export function parseConfig(text: string, file = "(inline)"): KasConfig {
  let raw: Record<string, unknown>;
  try {
    raw = parse(text) as Record<string, unknown>;
  } catch (e) {
    if (e instanceof TomlError) throw new ConfigError(file, undefined, e.line, `TOML syntax: ${e.message.split("\n")[0]}`);
    throw e;
  }
  const ctx = newCtx(text);
  const config = fill(SCHEMA, raw, "", ctx) as KasConfig;
  // Relations between keys only among keys that are valid on their own: a bad max_filters
  // must not also report every pool size as above it.
  for (const p of relationProblems(config)) {
    if (!p.keys.some((k) => ctx.invalid.has(k))) ctx.problems.push({ keyPath: p.keyPath, line: lineOf(text, p.keyPath), reason: p.reason });
  }
  if (ctx.problems.length) throw ConfigError.of(file, ctx.problems);
  return deepFreeze(config);
}

/** What the validation of one file collects: every problem, and the keys found invalid. */
interface Ctx {
  readonly text: string;
  readonly problems: ConfigProblem[];
  readonly invalid: Set<string>;
}

const newCtx = (text: string): Ctx => ({ text, problems: [], invalid: new Set() });

function fill(spec: SectionSpec, raw: Record<string, unknown>, prefix: string, ctx: Ctx, partial = false) {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(raw)) {
    if (!(key in spec)) {
      const path = prefix + key;
      const known = Object.keys(spec).join(", ");
      const moved = MOVED[path];
      ctx.problems.push({ keyPath: path, line: lineOf(ctx.text, path), reason: moved ? `moved to ${moved}: put the line there` : `unknown key (known here: ${known})` });
    }
  }
  for (const [key, ks] of Object.entries(spec)) {
    const path = prefix + key;
    const has = Object.hasOwn(raw, key);
    if (!has && partial && ks.kind !== "section") continue;
    const v = value(ks, has ? raw[key] : undefined, has, path, ctx);
    // An invalid value is reported and replaced by its default, so the rest of the file is still checked.
    if (v === INVALID) {
      ctx.invalid.add(path);
      if (!partial) out[key] = ks.kind === "section" ? fill(ks.keys, {}, path + ".", ctx) : ks.kind === "tables" ? [] : ks.def;
    } else out[key] = v;
  }
  return out;
}

const INVALID = Symbol("invalid");

/** Keys that lived elsewhere in earlier versions: the error says where they went. */
const MOVED: Record<string, string> = {
  // One DNS service serves SPF, the DNS lists, DKIM and DMARC (issue 17), so its settings left [spf].
  "spf.resolver": "[dns] resolver",
  "spf.max_concurrent": "[dns] max_concurrent",
  "spf.cache_size": "[dns] cache_size",
};

function value(ks: KeySpec, v: unknown, has: boolean, path: string, ctx: Ctx): unknown {
  const bad = (why: string) => {
    ctx.problems.push({ keyPath: path, line: lineOf(ctx.text, path), reason: why });
    return INVALID;
  };
  switch (ks.kind) {
    case "section":
      if (!has) return fill(ks.keys, {}, path + ".", ctx);
      if (!isTable(v)) return bad("must be a table ([section])");
      return fill(ks.keys, v, path + ".", ctx);
    case "tables":
      if (!has) return [];
      if (!Array.isArray(v) || !v.every(isTable)) return bad("must be an array of tables ([[...]])");
      return v.map((t, i) => fill(ks.keys, t as Record<string, unknown>, `${path}[${i}].`, ctx, true));
    case "string":
      if (!has) return ks.def;
      if (typeof v !== "string") return bad(`must be a string, got ${describe(v)}`);
      if (ks.check && v !== "") {
        const why = ks.check(v);
        if (why) return bad(why);
      }
      return v;
    case "choice":
      if (!has) return ks.def;
      if (typeof v !== "string" || !ks.oneOf.includes(v)) return bad(`must be one of ${ks.oneOf.map((o) => `"${o}"`).join(", ")}, got ${describe(v)}`);
      return v;
    case "boolean":
      if (!has) return ks.def;
      if (typeof v !== "boolean") return bad(`must be true or false, got ${describe(v)}`);
      return v;
    case "strings": {
      if (!has) return ks.def;
      // A single string is accepted where a list is expected: `listen = "unix:/run/kas.sock"`.
      const list = typeof v === "string" ? [v] : v;
      if (!Array.isArray(list) || !list.every((x) => typeof x === "string")) return bad(`must be a list of strings, got ${describe(v)}`);
      let ok = true;
      for (const [i, x] of list.entries()) {
        const why = ks.check?.(x);
        if (why) {
          bad(`[${i}]: ${why}`);
          ok = false;
        }
      }
      return ok ? list : INVALID;
    }
    case "number": {
      if (!has) return ks.def;
      const n = typeof v === "bigint" ? Number(v) : v;
      if (typeof n !== "number" || !Number.isFinite(n)) return bad(`must be a number, got ${describe(v)}`);
      if (ks.int && !Number.isInteger(n)) return bad(`must be a whole number, got ${n}`);
      if (ks.min !== undefined && n < ks.min) return bad(`must be at least ${ks.min}, got ${n}`);
      if (ks.max !== undefined && n > ks.max) return bad(`must be at most ${ks.max}, got ${n}`);
      return n;
    }
  }
}

const isTable = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Date);

function describe(v: unknown): string {
  if (Array.isArray(v)) return "a list";
  if (isTable(v)) return "a table";
  return JSON.stringify(v) ?? String(v);
}

/**
 * Best-effort line of a key path: the line assigning the key inside its own table
 * (`[server]`, the i-th `[[policy.group]]`), or the header naming a table. TOML values carry
 * no positions; dotted keys (`server.max_filters = 3`) fall back to the first line assigning
 * the last name.
 */
function lineOf(text: string, path: string): number | undefined {
  if (!text) return undefined;
  const dot = path.lastIndexOf(".");
  const table = dot < 0 ? "" : path.slice(0, dot);
  const key = path.slice(dot + 1).replace(/[^\w-]/g, "");
  const assigns = new RegExp(`^\\s*"?${key}"?\\s*=`);
  const arrays = new Map<string, number>();
  const lines = text.split("\n");
  let current = "";
  for (let i = 0; i < lines.length; i++) {
    const header = /^\s*(\[\[?)\s*([\w.-]+)\s*\]/.exec(lines[i]);
    if (header) {
      const name = header[2];
      if (name === path) return i + 1;
      if (header[1] === "[[") {
        const n = arrays.get(name) ?? 0;
        arrays.set(name, n + 1);
        current = `${name}[${n}]`;
      } else current = name;
    } else if (current === table && assigns.test(lines[i])) return i + 1;
  }
  return firstAssignment(lines, key);
}

function firstAssignment(lines: string[], key: string): number | undefined {
  const re = new RegExp(`^\\s*(?:\\[+\\s*)?(?:[\\w.-]+\\.)?"?${key}"?\\s*(?:=|\\]|\\.)`);
  for (let i = 0; i < lines.length; i++) if (re.test(lines[i])) return i + 1;
  return undefined;
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === "object") {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}
