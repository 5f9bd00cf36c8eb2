// Writing to a raw socket of a door (milter, spamd, Rspamd, the native HTTP door): Bun's
// socket.write may take only part of the bytes when the kernel buffer is full; the rest waits
// in a backlog, in order, and goes out on the socket's `drain` event. Written once for every door.

/** Writes `bytes` now, or behind what is already waiting. */
export function writeOrQueue(s: { write(b: Uint8Array): number }, backlog: Uint8Array[], bytes: Uint8Array): void {
  if (backlog.length) return void backlog.push(bytes);
  const n = s.write(bytes);
  if (n < bytes.byteLength) backlog.push(bytes.subarray(Math.max(0, n)));
}

/** Writes what waits (on `drain`); true when nothing is left. */
export function flushBacklog(s: { write(b: Uint8Array): number }, backlog: Uint8Array[]): boolean {
  while (backlog.length) {
    const b = backlog[0];
    const n = s.write(b);
    if (n >= b.byteLength) backlog.shift();
    else {
      backlog[0] = b.subarray(Math.max(0, n));
      return false;
    }
  }
  return true;
}
