// Messages named on a command line (kas learn, and kas scan too): files, directories (recursively, in
// name order) and mbox files (split on "From " postmark lines). A file that does not start
// like a message (a header field or an mbox postmark) is reported as skipped, never fed to
// the classifier: a directory of mail often holds index or metadata files as well.
import { latin1 } from "../message/header-text";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { KasError, EXIT } from "../errors";

export interface MessageFile {
  /** File path, with "#N" (1-based) for the N-th message of an mbox. */
  label: string;
  raw: Uint8Array;
}

export interface Skipped {
  label: string;
  reason: string;
}

/** An mbox postmark: "From <sender> <asctime date>" (RFC 4155), not any line starting with "From ". */
const POSTMARK = /^From \S+ +(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) /;
/** Field names as mail software writes them (RFC 5322 allows more, but a "{" or "<" first means JSON or HTML). */
const HEADER_START = /^[A-Za-z0-9][A-Za-z0-9_-]*:/;

/** The paths named (whatever they are) and every regular file under the directories among them, in a stable order; a missing path is an error (exit 66). */
export function listFiles(paths: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (p: string, top: boolean) => {
    let st;
    try {
      st = statSync(p);
    } catch (e) {
      if (top) throw new KasError(`${p}: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file or directory" : String((e as Error).message)}`, EXIT.NOINPUT, "name existing files, directories or mbox files");
      return;
    }
    if (st.isDirectory()) for (const n of readdirSync(p).sort()) walk(join(p, n), false);
    // A path named on the command line is read whatever it is (a pipe from `<(…)`, /dev/stdin,
    // /dev/null: then "empty file"), never passed over in silence; inside a directory only
    // regular files count (no FIFO to block on, no socket).
    else if (st.isFile() || top) out.push(p);
  };
  for (const p of paths) walk(p, true);
  return out;
}

/** The messages of one file: one message, the messages of an mbox, or none; what was skipped, with why. */
export function readMessages(path: string): { messages: MessageFile[]; skipped: Skipped[] } {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    return { messages: [], skipped: [{ label: path, reason: `cannot read: ${(e as NodeJS.ErrnoException).code ?? e}` }] };
  }
  return splitMessages(path, bytes);
}

/** Every message of `files` in order (readMessages of each); `onFile` when a file is reached, `onSkip` for each file or mbox message that is not a message. */
export function* eachMessage(files: readonly string[], on: { onFile?: (path: string) => void; onSkip?: (s: Skipped) => void } = {}): Generator<MessageFile> {
  for (const f of files) {
    on.onFile?.(f);
    const { messages, skipped } = readMessages(f);
    for (const s of skipped) on.onSkip?.(s);
    yield* messages;
  }
}

export function splitMessages(path: string, bytes: Uint8Array): { messages: MessageFile[]; skipped: Skipped[] } {
  // latin1 maps bytes 1:1 to code units, so slicing the text slices the bytes.
  const text = latin1(bytes);
  const nl = text.indexOf("\n");
  const firstLine = nl < 0 ? text : text.slice(0, nl);
  if (POSTMARK.test(firstLine)) return splitMbox(path, text);
  if (bytes.length === 0) return { messages: [], skipped: [{ label: path, reason: "empty file" }] };
  if (!HEADER_START.test(firstLine)) return { messages: [], skipped: [{ label: path, reason: "does not start with a header field or an mbox From line: not a message" }] };
  return { messages: [{ label: path, raw: bytes }], skipped: [] };
}

function splitMbox(path: string, text: string): { messages: MessageFile[]; skipped: Skipped[] } {
  const lines = text.split("\n");
  const starts: number[] = [];
  for (let i = 0; i < lines.length; i++) {
    // A postmark starts a message only at the top or after an empty line (RFC 4155 §2).
    if (POSTMARK.test(lines[i]) && (i === 0 || lines[i - 1] === "" || lines[i - 1] === "\r")) starts.push(i);
  }
  const out: MessageFile[] = [];
  const skipped: Skipped[] = [];
  for (let k = 0; k < starts.length; k++) {
    const body = lines.slice(starts[k] + 1, k + 1 < starts.length ? starts[k + 1] : lines.length);
    // The empty line before the next postmark belongs to the mbox, not to the message.
    if (k + 1 < starts.length && body.length && (body[body.length - 1] === "" || body[body.length - 1] === "\r")) body.pop();
    // mboxrd: ">From " lines were escaped by one ">" on the way in.
    const msg = body.map((l) => (/^>+From /.test(l) ? l.slice(1) : l)).join("\n");
    const label = starts.length === 1 ? path : `${path}#${k + 1}`;
    // Judged like a file of its own: a postmark followed by nothing, or by text that is not a header.
    if (!/\S/.test(msg)) skipped.push({ label, reason: "empty message after the From line" });
    else if (!HEADER_START.test(msg)) skipped.push({ label, reason: "no header field after the From line: not a message" });
    else out.push({ label, raw: Buffer.from(msg, "latin1") });
  }
  return { messages: out, skipped };
}
