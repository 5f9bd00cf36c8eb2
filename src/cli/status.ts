// `kas status`: asks the running server (GET /v1/status on the first [client] connect_to, or
// --connect) for its generation, pool, message counts and rules version.
import { EXIT } from "../errors";
import { CONFIG_ARG, kasCommand } from "./command";

export default kasCommand({
  name: "status",
  description: "Show the running server's state: generation, filtering processes, messages per status, uptime, rules version",
  exitCodes: { 0: "the server answered", 69: "no server reachable at the address", 78: "the configuration is invalid" },
  args: {
    ...CONFIG_ARG,
    connect: { type: "string", description: "server address (default: the first [client] connect_to)", valueHint: "tcp:host:port|unix:/path" },
    json: { type: "boolean", description: "print the server's JSON reply as is" },
  },
  async run({ args }) {
    const { loadConfig } = await import("../config/load");
    const { fetchStatus, renderStatus, unreachableHint } = await import("../client/status");
    const { KasError, UsageError } = await import("../errors");
    const { config, source } = loadConfig(args.config);
    const target = args.connect ?? config.client.connect_to[0];
    if (!target) throw new UsageError("no server address: [client] connect_to is empty", "pass --connect tcp:host:port or unix:/path");
    const r = await fetchStatus(target, config.client);
    if (!r.ok) throw new KasError(`status: ${target}: ${r.error}`, EXIT.UNAVAILABLE, unreachableHint(target, r, { flag: args.connect !== undefined, configSource: source }));
    process.stdout.write(args.json ? JSON.stringify(r.status, null, 2) + "\n" : renderStatus(r.status));
    process.exitCode = EXIT.OK;
  },
});
