// The QR-code reader of a filtering process in a process of its own (`kas _qr`, cli/qr.ts).
// Reading a picture in the filtering process itself cost it 17 MB that stay for good (ZXing's
// WebAssembly compiled, its memory), and where the process keeps freed memory for reuse
// ([server] keep_freed_memory) 45 MB more once JavaScriptCore's optimizing WebAssembly
// compiler has run (measured 2026-12-03): a filtering process above its 150 MB goal for a
// few pictures a day. Here the reader starts on the first picture, answers over a pipe, and
// exits after IDLE_MS without one, giving all of that back; it returns freed memory to the
// kernel whatever the filtering process does (MIMALLOC_PURGE_DELAY is not passed on). A
// reader that does not answer in time is killed (the scan goes on without the picture) and
// the next picture starts another; one that dies only costs that picture.
// Framing (stdin → reader): a 4-byte big-endian length, then the picture's bytes; (reader →
// stdout) one JSON line per picture: {"texts":[...]} or {"error":"..."}.
import { decodeQr, type QrDecoder } from "../checks/qr";
import { PURGE_ENV } from "./allocator";
import { selfCommand } from "./self-exec";

const IDLE_MS = 30_000;
/** A picture takes 1–70 ms to read; a start with the decoder's load ~150 ms. */
const ANSWER_MS = 2_000;
/** Pictures come at most 512 KB (checks/qr.ts); a larger frame is a broken peer. */
const MAX_FRAME = 4 * 1024 * 1024;
const MAX_LINE = 64 * 1024;

export interface QrHelperOptions {
  /** argv of the reader (default: this kas binary's `_qr`). */
  command?: string[];
  idleMs?: number;
  answerMs?: number;
}

export interface QrHelper {
  decode: QrDecoder;
  /** The reader's pid while it runs (tests). */
  pid(): number | undefined;
  close(): void;
}

export function qrHelper(opts: QrHelperOptions = {}): QrHelper {
  type Child = { proc: ReturnType<typeof spawn>; next: () => Promise<string | undefined> };
  let child: Child | undefined;
  let queue: Promise<unknown> = Promise.resolve();
  let idle: ReturnType<typeof setTimeout> | undefined;
  const spawn = () => {
    const env: Record<string, string | undefined> = { ...process.env };
    delete env[PURGE_ENV];
    return Bun.spawn(opts.command ?? selfCommand(["_qr"]), { stdin: "pipe", stdout: "pipe", stderr: "inherit", env });
  };
  const stop = (c = child) => {
    if (!c) return;
    if (c === child) child = undefined;
    try {
      c.proc.stdin.end();
    } catch {
      // already closed: it is gone
    }
    setTimeout(() => c.proc.kill("SIGKILL"), 1000).unref?.();
  };
  const once = async (picture: Uint8Array, untilMs?: number): Promise<string[]> => {
    clearTimeout(idle);
    if (!child) {
      const proc = spawn();
      child = { proc, next: lines(proc.stdout) };
    }
    const c = child;
    try {
      const frame = new Uint8Array(4 + picture.byteLength);
      new DataView(frame.buffer).setUint32(0, picture.byteLength);
      frame.set(picture, 4);
      c.proc.stdin.write(frame);
      await c.proc.stdin.flush();
      const wait = Math.max(0, Math.min(opts.answerMs ?? ANSWER_MS, (untilMs ?? Infinity) - performance.now()));
      let timer: ReturnType<typeof setTimeout> | undefined;
      const line = await Promise.race([c.next(), new Promise<"timeout">((r) => (timer = setTimeout(() => r("timeout"), wait)))]);
      clearTimeout(timer);
      if (line === "timeout") {
        stop(c);
        throw new Error(`the QR reader did not answer within ${Math.round(wait)} ms`);
      }
      if (line === undefined) {
        stop(c);
        throw new Error(`the QR reader exited (${c.proc.exitCode ?? c.proc.signalCode ?? "closed its output"})`);
      }
      let a: { texts?: unknown; error?: unknown };
      try {
        a = JSON.parse(line);
      } catch {
        stop(c); // not our framing: a broken reader
        throw new Error(`the QR reader answered ${JSON.stringify(line.slice(0, 80))}`);
      }
      if (a.error !== undefined) throw new Error(String(a.error)); // that picture only
      return Array.isArray(a.texts) ? a.texts.map(String) : [];
    } catch (e) {
      // A failed write: the reader is gone.
      if ((e as NodeJS.ErrnoException).code) stop(c);
      throw e;
    } finally {
      if (child) {
        idle = setTimeout(() => stop(), opts.idleMs ?? IDLE_MS);
        idle.unref?.();
      }
    }
  };
  return {
    // One picture at a time: the reader answers in order.
    decode: (picture, untilMs) => {
      const r = queue.then(() => once(picture, untilMs));
      queue = r.catch(() => {});
      return r;
    },
    pid: () => child?.proc.pid,
    close: () => {
      clearTimeout(idle);
      stop();
    },
  };
}

/** Successive lines of a byte stream; undefined at its end (or past a line of MAX_LINE). */
function lines(stream: ReadableStream<Uint8Array>): () => Promise<string | undefined> {
  const reader = stream.getReader();
  const dec = new TextDecoder();
  let buf = "";
  return async () => {
    for (;;) {
      const nl = buf.indexOf("\n");
      if (nl >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        return line;
      }
      if (buf.length > MAX_LINE) return undefined;
      const { value, done } = await reader.read();
      if (done) return undefined;
      buf += dec.decode(value, { stream: true });
    }
  };
}

/** The reader's side (`kas _qr`): frames from `input`, one answer line each through `write`, until the input ends. */
export async function serveQrRequests(input: ReadableStream<Uint8Array>, write: (line: string) => unknown, decode: QrDecoder = decodeQr): Promise<void> {
  let buf = new Uint8Array(0);
  for await (const chunk of input) {
    const joined = new Uint8Array(buf.byteLength + chunk.byteLength);
    joined.set(buf);
    joined.set(chunk, buf.byteLength);
    buf = joined;
    while (buf.byteLength >= 4) {
      const len = new DataView(buf.buffer, buf.byteOffset).getUint32(0);
      if (len > MAX_FRAME) {
        await write(`${JSON.stringify({ error: `a frame of ${len} bytes is over ${MAX_FRAME}` })}\n`);
        return;
      }
      if (buf.byteLength < 4 + len) break;
      const picture = buf.slice(4, 4 + len);
      buf = buf.slice(4 + len);
      let answer: { texts?: string[]; error?: string };
      try {
        answer = { texts: await decode(picture) };
      } catch (e) {
        answer = { error: (e as Error).message ?? String(e) };
      }
      await write(`${JSON.stringify(answer)}\n`);
    }
  }
}
