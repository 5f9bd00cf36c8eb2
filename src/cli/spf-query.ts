// `kas spf-query`: one RFC 7208 check_host() evaluation against live DNS (or --resolver), for
// administrators debugging a domain's SPF and for end-to-end tests. The exit code is the result.
import { EXIT } from "../errors";
import { CONFIG_ARG, kasCommand } from "./command";

/** Exit code per SPF result (documented in --help and the README). */
export const SPF_EXIT: Record<string, number> = { pass: 0, fail: 1, softfail: 2, neutral: 3, none: 4, temperror: 5, permerror: 6 };

export default kasCommand({
  name: "spf-query",
  description: "Evaluate SPF (RFC 7208) for one client IP and envelope sender; print the result, explanation, matching mechanism, DNS lookups and a Received-SPF line",
  exitCodes: { ...Object.fromEntries(Object.entries(SPF_EXIT).map(([result, code]) => [code, result])), 64: "bad arguments (IP, sender, resolver, timeout)", 78: "the configuration is invalid" },
  args: {
    ...CONFIG_ARG,
    ip: { type: "string", description: "client IP address (IPv4 or IPv6)", valueHint: "ADDR" },
    sender: { type: "string", description: 'envelope sender (MAIL FROM); "" = null reverse-path, then postmaster@HELO is checked', valueHint: "ADDR" },
    helo: { type: "string", description: "HELO/EHLO name (needed when --sender is empty)", valueHint: "NAME" },
    resolver: { type: "string", description: "DNS server to ask, HOST or HOST:PORT (port 53 when omitted; IPv6 as [::1]:5353); default: [dns] resolver, then the first nameserver of /etc/resolv.conf", valueHint: "HOST[:PORT]" },
    timeout: { type: "string", description: "seconds the whole evaluation may take; past it the result is temperror (default: [spf] timeout)", valueHint: "S" },
    json: { type: "boolean", description: "print one JSON object instead of text" },
  },
  async run({ args, rawArgs }) {
    const { UsageError } = await import("../errors");
    const { parseIp } = await import("../dns/ip");
    const { loadConfig } = await import("../config/load");
    const { parseServerAddress, systemNameserver } = await import("../dns/client");
    const { createSpfService } = await import("../server/spf-service");

    if (!args.ip) throw new UsageError("--ip is required", "e.g. kas spf-query --ip 192.0.2.1 --sender joe@example.com");
    if (!parseIp(args.ip)) throw new UsageError(`--ip ${JSON.stringify(args.ip)} is not an IPv4 or IPv6 address`);
    // citty reads `--sender ""` as an empty string; a missing flag is undefined.
    const senderGiven = rawArgs.some((a) => a === "--sender" || a.startsWith("--sender="));
    if (!senderGiven) throw new UsageError("--sender is required", 'pass the MAIL FROM address, or --sender "" for a bounce (then --helo is checked)');
    const mailFrom = String(args.sender ?? "").replace(/^<(.*)>$/, "$1");
    const helo = args.helo ?? "";
    // The local part is opaque to SPF (RFC 7208 §4.3): spaces, quotes, even "@" go to the
    // evaluator as given ("Macro Error@e8.example.com"). Only the domain after the last "@" is needed.
    if (mailFrom !== "" && !/@[^@]+$/.test(mailFrom)) throw new UsageError(`--sender ${JSON.stringify(mailFrom)} is not an address`, "use local@domain (or @domain, or \"\" for the null reverse-path)");
    if (mailFrom === "" && !helo) throw new UsageError('--sender "" (null reverse-path) needs --helo', "RFC 7208 §2.4: the identity checked is then postmaster@HELO");
    // Any HELO is evaluated, as MTAs hand them over: a malformed one is still %{h} (§7.1) and, as
    // the identity of a bounce, gives `none` (§2.3: only a fully qualified domain name is checked).

    const { config } = loadConfig(args.config);
    const resolverText = args.resolver ?? config.dns.resolver;
    const server = resolverText ? parseServerAddress(resolverText) : systemNameserver();
    if (!server) throw new UsageError(`--resolver ${JSON.stringify(resolverText)} is not HOST or HOST:PORT`, "e.g. --resolver 127.0.0.1:5353, --resolver localhost (port 53), --resolver [::1]:5353");
    const seconds = args.timeout === undefined ? config.spf.timeout : Number(args.timeout);
    if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 3600) throw new UsageError(`--timeout ${JSON.stringify(args.timeout)} is not a number of seconds in (0, 3600]`);

    // The same service `kas serve` runs (caching resolver: include chains often ask for the
    // same names twice), with this command's resolver and timeout.
    const service = createSpfService({ spf: { ...config.spf, timeout: seconds }, dns: { ...config.dns, resolver: resolverText, timeout: Math.min(config.dns.timeout, seconds) } });
    const answer = await service.ask({ ip: args.ip, from: mailFrom, helo });
    const resolver = server.host.includes(":") ? `[${server.host}]:${server.port}` : `${server.host}:${server.port}`;
    const report = { ...answer, dnsQueries: service.stats().upstreamQueries };

    if (args.json) process.stdout.write(JSON.stringify({ ip: args.ip, helo, resolver, ...report }) + "\n");
    else {
      const r = report as Record<string, unknown>;
      const lines = [`result: ${r.result}`];
      if (r.explanation !== undefined) lines.push(`explanation: ${r.explanation}`);
      if (r.mechanism) lines.push(`mechanism: ${r.mechanism}`);
      if (r.problem) lines.push(`problem: ${r.problem}`);
      lines.push(`identity: ${r.identity} (${r.sender})`);
      // §4.6.4 counts DNS-querying terms (limit 10) and void lookups (limit 2), not queries.
      if (r.lookups !== undefined) lines.push(`dns lookups: ${r.lookups} of 10 terms, ${r.voidLookups} of 2 void; ${r.dnsQueries} DNS queries to ${resolver}`);
      lines.push(`Received-SPF: ${r.receivedSpf}`);
      process.stdout.write(lines.join("\n") + "\n");
    }
    process.exitCode = SPF_EXIT[report.result] ?? EXIT.SOFTWARE;
  },
});
