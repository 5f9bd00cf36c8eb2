// A scan result's hits as the master holds them: the JSON text the filtering process sent
// (ipc.ts toWire), parsed only when something reads them. On the native door nothing does:
// the reply's text takes the hits' text as it came (jsonWithHits), and the scan log and the
// Control Center's record need only the names, which travel beside it. The hits are ~60 % of
// a reply's bytes (~1.7 KB of ~2.8 KB on the evaluation split); the master's JSON.parse of
// each result and JSON.stringify of each reply were ~3 % and ~2 % of its CPU profile under
// load. Another door (milter, spamd, Rspamd) reads `hits` and gets them parsed, once.
// The text is used only while the hits were never read: an array someone holds could have
// been changed in place, and then it, not the text, is the truth.
import type { Hit, ScanResult } from "../model";

interface Raw {
  text: string;
  names: string[];
  parsed?: Hit[];
}
const raws = new WeakMap<object, Raw>();

/** Gives `target` a `hits` member that parses `text` when first read (`names`: the hits' names, in order). */
export function lazyHits(target: ScanResult, text: string, names: string[]): ScanResult {
  defineHits(target, { text, names });
  return target;
}

function defineHits(target: object, raw: Raw): void {
  raws.set(target, raw);
  Object.defineProperty(target, "hits", {
    enumerable: true,
    configurable: true,
    get: () => (raw.parsed ??= JSON.parse(raw.text) as Hit[]),
    // Assigned: a plain member from now on; the text no longer describes it.
    set(this: object, v: Hit[]) {
      raws.delete(this);
      Object.defineProperty(this, "hits", { value: v, writable: true, enumerable: true, configurable: true });
    },
  });
}

/** The names of `r.hits`, in order, without parsing them when they are still text. */
export function hitNames(r: ScanResult): string[] {
  return raws.get(r)?.names ?? r.hits.map((h) => h.name);
}

/** `r` to build a reply from without reading its hits: its members, `hits` empty (shareHits gives the reply `r`'s). */
export function hitsAside(r: ScanResult): ScanResult {
  if (!raws.has(r)) return r;
  const o: Record<string, unknown> = {};
  for (const k of Object.keys(r)) o[k] = k === "hits" ? [] : (r as unknown as Record<string, unknown>)[k];
  return o as unknown as ScanResult;
}

/**
 * `reply.hits = from.hits` (reply has a `hits` member already: its place among the members is
 * kept), still unparsed when `from`'s were: they stay one array, parsed once, as an
 * assignment would make them.
 */
export function shareHits(from: ScanResult, reply: { hits: Hit[] }): void {
  const raw = raws.get(from);
  if (raw) defineHits(reply, raw);
  else reply.hits = from.hits;
}

/**
 * JSON.stringify(obj), the same text, with its `hits` member taken from the text that came
 * over IPC while nobody has read them.
 */
export function jsonWithHits(obj: { hits: Hit[] }): string {
  const raw = raws.get(obj);
  if (!raw || raw.parsed) return JSON.stringify(obj);
  const before: Record<string, unknown> = {};
  const after: Record<string, unknown> = {};
  let side = before;
  for (const k of Object.keys(obj)) {
    if (k === "hits") side = after;
    else side[k] = (obj as unknown as Record<string, unknown>)[k];
  }
  const head = JSON.stringify(before);
  const tail = JSON.stringify(after);
  return `${head.length > 2 ? head.slice(0, -1) + "," : "{"}"hits":${raw.text}${tail.length > 2 ? "," + tail.slice(1) : "}"}`;
}
