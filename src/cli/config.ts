// `kas config check`, `kas config defaults` and `kas config systemd`.
import { resolve } from "node:path";
import pkg from "../../package.json";
import { exposureWarnings } from "../config/exposure";
import { loadConfig, locateConfig, SYSTEM_CONFIG } from "../config/load";
import { renderDefaults } from "../config/render";
import { renderUnit, SERVICE_USER } from "../config/systemd";
import { EXIT } from "../errors";
import { configureLog, logger } from "../log/index";
import { checkRulesDir } from "../ruledb/check";
import { formatDiagnostic } from "../ruledb/compile";
import { isCompiled, selfCommand } from "../server/self-exec";
import { CONFIG_ARG, kasCommand } from "./command";

const check = kasCommand({
  name: "check",
  description: "Validate the configuration (and the rule sources it points to) without starting anything; warn about state files other users can read",
  exitCodes: { 0: "valid", 65: "a rule source does not compile (file:line: reason on stderr)", 78: "the config file is invalid (file:line: key: reason on stderr)" },
  args: { ...CONFIG_ARG },
  async run({ args }) {
    const { config, source } = loadConfig(args.config);
    configureLog(config.log);
    if (config.scan.rules_dir) {
      for (const w of await checkRulesDir(config.scan.rules_dir)) logger("config").warn(formatDiagnostic(w));
    }
    for (const w of exposureWarnings(config)) logger("config").warn(w);
    console.log(`${source}: ok`);
    process.exitCode = EXIT.OK;
  },
});

const defaultsCmd = kasCommand({
  name: "defaults",
  description: "Print every config key with its default and one-line doc, as a commented kas.toml",
  exitCodes: { 0: "printed" },
  args: {},
  run() {
    process.stdout.write(renderDefaults());
  },
});

const systemd = kasCommand({
  name: "systemd",
  description: `Print a hardened systemd unit that runs this kas binary's \`serve\` as user ${SERVICE_USER} with this configuration (notes on what to create first go to stderr)`,
  exitCodes: { 0: "printed", 78: "the config file is invalid (file:line: key: reason on stderr)" },
  args: { ...CONFIG_ARG },
  run({ args }) {
    const { config, source } = loadConfig(args.config);
    const found = locateConfig(args.config);
    // /etc/kas/kas.toml is found without a flag; a file named by --config or $KAS_CONFIG is not (the service has neither).
    const flag = found && found.file !== SYSTEM_CONFIG ? ["--config", resolve(found.file)] : [];
    const unit = renderUnit({ config, command: selfCommand(["serve", ...flag]), version: `kas ${pkg.version}`, source: found ? resolve(found.file) : source });
    const notes = [...unit.notes];
    if (!found) notes.push(`no config file: the service runs on the built-in defaults; to change them: kas config defaults > ${SYSTEM_CONFIG}`);
    if (!isCompiled()) notes.push("running from source: ExecStart runs bun with the script; build the binary (bun build.ts), install it and run its `kas config systemd`");
    process.stdout.write(unit.text);
    for (const n of notes) process.stderr.write(`kas: note: ${n}\n`);
  },
});

export default kasCommand({
  name: "config",
  description: "Check the configuration, print its defaults or a systemd unit",
  subCommands: { check, defaults: defaultsCmd, systemd },
});
