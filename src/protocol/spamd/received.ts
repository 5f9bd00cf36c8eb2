// spamd carries no envelope, so the door reads it from the message's trace fields the way
// SpamAssassin's trusted_networks logic does (Mail::SpamAssassin::Message::Metadata):
//
//   Walk the Received: fields from the top. The topmost was written by the MTA that handed us
//   the message. Each field names the host that connected ("from helo (rdns [ip])"). While
//   that host is a trusted relay ([spamd] trusted_relays), its own Received: field, the next
//   one down, is believable too: go on. The first field whose connecting IP is not trusted
//   names the client: its IP, its HELO and, when the trusted relay wrote one, the
//   "envelope-from <…>" clause (Exim writes it). If every relay is trusted, the deepest one is
//   the client (mail submitted inside the trusted network). A field whose IP cannot be read
//   stops the walk: nothing below it is believed.
//   MAIL FROM: a Return-Path: field above the client's Received: field (one the delivering
//   trusted MTA added) wins, else the envelope-from clause; none → unknown.
//
// Received grammar read (RFC 5321 §4.4 and what Postfix, Exim and Sendmail write):
//   "from" SP helo [ SP "(" [ rdns SP ] "[" ["IPv6:"] ip "]" [":" port] [ SP "helo=" helo ] ")" ] … "by" …
//   Exim: "from [192.0.2.1] (port=2525 helo=client.example)"; Postfix: "from h (r [192.0.2.1])".
// Pure: no sockets, no engine. Reads at most MAX_FIELDS fields of the top-level header.
import { inNetwork, ipText, parseIp, type IpRange } from "../../dns/ip";

export interface TraceEnvelope {
  ip?: string;
  helo?: string;
  /** MAIL FROM; "" = the null reverse-path. */
  from?: string;
  /** How the values were found (for the scan log). */
  via: string;
}

const MAX_FIELDS = 200;
const MAX_HEADER = 256 * 1024;

/** Top-level header fields (unfolded), up to the blank line. */
export function headerFields(raw: Uint8Array): { name: string; value: string }[] {
  const text = Buffer.from(raw.buffer, raw.byteOffset, Math.min(raw.byteLength, MAX_HEADER)).toString("latin1");
  const out: { name: string; value: string }[] = [];
  let i = 0;
  while (i < text.length && out.length < MAX_FIELDS) {
    let nl = text.indexOf("\n", i);
    if (nl < 0) nl = text.length;
    const line = text.slice(i, nl).replace(/\r$/, "");
    if (line === "") break;
    if ((line[0] === " " || line[0] === "\t") && out.length) out[out.length - 1].value += " " + line.trim();
    else {
      const colon = line.indexOf(":");
      if (colon <= 0) {
        if (i === 0 && line.startsWith("From ")) {
          i = nl + 1;
          continue; // mbox separator
        }
        break;
      }
      out.push({ name: line.slice(0, colon).trim().toLowerCase(), value: line.slice(colon + 1).trim() });
    }
    i = nl + 1;
  }
  return out;
}

/** The connecting host of one Received: field: its IP and HELO, and an envelope-from clause. */
export function parseReceived(value: string): { ip?: string; helo?: string; envFrom?: string } {
  const m = /^from\s+(\S+)(.*?)(?:\sby\s|;|$)/i.exec(value);
  if (!m) return {};
  const clause = m[2];
  const lit = /\[(?:IPv6:)?([0-9A-Fa-f:.]+)\]/.exec(`${m[1]} ${clause}`);
  const ip = lit ? parseIp(lit[1]) : undefined;
  const heloEq = /\bhelo=([^\s)]+)/i.exec(clause);
  const env = /envelope-from\s*[=]?\s*<([^<>\s]*)>/i.exec(value);
  return { ...(ip ? { ip: ipText(ip) } : {}), helo: heloEq ? heloEq[1] : m[1], ...(env ? { envFrom: env[1] } : {}) };
}

const trustedIp = (ip: string, trusted: readonly IpRange[]) => {
  const a = parseIp(ip);
  return !!a && trusted.some((r) => inNetwork(a, r.net, r.bits));
};

const pathOf = (v: string) => /<([^<>]*)>/.exec(v)?.[1] ?? (v.trim() && !/\s/.test(v.trim()) ? v.trim() : undefined);

export function envelopeFromTrace(raw: Uint8Array, trusted: readonly IpRange[]): TraceEnvelope {
  const fields = headerFields(raw);
  let returnPath: string | undefined;
  let client: ReturnType<typeof parseReceived> | undefined;
  let relays = 0;
  for (const f of fields) {
    if (f.name === "return-path") {
      returnPath ??= pathOf(f.value);
      continue;
    }
    if (f.name !== "received") continue;
    const r = parseReceived(f.value);
    if (!r.ip) break; // unreadable: nothing below is believed
    client = r;
    relays++;
    if (!trustedIp(r.ip, trusted)) break;
  }
  const from = returnPath ?? client?.envFrom;
  const via = client ? `Received #${relays}${client.ip && trustedIp(client.ip, trusted) ? " (all relays trusted)" : ""}${returnPath !== undefined ? ", Return-Path" : ""}` : returnPath !== undefined ? "Return-Path" : "no trace fields";
  return { ...(client?.ip ? { ip: client.ip } : {}), ...(client?.helo ? { helo: client.helo } : {}), ...(from !== undefined ? { from } : {}), via };
}
