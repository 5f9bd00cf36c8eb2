// `kas config check` and `kas config defaults`.
import { loadConfig } from "../config/load";
import { renderDefaults } from "../config/render";
import { EXIT } from "../errors";
import { configureLog, logger } from "../log/index";
import { checkRulesDir } from "../ruledb/check";
import { formatDiagnostic } from "../ruledb/compile";
import { CONFIG_ARG, kasCommand } from "./command";

const check = kasCommand({
  name: "check",
  description: "Validate the configuration (and the rule sources it points to) without starting anything",
  exitCodes: { 0: "valid", 65: "a rule source does not compile (file:line: reason on stderr)", 78: "the config file is invalid (file:line: key: reason on stderr)" },
  args: { ...CONFIG_ARG },
  async run({ args }) {
    const { config, source } = loadConfig(args.config);
    configureLog(config.log);
    if (config.scan.rules_dir) {
      for (const w of await checkRulesDir(config.scan.rules_dir)) logger("config").warn(formatDiagnostic(w));
    }
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

export default kasCommand({
  name: "config",
  description: "Check the configuration or print its defaults",
  subCommands: { check, defaults: defaultsCmd },
});
