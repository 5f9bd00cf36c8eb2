// Command-line options of the MIME benches (mime:diff, fuzz:mime): node's parseArgs in strict
// mode, so a misspelt option is an error naming the known ones instead of being ignored.
import { parseArgs } from "node:util";

type Spec = Record<string, { type: "string" | "boolean"; default?: string | boolean; help: string }>;

export function benchArgs<S extends Spec>(command: string, spec: S): { [K in keyof S]: S[K]["type"] extends "boolean" ? boolean : string } {
  const usage = `usage: bun run ${command} ${Object.entries(spec)
    .map(([k, v]) => `[--${k}${v.type === "string" ? ` <${v.default ?? "value"}>` : ""}]`)
    .join(" ")}\n${Object.entries(spec)
    .map(([k, v]) => `  --${k.padEnd(10)} ${v.help}`)
    .join("\n")}`;
  try {
    const { values } = parseArgs({ args: process.argv.slice(2), options: Object.fromEntries(Object.entries(spec).map(([k, v]) => [k, { type: v.type, default: v.default }])) as never, strict: true, allowPositionals: false });
    if ((values as Record<string, unknown>).help) {
      console.log(usage);
      process.exit(0);
    }
    return values as never;
  } catch (e) {
    console.error(`${command}: ${(e as Error).message}\n${usage}`);
    process.exit(2);
  }
}

/** A non-negative integer option, or exit 2 with what was wrong. */
export function intArg(command: string, name: string, value: string, min = 0): number {
  const n = Number(value.replace(/_/g, ""));
  if (!Number.isInteger(n) || n < min) {
    console.error(`${command}: --${name} ${JSON.stringify(value)} is not an integer >= ${min}`);
    process.exit(2);
  }
  return n;
}
