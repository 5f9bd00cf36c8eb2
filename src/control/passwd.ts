// The administrator password of the Control Center: read it (twice, without echo, on a
// terminal; the first line of stdin otherwise, for scripts), hash it with argon2id
// (Bun.password: memory-hard, the OWASP first choice), and either print the config line or
// write the hash to a file the server reads at each login.
import { writeFileAtomic } from "../atomic-write";
import { StateError, UsageError } from "../errors";

export const MIN_PASSWORD = 10;

/** One line typed on a terminal without echo (raw mode); Ctrl-C / Ctrl-D abort. */
export async function readHidden(prompt: string, input: NodeJS.ReadStream = process.stdin, out: NodeJS.WriteStream = process.stderr): Promise<string> {
  out.write(prompt);
  input.setRawMode(true);
  input.resume();
  try {
    return await new Promise<string>((resolve, reject) => {
      let text = "";
      const onData = (chunk: Buffer) => {
        for (const ch of chunk.toString("utf8")) {
          if (ch === "\r" || ch === "\n") {
            input.off("data", onData);
            return resolve(text);
          }
          if (ch === "\u0003" || ch === "\u0004") {
            input.off("data", onData);
            return reject(new UsageError("aborted: no password set"));
          }
          if (ch === "\u007f" || ch === "\b") text = [...text].slice(0, -1).join("");
          else if (ch >= " ") text += ch;
        }
      };
      input.on("data", onData);
    });
  } finally {
    input.setRawMode(false);
    input.pause();
    out.write("\n");
  }
}

export async function readNewPassword(): Promise<string> {
  let pw: string;
  if (process.stdin.isTTY) {
    pw = await readHidden("New Control Center password: ");
    const again = await readHidden("Again: ");
    if (pw !== again) throw new UsageError("the two passwords differ: nothing was changed", "run kas control passwd again");
  } else {
    pw = (await Bun.stdin.text()).split(/\r?\n/)[0];
  }
  if ([...pw].length < MIN_PASSWORD) throw new UsageError(`the password must have at least ${MIN_PASSWORD} characters (got ${[...pw].length}): nothing was changed`, "choose a longer one (a passphrase of several words is easy to type and hard to guess)");
  return pw;
}

export const hashPassword = (pw: string) => Bun.password.hash(pw, { algorithm: "argon2id" });

/** Writes the hash to `file` (mode 0600, atomically: a login never reads half a hash). */
export function writeHashFile(file: string, hash: string): void {
  try {
    writeFileAtomic(file, hash + "\n", { mode: 0o600 });
  } catch (e) {
    throw new StateError(`cannot write ${file}: ${(e as Error).message}`, "run as a user who may write there (the server's user must be able to read it)");
  }
}
