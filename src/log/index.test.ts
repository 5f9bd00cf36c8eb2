import { afterEach, expect, test } from "bun:test";
import { configureLog, logger } from "./index";

const lines: string[] = [];
afterEach(() => {
  lines.length = 0;
  configureLog({ level: "info", format: "text", sink: (l) => process.stderr.write(l + "\n") });
});

test.each([
  ["text", /^\d{4}-\d\d-\d\dT\S+ warn  \[master\] pool is full: 3 busy$/],
  ["json", /^\{"time":"[^"]+","level":"warn","tag":"master","pid":\d+,"msg":"pool is full: 3 busy"\}$/],
  ["syslog", /^<20>kas\[\d+\]: \[master\] pool is full: 3 busy$/],
] as const)("format %s renders tagged lines", (format, re) => {
  configureLog({ format, sink: (l) => lines.push(l) });
  logger("master").warn("pool is full: %d busy", 3);
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(re);
});

test("level filters out less severe lines", () => {
  configureLog({ level: "warn", sink: (l) => lines.push(l) });
  const log = logger("t");
  log.info("hidden");
  log.debug("hidden");
  log.error("shown");
  expect(lines).toHaveLength(1);
  expect(lines[0]).toContain("shown");
});

test.each(["text", "json", "syslog"] as const)("format %s: a client's CR/LF cannot start a forged line (log injection)", (format) => {
  configureLog({ format, sink: (l) => lines.push(l) });
  const from = "a\n2026-12-02T00:00:00.000Z info  [scan] id=FORGED status=not_detected\r\x1b[2J\u2028x";
  logger("scan").info(`id=1 from=<${from}> status=spam`);
  logger("scan").warn("from %s", from);
  expect(lines).toHaveLength(2);
  for (const l of lines) {
    expect(l).not.toMatch(/[\n\r\x1b\u2028]/);
    expect(format === "json" ? JSON.parse(l).msg : l).toContain("a\\n2026-12-02T00:00:00.000Z info  [scan] id=FORGED status=not_detected\\r\\x1b[2J\\u2028x");
  }
});
