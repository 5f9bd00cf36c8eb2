// State that other users of the machine should not read: data_dir (every installed database,
// the Bayes tokens, the licensed addresses), the license usage store, the Bayes database, and
// the Control Center's password file and TLS key. `kas config check` warns about each one
// that is readable (or writable) by "other"; kas itself creates them 0600 in 0700 directories,
// but a data_dir made by hand, a package or systemd (StateDirectoryMode defaults to 0755) is
// often world-readable. A group may read (0750/0640): that is how an admin group is given access.
import { statSync } from "node:fs";
import { bayesDbPath, licenseUsagePath } from "./paths";
import type { KasConfig } from "./schema";

export type StatMode = (path: string) => { mode: number; dir: boolean } | undefined;

const defaultStat: StatMode = (path) => {
  try {
    const s = statSync(path);
    return { mode: s.mode & 0o7777, dir: s.isDirectory() };
  } catch {
    return undefined; // not there (yet): nothing to warn about
  }
};

const octal = (m: number) => m.toString(8).padStart(4, "0");

/** One warning line per exposed path, saying what it holds and the chmod that fixes it. */
export function exposureWarnings(config: KasConfig, stat: StatMode = defaultStat): string[] {
  const out: string[] = [];
  const look = (path: string, what: string) => {
    if (!path) return;
    const s = stat(path);
    if (!s || (s.mode & 0o007) === 0) return;
    const safe = s.mode & ~0o007 & (s.dir ? 0o7770 : 0o7660);
    const access = [s.mode & 0o004 ? "read" : "", s.mode & 0o002 ? "write" : "", s.dir && s.mode & 0o001 ? "enter" : ""].filter(Boolean).join("/");
    out.push(`${path} (${what}) is mode ${octal(s.mode)}: every user of this machine can ${access} it; chmod ${octal(safe)} ${path}${s.dir ? " (0750 lets a group in)" : ""}`);
  };
  look(config.data_dir, "data_dir: rule databases, Bayes tokens, licensed addresses");
  look(licenseUsagePath(config), "license usage store: every protected address");
  look(bayesDbPath(config), "Bayes token database");
  look(config.control.password_file, "Control Center password hash");
  look(config.control.tls_key, "Control Center TLS private key");
  return out;
}
