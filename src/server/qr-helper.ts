// The QR-code reader of a filtering process in a process of its own (`kas _qr`, cli/qr.ts).
// Reading a picture in the filtering process itself cost it 17 MB that stay for good (ZXing's
// WebAssembly compiled, its memory), and where the process keeps freed memory for reuse
// ([server] keep_freed_memory) 45 MB more once JavaScriptCore's optimizing WebAssembly
// compiler has run (measured 2026-12-03): a filtering process above its 150 MB goal for a
// few pictures a day. Here the reader starts on the first picture, answers over Bun's IPC
// channel (the same channel and serialization as the master's with its filtering processes,
// spawn.ts), and is stopped after IDLE_MS without one, giving all of that back; it returns
// freed memory to the kernel whatever the filtering process does (MIMALLOC_PURGE_DELAY is not
// passed on). A reader that does not answer in time is stopped (the scan goes on without the
// picture) and the next picture starts another; one that dies only costs that picture.
import type { Subprocess } from "bun";
import { decodeQr, type QrDecoder } from "../checks/qr";
import { PURGE_ENV } from "./allocator";
import { sendableBytes } from "./ipc";
import { selfCommand } from "./self-exec";

const IDLE_MS = 30_000;
/** A picture takes 1–70 ms to read; a start with the decoder's load ~150 ms. */
const ANSWER_MS = 2_000;

/** A filtering process → its reader. */
export interface QrAsk {
  id: number;
  picture: Uint8Array;
}
/** Its reader → the filtering process: the picture's QR texts, or why it could not be read. */
export interface QrAnswer {
  id: number;
  texts?: string[];
  error?: string;
}

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
  type Reader = { proc: Subprocess; answer?: (a: QrAnswer | Error) => void };
  let reader: Reader | undefined;
  let queue: Promise<unknown> = Promise.resolve();
  let idle: ReturnType<typeof setTimeout> | undefined;
  let seq = 0;
  const start = (): Reader => {
    const env: Record<string, string | undefined> = { ...process.env };
    delete env[PURGE_ENV];
    const r: Reader = {} as Reader;
    r.proc = Bun.spawn(opts.command ?? selfCommand(["_qr"]), {
      stdio: ["ignore", "ignore", "inherit"],
      env,
      serialization: "advanced",
      ipc: (m) => r.answer?.(m as QrAnswer),
      onExit: (_p, code, signal) => {
        if (reader === r) reader = undefined;
        r.answer?.(new Error(`the QR reader exited (${signal ?? code})`));
      },
    });
    return r;
  };
  const stop = (r = reader) => {
    if (!r) return;
    if (r === reader) reader = undefined;
    r.proc.kill("SIGKILL");
  };
  const once = async (picture: Uint8Array, untilMs?: number): Promise<string[]> => {
    clearTimeout(idle);
    const r = (reader ??= start());
    const id = ++seq;
    const wait = Math.max(0, Math.min(opts.answerMs ?? ANSWER_MS, (untilMs ?? Infinity) - performance.now()));
    let timer: ReturnType<typeof setTimeout> | undefined;
    let answer: QrAnswer;
    try {
      answer = await new Promise<QrAnswer>((resolve, reject) => {
        r.answer = (a) => (a instanceof Error ? reject(a) : a?.id === id && resolve(a));
        timer = setTimeout(() => reject(new Error(`the QR reader did not answer within ${Math.round(wait)} ms`)), wait);
        r.proc.send({ id, picture: sendableBytes(picture) } satisfies QrAsk);
      });
    } catch (e) {
      stop(r); // late, gone, or its channel closed: the next picture starts another
      throw e;
    } finally {
      clearTimeout(timer);
      r.answer = undefined;
      if (reader) {
        idle = setTimeout(() => stop(), opts.idleMs ?? IDLE_MS);
        idle.unref?.();
      }
    }
    if (answer.error !== undefined) throw new Error(String(answer.error)); // that picture only
    return Array.isArray(answer.texts) ? answer.texts.map(String) : [];
  };
  return {
    // One picture at a time: an answer is matched to its question by id all the same.
    decode: (picture, untilMs) => {
      const r = queue.then(() => once(picture, untilMs));
      queue = r.catch(() => {});
      return r;
    },
    pid: () => reader?.proc.pid,
    close: () => {
      clearTimeout(idle);
      stop();
    },
  };
}

/** The reader's side (`kas _qr`): the answer to one message of its filtering process. */
export async function answerQr(m: unknown, decode: QrDecoder = decodeQr): Promise<QrAnswer> {
  const ask = m as Partial<QrAsk> | null;
  const id = typeof ask?.id === "number" ? ask.id : -1;
  if (!(ask?.picture instanceof Uint8Array)) return { id, error: "not a picture" };
  try {
    return { id, texts: await decode(ask.picture) };
  } catch (e) {
    return { id, error: (e as Error).message ?? String(e) };
  }
}
