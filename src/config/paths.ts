// Where state lives under data_dir. One place, so the server, the updater and the CLI agree.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { KasConfig } from "./schema";

type WithDataDir = Pick<KasConfig, "data_dir">;

/** The server's pid file: [server] pid_file, else <data_dir>/kas.pid. */
export const pidFilePath = (c: Pick<KasConfig, "data_dir" | "server">) => c.server.pid_file || join(c.data_dir, "kas.pid");
/** Installed rule databases: <data_dir>/rules/versions/<version>/, and the `current` symlink to one of them. */
export const rulesRoot = (c: WithDataDir) => join(c.data_dir, "rules");
export const rulesVersionsDir = (c: WithDataDir) => join(rulesRoot(c), "versions");
export const currentRulesLink = (c: WithDataDir) => join(rulesRoot(c), "current");
/** The compiled database file inside an installed version directory. */
export const DB_FILE = "rules.kasdb";
export const installedDbPath = (c: WithDataDir) => join(currentRulesLink(c), DB_FILE);
/** The license usage store (licensed addresses seen): [license] usage_file, else <data_dir>/license/usage.sqlite. */
export const licenseUsagePath = (c: WithDataDir & { license: Pick<KasConfig["license"], "usage_file"> }) => c.license.usage_file || join(c.data_dir, "license", "usage.sqlite");
/** The Bayes token database: [bayes] path, else <data_dir>/bayes/bayes.sqlite. */
export const bayesDbPath = (c: Pick<KasConfig, "data_dir" | "bayes">) => c.bayes.path || join(c.data_dir, "bayes", "bayes.sqlite");

/**
 * Creates a state directory and its missing parents as 0700: data_dir holds licensed addresses,
 * Bayes tokens and rule databases, and `kas serve` warns when other users can enter it
 * (config/exposure.ts). Every command that may be the first to create it (serve, update-db
 * from cron, learn) goes through here, so which one ran first does not decide the mode.
 */
export const makeStateDir = (dir: string): void => void mkdirSync(dir, { recursive: true, mode: 0o700 });
