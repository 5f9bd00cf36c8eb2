// The one way kas starts another copy of itself (filtering processes). Inside the compiled
// binary process.execPath is the kas executable and Bun.main a virtual /$bunfs/ path, so the
// subcommand follows the executable directly; run from source (`bun src/main.ts`) execPath
// is bun itself and the script path must be passed too.

/** True inside `bun build --compile` output (the entry lives in Bun's embedded filesystem). */
export function isCompiled(main = Bun.main): boolean {
  return main.startsWith("/$bunfs/") || /^[A-Za-z]:[\\/]~BUN[\\/]/.test(main);
}

/** argv that runs `kas <args...>` with the same binary / script as this process. */
export function selfCommand(args: string[], main = Bun.main, execPath = process.execPath): string[] {
  return isCompiled(main) ? [execPath, ...args] : [execPath, main, ...args];
}
