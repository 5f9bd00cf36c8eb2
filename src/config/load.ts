// The only reader of kas.toml. Lookup order: --config FILE, $KAS_CONFIG, /etc/kas/kas.toml,
// then the built-in defaults, so every command runs with no file at all. The result is
// validated against SCHEMA (unknown keys are errors), frozen, and passed down; the master
// hands the same snapshot to its filtering processes.
import { existsSync, readFileSync } from "node:fs";
import { parse, TomlError } from "smol-toml";
import { ConfigError } from "../errors";
import { SCHEMA, type KasConfig } from "./schema";
import type { KeySpec, SectionSpec } from "./spec";

export const SYSTEM_CONFIG = "/etc/kas/kas.toml";

export interface LoadedConfig {
  readonly config: KasConfig;
  /** The file it came from, or "(built-in defaults)". */
  readonly source: string;
}

export function configPath(flag?: string, env: Record<string, string | undefined> = process.env): string | undefined {
  if (flag) return flag;
  if (env.KAS_CONFIG) return env.KAS_CONFIG;
  if (existsSync(SYSTEM_CONFIG)) return SYSTEM_CONFIG;
  return undefined;
}

/** Load and validate; throws ConfigError naming the file, line and key path. */
export function loadConfig(flag?: string, env: Record<string, string | undefined> = process.env): LoadedConfig {
  const file = configPath(flag, env);
  if (!file) return { config: defaults(), source: "(built-in defaults)" };
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new ConfigError(file, undefined, undefined, `cannot read: ${(e as NodeJS.ErrnoException).code ?? e}`);
  }
  return { config: parseConfig(text, file), source: file };
}

export function defaults(): KasConfig {
  return deepFreeze(fill(SCHEMA, {}, "", "", "")) as KasConfig;
}

/** Parse TOML text and validate it against the schema. */
export function parseConfig(text: string, file = "(inline)"): KasConfig {
  let raw: Record<string, unknown>;
  try {
    raw = parse(text) as Record<string, unknown>;
  } catch (e) {
    if (e instanceof TomlError) throw new ConfigError(file, undefined, e.line, `TOML syntax: ${e.message.split("\n")[0]}`);
    throw e;
  }
  return deepFreeze(fill(SCHEMA, raw, "", file, text)) as KasConfig;
}

function fill(spec: SectionSpec, raw: Record<string, unknown>, prefix: string, file: string, text: string, partial = false) {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(raw)) {
    if (!(key in spec)) {
      const path = prefix + key;
      const known = Object.keys(spec).join(", ");
      throw new ConfigError(file, path, lineOf(text, key), `unknown key (known here: ${known})`);
    }
  }
  for (const [key, ks] of Object.entries(spec)) {
    const path = prefix + key;
    const has = Object.hasOwn(raw, key);
    if (!has && partial && ks.kind !== "section") continue;
    out[key] = value(ks, has ? raw[key] : undefined, has, path, file, text);
  }
  return out;
}

function value(ks: KeySpec, v: unknown, has: boolean, path: string, file: string, text: string): unknown {
  const bad = (why: string) => new ConfigError(file, path, lineOf(text, path.split(".").pop()!), why);
  switch (ks.kind) {
    case "section":
      if (!has) return fill(ks.keys, {}, path + ".", file, text);
      if (!isTable(v)) throw bad("must be a table ([section])");
      return fill(ks.keys, v, path + ".", file, text);
    case "tables":
      if (!has) return [];
      if (!Array.isArray(v) || !v.every(isTable)) throw bad("must be an array of tables ([[...]])");
      return v.map((t, i) => fill(ks.keys, t as Record<string, unknown>, `${path}[${i}].`, file, text, true));
    case "string":
      if (!has) return ks.def;
      if (typeof v !== "string") throw bad(`must be a string, got ${describe(v)}`);
      if (ks.check && v !== "") {
        const why = ks.check(v);
        if (why) throw bad(why);
      }
      return v;
    case "choice":
      if (!has) return ks.def;
      if (typeof v !== "string" || !ks.oneOf.includes(v)) throw bad(`must be one of ${ks.oneOf.map((o) => `"${o}"`).join(", ")}, got ${describe(v)}`);
      return v;
    case "boolean":
      if (!has) return ks.def;
      if (typeof v !== "boolean") throw bad(`must be true or false, got ${describe(v)}`);
      return v;
    case "strings": {
      if (!has) return ks.def;
      // A single string is accepted where a list is expected: `listen = "unix:/run/kas.sock"`.
      const list = typeof v === "string" ? [v] : v;
      if (!Array.isArray(list) || !list.every((x) => typeof x === "string")) throw bad(`must be a list of strings, got ${describe(v)}`);
      for (const [i, x] of list.entries()) {
        const why = ks.check?.(x);
        if (why) throw bad(`[${i}]: ${why}`);
      }
      return list;
    }
    case "number": {
      if (!has) return ks.def;
      const n = typeof v === "bigint" ? Number(v) : v;
      if (typeof n !== "number" || !Number.isFinite(n)) throw bad(`must be a number, got ${describe(v)}`);
      if (ks.int && !Number.isInteger(n)) throw bad(`must be a whole number, got ${n}`);
      if (ks.min !== undefined && n < ks.min) throw bad(`must be at least ${ks.min}, got ${n}`);
      if (ks.max !== undefined && n > ks.max) throw bad(`must be at most ${ks.max}, got ${n}`);
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

/** Best-effort line of a key: the first line that assigns it. TOML values carry no positions. */
function lineOf(text: string, key: string): number | undefined {
  if (!text) return undefined;
  const re = new RegExp(`^\\s*(?:\\[+\\s*)?(?:[\\w.-]+\\.)?"?${key.replace(/[^\w-]/g, "")}"?\\s*(?:=|\\]|\\.)`);
  const lines = text.split("\n");
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
