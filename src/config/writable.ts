// `kas serve` checks, before it opens any database, that the user it runs as can write the
// state it keeps: data_dir and the files configured elsewhere. Without this a normal user on
// the defaults meets "attempt to write a readonly database" from SQLite under /var/lib/kas,
// which names neither the key to change nor the directory to create.
import { accessSync, constants, statSync } from "node:fs";
import { dirname } from "node:path";
import { ConfigError, errnoText, type ConfigProblem } from "../errors";
import { bayesDbPath, licenseUsagePath, pidFilePath } from "./paths";
import type { KasConfig } from "./schema";
import { describeUser, runningAs, type RunningAs } from "./user";

/** The file-system questions the check asks; injected so tests need no second user. */
export interface StateFs {
  /** undefined when nothing is at path. */
  stat(path: string): { dir: boolean; uid: number; mode: number } | undefined;
  /** undefined when this process may write path, else the errno text. */
  writable(path: string): string | undefined;
}

export const realStateFs: StateFs = {
  stat(path) {
    try {
      const s = statSync(path);
      return { dir: s.isDirectory(), uid: s.uid, mode: s.mode & 0o7777 };
    } catch {
      return undefined;
    }
  },
  writable(path) {
    try {
      // access(2) answers for this process's real uid, root included (EROFS on a read-only
      // mount). X_OK only for directories (entering them): root fails it on a plain file.
      accessSync(path, statSync(path).isDirectory() ? constants.W_OK | constants.X_OK : constants.W_OK);
      return undefined;
    } catch (e) {
      return errnoText(e);
    }
  },
};

/** A state path the server writes, and the key that moves it (a derived path names data_dir). */
interface StatePath {
  key: string;
  path: string;
  kind: "dir" | "file";
}

function statePaths(c: KasConfig): StatePath[] {
  const list: StatePath[] = [
    { key: "data_dir", path: c.data_dir, kind: "dir" },
    { key: c.server.pid_file ? "server.pid_file" : "data_dir", path: pidFilePath(c), kind: "file" },
    { key: c.license.usage_file ? "license.usage_file" : "data_dir", path: licenseUsagePath(c), kind: "file" },
  ];
  // Filtering processes open the token database read-only unless they learn while scanning.
  if (c.bayes.enabled && c.bayes.autolearn) list.push({ key: c.bayes.path ? "bayes.path" : "data_dir", path: bayesDbPath(c), kind: "file" });
  return list;
}

/**
 * What is wrong with writing `p` (creating it and its missing parents as mkdir -p would):
 * the path to blame and why, or undefined.
 */
function problemOf(p: StatePath, fs: StateFs): { blamed: string; why: string } | undefined {
  const here = fs.stat(p.path);
  if (here) {
    if (p.kind === "dir" && !here.dir) return { blamed: p.path, why: `${p.path} is not a directory` };
    const denied = fs.writable(p.path);
    if (denied) return { blamed: p.path, why: `${p.path} is not writable: ${denied} ${owner(here)}` };
    // SQLite writes its journal beside the database file.
    return p.kind === "file" ? problemOf({ ...p, path: dirname(p.path), kind: "dir" }, fs) : undefined;
  }
  // Missing: kas creates it, so the nearest existing parent must be a writable directory.
  let parent = dirname(p.path);
  let at = fs.stat(parent);
  while (!at) {
    if (parent === dirname(parent)) return undefined;
    parent = dirname(parent);
    at = fs.stat(parent);
  }
  if (!at.dir) return { blamed: parent, why: `${p.path} cannot be created: ${parent} is not a directory` };
  const denied = fs.writable(parent);
  return denied ? { blamed: parent, why: `${p.path} does not exist and cannot be created in ${parent}: ${denied} ${owner(at)}` } : undefined;
}

const owner = (s: { uid: number; mode: number }) => `(owner uid ${s.uid}, mode ${s.mode.toString(8).padStart(4, "0")})`;

/**
 * Throws a ConfigError (exit 78) naming every state path this user cannot write, with both
 * ways out: point the key at a writable place, or create the directory for the user.
 */
export function checkStateWritable(c: KasConfig, source: string, fs: StateFs = realStateFs, who: RunningAs = runningAs()): void {
  const problems: ConfigProblem[] = [];
  // One problem per path to blame: an unwritable data_dir is not reported again for each file in it.
  const blamed = new Set<string>();
  for (const p of statePaths(c)) {
    const found = problemOf(p, fs);
    if (found && !blamed.has(found.blamed)) {
      blamed.add(found.blamed);
      problems.push({ keyPath: p.key, reason: `${found.why}; kas serve runs as ${describeUser(who)}` });
    }
  }
  if (!problems.length) return;
  // chown and install take a numeric uid as well as a name.
  const chownTo = who.user === `uid ${who.uid}` ? String(who.uid) : who.user;
  const hint =
    `either set data_dir (and any key named above) in ${source === "(built-in defaults)" ? "a config file (`kas config defaults > kas.toml`, then `kas serve --config kas.toml`)" : source} to a directory ${describeUser(who)} can write, ` +
    `or ${fs.stat(c.data_dir) ? `give the directory to the user that runs kas: \`sudo chown -R ${chownTo} ${c.data_dir}\`` : `create the directory for the user that runs kas: \`sudo install -d -o ${chownTo} -m 750 ${c.data_dir}\``} ` +
    "(for a service: a `kas` system user and `kas config systemd`, see the README section \"Running kas as a service\")";
  throw ConfigError.of(source, problems, hint);
}
