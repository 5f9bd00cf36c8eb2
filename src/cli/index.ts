// The literal command table: every subcommand the binary has, explicitly (no discovery by
// file name, so the compiled binary contains everything). List only commands that work.
import pkg from "../../package.json";
import { kasCommand } from "./command";
import config from "./config";

export const root = kasCommand({
  name: "kas",
  description: `kas ${pkg.version}: anti-spam filtering server for mail hosts`,
  subCommands: {
    config,
  },
});
(root.meta as { version?: string }).version = pkg.version;
