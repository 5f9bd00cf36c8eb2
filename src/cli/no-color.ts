// Imported first by main.ts: colour codes only on a terminal, so --help piped into a file or
// an MTA log stays plain text. (citty reads NO_COLOR when its modules load.) isatty(1), not
// process.stdout.isTTY: touching process.stdout builds Node's stream machinery, ~10 ms of CPU
// in every start of the binary (a `kas filter` per message writes through Bun.write instead).
import { isatty } from "node:tty";

if (!isatty(1) && process.env.FORCE_COLOR === undefined) process.env.NO_COLOR ??= "1";
