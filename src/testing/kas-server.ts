// Test-only harness: runs `kas serve` (the compiled binary) with a private config, waits
// until it answers ping, collects its stderr, and offers scan/status helpers over the real
// protocol. Never imported by production code.
import { httpRequest } from "../client/http";
import { parseAddress, type Address } from "../protocol/address";
import { join } from "node:path";
import { kasBinary, REPO, writeConfig } from "./kas-binary";

/** A TCP port that was free a moment ago (bind to 0, read, close). */
export function freePort(): number {
  const l = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const p = l.port;
  l.stop(true);
  return p;
}

export interface Served {
  proc: ReturnType<typeof Bun.spawn>;
  addr: Address;
  tcp: string;
  configPath: string;
  /** stderr lines so far (live). */
  log: string[];
  status(): Promise<Record<string, any>>;
  scan(raw: Uint8Array | string, headers?: Record<string, string>): Promise<{ status: number; json: any }>;
  /** SIGTERM and wait for exit; returns the exit code. */
  stop(): Promise<number>;
  waitLog(re: RegExp, ms?: number): Promise<string>;
}

const TIMEOUTS = { connectMs: 2000, dataMs: 60_000 };

/**
 * `server` = key lines for [server] (listen is set here); `toml` = everything else (no [server] table);
 * `env` = added to the server's environment (e.g. testing/faketime.ts's LD_PRELOAD).
 */
export async function startServer(dir: string, opts: { server?: string; toml?: string; extraListen?: string[]; env?: Record<string, string>; tlsCa?: string } = {}): Promise<Served> {
  const port = freePort();
  const tcp = `tcp:127.0.0.1:${port}`;
  const toml = opts.toml ?? "";
  // Servers under test are licensed by the TEST issuer, and SPF is off (this sandbox has no
  // DNS: every first query would wait for the timeout), unless the test sets them itself.
  const license = /^\[license\]/m.test(toml) ? "" : `[license]\nkey_file = ${JSON.stringify(join(REPO, "fixtures/license/test-server-2099.key"))}\ntrusted_issuers = [${JSON.stringify(join(REPO, "fixtures/license/test-issuer.pub"))}]\n`;
  // Tests stay offline: checks that ask DNS are off unless the test configures them.
  const spf = (/^\[spf\]/m.test(toml) ? "" : "[spf]\nenabled = false\n") + (/^\[dkim\]/m.test(toml) ? "" : "[dkim]\nenabled = false\n");
  const configPath = writeConfig(dir, `${toml}\n${license}${spf}[server]\nlisten = ${JSON.stringify([tcp, ...(opts.extraListen ?? [])])}\n${opts.server ?? ""}\n`);
  const proc = Bun.spawn([kasBinary(), "serve", "--config", configPath], { stdin: "ignore", stdout: "ignore", stderr: "pipe", env: { ...process.env, KAS_CONFIG: "", NO_COLOR: "1", ...opts.env } });
  const log: string[] = [];
  void (async () => {
    let rest = "";
    for await (const chunk of proc.stderr as ReadableStream<Uint8Array>) {
      rest += new TextDecoder().decode(chunk);
      const lines = rest.split("\n");
      rest = lines.pop()!;
      log.push(...lines);
    }
  })();
  // `tlsCa`: the server's [server] tls_cert is set; its TCP listener is reached over TLS.
  const addr = { ...(parseAddress(tcp) as Address), ...(opts.tlsCa ? { tls: true } : {}) } as Address;
  const T = { ...TIMEOUTS, tlsCa: opts.tlsCa };
  const json = async (method: "GET" | "POST", path: string, body?: Uint8Array, headers?: Record<string, string>) => {
    const r = await httpRequest(addr, { method, path, body, headers }, T);
    return { status: r.status, json: JSON.parse(new TextDecoder().decode(r.body)) };
  };
  const served: Served = {
    proc, addr, tcp, configPath, log,
    status: async () => (await json("GET", "/v1/status")).json,
    scan: (raw, headers) => json("POST", "/v1/scan", typeof raw === "string" ? new TextEncoder().encode(raw) : raw, headers),
    async stop() {
      proc.kill("SIGTERM");
      return await proc.exited;
    },
    async waitLog(re, ms = 10_000) {
      const end = Date.now() + ms;
      for (;;) {
        const hit = log.find((l) => re.test(l));
        if (hit) return hit;
        if (Date.now() > end) throw new Error(`no log line matching ${re} within ${ms} ms; log:\n${log.join("\n")}`);
        await Bun.sleep(20);
      }
    },
  };
  const end = Date.now() + 15_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`kas serve exited ${proc.exitCode}:\n${log.join("\n")}`);
    try {
      const r = await json("GET", "/v1/ping");
      if (r.json.pong) break;
    } catch {}
    if (Date.now() > end) throw new Error(`kas serve did not answer within 15 s:\n${log.join("\n")}`);
    await Bun.sleep(50);
  }
  return served;
}

/** Polls until cond(status) holds (or throws with the last status). */
export async function untilStatus(s: Served, cond: (st: Record<string, any>) => boolean, ms = 10_000): Promise<Record<string, any>> {
  const end = Date.now() + ms;
  let st: Record<string, any> = {};
  while (Date.now() < end) {
    st = await s.status();
    if (cond(st)) return st;
    await Bun.sleep(50);
  }
  throw new Error(`status condition not reached in ${ms} ms; last status: ${JSON.stringify(st)}`);
}
