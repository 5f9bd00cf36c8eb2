// Test-only harness for end-to-end tests: runs the compiled dist/kas (building it once if it
// is missing) with a private data_dir and config, and collects stdout/stderr/exit code.
// Never imported by production code.
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const REPO = resolve(import.meta.dir, "../..");
/** $KAS_BIN overrides the binary under test (lets parallel builds not collide). */
export const KAS = process.env.KAS_BIN || join(REPO, "dist/kas");

let built = false;
/** Path of the compiled binary; builds it when absent (npm test builds it first anyway). */
export function kasBinary(): string {
  if (!built && !existsSync(KAS) && !process.env.KAS_BIN) {
    const r = Bun.spawnSync(["bun", "build.ts"], { cwd: REPO, stderr: "inherit" });
    if (r.exitCode !== 0) throw new Error("building dist/kas failed: run `bun build.ts` to see why");
  }
  built = true;
  return KAS;
}

/** A fresh temporary directory for one test (data_dir, sockets, configs). */
export function tempDir(prefix = "kas-test-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Writes a kas.toml into dir (data_dir defaults to dir/data) and returns its path. */
export function writeConfig(dir: string, toml = ""): string {
  const path = join(dir, "kas.toml");
  let body = /^\s*data_dir\s*=/m.test(toml) ? toml : `data_dir = ${JSON.stringify(join(dir, "data"))}\n${toml}`;
  // Tests stay offline: DKIM/DMARC would ask DNS for every message (a real resolver, or a
  // timeout per scan without one); a test about them configures [dkim] itself.
  if (!/^\s*\[dkim\]/m.test(body)) body += `${body.endsWith("\n") || body === "" ? "" : "\n"}[dkim]\nenabled = false\n`;
  writeFileSync(path, body);
  return path;
}

export interface RunResult {
  exitCode: number;
  stdout: Uint8Array;
  stderr: string;
  text: string;
}

/** Runs `kas ARGS` to completion. */
export async function runKas(args: string[], opts: { stdin?: Uint8Array | string; env?: Record<string, string>; timeoutMs?: number } = {}): Promise<RunResult> {
  const proc = Bun.spawn([kasBinary(), ...args], {
    stdin: opts.stdin === undefined ? "ignore" : typeof opts.stdin === "string" ? new TextEncoder().encode(opts.stdin) : opts.stdin,
    stdout: "pipe",
    stderr: "pipe",
    env: { ...process.env, KAS_CONFIG: "", NO_COLOR: "1", ...opts.env },
    timeout: opts.timeoutMs ?? 30_000,
  });
  const [stdout, stderr] = await Promise.all([new Response(proc.stdout).bytes(), new Response(proc.stderr).text()]);
  const exitCode = await proc.exited;
  return { exitCode, stdout, stderr, text: new TextDecoder().decode(stdout) };
}
