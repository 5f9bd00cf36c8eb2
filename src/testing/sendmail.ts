// Test-only harness: a private Sendmail 8.17 (Debian's sendmail-bin) for the milter door's
// e2e test, without installing it: installing sendmail-bin would remove Postfix, which other
// e2e tests need, so the .debs are fetched with `apt-get download` and unpacked with `dpkg -x`
// into /var/cache/kas-test/sendmail (once per machine), with m4 and Sendmail's own cf macros
// to build sendmail.cf from a .mc file the way an administrator does.
//
// The instance: its .cf built from the .mc below (the README's INPUT_MAIL_FILTER line, the
// milter address and flags given by the test), SMTP on a free 127.0.0.1 port, every accepted
// message only queued (DeliveryMode=queue): a test reads the queue files, where Sendmail keeps
// the header fields a milter added. No DNS: Sendmail canonicalises its host name at start
// (and sleeps a minute when it cannot), so it runs in its own mount namespace where /etc/hosts
// names this host in kas.test, nsswitch.conf says "hosts: files" and resolv.conf points at
// 127.0.0.1; nothing leaves loopback. Needs root (the daemon binds, reads its .cf as root).
// Never imported by production code.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./kas-server";
import { libraryPath, run, stopDaemon, unpackedDebs } from "./private-debs";
import { sendMail, type SmtpMessage, type SmtpOutcome } from "./smtp";
import { waitForPort } from "./wait-port";

export const SENDMAIL_CACHE = "/var/cache/kas-test/sendmail";
/**
 * The daemon, the .mc macros and m4 to expand them, and the libraries it links that a test
 * machine need not have (Postfix brings libdb, libsasl2 and libssl; libldap usually comes with
 * curl and libnsl with Python, which a machine with only Node.js may lack).
 */
const PACKAGES = ["sendmail-bin", "sendmail-cf", "m4", "libwrap0", "libnsl2", "libldap-2.5-0"];
export const SENDMAIL_DOMAIN = "kas.test";

export interface Queued {
  /** The header fields as Sendmail will deliver them (the qf file's H lines), "Name: value" each. */
  headers: string[];
  /** The body as queued (the df file). */
  body: string;
}

export interface Sendmail {
  port: number;
  send(msg: SmtpMessage): Promise<SmtpOutcome>;
  /** The messages in the queue directory, in no particular order. */
  queued(): Queued[];
  stop(): Promise<void>;
}

/** The unpacked Sendmail tree (cached); downloads and unpacks it the first time. */
export function sendmailRoot(): string {
  // The binary is setgid smmsp: run by root, the loader would then ignore LD_LIBRARY_PATH
  // (secure execution) and not find the unpacked libraries.
  return unpackedDebs(SENDMAIL_CACHE, PACKAGES, "the Sendmail e2e test", (root) => chmodSync(join(root, "usr/libexec/sendmail/sendmail"), 0o755));
}

/**
 * Starts Sendmail with `INPUT_MAIL_FILTER(`kas', `S=<milter>, F=<flags>, T=...')`, as the
 * README tells an administrator to write it. `milter` is Sendmail's socket form
 * (inet:PORT@127.0.0.1).
 */
export async function startSendmail(opts: { milter: string; flags: string }): Promise<Sendmail> {
  const root = sendmailRoot();
  const cf = join(root, "usr/share/sendmail/cf");
  const dir = mkdtempSync(join(tmpdir(), "kas-sendmail-"));
  const queue = join(dir, "mqueue");
  mkdirSync(queue, { mode: 0o700 });
  const port = freePort();
  writeFileSync(join(dir, "service.switch"), "hosts files\naliases files\n");
  writeFileSync(join(dir, "hosts"), `127.0.0.1 localhost\n127.0.0.1 ${hostname()}.${SENDMAIL_DOMAIN} ${hostname()}\n`);
  writeFileSync(join(dir, "nsswitch.conf"), "passwd: files\ngroup: files\nhosts: files\n");
  writeFileSync(join(dir, "resolv.conf"), "nameserver 127.0.0.1\noptions timeout:1 attempts:1\n");
  writeFileSync(
    join(dir, "kas.mc"),
    `divert(-1)
# kas e2e: private, queue only, no DNS
divert(0)dnl
OSTYPE(\`linux')dnl
define(\`confDONT_BLAME_SENDMAIL', \`GroupWritableDirPathSafe')dnl
define(\`QUEUE_DIR', \`${queue}')dnl
define(\`confPID_FILE', \`${dir}/sendmail.pid')dnl
define(\`STATUS_FILE', \`${dir}/statistics')dnl
define(\`ALIAS_FILE', \`')dnl
define(\`confHOST_STATUS_DIRECTORY', \`')dnl
define(\`confSERVICE_SWITCH_FILE', \`${dir}/service.switch')dnl
define(\`confDELIVERY_MODE', \`queue')dnl
define(\`confDOMAIN_NAME', \`mx.${SENDMAIL_DOMAIN}')dnl
define(\`confTO_IDENT', \`0s')dnl
dnl A test machine runs at a high load average: Sendmail must not refuse or queue for it.
define(\`confREFUSE_LA', \`1000')dnl
define(\`confQUEUE_LA', \`1000')dnl
define(\`confDELAY_LA', \`0')dnl
FEATURE(\`no_default_msa')dnl
FEATURE(\`nocanonify')dnl
FEATURE(\`accept_unresolvable_domains')dnl
DAEMON_OPTIONS(\`Family=inet, Name=MTA, Port=${port}, Addr=127.0.0.1')dnl
INPUT_MAIL_FILTER(\`kas', \`S=${opts.milter}, F=${opts.flags}, T=S:10s;R:30s;E:60s')dnl
LOCAL_DOMAIN(\`${SENDMAIL_DOMAIN}')dnl
MAILER(\`local')dnl
MAILER(\`smtp')dnl
`,
  );
  writeFileSync(join(dir, "sendmail.cf"), run([join(root, "usr/bin/m4"), `-D_CF_DIR_=${cf}/`, join(cf, "m4/cf.m4"), join(dir, "kas.mc")], "m4 (building sendmail.cf)"));
  const bind = ["hosts", "nsswitch.conf", "resolv.conf"].map((f) => `mount --bind "$1/${f}" /etc/${f}`).join(" && ");
  // -bD: the daemon stays in the foreground, so this process is the one to stop.
  const proc = Bun.spawn(["unshare", "--mount", "--propagation", "private", "sh", "-c", `${bind} && shift && exec "$@"`, "sh", dir, join(root, "usr/libexec/sendmail/sendmail"), "-C", join(dir, "sendmail.cf"), "-bD"], {
    env: { ...process.env, LD_LIBRARY_PATH: libraryPath(root) },
    stdout: "pipe",
    stderr: "pipe",
  });
  const stop = () => stopDaemon(proc, dir);
  if (!(await waitForPort(port, 20_000, () => proc.exitCode !== null))) {
    proc.kill("SIGKILL");
    const out = (await new Response(proc.stdout as ReadableStream<Uint8Array>).text()) + (await new Response(proc.stderr as ReadableStream<Uint8Array>).text());
    await stop();
    throw new Error(`sendmail did not listen on 127.0.0.1:${port} within 20 s: ${out.trim().slice(0, 2000)}`);
  }
  return {
    port,
    send: (msg) => sendMail(port, msg),
    queued() {
      // qf<id>: envelope and header lines ("H" + optional ?flags? + field, continuation lines
      // start with a tab); df<id>: the body. A qf without its df is a message still being written.
      return readdirSync(queue)
        .filter((f) => f.startsWith("qf") && existsSync(join(queue, `d${f.slice(1)}`)))
        .map((f) => {
          const qf = readFileSync(join(queue, f), "latin1").replace(/\n(?=[ \t])/g, "");
          const headers = qf
            .split("\n")
            .filter((l) => l.startsWith("H"))
            .map((l) => l.slice(1).replace(/^\?[^?]*\?/, ""));
          return { headers, body: readFileSync(join(queue, `d${f.slice(1)}`), "latin1") };
        });
    },
    stop,
  };
}
