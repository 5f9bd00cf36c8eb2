// Test-only: waits until something accepts TCP connections on 127.0.0.1:port (a mail server
// under test that was just started), shared by the Exim and Postfix harnesses.

/** True once 127.0.0.1:port accepts a connection; false after `ms`, or as soon as `gaveUp()` says the process is gone. */
export async function waitForPort(port: number, ms: number, gaveUp: () => boolean = () => false): Promise<boolean> {
  const end = Date.now() + ms;
  for (;;) {
    try {
      const s = await Bun.connect({ hostname: "127.0.0.1", port, socket: { data() {} } });
      s.end();
      return true;
    } catch {}
    if (Date.now() > end || gaveUp()) return false;
    await Bun.sleep(100);
  }
}
