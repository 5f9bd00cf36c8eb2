// The error boundary of the CLI (cli/fail.ts says how each failure ends; `kas filter`'s quick
// start, cli/filter-quick.ts, ends its failures the same way without citty).
import { runCommand, showUsage, type CommandDef } from "citty";
import { EXIT } from "../errors";
import { endOnClosedStdout, renderExitCodes } from "./command";
import { exitOnError } from "./fail";

export async function runCli(root: CommandDef<any>, rawArgs = process.argv.slice(2)): Promise<never> {
  try {
    // Words after `--` belong to another program (kas filter's re-injection command).
    const own = rawArgs.includes("--") ? rawArgs.slice(0, rawArgs.indexOf("--")) : rawArgs;
    if (rawArgs.length === 0 || own.includes("--help") || own.includes("-h")) {
      endOnClosedStdout();
      const [cmd, parent] = await resolve(root, rawArgs);
      await showUsage(cmd, parent);
      process.stdout.write(renderExitCodes(cmd));
      process.exit(rawArgs.length === 0 ? EXIT.USAGE : EXIT.OK);
    }
    if (rawArgs.length === 1 && (rawArgs[0] === "--version" || rawArgs[0] === "-v")) {
      const meta = await (typeof root.meta === "function" ? root.meta() : root.meta);
      console.log(meta?.version ?? "unknown");
      process.exit(EXIT.OK);
    }
    await runCommand(root, { rawArgs });
    process.exit(Number(process.exitCode ?? EXIT.OK));
  } catch (e) {
    exitOnError(e);
  }
}

/**
 * Find the (sub)command the args name, for --help (subcommands may be lazy). citty prints
 * "USAGE <parent name> <name>", one level up only: the parent handed to it is named by the
 * whole path ("kas config") so `kas config check --help` reads "USAGE kas config check".
 */
async function resolve(cmd: CommandDef<any>, rawArgs: string[], path: string[] = [], version?: string): Promise<[CommandDef<any>, CommandDef<any> | undefined]> {
  const meta = await value(cmd.meta);
  const subs = await value(cmd.subCommands);
  const first = rawArgs.find((a) => !a.startsWith("-"));
  if (subs && first) {
    for (const [name, lazy] of Object.entries(subs)) {
      const sub = (await value(lazy)) as CommandDef<any>;
      const subMeta = await value(sub.meta);
      if (name === first || [subMeta?.alias ?? []].flat().includes(first)) {
        return resolve(sub, rawArgs.slice(rawArgs.indexOf(first) + 1), [...path, meta?.name ?? name], version ?? meta?.version);
      }
    }
  }
  return [cmd, path.length ? { meta: { name: path.join(" "), version } } : undefined];
}

const value = async <T>(v: T | (() => T | Promise<T>)): Promise<T> => (typeof v === "function" ? await (v as () => T | Promise<T>)() : v);
