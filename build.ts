// Builds the one kas executable: `bun build.ts` → dist/kas (bun build --compile).
// The built-in rule database is compiled from rules/ at build time (ruledb/builtin.ts is a
// Bun macro), so a rule that does not compile fails the build as well as the tests.
import { mkdirSync, rmSync } from "node:fs";

const outfile = process.argv[2] ?? "dist/kas";
mkdirSync("dist", { recursive: true });
const started = performance.now();
const result = await Bun.build({
  entrypoints: ["src/main.ts"],
  // Tier-up thresholds ×10 at start: a `kas filter` is over before JIT-compiling its start-up
  // code pays off (measured: 19 → 16.5 ms CPU); every other command resets the normal policy
  // before it runs (cli/command.ts normalJit).
  compile: {
    outfile,
    jitPolicy: 10,
    // A compiled Bun program reads .env and bunfig.toml (with its `preload` scripts),
    // tsconfig.json and package.json from the directory it is started in. kas is started by
    // MTAs, cron and shells in directories it does not own: a .env there could point
    // KAS_CONFIG elsewhere and a bunfig.toml could run any code as kas's user (both seen with
    // the binary of 2026-12-01). Its settings come from its config file and environment only.
    autoloadDotenv: false,
    autoloadBunfig: false,
    autoloadTsconfig: false,
    autoloadPackageJson: false,
  },
  minify: true,
  sourcemap: "linked",
  target: "bun",
  // Precompiled JavaScriptCore bytecode instead of source: every start of the binary otherwise
  // parses the whole bundle (every command, the engine, the rule database), which cost a
  // `kas filter` in a pipeline ~70 ms of CPU per message (measured: --version 70 → 15 ms
  // user CPU, filter client 75 → 22 ms) and each new filtering process the same again.
  // ESM: main.ts awaits at top level (bytecode builds default to CommonJS).
  bytecode: true,
  format: "esm",
  // One chunk per lazily imported command (cli/index.ts) instead of one module: in a single
  // module the imports of every command are hoisted, so each start loaded every node: builtin
  // any command uses (stream, net, tls, http, zlib, crypto, child_process, bun:sqlite, …).
  // That, not the bytecode's size, was most of a start's CPU (measured: the whole bundle
  // behind an import never taken 23 ms CPU, split 6 ms; `kas --version` 24 → 12 ms).
  splitting: true,
});
if (!result.success) {
  for (const log of result.logs) console.error(log);
  process.exit(1);
}
// The source maps are embedded in the executable (its stack traces name src/ files and lines
// without them); the files written beside it, one per chunk, are not needed.
for (const o of result.outputs) if (o.kind === "sourcemap") rmSync(o.path, { force: true });
console.error(`built ${outfile} in ${Math.round(performance.now() - started)} ms`);
