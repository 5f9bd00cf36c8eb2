// The message on standard input, for `kas filter` (client mode and --local).
// Read with read(2) on this thread: Bun.stdin.bytes() first starts Bun's asynchronous file
// I/O (a thread pool), which cost a start of the compiled binary ~3.5 ms of CPU against 0.4
// for a 300-byte message (measured 2026-12-03), once per message in an MTA pipeline.
// A parent may hand over a non-blocking pipe (O_NONBLOCK set on its end: read(2) answers
// EAGAIN while it has not written yet); then what was read so far is kept and the rest comes
// through Bun.stdin, which waits for it, so no byte is lost or read twice.
import { readSync } from "node:fs";
import { EXIT, KasError } from "../errors";

const FIRST_CHUNK = 64 * 1024;
const MAX_CHUNK = 4 * 1024 * 1024;

/** All of stdin; a read error is a KasError (75: the MTA keeps the message and tries again). */
export async function readStdin(read: (buf: Buffer) => number = (buf) => readSync(0, buf, 0, buf.length, null), rest: () => Promise<Uint8Array> = () => Bun.stdin.bytes()): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let size = FIRST_CHUNK;
  try {
    for (;;) {
      const buf = Buffer.allocUnsafe(size);
      let n: number;
      try {
        n = read(buf);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === "EINTR") continue; // a signal arrived first: nothing was read, ask again
        if (code !== "EAGAIN") throw e;
        parts.push(await rest());
        break;
      }
      if (n === 0) break;
      parts.push(buf.subarray(0, n));
      if (n === size) size = Math.min(size * 2, MAX_CHUNK);
    }
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    throw new KasError(`could not read the message from standard input (${why}): not filtered, try again`, EXIT.TEMPFAIL, "kas filter reads the message on standard input: give it a file or a pipe");
  }
  return parts.length === 1 ? parts[0] : Buffer.concat(parts);
}
