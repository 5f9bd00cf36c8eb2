// `kas serve`: the filtering server (master + pool of filtering processes).
import pkg from "../../package.json";
import { EXIT } from "../errors";
import { CONFIG_ARG, kasCommand } from "./command";

export default kasCommand({
  name: "serve",
  description: "Run the filtering server: listeners from [server] listen, a pool of filtering processes; SIGHUP reloads, SIGTERM drains and stops",
  exitCodes: {
    0: "stopped by SIGTERM or SIGINT after draining",
    65: "the rule database does not load or compile",
    73: "cannot listen, cannot write the pid file or the license usage store, or a server is already running",
    78: "the configuration is invalid, data_dir (or another state path) is not writable by this user, or a service cannot take it (e.g. a [license] trusted_issuers file that is not a key)",
  },
  args: { ...CONFIG_ARG },
  async run({ args }) {
    // Loaded lazily so other commands (kas filter) do not pay for the server's modules.
    const { loadConfig } = await import("../config/load");
    const { runMaster } = await import("../server/master");
    const { workerSpawner } = await import("../server/spawn");
    const { filterMemory } = await import("../server/allocator");
    const { validateRules } = await import("../server/scanner");
    const { serveHooks } = await import("../server/hooks");
    const { checkStateWritable } = await import("../config/writable");
    const loaded = loadConfig(args.config);
    // Before any database opens: an unwritable data_dir otherwise surfaces as SQLite's "readonly database".
    checkStateWritable(loaded.config, loaded.source);
    // Licensing, the shared SPF service, POST /v1/learn and rules freshness (server/hooks.ts).
    const hooks = serveHooks(loaded.config, loaded.source);
    // Whether filtering processes keep freed memory: decided once, at start (server/allocator.ts).
    const memory = filterMemory(loaded.config.server.keep_freed_memory);
    const code = await runMaster(loaded, { loadConfig: () => loadConfig(args.config), validateRules, spawn: workerSpawner(memory.env), version: `kas ${pkg.version}`, hooks, startNote: memory.note }).finally(() => hooks.close());
    process.exitCode = code ?? EXIT.OK;
  },
});
