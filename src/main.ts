import "./cli/no-color";

// `kas filter` as MTAs run it, once per message, starts without the command table and citty
// (cli/filter-quick.ts); it returns only for a command line citty must parse.
const argv = process.argv.slice(2);
if (argv[0] === "filter" || argv[0] === "filter-stdin") await (await import("./cli/filter-quick")).quickFilter(argv.slice(1));

// Loaded after no-color has run: citty decides on colour when its module loads, and a bundle
// split into chunks (build.ts) would evaluate statically imported chunks first.
const [{ root }, { runCli }] = await Promise.all([import("./cli/index"), import("./cli/run")]);
await runCli(root);
