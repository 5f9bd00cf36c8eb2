// Option names as users type them: every command's --help shows kebab-case (--max-addresses,
// as the README and the hints say), and that spelling reaches the code that reads the
// camelCase property. Walks the whole command table, so a new camelCase option fails here.
import { expect, spyOn, test } from "bun:test";
import { parseArgs, renderUsage, runCommand, type ArgsDef } from "citty";
import { commandTable } from "../testing/command-table";
import { defineCommand } from "citty";
import { isKasCommand, kasCommand, rejectUnknownFlags } from "./command";

const table = await commandTable();
const camel = (s: string) => s.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

test("the command table is walked (subcommands included)", () => {
  const paths = table.map((e) => e.path.join(" "));
  expect(paths).toContain("license-check issue");
  expect(paths).toContain("config check");
  expect(paths.length).toBeGreaterThan(15);
});

test.each(table.map((e) => [e.path.join(" ") || "kas", e] as const))("%s: --help shows no camelCase option", async (_, { cmd }) => {
  const usage = (await renderUsage(cmd)).replace(/\x1b\[[0-9;]*m/g, "");
  expect(usage.match(/--[a-z0-9-]*[A-Z][A-Za-z0-9-]*/g) ?? []).toEqual([]);
  for (const [name, d] of Object.entries((cmd.args ?? {}) as ArgsDef)) if (d.type !== "positional") expect(name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
});

test.each(table.filter((e) => Object.values(e.cmd.args ?? {}).some((d: any) => d.type !== "positional")).map((e) => [e.path.join(" "), e] as const))(
  "%s: every option is accepted in kebab-case and read under its camelCase name",
  async (_, { cmd }) => {
    const args = (cmd.args ?? {}) as ArgsDef;
    for (const [name, d] of Object.entries(args)) {
      if (d.type === "positional") continue;
      const raw = d.type === "boolean" ? [`--${name}`] : [`--${name}`, "v1"];
      expect(() => rejectUnknownFlags(raw, args)).not.toThrow();
      // Placeholders for required positionals (rules compile DIR), after the option.
      expect(parseArgs([...raw, "p1", "p2"], args)[camel(name)]).toBe(d.type === "boolean" ? true : "v1");
    }
  },
);

test("every command in the table, hidden ones (_worker) included, is built by kasCommand: normal JIT policy, strict flags", () => {
  const paths = table.map((e) => e.path.join(" "));
  expect(paths).toContain("_worker");
  expect(table.filter((e) => !isKasCommand(e.cmd)).map((e) => e.path.join(" "))).toEqual([]);
  expect(isKasCommand(defineCommand({ meta: { name: "plain" }, run() {} }))).toBe(false);
});

test("license-check issue: --max-addresses, not --maxAddresses", async () => {
  const issue = table.find((e) => e.path.join(" ") === "license-check issue")!.cmd;
  const usage = await renderUsage(issue);
  expect(usage).toContain("--max-addresses=<N>");
  expect(parseArgs(["--max-addresses", "50"], issue.args as ArgsDef).maxAddresses).toBe("50");
});

// The binary starts with raised JIT thresholds (build.ts); a long-running command that kept
// them would reach compiled code ten times later.
test("a command runs with the normal JIT policy, set before its run; keepStartupJit keeps the start-up one", async () => {
  const spy = spyOn(Bun.unsafe, "setJITPolicy");
  try {
    let before = -1;
    await runCommand(kasCommand({ name: "t", description: "t", run: () => void (before = spy.mock.calls.length) }), { rawArgs: [] });
    expect(spy.mock.calls).toEqual([[1]]);
    expect(before).toBe(1);
    spy.mockClear();
    await runCommand(kasCommand({ name: "t", description: "t", keepStartupJit: true, run: () => {} }), { rawArgs: [] });
    expect(spy.mock.calls).toEqual([]);
  } finally {
    spy.mockRestore();
  }
});
