// Applies a verdict's header edits to the raw message, byte-exactly: every byte not in an
// added, removed or prefixed field is copied unchanged (no re-encoding, no line-ending
// normalisation). Added fields use the message's own line ending (CRLF or LF, from its first
// line). Trace fields (isTraceField: Received-SPF, Authentication-Results, ...) are prepended,
// at the top of the header, as RFC 5322 §3.6.7 and RFC 7208 §9.1 say: readers take the topmost
// one, so a forged copy the sender wrote further down loses. Several go on top in the order
// of the edits (the first edit is topmost). Our own status fields (X-KAS-*, X-Spam-*) go at the
// end of the header block (DESIGN.md §3). Imported by the pipe client, so it stays small and
// loads no parser.
import type { HeaderEdit } from "../model";
import { FIELD_NAME, latin1 } from "./header-text";

export interface Field {
  /** Lower-cased name. */
  name: string;
  start: number;
  /** After the field's last line break. */
  end: number;
}

const enc = new TextEncoder();

/**
 * Fields that record the message's path and the checks made on it: prepended by whoever adds
 * them. Received, Return-Path (RFC 5322 §3.6.7), Received-SPF (RFC 7208 §9.1),
 * Authentication-Results (RFC 8601 §2), ARC-* (RFC 8617 §4.1: an ARC set goes on top),
 * DKIM-Signature (RFC 6376 §3.5: "treated as though it were a trace header field").
 */
const TRACE_FIELDS = new Set(["received", "return-path", "received-spf", "authentication-results", "arc-seal", "arc-message-signature", "arc-authentication-results", "dkim-signature"]);

export const isTraceField = (name: string) => TRACE_FIELDS.has(name.toLowerCase());

/**
 * Our own fields: whoever passes a message on (scanned or not) removes every copy the sender
 * wrote, so a forged `X-Spam-Flag: NO` or `X-KAS-Score: -10` never reaches a user's filter
 * rules. (The milter door sends the same prefixes as deletions.)
 */
export const OWN_FIELD_PREFIXES: readonly string[] = ["X-KAS-", "X-Spam-"];

export interface ApplyOptions {
  /** Remove every field whose name starts with one of these (case-insensitive) before the edits add theirs. */
  stripPrefixes?: readonly string[];
}

export function applyEdits(raw: Uint8Array, edits: readonly HeaderEdit[], opts: ApplyOptions = {}): Uint8Array {
  const strip = (opts.stripPrefixes ?? []).map((p) => p.toLowerCase());
  if (!edits.length && !strip.length) return raw;
  const { fields, headerEnd, eol, needsBlank } = scanHeader(raw);
  // A bare CR is not a line end here (as for Postfix and the scanner: mime.ts decodeHeaderValue),
  // so `Subject: a\rX-Spam-Flag: NO` is one field and its tail is no forged field to strip. A
  // reader that does break lines at CR would find one, so a message passed on (stripPrefixes)
  // leaves with those CRs written as the spaces Postfix's cleanup writes: one byte for one,
  // offsets unchanged, the body untouched.
  if (strip.length) raw = spaceBareCr(raw, headerEnd);
  const drop = new Set<Field>(strip.length ? fields.filter((f) => strip.some((p) => f.name.startsWith(p))) : []);
  /** Fields for the top of the header (trace fields) and for its end (the rest). */
  const tops: string[] = [];
  const adds: string[] = [];
  let subjectPrefix: { at: number; text: string } | undefined;
  let subjectAdded: string | undefined;
  for (const e of edits) {
    if (e.op === "remove" || e.op === "set") {
      const n = e.name.toLowerCase();
      for (const f of fields) if (f.name === n) drop.add(f);
      for (const list of [tops, adds]) for (let k = list.length - 1; k >= 0; k--) if (list[k].slice(0, list[k].indexOf(":")).toLowerCase() === n) list.splice(k, 1);
      if (e.op === "set") (isTraceField(e.name) ? tops : adds).push(fieldText(e.name, e.value, eol));
    } else if (e.op === "add") {
      (isTraceField(e.name) ? tops : adds).push(fieldText(e.name, e.value, eol));
    } else if (e.op === "prefix_subject") {
      const subj = fields.find((f) => f.name === "subject" && !drop.has(f));
      if (!subj) {
        subjectAdded ??= fieldText("Subject", e.prefix, eol);
        continue;
      }
      const line = latin1(raw.subarray(subj.start, subj.end));
      const colon = line.indexOf(":");
      const value = line.slice(colon + 1).replace(/^[ \t]+/, "");
      if (value.startsWith(e.prefix) || subjectPrefix) continue; // never stack prefixes
      const at = subj.start + colon + 1 + (line.length - colon - 1 - value.length);
      subjectPrefix = { at, text: line[colon + 1] === " " || line[colon + 1] === "\t" ? `${e.prefix} ` : ` ${e.prefix} ` };
    }
  }
  if (subjectAdded) adds.push(subjectAdded);
  // With no field to go above (an empty header, or only an mbox From_ line), the top is the end.
  if (!fields.length) adds.unshift(...tops.splice(0));

  const chunks: Uint8Array[] = [];
  let pos = 0;
  if (tops.length) {
    // Above the first field; an mbox "From " line stays first.
    pos = fields[0].start;
    chunks.push(raw.subarray(0, pos), enc.encode(tops.join("")));
  }
  for (const f of fields) {
    if (subjectPrefix && subjectPrefix.at >= f.start && subjectPrefix.at < f.end && !drop.has(f)) {
      chunks.push(raw.subarray(pos, subjectPrefix.at), enc.encode(asciiSafe(subjectPrefix.text)));
      pos = subjectPrefix.at;
    }
    if (drop.has(f)) {
      chunks.push(raw.subarray(pos, f.start));
      pos = f.end;
    }
  }
  chunks.push(raw.subarray(pos, headerEnd));
  if (adds.length) {
    // A header block whose last line has no line break (header-only message) gets one first.
    if (headerEnd > 0 && raw[headerEnd - 1] !== 0x0a) chunks.push(enc.encode(eol));
    chunks.push(enc.encode(adds.join("")));
    if (needsBlank) chunks.push(enc.encode(eol));
  }
  chunks.push(raw.subarray(headerEnd));
  return Buffer.concat(chunks);
}

/** `raw` with every CR not followed by LF before `end` replaced by a space (a copy only when there is one). */
function spaceBareCr(raw: Uint8Array, end: number): Uint8Array {
  let out: Uint8Array | undefined;
  for (let i = raw.indexOf(0x0d); i >= 0 && i < end; i = raw.indexOf(0x0d, i + 1)) {
    if (raw[i + 1] === 0x0a) continue;
    out ??= Uint8Array.from(raw);
    out[i] = 0x20;
  }
  return out ?? raw;
}

/** Field positions of the top-level header. `headerEnd` = where the blank line (or body) starts. */
export function scanHeader(raw: Uint8Array): { fields: Field[]; headerEnd: number; eol: string; needsBlank: boolean } {
  const firstNl = raw.indexOf(0x0a);
  const eol = firstNl > 0 && raw[firstNl - 1] === 0x0d ? "\r\n" : "\n";
  const fields: Field[] = [];
  let i = 0;
  const n = raw.byteLength;
  while (i < n) {
    const c = raw[i];
    if (c === 0x0a || (c === 0x0d && raw[i + 1] === 0x0a)) return { fields, headerEnd: i, eol, needsBlank: false };
    const nl = raw.indexOf(0x0a, i);
    const lineEnd = nl < 0 ? n : nl + 1;
    if ((c === 0x20 || c === 0x09) && fields.length) {
      fields[fields.length - 1].end = lineEnd;
    } else {
      const line = latin1(raw.subarray(i, Math.min(lineEnd, i + 1000)));
      const colon = line.indexOf(":");
      const isField = colon > 0 && FIELD_NAME.test(line.slice(0, colon).trimEnd());
      if (!isField && !(i === 0 && line.startsWith("From "))) {
        // Not a header line: the header ended without a blank line; keep the body apart.
        return { fields, headerEnd: i, eol, needsBlank: true };
      }
      if (isField) fields.push({ name: line.slice(0, colon).trimEnd().toLowerCase(), start: i, end: lineEnd });
    }
    i = lineEnd;
  }
  return { fields, headerEnd: n, eol, needsBlank: false };
}

/** Header values we write are ASCII: non-ASCII goes as an RFC 2047 word, CR/LF are removed. */
function asciiSafe(v: string): string {
  const clean = v.replace(/[\r\n]+/g, " ");
  return /[^\x20-\x7e\t]/.test(clean) ? `=?UTF-8?B?${Buffer.from(clean, "utf8").toString("base64")}?=` : clean;
}

/** `Name: value` folded at spaces so no line passes 78 characters where it can be helped (RFC 5322 §2.1.1). */
export function fieldText(name: string, value: string, eol: string): string {
  const words = asciiSafe(value).split(" ");
  let line = `${name}:`;
  let out = "";
  for (const w of words) {
    if (line.length + 1 + w.length > 78 && line.length > name.length + 1) {
      out += line + eol;
      line = "\t" + w;
    } else {
      line += " " + w;
    }
  }
  return out + line + eol;
}
