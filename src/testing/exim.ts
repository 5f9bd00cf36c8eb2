// Test-only harness: a private Exim 4.96 (Debian's exim4-daemon-heavy binary) for the spamd
// door's e2e tests, without installing it: installing an Exim package would remove Postfix,
// which other e2e tests need, so the .debs are fetched with `apt-get download` and unpacked
// with `dpkg -x` into /var/cache/kas-test/exim4 (once per machine). The heavy build is needed:
// exim4-daemon-light is compiled without content scanning, so it has no `spam =` condition
// ("main option spamd_address unknown").
//
// The instance: its own config file (-C), spool and log directories under a temp dir, SMTP on
// a free 127.0.0.1 port, no DNS (host_lookup unset, no dnslookup router), one local domain
// delivered into one mbox file by appendfile as `nobody`, nothing relayed. Received messages
// are only queued (queue_only); deliver() runs the queue once (-qff), so a test knows when
// delivery happened. Needs root: the binary was built for the user Debian-exim, which this
// machine need not have; it runs in its own mount namespace where /etc/passwd and /etc/group
// are copies that add that user (as postfix.ts does for /etc/postfix). Nothing else sees them.
// Never imported by production code.
import { waitForPort } from "./wait-port";
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./kas-server";
import { ensureTraversable } from "./postfix";
import { libraryPath, run, stopDaemon, unpackedDebs } from "./private-debs";
import { sendMail, type SmtpMessage, type SmtpOutcome } from "./smtp";

export const EXIM_CACHE = "/var/cache/kas-test/exim4";
/** The binary and the shared libraries it needs that a Postfix test machine lacks. */
const PACKAGES = ["exim4-daemon-heavy", "libidn12", "libmariadb3", "libspf2-2"];
const DOMAIN = "kas.test";

export interface Exim {
  port: number;
  dir: string;
  send(msg: SmtpMessage): Promise<SmtpOutcome>;
  /** Runs the queue once (exim -qff) and returns the mbox's messages. */
  deliver(): string[];
  mainlog(): string;
  stop(): Promise<void>;
}

/** The unpacked Exim tree (cached); downloads and unpacks it the first time. */
export function eximRoot(): string {
  return unpackedDebs(EXIM_CACHE, PACKAGES, "the Exim e2e tests", (root) => {
    // ldconfig (the packages' trigger) would have made this name; libspf2 ships only the versioned file.
    const spf = readdirSync(join(root, "usr/lib")).find((f) => /^libspf2\.so\.2\.\d/.test(f));
    if (spf && !existsSync(join(root, "usr/lib/libspf2.so.2"))) symlinkSync(spf, join(root, "usr/lib/libspf2.so.2"));
  });
}

/** A uid (and gid) no account on this machine has, for the Debian-exim user of the private passwd. */
function freeId(passwd: string, group: string): number {
  const used = new Set([...passwd.split("\n"), ...group.split("\n")].map((l) => Number(l.split(":")[2])));
  let id = 64_990;
  while (used.has(id)) id--;
  return id;
}

/** Starts Exim with `dataAcl` (lines of acl_smtp_data, e.g. `spam =` conditions) and spamd_address. */
export async function startExim(opts: { spamd: string; dataAcl: string[] }): Promise<Exim> {
  const root = eximRoot();
  const bin = join(root, "usr/sbin/exim4");
  const dir = mkdtempSync(join(tmpdir(), "kas-exim-"));
  // Exim writes its logs as Debian-exim and delivers as nobody: both must reach the directory.
  ensureTraversable(dir);
  chmodSync(dir, 0o755);
  const passwd = readFileSync("/etc/passwd", "utf8");
  const group = readFileSync("/etc/group", "utf8");
  const id = freeId(passwd, group);
  writeFileSync(join(dir, "passwd"), `${passwd.trimEnd()}\nDebian-exim:x:${id}:${id}:Exim test:/nonexistent:/usr/sbin/nologin\n`);
  writeFileSync(join(dir, "group"), `${group.trimEnd()}\nDebian-exim:x:${id}:\n`);
  for (const d of ["spool", "log", "mail"]) mkdirSync(join(dir, d));
  for (const d of ["spool", "log"]) chownSync(join(dir, d), id, id);
  chownSync(join(dir, "mail"), 65534, 65534);
  const port = freePort();
  const conf = join(dir, "exim.conf");
  writeFileSync(
    conf,
    `# kas e2e: private, non-relaying, no DNS
exim_path = ${bin}
primary_hostname = exim.${DOMAIN}
spool_directory = ${dir}/spool
log_file_path = ${dir}/log/%slog
pid_file_path = ${dir}/exim.pid
daemon_smtp_ports = ${port}
local_interfaces = 127.0.0.1
spamd_address = ${opts.spamd}
domainlist local_domains = ${DOMAIN}
acl_smtp_rcpt = acl_rcpt
acl_smtp_data = acl_data
host_lookup =
rfc1413_hosts =
tls_advertise_hosts =
keep_environment =
queue_only = true

begin acl
acl_rcpt:
  accept domains = +local_domains
  deny   message = relay not permitted
acl_data:
${opts.dataAcl.map((l) => `  ${l}`).join("\n")}

begin routers
local:
  driver = accept
  domains = +local_domains
  transport = to_mbox

begin transports
to_mbox:
  driver = appendfile
  file = ${dir}/mail/inbox
  user = nobody
  group = nogroup
  return_path_add
`,
  );
  const env = { LD_LIBRARY_PATH: libraryPath(root) };
  const ns = (args: string[]) => ["unshare", "--mount", "--propagation", "private", "sh", "-c", 'mount --bind "$1/passwd" /etc/passwd && mount --bind "$1/group" /etc/group && shift && exec "$@"', "sh", dir, bin, "-C", conf, ...args];
  const check = Bun.spawnSync(ns(["-bV"]), { env: { ...process.env, ...env }, stdout: "pipe", stderr: "pipe" });
  if (check.exitCode !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`exim -bV failed: ${(check.stdout.toString() + check.stderr.toString()).trim().slice(0, 2000)}`);
  }
  // -bdf: the daemon stays in the foreground, so this process is the one to stop.
  const proc = Bun.spawn(ns(["-bdf"]), { env: { ...process.env, ...env }, stdout: "ignore", stderr: "pipe" });
  const mainlog = () => (existsSync(join(dir, "log/mainlog")) ? readFileSync(join(dir, "log/mainlog"), "utf8") : "");
  const stop = () => stopDaemon(proc, dir);
  if (!(await waitForPort(port, 20_000, () => proc.exitCode !== null))) {
    const l = mainlog() + (existsSync(join(dir, "log/paniclog")) ? readFileSync(join(dir, "log/paniclog"), "utf8") : "");
    proc.kill("SIGKILL");
    const err = await new Response(proc.stderr as ReadableStream<Uint8Array>).text();
    await stop();
    throw new Error(`exim did not listen on 127.0.0.1:${port} within 20 s; stderr: ${err.trim().slice(0, 2000)}; logs:\n${l}`);
  }
  return {
    port,
    dir,
    send: (msg) => sendMail(port, msg),
    deliver() {
      run(ns(["-qff"]), "exim -qff", { env });
      const mbox = join(dir, "mail/inbox");
      if (!existsSync(mbox)) return [];
      return readFileSync(mbox, "latin1").split(/^(?=From \S+ \w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}$)/m).filter(Boolean);
    },
    mainlog,
    stop,
  };
}
