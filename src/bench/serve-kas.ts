// A `kas serve` of the compiled binary for bench:serve: licensed by the project's TEST issuer
// (an unlicensed server passes mail unscanned, which would measure nothing), the checks that
// ask DNS off (SPF, DKIM/ARC/DMARC: no DNS here, and the peer Rspamd runs content-only with
// its spf, dkim, arc and dmarc modules off), a pid file for the shared client's /proc
// monitor, and the pool sized like the peer it is compared with.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const REPO = resolve(import.meta.dir, "../..");
export const KAS = process.env.KAS_BIN || join(REPO, "dist/kas");
const FIX = join(REPO, "fixtures/license");

export interface KasServer {
  dir: string;
  port: number;
  pid: number;
  pidFile: string;
  sock: string;
  config: string;
  /** The config header every kas command of the bench shares (data_dir, license, SPF off). */
  base: string;
  status(): Promise<KasStatus>;
  stop(): Promise<void>;
}
export interface KasStatus {
  pool: { workers: { pid: number; messages: number }[] };
  counters: Record<string, number>;
  messages: { total: number };
}

export const freePort = () => {
  const l = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const p = l.port;
  l.stop(true);
  return p;
};

/** `server`: extra [server] lines (start/max filters, max_messages...); `extra`: more sections. */
/** `prepare` runs with the written config before the server starts (e.g. `kas learn`). */
export async function startKas(server: string, extra = "", prepare?: (config: string) => Promise<void>): Promise<KasServer> {
  const dir = mkdtempSync(join(tmpdir(), "kas-bench-"));
  const port = freePort();
  const sock = join(dir, "kas.sock");
  const pidFile = join(dir, "kas.pid");
  const config = join(dir, "kas.toml");
  const base = `data_dir = ${JSON.stringify(join(dir, "data"))}\n[license]\nkey_file = ${JSON.stringify(join(FIX, "test-server-2099.key"))}\ntrusted_issuers = [${JSON.stringify(join(FIX, "test-issuer.pub"))}]\n[spf]\nenabled = false\n[dkim]\nenabled = false\n`;
  writeFileSync(config, `${base}${extra}[log]\nlevel = "warn"\n[server]\nlisten = ["tcp:127.0.0.1:${port}", "unix:${sock}"]\npid_file = ${JSON.stringify(pidFile)}\n${server}`);
  await prepare?.(config);
  const proc = Bun.spawn([KAS, "serve", "--config", config], { stdout: "ignore", stderr: "inherit", env: { ...process.env, KAS_CONFIG: "" } });
  const url = `http://127.0.0.1:${port}`;
  const status = async () => (await (await fetch(`${url}/v1/status`)).json()) as KasStatus;
  for (let i = 0; ; i++) {
    try {
      const st = await status();
      // Ready when every filtering process started with the server has loaded.
      if (st.pool.workers.length && (st as unknown as { pool: { starting: number } }).pool.starting === 0) break;
    } catch {}
    if (i > 600 || proc.exitCode !== null) throw new Error(`kas serve did not start (binary ${KAS}; \`bun run bench:serve\` builds dist/kas)`);
    await Bun.sleep(50);
  }
  return {
    dir, port, pid: proc.pid, pidFile, sock, config, base, status,
    async stop() {
      proc.kill("SIGTERM");
      await proc.exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
