// The strings rules match against, built lazily once per message (match.ts runs the rules):
// body / rawbody / full (cut into segments), each URI, and one string per header target
// (`header Name:mods`). Header targets are described once when the database loads
// (HeaderTargets): a message's fields are then found without lower-casing every field name
// (~170 ns each, measured over the corpus: more than the lookups it served) and without
// parsing a target's modifiers again for every message.
import { asRead } from "../message/styled";
import { isNamed } from "../message/mime";
import type { HeaderField, ParsedMessage } from "../message/types";
import { segments } from "./segment";

export const BODY_CAP = 512 * 1024;
export const FULL_CAP = 1024 * 1024;
export const HEADER_CAP = 64 * 1024;
export const URI_CAP = 8 * 1024;
export const MAX_URIS = 1000;

// Target objects are made with all their fields, set or undefined (target()): objects of one
// shape keep the property loads of the hot loop (match.ts test) monomorphic for the JIT.
export interface Target {
  s: string;
  lower: string | undefined;
  /** Literal-scan result (segments of long targets and URIs, see match.ts SCANNED). */
  found: Uint8Array | undefined;
  /** Long targets: the text in segments (segment.ts). */
  segs: Target[] | undefined;
}
export const target = (s: string): Target => ({ s, lower: undefined, found: undefined, segs: undefined });

/** A text that is one segment is its own segment: its lower-cased copy and literal scan are made once. */
export function segmentsOf(t: Target): Target[] {
  const parts = segments(t.s);
  return parts.length === 1 ? [t] : parts.map(target);
}

/** One header target: which fields (by name id, in order) and how their values are read. */
export interface HeaderSpec {
  /** Index of the target in a message's Targets. */
  id: number;
  /** `all`: every field, as "Name: value". */
  all: boolean;
  /** Name ids whose fields make the target, in this order (tocc: to, then cc). */
  names: number[];
  first: boolean;
  last: boolean;
  raw: boolean;
  addr: boolean;
  dname: boolean;
}

/** Pseudo-headers (SpamAssassin): the fields they stand for, in order. */
const PSEUDO: Record<string, string[]> = { tocc: ["to", "cc"], messageid: ["message-id", "resent-message-id", "x-message-id"] };

/** The header targets and field names of one database. */
export class HeaderTargets {
  readonly specs: HeaderSpec[] = [];
  private readonly byKey = new Map<string, HeaderSpec>();
  /** Lower-case field names rules ask about, by id; ids of each name length. */
  readonly names: string[] = [];
  private readonly ids = new Map<string, number>();
  private readonly byLength: number[][] = [];

  /** The target of `header name:mods` (name lower-cased, as the compiler writes it). */
  spec(name: string, mods: readonly string[] = []): HeaderSpec {
    const key = `${name}:${mods.join(":")}`;
    let s = this.byKey.get(key);
    if (!s) {
      const has = (m: string) => mods.includes(m);
      s = { id: this.specs.length, all: name === "all", names: name === "all" ? [] : (PSEUDO[name] ?? [name]).map((n) => this.nameId(n)), first: has("first"), last: has("last"), raw: has("raw"), addr: has("addr"), dname: has("name") };
      this.byKey.set(key, s);
      this.specs.push(s);
    }
    return s;
  }

  private nameId(name: string): number {
    let id = this.ids.get(name);
    if (id === undefined) {
      id = this.names.length;
      this.ids.set(name, id);
      this.names.push(name);
      (this.byLength[name.length] ??= []).push(id);
    }
    return id;
  }

  /** A message's fields of each asked-for name (by name id), in message order. */
  fieldsByName(headers: readonly HeaderField[]): (HeaderField[] | undefined)[] {
    const out: (HeaderField[] | undefined)[] = new Array(this.names.length);
    for (const h of headers) {
      const ids = this.byLength[h.name.length];
      if (!ids) continue;
      for (const id of ids) {
        if (!isNamed(h, this.names[id])) continue;
        (out[id] ??= []).push(h);
        break;
      }
    }
    return out;
  }
}

const NOT_BUILT: Target = target("");

/** The targets of one message, built on first use. */
export class Targets {
  private long: (Target | undefined)[] = [undefined, undefined, undefined];
  private headers: (Target | undefined)[];
  private byName?: (HeaderField[] | undefined)[];
  private uriList?: Target[];
  /** Set when the deadline passed during matching. */
  timedOut = false;
  constructor(
    private readonly msg: ParsedMessage,
    private readonly header: HeaderTargets,
    readonly deadline: number,
  ) {
    this.headers = new Array(header.specs.length).fill(NOT_BUILT);
  }

  /** The fields of a header target, before its modifiers (all of them for `all`). */
  fields(spec: HeaderSpec): readonly HeaderField[] {
    if (spec.all) return this.msg.headers;
    const byName = (this.byName ??= this.header.fieldsByName(this.msg.headers));
    if (spec.names.length === 1) return byName[spec.names[0]] ?? [];
    return spec.names.flatMap((id) => byName[id] ?? []);
  }

  uris(): Target[] {
    return (this.uriList ??= this.msg.uris.slice(0, MAX_URIS).map((u) => target(u.slice(0, URI_CAP))));
  }

  /** body, rawbody or full, cut to its cap. */
  text(kind: "body" | "rawbody" | "full"): Target {
    const k = kind === "body" ? 0 : kind === "rawbody" ? 1 : 2;
    const m = this.msg;
    return (this.long[k] ??= target(k === 0 ? m.body.slice(0, BODY_CAP) : k === 1 ? m.rawbody.slice(0, BODY_CAP) : m.full.slice(0, FULL_CAP)));
  }

  /** undefined when the message has no field of the target's name. */
  headerTarget(spec: HeaderSpec): Target | undefined {
    let t = this.headers[spec.id];
    if (t === NOT_BUILT) t = this.headers[spec.id] = this.build(spec);
    return t;
  }

  private build(spec: HeaderSpec): Target | undefined {
    let fields = this.fields(spec);
    if (!fields.length) return undefined;
    if (spec.first) fields = fields.slice(0, 1);
    if (spec.last) fields = fields.slice(-1);
    let values = fields.map((f) => (spec.all ? `${f.name}: ${spec.raw ? f.raw : f.value}` : spec.raw ? f.raw : f.value));
    if (spec.addr) values = values.map(addrOf);
    else if (spec.dname) values = values.map(displayName);
    // SA joins repeated fields with newlines; no trailing newline, so JS `$` matches the end
    // as Perl's does before SA's final newline.
    return target(values.join("\n").slice(0, HEADER_CAP));
  }
}

/** SA `:addr`: the first address of a field value (`Name <a@b>` → a@b). */
export function addrOf(v: string): string {
  const angle = /<([^<>]*)>/.exec(v);
  if (angle) return angle[1].trim();
  const noComments = v.replace(/\([^()]*\)/g, " ").trim();
  // The first run of address characters with an @ inside it (not first, not last): what
  // /[^\s,;"<>]+@[^\s,;"<>]+/ finds, without that regex's rescanning of a long run from
  // every start (64 KB of letters took seconds).
  for (const run of noComments.match(/[^\s,;"<>]+/g) ?? []) {
    const at = run.indexOf("@", 1);
    if (at > 0 && at < run.length - 1) return run;
  }
  return noComments.split(/[\s,]+/)[0] ?? "";
}

/**
 * SA `:name`: the display name (`"Joe" <a@b>` → Joe, `a@b (Joe)` → Joe), as a reader sees it:
 * without invisible characters ("Pay<U+200B>Pal" is PayPal on screen; invisible.ts), styled
 * letters as letters ("𝐏𝐚𝐲𝐏𝐚𝐥" is PayPal; styled.ts).
 */
export function displayName(v: string): string {
  const lt = v.indexOf("<");
  if (lt > 0) return asRead(v.slice(0, lt).trim().replace(/^"(.*)"$/, "$1").trim());
  const c = /\(([^()]*)\)/.exec(v);
  return c ? asRead(c[1].trim()) : "";
}
