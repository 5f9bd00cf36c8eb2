import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, chmodSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseConfig } from "../config/load";
import { backupName, checkConfigText, lineDiff, writeConfigFile } from "./settings";

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

test("the checker's verdict is the loader's message, file:line: key: reason, every problem at once", () => {
  const text = `[policy]\nspam_score = "high"\n[server]\nmax_filters = 0\n`;
  let want = "";
  try {
    parseConfig(text, "/etc/kas/kas.toml");
  } catch (e) {
    want = (e as Error).message;
  }
  const r = checkConfigText(text, "/etc/kas/kas.toml");
  expect(r).toEqual({ ok: false, message: want });
  expect(want).toContain("/etc/kas/kas.toml:2: policy.spam_score");
  expect(want).toContain("/etc/kas/kas.toml:4: server.max_filters");
  expect(checkConfigText("[policy]\nspam_score = 6\n", "k.toml")).toEqual({ ok: true });
});

test("lineDiff: changed lines with 3 lines of context, gaps marked; no change = empty", () => {
  const a = Array.from({ length: 20 }, (_, i) => `k${i} = ${i}`).join("\n");
  const b = a.replace("k10 = 10", "k10 = 11");
  expect(lineDiff(a, b)).toEqual([
    { op: " ", text: "…" },
    ...[7, 8, 9].map((i) => ({ op: " ", text: `k${i} = ${i}` })),
    { op: "-", text: "k10 = 10" },
    { op: "+", text: "k10 = 11" },
    ...[11, 12, 13].map((i) => ({ op: " ", text: `k${i} = ${i}` })),
    { op: " ", text: "…" },
  ]);
  expect(lineDiff(a, a)).toEqual([]);
  expect(lineDiff("", "x = 1")).toEqual([{ op: "-", text: "" }, { op: "+", text: "x = 1" }]);
});

test("writeConfigFile keeps a dated backup and the file's mode", () => {
  const dir = mkdtempSync(join(tmpdir(), "kas-settings-"));
  dirs.push(dir);
  const file = join(dir, "kas.toml");
  writeFileSync(file, "old = 1\n");
  chmodSync(file, 0o640);
  const now = new Date(Date.UTC(2030, 4, 15, 10, 30, 5, 123));
  const backup = writeConfigFile(file, "new = 2\n", now);
  expect(backup).toBe(`${file}.2030-05-15T10-30-05Z.bak`);
  expect(backup).toBe(backupName(file, now));
  expect(readFileSync(backup, "utf8")).toBe("old = 1\n");
  expect(readFileSync(file, "utf8")).toBe("new = 2\n");
  expect(statSync(file).mode & 0o777).toBe(0o640);
  expect(readdirSync(dir).sort()).toEqual(["kas.toml", "kas.toml.2030-05-15T10-30-05Z.bak"]);
});
