// `kas control passwd`: set the Control Center's administrator password.
import { EXIT } from "../errors";
import { CONFIG_ARG, kasCommand } from "./command";

const passwd = kasCommand({
  name: "passwd",
  description: "Set the Control Center password: reads it (twice, hidden) from the terminal or the first line of stdin, prints the argon2id `password_hash = …` line for [control], or writes the hash to --file (for [control] password_file; no reload needed)",
  exitCodes: { 0: "hash printed or written", 64: "password too short, the two entries differ, or aborted", 73: "cannot write --file", 78: "the config file is invalid" },
  args: {
    ...CONFIG_ARG,
    file: { type: "string", description: "write the hash to FILE (mode 0600) instead of printing the config line; default: [control] password_file when set", valueHint: "FILE" },
  },
  async run({ args }) {
    const { loadConfig } = await import("../config/load");
    const { hashPassword, readNewPassword, writeHashFile } = await import("../control/passwd");
    const { config, source } = loadConfig(args.config);
    // With no config file yet, name the one kas looks for first on a system.
    const target = source.startsWith("(") ? "/etc/kas/kas.toml (create it with `kas config defaults`)" : source;
    const file = args.file || config.control.password_file;
    const hash = await hashPassword(await readNewPassword());
    if (file) {
      writeHashFile(file, hash);
      const set = config.control.password_file === file ? "" : `; set [control] password_file = ${JSON.stringify(file)} in ${target} and reload (kill -HUP the server)`;
      console.error(`password hash written to ${file} (logins use it at once${set})`);
    } else {
      console.log(`password_hash = ${JSON.stringify(hash)}`);
      console.error(`put this line into the [control] table of ${target} and reload the server (kill -HUP, or systemctl reload kas)`);
    }
    process.exitCode = EXIT.OK;
  },
});

export default kasCommand({
  name: "control",
  description: "Control Center administration (the web UI of kas serve, [control] listen)",
  subCommands: { passwd },
});
