// Test-only: MTAs run from Debian packages unpacked privately (`apt-get download` + `dpkg -x`
// into a cache directory, once per machine) rather than installed, because installing them
// would remove Postfix, which other e2e tests need (exim.ts, sendmail.ts). Never imported by
// production code.
import type { Subprocess } from "bun";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const run = (argv: string[], what: string, opts: { cwd?: string; env?: Record<string, string> } = {}) => {
  const r = Bun.spawnSync(argv, { cwd: opts.cwd, env: { ...process.env, ...opts.env }, stdout: "pipe", stderr: "pipe" });
  if (r.exitCode !== 0) throw new Error(`${what} failed (exit ${r.exitCode}): ${(r.stdout.toString() + r.stderr.toString()).trim().slice(0, 2000)}`);
  return r.stdout.toString();
};

/**
 * The tree `packages` unpack into under `cache`/root, downloaded and unpacked the first time
 * (and again when the list changes); `fixup` runs once on a fresh tree (what the packages'
 * install scripts or triggers would have done). `who` names the tests in errors.
 */
export function unpackedDebs(cache: string, packages: string[], who: string, fixup?: (root: string) => void): string {
  const root = join(cache, "root");
  const done = join(cache, ".complete");
  if (existsSync(done) && readFileSync(done, "utf8") === packages.join("\n") + "\n") return root;
  if (process.getuid?.() !== 0) throw new Error(`${who} need root (apt-get download, dpkg -x into ${cache}, a private mount namespace)`);
  const debs = join(cache, "debs");
  rmSync(cache, { recursive: true, force: true });
  mkdirSync(debs, { recursive: true });
  mkdirSync(root, { recursive: true });
  run(["apt-get", "download", ...packages], "apt-get download (run `apt-get update` if it cannot find the packages)", { cwd: debs });
  for (const f of readdirSync(debs).filter((f) => f.endsWith(".deb"))) run(["dpkg", "-x", join(debs, f), root], `dpkg -x ${f}`);
  fixup?.(root);
  writeFileSync(done, packages.join("\n") + "\n");
  return root;
}

/** The unpacked packages' library directories (Debian puts them under /usr/lib[/<triplet>] or /lib/<triplet>), for LD_LIBRARY_PATH. */
export function libraryPath(root: string): string {
  return ["usr/lib", "lib"]
    .filter((d) => existsSync(join(root, d)))
    .flatMap((d) => [join(root, d), ...readdirSync(join(root, d)).filter((t) => t.endsWith("-linux-gnu")).map((t) => join(root, d, t))])
    .join(":");
}

/** Stops a daemon run in the foreground (SIGTERM, SIGKILL after 5 s) and removes its directory. */
export async function stopDaemon(proc: Subprocess, dir: string): Promise<void> {
  proc.kill("SIGTERM");
  const t = setTimeout(() => proc.kill("SIGKILL"), 5000);
  await proc.exited;
  clearTimeout(t);
  rmSync(dir, { recursive: true, force: true });
}
