// Raw message bytes → ParsedMessage, the views the rule language matches (SpamAssassin's
// header / body / rawbody / uri / full). Total: any byte string gives a result; what was
// wrong is listed in `defects`, never thrown, so broken mail is still judged.
//
// Why our own walker and not mailparser's simpleParser: measured on this machine at 1.3 ms a
// message on spam-1 with every optional feature off, mailparser alone would spend more than
// the whole 2 ms a message the engine may take for 500 messages/s; and its recursion over
// nested parts cannot be bounded by max_mime_parts / max_mime_depth. Here every limit is a
// loop bound: parts, depth, bytes of text rendered, URIs kept.
import type { KasConfig } from "../config/schema";
import { renderHtml } from "./html";
import { decodeHeaderValue, decodeText, decodeTransfer, latin1, parseFields, parseParams, splitEntity } from "./mime";
import type { HeaderField, HtmlLink, MimePart, ParsedMessage } from "./types";
import { findUris } from "./uris";

/** Text collected into body/rawbody at most (the matcher looks at less; Bayes at less still). */
const MAX_TEXT = 2 * 1024 * 1024;
/** A single text part larger than this is rendered from its first MAX_PART_TEXT bytes only. */
const MAX_PART_TEXT = 1024 * 1024;
const MAX_URIS = 1000;

export type ScanLimits = Pick<KasConfig["scan"], "max_message_size" | "max_mime_parts" | "max_mime_depth">;

interface Entity {
  start: number;
  end: number;
  depth: number;
  /** Content type assumed when the entity has none (message/digest children: message/rfc822). */
  defaultType: string;
  /** Inside multipart/alternative: its text/plain sibling makes an HTML rendering redundant. */
  alternative?: AltGroup;
}
interface AltGroup {
  hasPlain: boolean;
}

export async function parseMessage(raw: Uint8Array, limits: ScanLimits): Promise<ParsedMessage> {
  return parseMessageSync(raw, limits);
}

export function parseMessageSync(raw: Uint8Array, limits: ScanLimits): ParsedMessage {
  const defects: string[] = [];
  let truncated = false;
  let buf = raw;
  if (raw.byteLength > limits.max_message_size) {
    buf = raw.subarray(0, limits.max_message_size);
    truncated = true;
    defects.push(`message of ${raw.byteLength} bytes: only the first ${limits.max_message_size} parsed (scan.max_message_size)`);
  }
  const top = splitEntity(buf, 0, buf.byteLength);
  const topFields = parseFields(latin1(buf.subarray(0, top.headerEnd)), defects);
  const headers: HeaderField[] = topFields.map((f) => ({ name: f.name, raw: f.raw, value: decodeHeaderValue(f.raw, defects) }));

  const parts: MimePart[] = [];
  const bodyText: string[] = [];
  const rawText: string[] = [];
  const links: HtmlLink[] = [];
  const uris = new Set<string>();
  let textBytes = 0;
  let hidden = 0;
  let visible = 0;
  const addUris = (list: Iterable<string>) => {
    for (const u of list) {
      if (uris.size >= MAX_URIS) return;
      uris.add(u);
    }
  };

  // Depth-first over entities with an explicit stack: no recursion, so nesting cannot blow
  // the call stack; max_mime_parts / max_mime_depth bound the work.
  const stack: Entity[] = [{ start: 0, end: buf.byteLength, depth: 0, defaultType: "text/plain" }];
  let first = true;
  while (stack.length) {
    const e = stack.pop()!;
    if (parts.length >= limits.max_mime_parts) {
      defects.push(`more than ${limits.max_mime_parts} MIME parts; the rest not parsed (scan.max_mime_parts)`);
      truncated = true;
      break;
    }
    const { headerEnd, bodyStart } = first ? top : splitEntity(buf, e.start, e.end);
    const fields = first ? topFields : parseFields(latin1(buf.subarray(e.start, headerEnd)), defects, 200);
    first = false;
    const field = (name: string) => fields.find((f) => f.name.toLowerCase() === name)?.raw;
    const ctRaw = field("content-type");
    const ct = parseParams(ctRaw ? decodeHeaderValue(ctRaw, defects) : e.defaultType);
    let type = ct.type;
    if (!/^[a-z0-9!#$&.+^_-]+\/[a-z0-9!#$&.+^_-]+$/.test(type)) {
      if (ctRaw) defects.push(`malformed Content-Type ${JSON.stringify(type.slice(0, 60))}`);
      type = "text/plain";
    }
    const cte = (field("content-transfer-encoding") ?? "").trim().toLowerCase();
    const dispo = parseParams(field("content-disposition") ?? "");
    const filename = dispo.params.filename ?? ct.params.name;
    const part: MimePart = { contentType: type, depth: e.depth, size: e.end - bodyStart };
    if (ct.params.charset) part.charset = ct.params.charset.toLowerCase();
    if (filename) part.filename = decodeHeaderValue(filename, defects);
    if (dispo.type === "attachment" || dispo.type === "inline") part.disposition = dispo.type;
    parts.push(part);

    if (type.startsWith("multipart/")) {
      const boundary = ct.params.boundary;
      if (!boundary) {
        defects.push(`${type} without a boundary`);
        continue;
      }
      if (e.depth + 1 > limits.max_mime_depth) {
        defects.push(`MIME nesting deeper than ${limits.max_mime_depth}; inner parts not parsed (scan.max_mime_depth)`);
        truncated = true;
        continue;
      }
      const children = splitMultipart(buf, bodyStart, e.end, boundary, defects);
      const alt = type === "multipart/alternative" ? { hasPlain: false } : undefined;
      const childType = type === "multipart/digest" ? "message/rfc822" : "text/plain";
      // Pushed in reverse so the stack pops them in document order.
      for (let k = children.length - 1; k >= 0; k--) stack.push({ ...children[k], depth: e.depth + 1, defaultType: childType, alternative: alt });
      continue;
    }
    if (type === "message/rfc822" || type === "message/global") {
      if (e.depth + 1 > limits.max_mime_depth) {
        defects.push(`MIME nesting deeper than ${limits.max_mime_depth}; inner parts not parsed (scan.max_mime_depth)`);
        truncated = true;
        continue;
      }
      // Encoded message/rfc822 is not allowed (RFC 2046 §5.2.1) but seen; it is then opaque.
      if (cte === "" || cte === "7bit" || cte === "8bit" || cte === "binary") stack.push({ start: bodyStart, end: e.end, depth: e.depth + 1, defaultType: "text/plain" });
      continue;
    }
    if (!type.startsWith("text/") || textBytes >= MAX_TEXT) continue;
    if (type !== "text/plain" && type !== "text/html" && type !== "text/enriched" && type !== "text/richtext") continue;
    let body = buf.subarray(bodyStart, e.end);
    if (body.byteLength > MAX_PART_TEXT * 2) {
      body = body.subarray(0, MAX_PART_TEXT * 2);
      defects.push("text part larger than 2 MiB: the rest not rendered");
      truncated = true;
    }
    const decoded = decodeTransfer(body, cte, defects);
    let text = decodeText(decoded.byteLength > MAX_PART_TEXT ? decoded.subarray(0, MAX_PART_TEXT) : decoded, part.charset, defects);
    part.size = decoded.byteLength;
    textBytes += text.length;
    rawText.push(text);
    if (type === "text/html") {
      const r = renderHtml(text);
      hidden += r.hiddenChars;
      visible += r.visibleChars;
      for (const l of r.links) if (links.length < MAX_URIS) links.push(l);
      addUris(r.uris);
      addUris(findUris(r.text));
      // In multipart/alternative the plain sibling already carries the words; the rendering
      // would count every word twice (Bayes) and double every `multiple` rule.
      if (e.alternative?.hasPlain) continue;
      text = r.text;
    } else {
      if (e.alternative) e.alternative.hasPlain = true;
      visible += text.length;
      addUris(findUris(text));
    }
    bodyText.push(text);
  }

  const subject = headers.find((h) => h.name.toLowerCase() === "subject")?.value ?? "";
  return {
    headers,
    body: [subject, ...bodyText].join("\n"),
    rawbody: rawText.join("\n"),
    full: latin1(buf),
    uris: [...uris],
    links,
    parts,
    htmlHiddenChars: hidden,
    htmlVisibleChars: visible,
    truncated,
    defects: [...new Set(defects)].slice(0, 50),
    size: raw.byteLength,
  };
}

/** RFC 2046 §5.1.1: parts between lines `--boundary`, closed by `--boundary--`. */
function splitMultipart(buf: Uint8Array, start: number, end: number, boundary: string, defects: string[]): { start: number; end: number }[] {
  const delim = Buffer.from("--" + boundary, "latin1");
  const out: { start: number; end: number }[] = [];
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  let pos = start;
  let partStart = -1;
  let closed = false;
  while (pos < end) {
    const at = b.indexOf(delim, pos);
    if (at < 0 || at >= end) break;
    const lineStart = at === start || buf[at - 1] === 0x0a;
    const c = buf[at + delim.length];
    // "--abc" must not match the line "--abcdef" of an inner part's longer boundary.
    const whole = at + delim.length >= end || c === 0x2d || c === 0x0d || c === 0x0a || c === 0x20 || c === 0x09;
    if (!lineStart || !whole) {
      pos = at + delim.length;
      continue;
    }
    // The line break before the delimiter belongs to the delimiter.
    let partEnd = at;
    if (partEnd > start && buf[partEnd - 1] === 0x0a) partEnd--;
    if (partEnd > start && buf[partEnd - 1] === 0x0d) partEnd--;
    const after = at + delim.length;
    const isClose = buf[after] === 0x2d && buf[after + 1] === 0x2d;
    if (partStart >= 0) out.push({ start: partStart, end: Math.max(partStart, partEnd) });
    const nl = b.indexOf(0x0a, after);
    const next = nl < 0 || nl >= end ? end : nl + 1;
    if (isClose) {
      closed = true;
      break;
    }
    partStart = next;
    pos = next;
  }
  if (!closed) {
    if (partStart >= 0) out.push({ start: partStart, end });
    defects.push(out.length ? "multipart without its closing boundary" : "multipart boundary never found");
  }
  return out;
}
