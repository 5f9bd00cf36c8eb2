// The literal command table: every subcommand the binary has, explicitly (no discovery by
// file name, so the compiled binary contains everything). List only commands that work.
// Commands load lazily: `kas filter` in a pipeline must not pay for the engine or server.
import type { CommandDef } from "citty";
import pkg from "../../package.json";
import { kasCommand } from "./command";

const lazy = (load: () => Promise<{ default: CommandDef<any> }>) => () => load().then((m) => m.default);

export const root = kasCommand({
  name: "kas",
  description: `kas ${pkg.version}: anti-spam filtering server for mail hosts`,
  subCommands: {
    config: lazy(() => import("./config")),
    control: lazy(() => import("./control")),
    filter: lazy(() => import("./filter")),
    learn: lazy(() => import("./learn")),
    notify: lazy(() => import("./notify")),
    "license-check": lazy(() => import("./license-check")),
    rules: lazy(() => import("./rules")),
    scan: lazy(() => import("./scan")),
    serve: lazy(() => import("./serve")),
    "spf-query": lazy(() => import("./spf-query")),
    status: lazy(() => import("./status")),
    "update-db": lazy(() => import("./update-db")),
    // Hidden (meta.hidden: not in --help): the filtering process `kas serve` starts via server/self-exec.ts.
    _worker: lazy(() => import("./worker")),
    // Hidden: the QR-code reader a filtering process starts (server/qr-helper.ts).
    _qr: lazy(() => import("./qr")),
  } as Record<string, any>,
});
(root.meta as { version?: string }).version = pkg.version;
