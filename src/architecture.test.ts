// Holds the dependency lines of DESIGN.md §4 by reading imports, so they do not erode:
// nothing imports cli/; only server/ spawns, listens or handles signals; only message/parse
// may import a MIME library; libraries (spf, dns, ruledb, message, engine, protocol, bayes, license) neither read
// the config file nor log; the pipe client path does not load the engine.
import { expect, test } from "bun:test";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";

const SRC = import.meta.dir;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : p.endsWith(".ts") ? [p] : [];
  });
}

const prod = files(SRC)
  .map((p) => relative(SRC, p))
  .filter((p) => !/\.test\.ts$/.test(p) && !p.startsWith("testing/") && !p.startsWith("bench/"));
const text = (p: string) => readFileSync(join(SRC, p), "utf8");
/** Static imports only: `import ... from "x"` and `export ... from "x"` (dynamic import() is how heavy code is deferred); `import type` is erased at build time, so it loads nothing. */
const staticImports = (p: string) => [
  ...[...text(p).matchAll(/^\s*(?:import|export)\s(?!type\s)[^;]*?\sfrom\s+["']([^"']+)["']/gm)].map((m) => m[1]),
  // A bare `import "x"` (for its side effects) loads x too.
  ...[...text(p).matchAll(/^\s*import\s+["']([^"']+)["']/gm)].map((m) => m[1]),
];
const resolves = (from: string, spec: string, target: string) =>
  spec.startsWith(".") ? relative(SRC, join(SRC, from, "..", spec)).replace(/\.ts$/, "").startsWith(target) : spec === target;

test("nothing outside cli/ and main.ts imports cli/", () => {
  const bad = prod.filter((p) => !p.startsWith("cli/") && p !== "main.ts" && staticImports(p).some((s) => resolves(p, s, "cli/")));
  expect(bad).toEqual([]);
});

test("only server/ spawns processes, listens or installs signal handlers", () => {
  const re = /Bun\.(spawn|spawnSync|serve|listen)\s*\(|process\.on\(\s*["']SIG/;
  // client/reinject.ts starts the one process a client may: `kas filter -- sendmail …` hands the
  // message back to the MTA (issue 14 §3). It only spawns: no listening, no signal handlers.
  const bad = prod.filter((p) => !p.startsWith("server/") && re.test(text(p)) && !(p === "client/reinject.ts" && !/Bun\.(spawnSync|serve|listen)\s*\(|process\.on\(/.test(text(p))));
  expect(bad).toEqual([]);
});

// mailparser was dropped for our own bounded MIME walker (message/parse.ts says why); MIME
// parsing stays in message/parse.ts whatever library it might use again.
test("only message/parse.ts may import a MIME library", () => {
  const bad = prod.filter((p) => p !== "message/parse.ts" && staticImports(p).some((s) => s === "mailparser" || s === "mailsplit" || s === "libmime"));
  expect(bad).toEqual([]);
});

test("libraries do not read the config file, log, or exit", () => {
  const libs = ["spf/", "dns/", "ruledb/", "message/", "engine/", "protocol/", "bayes/", "license/"];
  const bad = prod.filter(
    (p) =>
      libs.some((l) => p.startsWith(l)) &&
      // ruledb/active.ts is the one library entry that is handed a loaded config (never the file).
      (staticImports(p).some((s) => resolves(p, s, "config/load") || resolves(p, s, "log/")) || /process\.exit\(/.test(text(p))),
  );
  expect(bad).toEqual([]);
});

test("codecs never import the engine's scan or the config loader", () => {
  const bad = prod.filter((p) => p.startsWith("protocol/") && staticImports(p).some((s) => resolves(p, s, "engine/scan") || resolves(p, s, "config/load") || resolves(p, s, "ruledb/")));
  expect(bad).toEqual([]);
});

/** Everything `kas filter` (client mode) loads statically, transitively. */
function closure(start: string, seen = new Set<string>()): Set<string> {
  if (seen.has(start)) return seen;
  seen.add(start);
  for (const s of staticImports(start)) {
    if (!s.startsWith(".")) {
      seen.add(s);
      continue;
    }
    const base = relative(SRC, join(SRC, start, "..", s)).replace(/\.ts$/, "");
    const file = [`${base}.ts`, `${base}/index.ts`].find((f) => prod.includes(f));
    if (file) closure(file, seen);
  }
  return seen;
}

test("kas filter in client mode does not load the engine, the rule db or mailparser", () => {
  // main.ts imports the command table and the CLI boundary dynamically (after no-color.ts).
  // cli/filter-run.ts loads the client (client/run.ts) with a dynamic import, and --local the
  // engine; main.ts loads the quick start (cli/filter-quick.ts) dynamically too.
  const loaded = [...closure("main.ts"), ...closure("cli/index.ts"), ...closure("cli/run.ts"), ...closure("cli/filter.ts"), ...closure("cli/filter-quick.ts"), ...closure("client/run.ts")];
  const heavy = loaded.filter((f) => f === "mailparser" || f.startsWith("engine/") || f.startsWith("ruledb/") || f.startsWith("server/") || f === "message/parse.ts");
  expect(heavy).toEqual([]);
});

test("kas filter in client mode loads consola only as consola/core", () => {
  // The full entry creates a default logger when it loads, which opens process.stdout and
  // process.stderr: ~7 ms of CPU in every start of a per-message pipe client.
  const loaded = ["main.ts", "cli/index.ts", "cli/run.ts", "cli/filter.ts", "cli/filter-quick.ts", "config/load.ts", "client/run.ts"].flatMap((f) => [...closure(f)]);
  expect(loaded).toContain("consola/core");
  expect(loaded.filter((f) => f === "consola")).toEqual([]);
});

test("kas filter in client mode loads no node:tty, node:net or node:crypto", () => {
  // Each costs every start several ms of CPU and hundreds of page faults (README, "Start-up of
  // `kas filter`": tty 9 ms, crypto 9, net 6 in a compiled program): a terminal check, an IP
  // syntax check and a key-text check are done without them (cli/terminal.ts, dns/ip.ts,
  // license/key-text.ts).
  const loaded = ["main.ts", "cli/index.ts", "cli/run.ts", "cli/filter.ts", "cli/filter-quick.ts", "config/load.ts", "client/run.ts"].flatMap((f) => [...closure(f)]);
  expect(loaded).toContain("node:fs");
  expect(loaded.filter((f) => ["node:tty", "tty", "node:net", "net", "node:crypto", "crypto"].includes(f))).toEqual([]);
});

test("the quick start of kas filter loads neither citty nor node:util", () => {
  // README, "The quick start of `kas filter`": citty parses with node:util, and the two cost
  // every pipe client ~4-5 ms of CPU and ~230 page faults; the logger loads node:util when it
  // writes a line (a require in log/index.ts, not an import).
  const loaded = ["main.ts", "cli/filter-quick.ts", "config/load.ts", "client/run.ts"].flatMap((f) => [...closure(f)]);
  expect(loaded).toContain("cli/filter-run.ts");
  expect(loaded.filter((f) => ["citty", "node:util", "util"].includes(f))).toEqual([]);
  // The header editor's two text primitives live apart from the MIME reader and its charset
  // tables (message/header-text.ts), which a client that never reads MIME has no use for.
  expect(loaded).toContain("message/edit.ts");
  expect(loaded.filter((f) => f === "message/mime.ts" || f === "message/charsets.ts")).toEqual([]);
});

// DESIGN.md §4: the shared vocabulary is the bottom layer. It imports nothing, and the layers
// under the engine (codecs, message, ruledb, checks, spf, dns, bayes) never import the engine.
test("model.ts imports nothing; the layers below the engine do not import it", () => {
  expect(prod.includes("model.ts")).toBe(true);
  expect([...text("model.ts").matchAll(/^\s*(?:import|export)\s[^;]*?\sfrom\s+["']([^"']+)["']/gm)].map((m) => m[1])).toEqual([]);
  const below = ["protocol/", "message/", "ruledb/", "checks/", "spf/", "dns/", "bayes/"];
  const bad = prod.filter((p) => below.some((l) => p.startsWith(l)) && [...text(p).matchAll(/^\s*(?:import|export)\s[^;]*?\sfrom\s+["']([^"']+)["']/gm)].some((m) => resolves(p, m[1], "engine/")));
  expect(bad).toEqual([]);
});
