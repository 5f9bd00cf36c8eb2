// Test-only: every command of the command table (src/cli/index.ts) with its path, lazy
// subcommands resolved, for tests that must hold for all commands (help text, option names).
// Never imported by production code.
import type { CommandDef } from "citty";
import { root } from "../cli/index";

export interface TableEntry {
  /** Words after `kas`, e.g. ["license-check", "issue"]; [] is kas itself. */
  path: string[];
  cmd: CommandDef<any>;
}

const value = async <T>(v: T | (() => T | Promise<T>)): Promise<T> => (typeof v === "function" ? await (v as () => T | Promise<T>)() : v);

export async function commandTable(cmd: CommandDef<any> = root, path: string[] = []): Promise<TableEntry[]> {
  const out: TableEntry[] = [{ path, cmd }];
  for (const [name, sub] of Object.entries((await value(cmd.subCommands)) ?? {})) {
    out.push(...(await commandTable((await value(sub)) as CommandDef<any>, [...path, name])));
  }
  return out;
}
