// The peers kit (Rspamd's start/stop/train scripts and the shared load generator
// scan-client.js) as bench:serve drives them, so kas and Rspamd are measured by ONE client on
// ONE corpus in one run. The kit is not part of this repository: PEERS_DIR names it, and
// nothing here looks for it elsewhere (npm test never runs a benchmark). The corpus is written
// out as .eml files from the repository's own copy (corpus.ts).
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { corpusGroups, groupFiles } from "./corpus";

export const PEERS_DIR = process.env.PEERS_DIR ? resolve(process.env.PEERS_DIR) : undefined;

/** The peers kit's directory, or an error saying how to name it. */
export function peersDir(): string {
  if (!PEERS_DIR || !existsSync(join(PEERS_DIR, "scan-client.js"))) {
    throw new Error(`the side-by-side load generator is in the peers kit: set PEERS_DIR to its directory (the one holding scan-client.js and rspamd-start.sh)${PEERS_DIR ? `; ${PEERS_DIR} has no scan-client.js` : ""}`);
  }
  return PEERS_DIR;
}
export const BENCH_CORPUS = process.env.CORPUS_DIR || "/tmp/kas-bench-corpus";
const env = () => ({ ...process.env, CORPUS_DIR: BENCH_CORPUS });

/** The corpus as .eml under BENCH_CORPUS (test/ = evaluation split, train/ = training split). */
export function ensureEmlCorpus(): { test: string; train: string } {
  const out = { test: join(BENCH_CORPUS, "test"), train: join(BENCH_CORPUS, "train") };
  if (!existsSync(join(BENCH_CORPUS, ".complete"))) {
    // One .eml per corpus file, byte for byte but for a leading mbox postmark line ("From
    // sender date", no colon), which is not part of the message. Every file is kept, also one
    // kas learn would skip: both servers are to scan the same 3 046 evaluation messages.
    for (const g of corpusGroups()) {
      mkdirSync(join(BENCH_CORPUS, g), { recursive: true });
      for (const f of groupFiles(g)) {
        let raw = readFileSync(f);
        const nl = raw.indexOf(0x0a);
        const first = raw.subarray(0, Math.max(nl, 0)).toString("latin1");
        if (nl > 0 && first.startsWith("From ") && !first.startsWith("From:")) raw = raw.subarray(nl + 1);
        writeFileSync(join(BENCH_CORPUS, g, basename(f).replace(/\.txt$/, ".eml")), raw);
      }
    }
    writeFileSync(join(BENCH_CORPUS, ".complete"), new Date().toISOString() + "\n");
  }
  const split = { train: ["easy-ham-1", "spam-1"], test: ["easy-ham-2", "hard-ham-1", "spam-2"] };
  for (const [name, groups] of Object.entries(split)) {
    mkdirSync(join(BENCH_CORPUS, name), { recursive: true });
    for (const g of groups) if (!existsSync(join(BENCH_CORPUS, name, g))) symlinkSync(`../${g}`, join(BENCH_CORPUS, name, g));
  }
  return out;
}

export const rspamdInstalled = () => Bun.which("rspamd") !== null && !!PEERS_DIR && existsSync(join(PEERS_DIR, "rspamd-start.sh"));
export const redisInstalled = () => Bun.which("redis-server") !== null;

// Output to the terminal, not to pipes: rspamd and redis daemonize with the script's stdio, and
// a pipe they hold open would never reach end-of-file.
function sh(script: string, args: string[]): void {
  const p = Bun.spawnSync([join(peersDir(), script), ...args], { env: env(), stdout: "inherit", stderr: "inherit" });
  if (p.exitCode !== 0) throw new Error(`${script} ${args.join(" ")} failed (exit ${p.exitCode})`);
}
export const rspamdStart = (workers: number, mode: "rules" | "bayes") => sh("rspamd-start.sh", [String(workers), mode]);
export const rspamdStop = () => sh("rspamd-stop.sh", []);
export const rspamdTrain = () => sh("train.sh", ["rspamd"]);
export const RSPAMD_PIDFILES = "/tmp/rspamd-peer/run/rspamd.pid:/tmp/rspamd-peer/redis.pid";
export const RSPAMD_URL = "http://127.0.0.1:17833/checkv2";

export interface ClientStats {
  messages: number;
  errors: number;
  msgs_per_s: number;
  /** The load generator's own CPU seconds: it shares the CPUs with the server measured. */
  client_cpu_s: number;
  peer_cpu_s: number;
  peer_peak_rss_sum_mb: number;
  peer_peak_rss_one_proc_mb: number;
}

/** One run of scan-client.js over `dir` at `conc` requests in flight; monitors the pid files' process trees. */
export async function scanClient(peer: "kas" | "rspamd", dir: string, conc: number, out: string, extra: { pidfiles: string; port?: number }): Promise<ClientStats> {
  const p = Bun.spawn(["node", join(peersDir(), "scan-client.js"), peer, dir, String(conc), out], {
    env: { ...env(), MON_PIDFILES: extra.pidfiles, ...(extra.port ? { KAS_PORT: String(extra.port) } : {}) },
    stdout: "ignore",
    stderr: "pipe",
  });
  const [code, err] = await Promise.all([p.exited, new Response(p.stderr).text()]);
  if (code !== 0) throw new Error(`scan-client.js ${peer} exited ${code}: ${err.trim().slice(-500)}`);
  return JSON.parse(readFileSync(out + ".stats.json", "utf8")) as ClientStats;
}
