// Builds the one kas executable: `bun build.ts` → dist/kas (bun build --compile).
// The built-in rule database is compiled from rules/ at build time (ruledb/builtin.ts is a
// Bun macro), so a rule that does not compile fails the build as well as the tests.
import { mkdirSync } from "node:fs";

const outfile = process.argv[2] ?? "dist/kas";
mkdirSync("dist", { recursive: true });
const started = performance.now();
const result = await Bun.build({
  entrypoints: ["src/main.ts"],
  compile: { outfile },
  minify: true,
  sourcemap: "linked",
  target: "bun",
});
if (!result.success) {
  for (const log of result.logs) console.error(log);
  process.exit(1);
}
console.error(`built ${outfile} in ${Math.round(performance.now() - started)} ms`);
