// Test-only: runs src/testing/dns-server.ts as a separate process (a real DNS server on
// loopback, as the e2e tests require) and returns it with the UDP/TCP port it printed.
import { join } from "node:path";
import { REPO } from "./kas-binary";

export type DnsProcess = { proc: ReturnType<typeof Bun.spawn>; port: number };

export async function spawnDnsServer(args: string[]): Promise<DnsProcess> {
  const proc = Bun.spawn([process.execPath, join(REPO, "src/testing/dns-server.ts"), ...args], { stdout: "pipe", stderr: "inherit" });
  const reader = (proc.stdout as ReadableStream<Uint8Array>).getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error("dns-server exited before printing its port");
    text += new TextDecoder().decode(value);
  }
  reader.releaseLock();
  return { proc, port: Number(text.trim()) };
}
