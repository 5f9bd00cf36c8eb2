import "./cli/no-color";
import { root } from "./cli/index";
import { runCli } from "./cli/run";

await runCli(root);
