// Colour codes only on a terminal (cli/no-color.ts), with the compiled binary: its stdout on a
// real pseudo-terminal (util-linux `script` allocates one), into a pipe, into a file.
import { afterAll, expect, test } from "bun:test";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { kasBinary, tempDir } from "../testing/kas-binary";
import { TERMINAL } from "./terminal";

const ESC = "\x1b[";
const dir = tempDir("kas-color-");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// citty also turns colour off for CI, TEST and TERM=dumb (a CI runner sets CI=true).
const env = (extra: Record<string, string> = {}) => {
  const e = { ...process.env } as Record<string, string>;
  for (const k of ["NO_COLOR", "FORCE_COLOR", "CI", "TEST"]) delete e[k];
  return { ...e, KAS_CONFIG: "", TERM: "xterm", ...extra };
};

/** `kas --help` with stdout on a pseudo-terminal; what the terminal showed. */
async function onTerminal(extra: Record<string, string> = {}): Promise<string> {
  const p = Bun.spawn(["script", "-qec", `${kasBinary()} --help`, "/dev/null"], { env: env(extra), stdout: "pipe", stderr: "pipe", stdin: "ignore" });
  const out = await new Response(p.stdout).text();
  expect(await p.exited).toBe(0);
  return out;
}

test("on a terminal --help is in colour; NO_COLOR turns it off", async () => {
  expect(await onTerminal()).toContain(ESC);
  expect(await onTerminal({ NO_COLOR: "1" })).not.toContain(ESC);
});

test("into a pipe or a file --help is plain text, unless FORCE_COLOR asks", async () => {
  const piped = Bun.spawnSync([kasBinary(), "--help"], { env: env() });
  expect(piped.exitCode).toBe(0);
  expect(piped.stdout.toString()).toContain("USAGE");
  expect(piped.stdout.toString()).not.toContain(ESC);
  const file = join(dir, "help.txt");
  const toFile = Bun.spawnSync(["sh", "-c", `"$0" --help > "$1"`, kasBinary(), file], { env: env() });
  expect(toFile.exitCode).toBe(0);
  expect(readFileSync(file, "utf8")).not.toContain(ESC);
  const forced = Bun.spawnSync([kasBinary(), "--help"], { env: env({ FORCE_COLOR: "1" }) });
  expect(forced.stdout.toString()).toContain(ESC);
});

test("the names fd 1 has on Linux when it is a terminal", () => {
  for (const t of ["/dev/pts/0", "/dev/pts/17", "/dev/tty1", "/dev/ttyS0", "/dev/ttyUSB0", "/dev/console"]) expect(t).toMatch(TERMINAL);
  for (const t of ["/dev/null", "pipe:[1234]", "socket:[99]", "/tmp/out.txt", "/dev/pts/", "/dev/ptmx"]) expect(t).not.toMatch(TERMINAL);
});
