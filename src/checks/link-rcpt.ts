// Where a link carries the recipient's own address out of sight (phishing.ts, URI_RCPT_ADDR_HIDDEN):
// a kit's link is made for one reader, and its page greets that reader by address.
import { percentDecoded } from "../message/redirects";
import { memo, parseHttp, registrableHost } from "./phishing-domains";

/**
 * URI_RCPT_ADDR_HIDDEN (phishing.ts): a link carrying a recipient's address base64-encoded
 * after "#", or base64-encoded at the start of a path segment or written out after "#" on a
 * site other than the sender's. Phishing kits pre-fill their sign-in page with it (the part after "#" reaches no
 * server log, and base64 no scanner's address search). The query is not looked at: mailing
 * services put the address there, encoded or not, for their unsubscribe and tracking.
 */
export function rcptAddressHidden(uris: Iterable<string>, addrs: readonly string[], fromDomain: string | undefined): boolean {
  const encoded = addrs.flatMap(base64Forms);
  const offSenderSite = (u: string) => {
    const host = parseHttp(u)?.hostname;
    return host !== undefined && registrableHost(host.toLowerCase()) !== fromDomain;
  };
  for (const u of uris) {
    const hash = u.indexOf("#");
    let where: "fragment" | "path" | undefined;
    for (const e of encoded) if ((where = encodedIn(u, e, hash))) break;
    // Base64 after "#" is a kit's; in the path, a site's own unsubscribe page may carry it too.
    if (where === "fragment" || (where === "path" && offSenderSite(u))) return true;
    if (hash < 0 || (!u.includes("@", hash) && !u.includes("%40", hash))) continue;
    const fragment = percentDecoded(u.slice(hash + 1)).toLowerCase();
    if (addrs.some((a) => fragment.includes(a.toLowerCase())) && offSenderSite(u)) return true;
  }
  return false;
}

/**
 * The base64 characters an address alone determines (a last partial character depends on what
 * follows it), standard and URL-safe, for the address as written and in lower case.
 */
const base64Forms = memo((addr: string): string[] => {
  const forms = new Set<string>();
  for (const a of new Set([addr, addr.toLowerCase()])) {
    const bytes = Buffer.from(a);
    const b64 = bytes.toString("base64").slice(0, Math.floor((bytes.length * 8) / 6));
    forms.add(b64).add(b64.replace(/\+/g, "-").replace(/\//g, "_"));
  }
  return [...forms];
});

/**
 * Where `e` stands in the link `u` as the start of an encoded value (after a character that
 * is not a base64 one: the address is what was encoded, not a piece of a longer token): after
 * the "#" at `hash` (first), or in the path (before any "?").
 */
function encodedIn(u: string, e: string, hash: number): "fragment" | "path" | undefined {
  let inPath = false;
  for (let i = u.indexOf(e); i > 0; i = u.indexOf(e, i + 1)) {
    if (/[A-Za-z0-9+_-]/.test(u[i - 1])) continue;
    if (hash >= 0 && i > hash) return "fragment";
    inPath ||= !u.slice(0, i).includes("?");
  }
  return inPath ? "path" : undefined;
}
