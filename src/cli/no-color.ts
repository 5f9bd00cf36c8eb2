// Imported first by main.ts: colour codes only on a terminal, so --help piped into a file or
// an MTA log stays plain text. (citty reads NO_COLOR when its modules load.)
import { stdoutIsTerminal } from "./terminal";

if (process.env.FORCE_COLOR === undefined && !(await stdoutIsTerminal())) process.env.NO_COLOR ??= "1";
