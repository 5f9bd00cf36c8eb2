// Is standard output a terminal? Asked at every start of the binary (cli/no-color.ts), so
// it must be cheap. Not process.stdout.isTTY: touching process.stdout builds Node's stream
// machinery, ~10 ms of CPU (a `kas filter` per message writes through Bun.write instead).
// Not node:tty's isatty either: loading node:tty (and node:net under it) costs a start
// ~9 ms of CPU and 330 page faults (measured 2026-12-03, a compiled program importing it).
// On Linux, fd 1's link under /proc names what it is: a pseudo-terminal (/dev/pts/N), a
// console or serial line (/dev/ttyX, /dev/console). Without /proc, node:tty answers.
import { existsSync, readlinkSync } from "node:fs";

export const TERMINAL = /^\/dev\/(?:pts\/\d+|tty\w*|console)$/;

export async function stdoutIsTerminal(): Promise<boolean> {
  try {
    return TERMINAL.test(readlinkSync("/proc/self/fd/1"));
  } catch {
    // With /proc there, fd 1 is closed: not a terminal.
    return existsSync("/proc/self/fd") ? false : (await import("node:tty")).isatty(1);
  }
}
