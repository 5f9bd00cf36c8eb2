import "./cli/no-color";

// Loaded after no-color has run: citty decides on colour when its module loads, and a bundle
// split into chunks (build.ts) would evaluate statically imported chunks first.
const [{ root }, { runCli }] = await Promise.all([import("./cli/index"), import("./cli/run")]);
await runCli(root);
