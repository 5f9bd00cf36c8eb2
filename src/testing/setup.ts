// `npm test` runs this first (package.json "pretest"): the Debian packages the end-to-end
// tests need, installed when missing, so the README's one test command does all setup on a
// fresh machine: faketime (src/testing/faketime.ts moves a running server's clock with it),
// postfix (src/testing/postfix.ts runs a private, non-relaying instance; the system instance
// is never configured or started), systemd (only systemd-analyze is used), spamc (the
// SpamAssassin client, for the spamd door; Exim and Sendmail are unpacked privately by
// src/testing/exim.ts and src/testing/sendmail.ts),
// rspamd (for rspamc, in front of the Rspamd door; its daemon is never started) and chromium
// (the Control Center's browser tests, through playwright-core). Needs root (or
// sudo) and apt; otherwise it says what to install and the tests that need it fail with the
// same advice.
import { existsSync } from "node:fs";

interface Needed {
  pkg: string;
  present: () => boolean;
  /** debconf answers given before installing, so apt asks nothing. */
  preseed?: string;
  /** A system service the package brings that the tests never want running: kept from starting and disabled. */
  service?: string;
}

const NEEDED: Needed[] = [
  { pkg: "faketime", present: () => ["/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1", "/usr/lib/aarch64-linux-gnu/faketime/libfaketimeMT.so.1", "/usr/lib/faketime/libfaketimeMT.so.1"].some(existsSync) },
  // "No configuration": the package writes no /etc/postfix/main.cf, so nothing can start a
  // system instance that listens or relays; the tests bring their own config directory.
  { pkg: "postfix", present: () => existsSync("/usr/sbin/postfix") && existsSync("/usr/lib/postfix/sbin/pipe"), preseed: "postfix postfix/main_mailer_type select No configuration\n" },
  // systemd-analyze verifies the unit `kas config systemd` prints (src/cli/config.e2e.test.ts).
  { pkg: "systemd", present: () => existsSync("/usr/bin/systemd-analyze") },
  // The real spamc client in front of the spamd door (src/server/spamd-spamc.e2e.test.ts).
  { pkg: "spamc", present: () => existsSync("/usr/bin/spamc") },
  // rspamc in front of the Rspamd door (src/server/rspamd.e2e.test.ts). The package also holds
  // the rspamd daemon: it must not run (it would listen on Rspamd's ports 11332-11334).
  { pkg: "rspamd", present: () => existsSync("/usr/bin/rspamc"), service: "rspamd" },
  // A real browser for the Control Center (src/control/browser.e2e.test.ts drives it with playwright-core).
  { pkg: "chromium", present: () => existsSync("/usr/bin/chromium") },
];

const missing = NEEDED.filter((n) => !n.present());
const names = missing.map((n) => n.pkg);
if (missing.length) {
  const root = process.getuid?.() === 0;
  const apt = Bun.which("apt-get");
  if (!apt) {
    console.error(`test setup: missing ${names.join(", ")} and no apt-get here: install them with your package manager`);
  } else {
    const sudo = root ? [] : Bun.which("sudo") ? ["sudo", "-n"] : undefined;
    if (!sudo) {
      console.error(`test setup: missing ${names.join(", ")}: run \`apt-get update && apt-get install -y ${names.join(" ")}\` as root`);
    } else {
      console.error(`test setup: installing ${names.join(", ")} (apt-get)`);
      const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
      const run = (args: string[], stdin?: string) =>
        Bun.spawnSync([...sudo, ...args], { env, stdin: stdin === undefined ? "ignore" : new TextEncoder().encode(stdin), stdout: "ignore", stderr: "inherit" }).exitCode;
      const preseed = missing.map((n) => n.preseed ?? "").join("");
      const services = missing.flatMap((n) => (n.service ? [n.service] : []));
      // invoke-rc.d and deb-systemd-invoke ask policy-rc.d (exit 101 = "do not start"); a host
      // without one gets it for the install only. Afterwards the services are disabled, so no
      // boot starts them either.
      const policy = "/usr/sbin/policy-rc.d";
      const ownPolicy = services.length > 0 && !existsSync(policy);
      if (ownPolicy) run(["sh", "-c", `printf '#!/bin/sh\\nexit 101\\n' > ${policy} && chmod 755 ${policy}`]);
      let ok = false;
      try {
        ok =
          (!preseed || run(["debconf-set-selections"], preseed) === 0) &&
          run(["apt-get", "update", "-qq"]) === 0 &&
          run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", "-o", "DPkg::Lock::Timeout=600", ...names]) === 0;
      } finally {
        if (ownPolicy) run(["rm", "-f", policy]);
      }
      for (const svc of services) {
        if (existsSync("/run/systemd/system") && Bun.which("systemctl")) run(["systemctl", "disable", "--now", svc]);
        if (Bun.which("update-rc.d")) run(["update-rc.d", svc, "disable"]);
      }
      if (!ok) console.error(`test setup: could not install ${names.join(", ")}; the tests that need them will fail saying so`);
    }
  }
}
