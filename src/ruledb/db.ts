// The compiled database on disk: canonical JSON (keys sorted) with a sha256 digest over its
// content (format, version, rules), so a truncated, edited or half-written file is refused
// instead of silently matching with a partial rule set.
import { createHash } from "node:crypto";
import { DataError } from "../errors";
import { DB_FORMAT, DB_FORMATS_READ, type RulesPayload } from "./format";
import type { CompiledDb } from "./types";

const REINSTALL = "reinstall with `kas update-db` or remove it (kas then uses its built-in rules)";

/** JSON with object keys sorted at every level: the same contents always give the same bytes. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return "[" + v.map((x) => (x === undefined ? "null" : canonicalJson(x))).join(",") + "]";
  if (v && typeof v === "object") {
    const keys = Object.keys(v).filter((k) => (v as Record<string, unknown>)[k] !== undefined).sort();
    return "{" + keys.map((k) => JSON.stringify(k) + ":" + canonicalJson((v as Record<string, unknown>)[k])).join(",") + "}";
  }
  return JSON.stringify(v);
}

/**
 * Over what decides matching, not over createdAt: the same sources give the same digest
 * whenever and wherever they are compiled (reproducible builds of the built-in database; two
 * `kas rules compile` runs). An edited createdAt changes no verdict; an edited rule is refused.
 */
export function computeDigest(db: Omit<CompiledDb, "digest">): string {
  const { format, version, rules } = db;
  return createHash("sha256").update(canonicalJson({ format, version, rules })).digest("hex");
}

/** The digest kas wrote before it left createdAt out: databases installed by such a kas still load. */
function legacyDigest(db: Omit<CompiledDb, "digest">): string {
  const { format, version, createdAt, rules } = db;
  return createHash("sha256").update(canonicalJson({ format, version, createdAt, rules })).digest("hex");
}

/** Fill in the digest. */
export function finishDb(db: Omit<CompiledDb, "digest">): CompiledDb {
  return { format: db.format, version: db.version, createdAt: db.createdAt, digest: computeDigest(db), rules: db.rules };
}

export function serializeDb(db: CompiledDb): Uint8Array {
  return new TextEncoder().encode(canonicalJson(db) + "\n");
}

/** Parse and verify (format, shape, digest). Throws DataError saying what to do. */
export function parseDb(bytes: Uint8Array, where = "database file"): CompiledDb {
  let v: unknown;
  try {
    v = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch {
    throw new DataError(`${where} is corrupt: not valid JSON`, REINSTALL);
  }
  return verifyDb(v, where);
}

function isGroup(g: unknown): boolean {
  const x = g as { name?: unknown; max?: unknown; members?: unknown };
  return !!x && typeof x.name === "string" && typeof x.max === "number" && Number.isFinite(x.max) && x.max >= 0 && Array.isArray(x.members) && x.members.every((m) => typeof m === "string");
}

/** Check a database value (parsed from a file or embedded in the binary). */
export function verifyDb(v: unknown, where = "database"): CompiledDb {
  const db = v as CompiledDb;
  if (!db || typeof db !== "object" || typeof db.format !== "number") throw new DataError(`${where} is corrupt: not a kas rule database`, REINSTALL);
  if (!DB_FORMATS_READ.includes(db.format)) throw new DataError(`${where} has format ${db.format}; this kas reads formats ${DB_FORMATS_READ.join(" and ")} (writes ${DB_FORMAT})`, "install a database built for this kas version with `kas update-db`, or upgrade kas");
  if (typeof db.version !== "string" || typeof db.createdAt !== "string" || typeof db.digest !== "string") throw new DataError(`${where} is corrupt: missing version, createdAt or digest`, REINSTALL);
  const p = db.rules as RulesPayload;
  if (!p || !Array.isArray(p.rules) || !Array.isArray(p.symbols)) throw new DataError(`${where} is corrupt: no rule list`, REINSTALL);
  if (p.groups !== undefined) {
    // Format 1 has no groups: a kas that predates them would ignore the caps, so such a file is not genuine.
    const members = Array.isArray(p.groups) && p.groups.every(isGroup) ? p.groups.flatMap((g) => g.members) : undefined;
    if (db.format === 1 || !members || new Set(members).size !== members.length) throw new DataError(`${where} is corrupt: bad score groups`, REINSTALL);
  }
  if (computeDigest(db) !== db.digest && legacyDigest(db) !== db.digest) throw new DataError(`${where} is corrupt: digest mismatch`, REINSTALL);
  return db;
}
