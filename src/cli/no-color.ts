// Imported first by main.ts: colour codes only on a terminal, so --help piped into a file or
// an MTA log stays plain text. (citty reads NO_COLOR when its modules load.)
if (!process.stdout.isTTY && process.env.FORCE_COLOR === undefined) process.env.NO_COLOR ??= "1";
