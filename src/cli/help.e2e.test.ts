// `kas … --help` through the compiled binary, for every command of the table: the USAGE line
// and the "Use … --help" line name the whole command from `kas` on (citty alone prints one
// parent level: "USAGE config check").
import { expect, test } from "bun:test";
import { commandTable } from "../testing/command-table";
import { runKas } from "../testing/kas-binary";

const visible = (await commandTable()).filter((e) => !e.path.some((w) => w.startsWith("_")));

test.each(visible.map((e) => [["kas", ...e.path].join(" "), e.path] as const))("%s --help: usage lines start with the full command", async (full, path) => {
  const r = await runKas([...path, "--help"]);
  expect(r.exitCode).toBe(0);
  const usage = r.text.split("\n").filter((l) => l.startsWith("USAGE") || l.startsWith("Use "));
  expect(usage.length).toBeGreaterThan(0);
  for (const line of usage) expect(line).toStartWith(line.startsWith("USAGE") ? `USAGE ${full}` : `Use ${full} <command> --help`);
  expect(r.text.split("\n")[0]).toContain(`(${full} v`);
});
