// Test-only harness: a private, non-relaying Postfix (Debian package `postfix`, 3.7) for
// e2e tests. Its own config_directory, queue_directory and data_directory under a temp dir;
// SMTP on a free 127.0.0.1 port; mail for one test domain delivered by virtual(8) into one
// maildir; every other destination is an `error:` transport (nothing leaves the machine);
// no DNS. Extra main.cf / master.cf lines wire in what a test exercises (a content filter
// here, `smtpd_milters = inet:127.0.0.1:PORT` later). Needs root (Postfix insists on
// root-owned queue directories); the system instance is never configured or started.
//
// Why a mount namespace: pipe(8) runs its command as an unprivileged user, and a re-injecting
// `sendmail` hands the message to the set-gid `postdrop`, which accepts a non-default
// MAIL_CONFIG only when the *default* /etc/postfix/main.cf lists it in
// alternate_config_directories (Postfix mail_conf.c, "untrusted configuration directory").
// Rather than edit the machine's /etc/postfix, the master runs in its own mount namespace
// where /etc/postfix is a copy that lists this instance; every process it starts (pipe,
// kas, sendmail, postdrop) sees that copy, nothing else does.
// Never imported by production code.
import { waitForPort } from "./wait-port";
import { chmodSync, chownSync, copyFileSync, cpSync, existsSync, linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { freePort } from "./kas-server";

export interface PostfixOptions {
  /** The one domain delivered here (default kas.test). */
  domain?: string;
  /** Lines appended to main.cf (a later setting overrides an earlier one). */
  main?: string[];
  /** Lines appended to master.cf (services, with their continuation lines). */
  master?: string[];
  /** `-o name=value` options of the SMTP listener (e.g. content_filter=kasfilter:dummy). */
  smtpd?: string[];
}

export interface QueueEntry {
  queue_name: string;
  queue_id: string;
  sender: string;
  recipients: { address: string; delay_reason?: string }[];
}

export interface Postfix {
  base: string;
  /** config_directory (postconf -c / postqueue -c take it). */
  conf: string;
  port: number;
  domain: string;
  /** Delivered messages, oldest first (maildir new/ and cur/). */
  delivered(): string[];
  /** Waits until at least n messages are delivered; throws with the queue and the log after ms. */
  waitDelivered(n: number, ms: number): Promise<string[]>;
  /** The queue as `postqueue -j` lists it (active, deferred, incoming, hold). */
  queue(): QueueEntry[];
  /** Waits until cond(queue) holds; throws with the queue and the log after ms. */
  waitQueue(cond: (q: QueueEntry[]) => boolean, ms: number): Promise<QueueEntry[]>;
  /** `postqueue -f`: deliver the deferred mail now. */
  flush(): void;
  /** Appends lines to main.cf / master.cf and reloads (for lines that name files made after start). */
  configure(add: { main?: string[]; master?: string[] }): Promise<void>;
  /** The instance's log so far (maillog_file). */
  log(): string;
  /** `postfix stop`, then the temp dir is removed. */
  stop(): Promise<void>;
}

const POSTFIX = "/usr/sbin/postfix";
const POSTQUEUE = "/usr/sbin/postqueue";

function run(cmd: string[], what: string): string {
  const r = Bun.spawnSync(cmd, { stdout: "pipe", stderr: "pipe" });
  const out = r.stdout.toString() + r.stderr.toString();
  if (r.exitCode !== 0) throw new Error(`${what} failed (exit ${r.exitCode}): ${out.trim()}`);
  return out;
}

/** nobody (pipe(8) user=, virtual(8) owner) must reach the instance: every ancestor needs x for others. */
export function ensureTraversable(dir: string): void {
  for (let d = dirname(dir); ; d = dirname(d)) {
    const st = statSync(d);
    if (!(st.mode & 0o001)) {
      // The per-run TMPDIR (testing/run-tmp.ts) is 0700: let others through, not list it.
      if (st.uid !== process.getuid?.()) throw new Error(`${d} is not searchable by other users: the Postfix harness needs a temp dir others can traverse`);
      chmodSync(d, (st.mode & 0o777) | 0o011);
    }
    if (d === dirname(d)) return;
  }
}

/** uid/gid of a system account, from /etc/passwd or /etc/group. */
function idOf(file: "/etc/passwd" | "/etc/group", name: string): number {
  const line = readFileSync(file, "utf8").split("\n").find((l) => l.startsWith(name + ":"));
  if (!line) throw new Error(`no ${name} in ${file}: is the postfix package installed (apt-get install postfix)?`);
  return Number(line.split(":")[2]);
}

const SERVICES = `pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
proxywrite unix -       -       n       -       1       proxymap
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
virtual   unix  -       n       n       -       -       virtual
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
`;

export async function startPostfix(opts: PostfixOptions = {}): Promise<Postfix> {
  if (process.getuid?.() !== 0) throw new Error("the Postfix harness needs root (Postfix wants root-owned queue directories)");
  if (!existsSync(POSTFIX)) throw new Error("postfix is not installed: run `bun src/testing/setup.ts` (npm test does) or `apt-get install postfix` with debconf \"No configuration\"");
  const domain = opts.domain ?? "kas.test";
  const nobody = idOf("/etc/passwd", "nobody");
  const nogroup = idOf("/etc/group", "nogroup");
  const postfixUid = idOf("/etc/passwd", "postfix");
  const postfixGid = idOf("/etc/group", "postfix");

  const base = mkdtempSync(join(tmpdir(), "kas-postfix-"));
  chmodSync(base, 0o755);
  ensureTraversable(base);
  const conf = join(base, "etc");
  const sysEtc = join(base, "sys-etc");
  const spool = join(base, "spool");
  const data = join(base, "data");
  const logDir = join(base, "log");
  const mail = join(base, "mail");
  for (const d of [conf, spool, logDir, mail, data]) mkdirSync(d, { mode: 0o755 });
  chownSync(data, postfixUid, postfixGid);
  chmodSync(data, 0o700);
  chownSync(mail, nobody, nogroup);

  // The /etc/postfix this instance's processes see (see the header): the package's files
  // (postfix-files, dynamicmaps.cf: meta_directory) plus a main.cf that trusts `conf`.
  cpSync("/etc/postfix", sysEtc, { recursive: true });
  writeFileSync(join(sysEtc, "main.cf"), `# kas test harness: lets postdrop accept MAIL_CONFIG=${conf}\nalternate_config_directories = ${conf}\n`);

  const port = freePort();
  writeFileSync(
    join(conf, "main.cf"),
    `# Private Postfix for kas e2e tests (src/testing/postfix.ts)
compatibility_level = 3.6
queue_directory = ${spool}
data_directory = ${data}
mail_owner = postfix
setgid_group = postdrop
syslog_name = postfix-kas-test
maillog_file = ${logDir}/maillog
maillog_file_prefixes = ${logDir}
myhostname = mx.${domain}
mydomain = ${domain}
myorigin = $mydomain
append_dot_mydomain = no
# No DNS anywhere: there is no smtp client service, and peers are not looked up.
smtp_dns_support_level = disabled
lmtp_dns_support_level = disabled
smtpd_peername_lookup = no
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
biff = no
# Final delivery to ${domain} only; nothing is relayed or sent off the machine.
mynetworks = 127.0.0.0/8
mydestination =
local_recipient_maps =
alias_maps =
alias_database =
relay_domains =
relayhost =
local_transport = error:5.1.1 local delivery disabled in the kas test instance
default_transport = error:5.7.1 outbound mail disabled in the kas test instance
relay_transport = error:5.7.1 relaying disabled in the kas test instance
smtpd_relay_restrictions = reject_unauth_destination
smtpd_tls_security_level = none
virtual_mailbox_domains = ${domain}
virtual_mailbox_base = ${mail}
# Every recipient of the domain shares one maildir; Delivered-To tells them apart.
virtual_mailbox_maps = static:inbox/
virtual_uid_maps = static:${nobody}
virtual_gid_maps = static:${nogroup}
virtual_minimum_uid = 1
# Retries come quickly in tests (the defaults wait minutes).
queue_run_delay = 2s
minimal_backoff_time = 2s
maximal_backoff_time = 4s
${(opts.main ?? []).join("\n")}
`,
  );
  const smtpd = (opts.smtpd ?? []).map((o) => `  -o ${o}\n`).join("");
  writeFileSync(join(conf, "master.cf"), `127.0.0.1:${port} inet n - n - - smtpd\n${smtpd}${SERVICES}${(opts.master ?? []).join("\n")}\n`);

  const stop = async () => {
    Bun.spawnSync([POSTFIX, "-c", conf, "stop"], { stdout: "ignore", stderr: "ignore" });
    const pidFile = join(spool, "pid/master.pid");
    const pid = existsSync(pidFile) ? Number(readFileSync(pidFile, "utf8").trim()) : 0;
    const end = Date.now() + 10_000;
    while (pid && alive(pid) && Date.now() < end) await Bun.sleep(50);
    if (pid && alive(pid)) process.kill(pid, "SIGKILL");
    rmSync(base, { recursive: true, force: true });
  };
  const log = () => (existsSync(join(logDir, "maillog")) ? readFileSync(join(logDir, "maillog"), "utf8") : "");

  // The master daemonizes inside the namespace; unshare's own process ends with `postfix start`.
  const started = Bun.spawnSync(["unshare", "--mount", "--propagation", "private", "sh", "-c", 'mount --bind "$1" /etc/postfix && exec "$2" -c "$3" start', "sh", sysEtc, POSTFIX, conf], { stdout: "pipe", stderr: "pipe" });
  if (started.exitCode !== 0) {
    const out = started.stdout.toString() + started.stderr.toString();
    await stop();
    throw new Error(`postfix start failed (exit ${started.exitCode}): ${out.trim()}`);
  }
  if (!(await waitForPort(port, 20_000))) {
    const l = log();
    await stop();
    throw new Error(`postfix did not listen on 127.0.0.1:${port} within 20 s; log:\n${l}`);
  }

  const delivered = () => {
    const out: string[] = [];
    for (const sub of ["new", "cur"]) {
      const d = join(mail, "inbox", sub);
      if (!existsSync(d)) continue;
      // Maildir names start with the delivery time in seconds, so name order is near time order.
      for (const f of readdirSync(d).sort()) out.push(readFileSync(join(d, f), "latin1"));
    }
    return out;
  };
  const queue = (): QueueEntry[] =>
    run([POSTQUEUE, "-c", conf, "-j"], "postqueue -j")
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as QueueEntry);
  const pf: Postfix = {
    base, conf, port, domain, delivered, queue, log, stop,
    flush: () => void run([POSTQUEUE, "-c", conf, "-f"], "postqueue -f"),
    async configure(add) {
      for (const [file, lines] of [["main.cf", add.main], ["master.cf", add.master]] as const) {
        if (lines?.length) writeFileSync(join(conf, file), readFileSync(join(conf, file), "utf8") + lines.join("\n") + "\n");
      }
      run([POSTFIX, "-c", conf, "reload"], "postfix reload");
      // The master re-reads its files on SIGHUP, asynchronously; new services start on demand.
      await Bun.sleep(1000);
    },
    async waitDelivered(n, ms) {
      const end = Date.now() + ms;
      for (;;) {
        const got = delivered();
        if (got.length >= n) return got;
        if (Date.now() > end) throw new Error(`${got.length} of ${n} messages delivered within ${ms} ms; queue: ${JSON.stringify(queue())}\nlog:\n${log()}`);
        await Bun.sleep(100);
      }
    },
    async waitQueue(cond, ms) {
      const end = Date.now() + ms;
      for (;;) {
        const q = queue();
        if (cond(q)) return q;
        if (Date.now() > end) throw new Error(`queue condition not reached within ${ms} ms; queue: ${JSON.stringify(q)}\nlog:\n${log()}`);
        await Bun.sleep(100);
      }
    },
  };
  return pf;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * A copy of (or hard link to) the kas binary that pipe(8)'s unprivileged user can run: the
 * build output may sit in a directory only root can enter.
 */
export function binaryFor(pf: Postfix, kas: string): string {
  const dir = join(pf.base, "bin");
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  const to = join(dir, "kas");
  try {
    linkSync(kas, to);
  } catch {
    copyFileSync(kas, to);
  }
  chmodSync(to, 0o755);
  return to;
}
