// The one configuration schema of kas (kas.toml). Every key: type, default, limits, one-line
// doc. The loader validates against it, `kas config defaults` prints it, the README's config
// table is generated from it. Add a key here and nowhere else.
import { address, argon2Hash, clientAddress, dnsServer, ipRange, mailbox, octalMode, publicKey, tcpAddress } from "./checks";
import { bool, choice, int, num, section, str, strs, tables, type InferSection } from "./spec";

const KiB = 1024;
const MiB = 1024 * KiB;

// The shapes of a [[dnsbl.list]] entry, so `kas config check` names a bad one by its line
// (checks/dnsbl-lists.ts reads them; it also refuses a reversed range).
const IP4 = String.raw`\d{1,3}(?:\.\d{1,3}){3}`;
const ANSWER = new RegExp(String.raw`^(?:&(?:0x[0-9a-f]+|\d+|${IP4})|${IP4}(?:-${IP4})?)$`, "i");
const SYMBOL = /^[A-Z][A-Z0-9_]*$/;
const ANSWER_SYMBOL = { test: (v: string) => ANSWER.test(v.slice(0, v.lastIndexOf("="))) && SYMBOL.test(v.slice(v.lastIndexOf("=") + 1)) };
const dnsZone = (v: string) => (/^[a-z0-9_-]+(?:\.[a-z0-9_-]+)+\.?$/i.test(v) ? undefined : `${JSON.stringify(v)}: expected a DNS zone such as zen.spamhaus.org`);

/** Thresholds, actions and lists of one policy; the default policy and every group use it. */
const POLICY_KEYS = {
  spam_score: num(5, "score at or above which a message is `spam`", { min: -1000, max: 1000 }),
  probable_spam_score: num(3, "score at or above which a message is `probable_spam` (set equal to spam_score to disable)", { min: -1000, max: 1000 }),
  spam_action: choice(["accept", "prefix", "reject", "tempfail"], "accept", "what to do with `spam`: accept (headers only), prefix (headers + subject prefix), reject (5xx / exit 69), tempfail (4xx / exit 75)"),
  probable_spam_action: choice(["accept", "prefix", "reject", "tempfail"], "accept", "what to do with `probable_spam`"),
  blacklisted_action: choice(["accept", "prefix", "reject", "tempfail"], "reject", "what to do with `blacklisted` (sender or client IP on a black list)"),
  formal_action: choice(["accept", "prefix", "reject", "tempfail"], "accept", "what to do with `formal` messages (bounces, auto-replies)"),
  spam_subject_prefix: str("[!! SPAM]", "subject prefix added by the `prefix` action to `spam` and `blacklisted`"),
  probable_spam_subject_prefix: str("[?? Probable Spam]", "subject prefix added by the `prefix` action to `probable_spam`"),
  reject_text: str("5.7.1 Message rejected as spam", "enhanced status code and text sent with a reject"),
  tempfail_text: str("4.7.1 Message deferred, try again later", "enhanced status code and text sent with a tempfail"),
  whitelist_senders: strs([], "envelope senders (address, @domain or *@domain) whose mail is `trusted`"),
  blacklist_senders: strs([], "envelope senders (address, @domain or *@domain) whose mail is `blacklisted`"),
  whitelist_ips: strs([], "client IPs or CIDR ranges whose mail is `trusted`", ipRange),
  blacklist_ips: strs([], "client IPs or CIDR ranges whose mail is `blacklisted`", ipRange),
} as const;

export const SCHEMA = {
  data_dir: str("/var/lib/kas", "directory for all state: installed rule databases, learning data, license usage"),
  log: section(
    {
      level: choice(["debug", "info", "warn", "error"], "info", "least severe log level written"),
      format: choice(["text", "json", "syslog"], "text", "stderr line format: text (time level [tag] msg), json (one object per line), syslog (<pri>tag: msg, for journald/syslog)"),
    },
    "logging (always on stderr; stdout carries data)",
  ),
  scan: section(
    {
      max_message_size: int(20 * MiB, "bytes of a message the engine parses; the rest of a larger message is not looked at (headers always are)", { min: 64 * KiB, max: 1024 * MiB }),
      time_budget_ms: int(5000, "wall-clock budget of one scan; rule matching stops when it is spent and the result says so", { min: 50, max: 600_000 }),
      max_mime_parts: int(1000, "MIME parts parsed per message; further parts are treated as opaque bytes", { min: 1, max: 100_000 }),
      max_mime_depth: int(32, "MIME nesting depth parsed; deeper parts are treated as opaque bytes", { min: 1, max: 1000 }),
      rules_dir: str("", "rule sources compiled at start instead of the installed / built-in database (for testing a rule set; empty = off)"),
    },
    "the scan engine's limits",
  ),
  policy: section(
    {
      ...POLICY_KEYS,
      group: tables(
        {
          name: str("", "group name (shown in logs and X-KAS-Policy)"),
          recipients: strs([], "recipient addresses or @domains this group applies to"),
          ...POLICY_KEYS,
        },
        "[[policy.group]]: group policies selected by recipient; keys not given are taken from [policy]",
      ),
    },
    "the default policy: thresholds, actions per status, white and black lists",
  ),
  bayes: section(
    {
      enabled: bool(true, "run the Bayes classifier as a content check (raises BAYES_00 … BAYES_99; abstains until min_spam / min_ham are learned)"),
      path: str("", "token database file (empty = <data_dir>/bayes/bayes.sqlite)"),
      min_spam: int(200, "spam messages that must be learned before the classifier gives a verdict", { min: 1, max: 10_000_000 }),
      min_ham: int(200, "ham messages that must be learned before the classifier gives a verdict", { min: 1, max: 10_000_000 }),
      max_tokens: int(1_000_000, "tokens kept; `kas learn` expires the least recently learned beyond this (about 40 bytes each on disk)", { min: 10_000, max: 100_000_000 }),
      autolearn: bool(false, "learn clear verdicts while scanning: score at or above autolearn_spam_score as spam, at or below autolearn_ham_score as ham"),
      autolearn_spam_score: num(12, "score at or above which a scanned message is learned as spam (with autolearn = true)", { min: -1000, max: 1000 }),
      autolearn_ham_score: num(-1, "score at or below which a scanned message is learned as ham (with autolearn = true)", { min: -1000, max: 1000 }),
    },
    "the Bayes classifier: token database, learning thresholds, auto-learning",
  ),
  dns: section(
    {
      resolver: str("", "DNS server as host:port (empty = the first nameserver in /etc/resolv.conf)", dnsServer),
      timeout: num(5, "seconds one DNS query waits for its answer (each check also stops at its own deadline: [spf] timeout, [dnsbl] timeout, the scan budget)", { min: 0.1, max: 120 }),
      max_concurrent: int(64, "DNS queries on the wire at once; more wait for a free slot", { min: 1, max: 10_000 }),
      cache_size: int(10_000, "DNS answers cached (positive for their TTL, negative per RFC 2308, up to 15 minutes)", { min: 0, max: 10_000_000 }),
    },
    "the DNS service of the master: one resolver and one cache for SPF, the DNS lists, DKIM, ARC and DMARC of every filtering process",
  ),
  spf: section(
    {
      enabled: bool(true, "run the SPF check (RFC 7208) on the envelope: raises SPF_PASS … SPF_TEMPERROR, adds Received-SPF"),
      timeout: num(5, "seconds one SPF evaluation may take, all its DNS queries included; beyond it the result is temperror and the scan goes on", { min: 0.1, max: 120 }),
      helo_check: bool(true, "also check the HELO name as an SPF identity (raises SPF_HELO_PASS … SPF_HELO_TEMPERROR)"),
      receiver: str("", "host name written as receiver= in Received-SPF and used for the %{r} macro (empty = this host's name)"),
    },
    "the SPF check (its DNS goes through [dns])",
  ),
  dnsbl: section(
    {
      enabled: bool(true, "look up the [[dnsbl.list]] lists (there are none until you add them: each list's terms of use are yours to accept)"),
      timeout: num(1.5, "seconds one list lookup may take (and never past the checks' share of the scan budget); a list that is late is skipped", { min: 0.05, max: 30 }),
      max_domains: int(20, "registrable domains of body links looked up per message (the first ones, in order)", { min: 0, max: 1000 }),
      trusted_networks: strs([], "relays whose Received fields are believed (your MTAs and smart hosts, as SpamAssassin's trusted_networks): IP lists look up the first relay outside them; loopback and private ranges always count as trusted", ipRange),
      internal_networks: strs([], "relays of your own organisation (as SpamAssassin's internal_networks; they are trusted too): never looked up", ipRange),
      list: tables(
        {
          zone: str("", "the list's DNS zone, e.g. zen.spamhaus.org", dnsZone),
          type: choice(["ip", "domain"], "ip", "ip: the client and the untrusted relays' addresses; domain: registrable domains of body links, of MAIL FROM and of From"),
          symbol: str("", "symbol raised for a listing answer that `answers` does not name (empty = only the named answers count)", (v) => (v === "" || SYMBOL.test(v) ? undefined : `${JSON.stringify(v)}: expected an UPPER_SNAKE symbol such as RCVD_IN_ZEN`)),
          answers: strs([], "ANSWER=SYMBOL: an address (127.0.0.2=RCVD_IN_SBL), a range (127.0.0.4-127.0.0.7=RCVD_IN_XBL) or a bitmask (&8=URIBL_PH_SURBL)", (v) => (ANSWER_SYMBOL.test(v) ? undefined : `${JSON.stringify(v)}: expected ANSWER=SYMBOL (127.0.0.2=RCVD_IN_SBL, 127.0.0.4-127.0.0.7=RCVD_IN_XBL, &8=URIBL_PH_SURBL)`)),
          refused: strs(["127.0.0.1", "127.255.255.252-127.255.255.255"], "answers meaning the list refused the query (public resolver, over quota): logged once, shown in kas status, never scored", (v) => (ANSWER.test(v) ? undefined : `${JSON.stringify(v)}: expected an address, a range a-b or a bitmask &N`)),
        },
        "[[dnsbl.list]]: one DNS block or allow list; its symbols are weighted in rules (rules/60_checks.cf has commented examples)",
      ),
    },
    "DNS block and allow lists, looked up through the shared DNS service of [spf]",
  ),
  dkim: section(
    {
      enabled: bool(true, "verify DKIM (RFC 6376; RSA-SHA256, Ed25519), the ARC chain (RFC 8617) and DMARC (RFC 7489): raises DKIM_*, ARC_*, DMARC_*, adds Authentication-Results"),
      authserv_id: str("", "authserv-id of the Authentication-Results field kas adds (RFC 8601; empty = [spf] receiver, else this host's name); any field already claiming it is removed"),
      min_key_bits: int(1024, "RSA keys shorter than this fail verification (RFC 8301 §3.2)", { min: 512, max: 16384 }),
      max_signatures: int(10, "DKIM-Signature fields verified per message, the topmost first (RFC 6376 §6.1 allows a limit; real mail carries 1-3); each may ask for a body hash of its own, so without a limit one message of many signatures costs seconds of CPU", { min: 1, max: 1000 }),
      max_arc_sets: int(10, "ARC sets (hops) a chain may have and still be validated: a longer chain is not evaluated (arc=none, named in the scan's note). RFC 8617 allows 50; real chains are 1-5 hops (lists, forwarders); each set's seal asks DNS for a key, all at once", { min: 1, max: 50 }),
      dmarc_reject: bool(false, "honour DMARC p=reject: a message failing DMARC whose domain asks for reject gets the policy's spam action and score (DMARC_REJECT is scored either way)"),
    },
    "DKIM, ARC and DMARC verification, through the shared DNS service of [spf]",
  ),
  client: section(
    {
      connect_to: strs(["tcp:127.0.0.1:2277"], "server addresses (tcp:host:port, tls:host:port for a server with [server] tls_cert, or unix:/path); more than one = fail-over in order", clientAddress),
      tls_ca: str("", "PEM file of the CA that signed the server's certificate, for tls: addresses (empty = the system's CAs)"),
      learn_secret: str("", "the server's [server] learn_secret, sent with `kas learn --connect` (X-KAS-Learn-Secret)"),
      connect_timeout: num(10, "seconds to wait for a connection", { min: 0.1, max: 3600 }),
      data_timeout: num(30, "seconds to wait for any read or write", { min: 0.1, max: 3600 }),
      on_error: choice(["tempfail", "reject", "accept"], "tempfail", "when scanning fails: tempfail (4xx / exit 75), reject (5xx / exit 69), accept (pass unmodified with a header / exit 0)"),
      size_limit: int(512 * KiB, "larger messages are not sent for scanning; they pass with a header saying so", { min: 1 * KiB, max: 1024 * MiB }),
    },
    "client modules (kas filter, milter): how to reach the server and what to do when it fails",
  ),
  server: section(
    {
      listen: strs(["tcp:127.0.0.1:2277"], "addresses the master listens on: tcp:host:port, unix:/path", address),
      allow: strs(["127.0.0.0/8", "::1/128"], "client IPs or CIDR ranges that may use the native door (scan, ping); others get HTTP 403 forbidden. Unix-socket clients have no address: socket_mode / socket_owner decide who reaches them", ipRange),
      learn_allow: strs(["127.0.0.0/8", "::1/128"], "client IPs or CIDR ranges that may also POST /v1/learn (kas learn --connect); others get 403", ipRange),
      learn_secret: str("", "when set, POST /v1/learn also needs this secret in the X-KAS-Learn-Secret header ([client] learn_secret); compared in constant time, from Unix-socket clients too"),
      status_allow: strs(["127.0.0.0/8", "::1/128"], "client IPs or CIDR ranges that may read GET /v1/status (configuration path, pool, counters); others get 403", ipRange),
      tls_cert: str("", "PEM certificate file: the native door's TCP listeners speak TLS (clients use tls:host:port) when tls_cert and tls_key are set; re-read on SIGHUP"),
      tls_key: str("", "PEM private key file of tls_cert"),
      socket_mode: str("0660", "file mode of Unix sockets (octal)", octalMode),
      socket_owner: str("", "owner of Unix sockets as user[:group] (empty = the server's user)"),
      pid_file: str("", "pid file (empty = <data_dir>/kas.pid)"),
      start_filters: int(2, "filtering processes started with the server", { min: 0, max: 200 }),
      min_spare_filters: int(1, "idle filtering processes kept ready", { min: 0, max: 200 }),
      max_filters: int(10, "most filtering processes at once", { min: 1, max: 200 }),
      max_messages: int(100_000, "messages a filtering process scans before it is replaced (its replacement loads first, so no request waits)", { min: 1, max: 10_000_000 }),
      rand_messages: int(10_000, "random jitter added to max_messages so processes do not all recycle at once", { min: 0, max: 10_000_000 }),
      max_rss: int(256, "MiB of resident memory above which a filtering process is replaced like at max_messages (read after its first message, every 16th and every one of 1 MiB or more); 0 = no limit", { min: 0, max: 1_048_576 }),
      keep_freed_memory: choice(["auto", "on", "off"], "auto", "whether filtering processes keep memory they free for reuse (mimalloc's purge off: MIMALLOC_PURGE_DELAY=-1) instead of returning it to the kernel: fewer page faults per message, each process held at its high-water mark until max_rss or max_messages replaces it. auto: on where a fresh page costs 2 µs or more to fault in, measured at start (virtual machines whose host takes back freed pages). The master always returns memory; an MIMALLOC_PURGE_DELAY in the environment wins for every process. Read at start: a SIGHUP that changes it logs that a restart applies it"),
      max_idle: num(300, "seconds an idle filtering process above min_spare_filters lives", { min: 1, max: 86_400 }),
      data_timeout: num(30, "seconds the server waits for any read from a client", { min: 0.1, max: 3600 }),
      queue_size: int(1000, "requests waiting for a free filtering process before new ones are refused", { min: 0, max: 1_000_000 }),
      queue_timeout: num(30, "seconds a request waits for a filtering process before a temporary-failure reply", { min: 0.1, max: 3600 }),
      max_request_size: int(64 * MiB, "largest scan request accepted (bytes): the cap on what one connection holds at once", { min: 1 * KiB, max: 2048 * MiB }),
      request_timeout: num(120, "seconds a client has to send a whole scan or learn request once its head has arrived, however slowly the bytes come (data_timeout only bounds each gap)", { min: 1, max: 3600 }),
      max_bytes_in_flight: int(256 * MiB, "bytes of requests the master holds at once (being read, waiting, being scanned), all clients together; above it new requests get 503 busy", { min: 1 * MiB, max: 64 * 1024 * MiB }),
      max_bytes_per_client: int(128 * MiB, "bytes of requests one client address may hold at once (keeps the rest of max_bytes_in_flight for the others)", { min: 1 * KiB, max: 64 * 1024 * MiB }),
      max_connections: int(1000, "scan/learn requests and milter connections open at once, all clients together; above it new ones are refused (503, or the milter connection is closed)", { min: 1, max: 1_000_000 }),
      max_connections_per_client: int(250, "of max_connections, how many one client address may hold (Unix-socket peers count as one client)", { min: 1, max: 1_000_000 }),
      shutdown_timeout: num(30, "seconds SIGTERM waits for in-flight requests", { min: 0, max: 3600 }),
    },
    "kas serve: listeners and the pool of filtering processes",
  ),
  milter: section(
    {
      listen: strs([], "addresses of the milter door for Postfix (smtpd_milters) and Sendmail (INPUT_MAIL_FILTER): tcp:host:port, unix:/path; empty = off (the README uses tcp:127.0.0.1:2278). Unix sockets get [server] socket_mode / socket_owner; size and failures follow [client] size_limit / on_error", address),
      allow: strs(["127.0.0.0/8", "::1/128"], "client IPs or CIDR ranges of mail servers that may use the milter door; others are disconnected at once with a log line (Unix sockets: everyone who may open the socket)", ipRange),
      idle_timeout: num(900, "seconds a milter connection may stay silent: the MTA holds it for a whole SMTP session (Postfix smtpd_timeout is 300 s per command), so keep this above that", { min: 1, max: 86_400 }),
    },
    "the milter door in kas serve: mail servers hand each message over during the SMTP session",
  ),
  spamd: section(
    {
      listen: strs([], "addresses of the spamd door for spamc, Exim (spam =), amavis and other SpamAssassin clients: tcp:host:port, unix:/path; empty = off (the README uses tcp:127.0.0.1:783). Unix sockets get [server] socket_mode / socket_owner", address),
      allow: strs(["127.0.0.0/8", "::1/128"], "client IPs or CIDR ranges that may use the spamd door; others get EX_NOPERM (Unix sockets: everyone who may open the socket)", ipRange),
      learn_allow: strs([], "client IPs or CIDR ranges that may also TELL (learn spam/ham, forget: spamc -L); empty = nobody (spamd's --allow-tell off)", ipRange),
      tls_cert: str("", "PEM certificate file: the spamd door's TCP listeners speak TLS (spamc -S) when tls_cert and tls_key are set; re-read on SIGHUP"),
      tls_key: str("", "PEM private key file of tls_cert"),
      trusted_relays: strs(["127.0.0.0/8", "::1/128"], "relays whose Received: fields are believed: the client IP, HELO and MAIL FROM of a message are read from the first Received: field whose connecting host is not one of them", ipRange),
    },
    "the spamd door in kas serve: SpamAssassin's spamc/spamd protocol (CHECK, SYMBOLS, REPORT, PROCESS, HEADERS, PING, TELL)",
  ),
  control: section(
    {
      listen: strs([], "addresses of the Control Center (web UI, /metrics): tcp:host:port, unix:/path; empty = off (the README uses tcp:127.0.0.1:2279)", address),
      allow: strs(["127.0.0.0/8", "::1/128"], "client IPs or CIDR ranges that may open the Control Center (Unix sockets: everyone who may open the socket)", ipRange),
      metrics_allow: strs(["127.0.0.0/8", "::1/128"], "client IPs or CIDR ranges that may read GET /metrics without logging in (Prometheus)", ipRange),
      password_hash: str("", "argon2id hash of the administrator password, as printed by `kas control passwd`", argon2Hash),
      password_file: str("", "file holding the hash instead (written by `kas control passwd --file`; read at each login, so a new password needs no reload)"),
      tls_cert: str("", "PEM certificate file: the Control Center speaks HTTPS (and sets Secure cookies) when tls_cert and tls_key are set; re-read on SIGHUP"),
      tls_key: str("", "PEM private key file of tls_cert"),
      session_timeout: num(3600, "seconds a login lasts without a request; then the login page asks again", { min: 60, max: 30 * 86_400 }),
      history_size: int(10_000, "scans kept in the History page (time, queue id, client IP, sender, recipients, status, score, symbols; never bodies)", { min: 0, max: 10_000_000 }),
    },
    "the Control Center: web UI, statistics, history and Prometheus metrics of kas serve",
  ),
  notify: section(
    {
      admin: strs([], "addresses mailed for every monitoring event (crash loop, processes not starting, stale rules, failing updates, license expiry, address limit, queue full); empty = log and Control Center only", mailbox),
      smtp: str("tcp:127.0.0.1:25", "mail server the notifications are submitted to (tcp:host:port)", tcpAddress),
      from: str("", "sender address of notification mails (empty = kas@<this host's name>)", mailbox),
      starttls: choice(["auto", "required", "off"], "auto", "STARTTLS toward the mail server: auto (when offered), required (refuse to send without it), off"),
      user: str("", "SMTP AUTH user name (empty = no authentication)"),
      password_file: str("", "file holding the SMTP AUTH password (read at each mail; keep it mode 0600)"),
      interval: num(3600, "seconds between two mails about the same kind of event (the log and the Control Center get every one)", { min: 60, max: 30 * 86_400 }),
      update_failures: int(3, "consecutive failed `kas update-db` runs that raise an event", { min: 1, max: 1000 }),
      crash_loop: int(5, "filtering-process crashes within 10 minutes that count as a crash loop", { min: 1, max: 10_000 }),
    },
    "monitoring: which events are mailed to the administrator, and through which mail server",
  ),
  update: section(
    {
      sources: strs([], "update mirrors tried in order: https://…, http://…, file:///… or a plain directory (what `kas update-db publish` writes)"),
      trusted_keys: strs([], "publisher public keys whose signatures are accepted: `kas-ed25519:<base64>` text or the path of a .pub file", publicKey),
      keep: int(3, "installed rule database versions kept under <data_dir>/rules/versions (for --rollback)", { min: 1, max: 100 }),
      timeout: num(30, "seconds a mirror may take to answer or stall mid-download before the next mirror is tried", { min: 0.1, max: 3600 }),
      follow_redirects: bool(false, "follow a mirror's HTTP redirects to another origin (scheme, host, port); redirects within its own origin are always followed; every redirect is logged, signatures are checked either way"),
      max_age_days: num(7, "an installed database created longer ago than this is reported as stale (kas status, update-db)", { min: 0.01, max: 3650 }),
      reload_timeout: num(30, "seconds to wait for the running server to serve the new version after SIGHUP", { min: 0.1, max: 3600 }),
      reload_connect: str("", "server address asked for its status after the reload (empty = the first [client] connect_to)"),
    },
    "kas update-db: signed rule-database updates (mirrors, trusted publisher keys, versions kept)",
  ),
  license: section(
    {
      key_file: str("/etc/kas/license.key", "the license key file (signed TOML; `kas license-check` shows it)"),
      reserve_key_file: str("", "a renewal key that takes over when the key_file's key expires or is unusable (empty = none)"),
      trusted_issuers: strs([], "issuer public keys whose signatures are accepted: `kas-ed25519:<base64>` text or the path of a .pub file", publicKey),
      usage_file: str("", "database of the protected addresses seen (empty = <data_dir>/license/usage.sqlite)"),
      max_recipients_counted: int(10, "new recipients one message may add to the licensed-address count; further new recipients of that message are not licensed (recipients counted before still are); the message is still filtered when any recipient is licensed", { min: 1, max: 100_000 }),
    },
    "licensing: the signed key file, the issuers it may come from, the licensed-address count",
  ),
  rspamd: section(
    {
      listen: strs([], "addresses of the Rspamd HTTP door (POST /checkv2, /check, /symbols, /learnspam, /learnham; GET /ping) for Haraka, rspamc and other Rspamd clients: tcp:host:port, unix:/path; empty = off (the README uses tcp:127.0.0.1:11333). Requests are capped by [server] max_request_size / data_timeout", address),
      allow: strs(["127.0.0.0/8", "::1/128"], "client addresses or CIDR ranges that may use the Rspamd door; others get 403 (Unix-socket peers are governed by the socket's mode)", ipRange),
      learn_allow: strs([], "client addresses or CIDR ranges that may also learn (/learnspam, /learnham); empty = nobody, 403", ipRange),
      password: str("", "when set, learning also needs this secret in Rspamd's Password header (rspamc -P); compared in constant time"),
      tls_cert: str("", "PEM certificate file: the Rspamd door's TCP listeners speak HTTPS when tls_cert and tls_key are set; re-read on SIGHUP"),
      tls_key: str("", "PEM private key file of tls_cert"),
    },
    "the Rspamd HTTP door in kas serve: Rspamd's scan and learn endpoints, who may use them",
  ),
} as const;

export type KasConfig = InferSection<typeof SCHEMA>;
export type PolicyConfig = InferSection<typeof POLICY_KEYS>;
