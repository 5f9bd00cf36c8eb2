// `kas filter … -- COMMAND…`: the filtered message is piped into COMMAND (usually
// `/usr/sbin/sendmail -G -i -f SENDER -- RECIPIENT…`, Postfix FILTER_README's "simple content
// filter"), kas waits for it and exits with its status, as `spamc -e` does. Postfix pipe(8)
// is a delivery agent: it does not read the command's stdout, so a filter that prints the
// message loses it; the message must be handed back to the MTA by the filter itself.
// Anything kas cannot do here (start the command, see it end normally) is EX_TEMPFAIL: the
// message stays in the MTA's queue and is retried, it is never bounced for a fault of ours.
// This is the one process a client starts (DESIGN.md §4 keeps spawning in server/ otherwise;
// src/architecture.test.ts names this file as the exception).
import { EXIT } from "../errors";

export interface ReinjectLog {
  error(msg: string, ...a: unknown[]): void;
}

/** Runs `command` with `message` on its stdin (stdout and stderr are kas's own); returns the exit code kas must end with. */
export async function pipeInto(command: readonly string[], message: Uint8Array, log: ReinjectLog): Promise<number> {
  let proc: ReturnType<typeof Bun.spawn>;
  try {
    proc = Bun.spawn([...command], { stdin: message, stdout: "inherit", stderr: "inherit" });
  } catch (e) {
    log.error("cannot run the re-injection command %s: %s: message deferred", command[0], e instanceof Error ? e.message : String(e));
    return EXIT.TEMPFAIL;
  }
  const code = await proc.exited;
  if (proc.signalCode) {
    log.error("the re-injection command %s was killed by %s: message deferred", command[0], proc.signalCode);
    return EXIT.TEMPFAIL;
  }
  if (code !== 0) log.error("the re-injection command %s exited %d", command[0], code);
  return code;
}
