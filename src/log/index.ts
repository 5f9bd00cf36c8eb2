// Tagged loggers over consola. Every line goes to stderr (stdout carries messages and JSON)
// and has a tag naming its subsystem; scan lines carry the message id in their text.
// Formats: text (default), json (one object per line), syslog (<pri>kas[pid]: [tag] msg).
// One record is one line, always: control characters in a message (a client's envelope in a
// scan line, an error's text) are escaped here, the one place every logger goes through, so no
// client can write a forged line into the log.
// consola/core, not "consola": the full entry creates a default logger when it loads, which
// opens process.stdout and process.stderr (Node's stream machinery: ~7 ms of CPU in every start
// of a `kas filter` pipe client) for reporters we replace anyway.
import { createConsola, type ConsolaInstance, type LogObject } from "consola/core";
import { escapeControls } from "../escape";

// node:util is loaded when the first line is written, not with this module: in a compiled
// test program its formatter cost a start ~6 ms of CPU and ~250 page faults (2026-12-04), and a
// `kas filter` pipe client that delivers its message logs nothing.
let util: typeof import("node:util") | undefined;
const formatArgs = (args: unknown[]) => (util ??= require("node:util") as typeof import("node:util")).formatWithOptions({ breakLength: Infinity }, ...args);

export type LogFormat = "text" | "json" | "syslog";
export type LogLevelName = "debug" | "info" | "warn" | "error";

// consola levels: 0 error/fatal, 1 warn, 2 log, 3 info/success, 4 debug, 5 trace.
const LEVELS: Record<LogLevelName, number> = { error: 0, warn: 1, info: 3, debug: 4 };
// syslog severities (RFC 5424 §6.2.1) with facility mail (2): pri = 2*8 + severity.
const SYSLOG_SEVERITY = (level: number) => (level <= 0 ? 3 : level === 1 ? 4 : level <= 3 ? 6 : 7);

let format: LogFormat = "text";
let sink: (line: string) => void = (line) => process.stderr.write(line + "\n");

const root: ConsolaInstance = createConsola({
  level: LEVELS.info,
  reporters: [{ log: (obj: LogObject) => sink(render(obj)) }],
});

function render(obj: LogObject): string {
  const msg = escapeControls(formatArgs(obj.args));
  const level = obj.type === "success" ? "info" : obj.type;
  switch (format) {
    case "json":
      return JSON.stringify({ time: obj.date.toISOString(), level, tag: obj.tag, pid: process.pid, msg });
    case "syslog":
      return `<${16 + SYSLOG_SEVERITY(obj.level)}>kas[${process.pid}]: [${obj.tag}] ${msg}`;
    default:
      return `${obj.date.toISOString()} ${level.padEnd(5)} [${obj.tag}] ${msg}`;
  }
}

/** Configure the process-wide log output (called once from the CLI after config loads). */
export function configureLog(opts: { level?: LogLevelName; format?: LogFormat; sink?: (line: string) => void }): void {
  if (opts.level) root.level = LEVELS[opts.level];
  if (opts.format) format = opts.format;
  if (opts.sink) sink = opts.sink;
}

/** A logger whose every line carries `tag` (e.g. "master", "worker", "filter", "update"). */
export function logger(tag: string): ConsolaInstance {
  return root.withTag(tag);
}
