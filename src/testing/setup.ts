// `npm test` runs this first (package.json "pretest"): the Debian packages the end-to-end
// tests need, installed when missing, so the README's one test command does all setup on a
// fresh machine. Only faketime today (src/testing/faketime.ts moves a running server's
// clock with it). Needs root (or sudo) and apt; otherwise it says what to install and the
// tests that need it fail with the same advice.
import { existsSync } from "node:fs";

const NEEDED = [{ pkg: "faketime", present: () => ["/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1", "/usr/lib/aarch64-linux-gnu/faketime/libfaketime.so.1", "/usr/lib/faketime/libfaketime.so.1"].some(existsSync) }];

const missing = NEEDED.filter((n) => !n.present()).map((n) => n.pkg);
if (missing.length) {
  const root = process.getuid?.() === 0;
  const apt = Bun.which("apt-get");
  if (!apt) {
    console.error(`test setup: missing ${missing.join(", ")} and no apt-get here: install them with your package manager`);
  } else {
    const sudo = root ? [] : Bun.which("sudo") ? ["sudo", "-n"] : undefined;
    if (!sudo) {
      console.error(`test setup: missing ${missing.join(", ")}: run \`apt-get update && apt-get install -y ${missing.join(" ")}\` as root`);
    } else {
      console.error(`test setup: installing ${missing.join(", ")} (apt-get)`);
      const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
      const run = (args: string[]) => Bun.spawnSync([...sudo, ...args], { env, stdout: "ignore", stderr: "inherit" }).exitCode;
      if (run(["apt-get", "update", "-qq"]) !== 0 || run(["apt-get", "install", "-y", "-qq", ...missing]) !== 0) {
        console.error(`test setup: could not install ${missing.join(", ")}; the tests that need them will fail saying so`);
      }
    }
  }
}
