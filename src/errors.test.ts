import { expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import { ConfigError, errnoText } from "./errors";

test("errnoText does not repeat the code a Node/Bun errno message already starts with", () => {
  let real: unknown;
  try {
    mkdirSync("/proc/self/no/such/dir");
  } catch (e) {
    real = e;
  }
  expect(errnoText(real)).toMatch(/^ENOENT: no such file or directory, mkdir/);
  const bare = Object.assign(new Error("attempt to write a readonly database"), { code: "SQLITE_READONLY" });
  expect(errnoText(bare)).toBe("SQLITE_READONLY: attempt to write a readonly database");
  expect(errnoText(new Error("plain"))).toBe("plain");
});

test("ConfigError.of: one problem reads as the single-error form; several are listed under the file", () => {
  expect(ConfigError.of("k.toml", [{ keyPath: "a", line: 2, reason: "bad" }]).message).toBe("k.toml:2: a: bad");
  const e = ConfigError.of("k.toml", [{ keyPath: "b", line: 9, reason: "worse" }, { reason: "no line" }, { keyPath: "a", line: 2, reason: "bad" }]);
  expect(e.message).toBe("k.toml: 3 errors:\n  k.toml:2: a: bad\n  k.toml:9: b: worse\n  k.toml: no line");
  expect(e.exitCode).toBe(78);
});
