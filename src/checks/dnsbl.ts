// The DNS list check (stage "content"): the first relay outside the trust boundary
// (relays.ts) against every IP list, and the registrable domains (Public Suffix List, tldts)
// of the body's links, MAIL FROM and From against every domain list ([[dnsbl.list]],
// dnsbl-lists.ts says what answers mean). Every lookup goes through the shared DNS service
// (its cache keeps answers for their TTL) and has its own timeout inside the checks'
// deadline: a slow list is a note, never a late verdict. A refusal is a note, never a score.
import { getDomain } from "tldts";
import type { KasConfig } from "../config/schema";
import { recordsOf, type DnsAnswer, type Resolver } from "../dns/types";
import type { ParsedMessage } from "../message/types";
import { meaning, queryName, type DnsList } from "./dnsbl-lists";
import { boundaryRelay, trustedRanges } from "./relays";
import type { Check, CheckInput, CheckOutput } from "./types";

export interface DnsblOptions {
  lists: readonly DnsList[];
  resolver: Resolver;
  config: KasConfig["dnsbl"];
}

export function createDnsblCheck(opts: DnsblOptions): Check {
  const trusted = trustedRanges(opts.config.trusted_networks, opts.config.internal_networks);
  const timeoutMs = opts.config.timeout * 1000;

  async function lookup(name: string, deadline: number): Promise<DnsAnswer | "late"> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<"late">((r) => (timer = setTimeout(() => r("late"), Math.max(0, Math.min(timeoutMs, deadline - performance.now())))));
    try {
      return await Promise.race([opts.resolver.query(name, "A"), late]);
    } catch (e) {
      return { status: "error", message: (e as Error).message };
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    name: "dnsbl",
    stage: "content",
    // A QR code's address is a link the body hides in a picture (checks/qr.ts); with no
    // picture that check answers at once.
    needs: ["qr"],
    async run(input: CheckInput): Promise<CheckOutput> {
      const msg = input.message;
      const relay = msg ? boundaryRelay(input.envelope.ip, msg.headers, trusted) : input.envelope.ip;
      const qr = (await input.facts.get("qr"))?.urls ?? [];
      const domains = msg ? lookupDomains(msg, input.envelope.from, opts.config.max_domains, qr) : [];
      const jobs: { list: DnsList; item: string; name: string }[] = [];
      for (const list of opts.lists) {
        for (const item of list.type === "ip" ? (relay ? [relay] : []) : domains) {
          const name = queryName(list, item);
          if (name) jobs.push({ list, item, name });
        }
      }
      const answers = await Promise.all(jobs.map((j) => lookup(j.name, input.deadline)));
      const symbols = new Set<string>();
      const notes: string[] = [];
      const late = new Set<string>();
      answers.forEach((a, i) => {
        const { list, item } = jobs[i];
        if (a === "late") return void late.add(list.zone);
        if (a.status !== "ok") {
          if (a.status !== "nxdomain" && a.status !== "nodata") late.add(list.zone);
          return;
        }
        const m = meaning(list, recordsOf(a, "A").map((r) => r.address));
        if (m.kind === "refused") notes.push(`dnsbl: ${list.zone} refused the query for ${item} (answer ${m.answer}): not scored`);
        else if (m.kind === "listed") for (const s of m.symbols) symbols.add(s);
      });
      if (late.size) notes.push(`dnsbl: no answer in time from ${[...late].join(", ")}: not scored`);
      return { symbols: [...symbols], notes };
    },
  };
}

/** Registrable domains to look up: MAIL FROM's, From's, then the QR codes' and the links' in order, at most `max` link domains. */
export function lookupDomains(msg: ParsedMessage, mailFrom: string | undefined, max: number, qrUrls: readonly string[] = []): string[] {
  const out = new Set<string>();
  const add = (host: string | undefined) => {
    const d = host ? getDomain(host.toLowerCase()) : null;
    if (d) out.add(d);
  };
  add(mailFrom?.split("@").pop());
  const from = msg.headers.find((h) => h.name.toLowerCase() === "from")?.value ?? "";
  add(/@([a-z0-9.-]+\.[a-z0-9-]+)/i.exec(from)?.[1]);
  const senders = out.size;
  for (const u of [...qrUrls, ...msg.uris]) {
    if (out.size - senders >= max) break;
    let host: string | undefined;
    try {
      host = /^(?:https?|ftp):/i.test(u) ? new URL(u).hostname : u.startsWith("mailto:") ? u.slice(u.indexOf("@") + 1).split(/[?>]/)[0] : undefined;
    } catch {
      continue;
    }
    add(host);
  }
  return [...out];
}
