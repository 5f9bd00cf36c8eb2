// Where a link really goes when it goes through a well-known redirector. Phishing links
// through the open redirectors of sites every filter trusts (google.com/url?q=…, Google's AMP
// cache, Bing's and Yahoo's click trackers, Facebook's and YouTube's link shims), so that the
// link's host is google.com or bing.com and no list or look-alike check sees the destination;
// mail forwarded or reported through a security gateway carries its links rewritten
// (Microsoft's Safe Links, Proofpoint's URL Defense); and ad click trackers and translation
// proxies wrap honest links and lures alike. The destination is
// written in the link itself: it is read from there (no network), and the link checks, `uri`
// rules and URI block lists judge it beside the wrapper.

/** A redirector: `abused` when it is an open redirect phishing uses (not a mail gateway's rewriting). */
export interface Unwrapped {
  target: string;
  abused: boolean;
}

/** Only links whose text names one of these hosts are parsed (most links are not redirects). */
const MAYBE = /google\.|googleadservices\.com|doubleclick\.net|ampproject\.org|search\.yahoo\.com|bing\.com|facebook\.com|instagram\.com|youtube\.com|safelinks\.protection\.outlook\.com|urldefense|duckduckgo\.com|href\.li|slack-redir\.net|t\.umblr\.com|vk\.com|linkedin\.com/i;
/** At most this many redirectors deep (a link wrapped in a wrapper of a wrapper). */
const MAX_DEPTH = 3;

const param = (url: URL, ...names: string[]) => {
  for (const n of names) {
    const v = url.searchParams.get(n);
    if (v) return v;
  }
  return undefined;
};
const isHttp = (s: string | undefined): s is string => s !== undefined && /^https?:\/\//i.test(s.trim());

/** The destination of a link through one known redirector, or undefined. */
export function unwrapOnce(link: string): Unwrapped | undefined {
  if (!MAYBE.test(link)) return undefined;
  let url: URL;
  try {
    url = new URL(link.trim());
  } catch {
    return undefined;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return undefined;
  const host = url.hostname.toLowerCase();
  const path = url.pathname;
  const abused = (t: string | undefined) => (isHttp(t) ? { target: t.trim(), abused: true } : undefined);
  // Read through but no sign: honest mail uses these as often (a page shared translated, a brand's own ad clicks).
  const passed = (t: string | undefined) => (isHttp(t) ? { target: t.trim(), abused: false } : undefined);
  // Google: /url?q= or ?url= on any of its country domains (and its maps, images and news
  // hosts), the AMP cache /amp/s/host/path, and Translate's proxy (translate?u=).
  if (/^(?:(?:www|maps|images|news|translate)\.)?google\.[a-z.]{2,6}$/.test(host)) {
    if (path === "/url") return abused(param(url, "q", "url"));
    if (path === "/translate" || path === "/website") return passed(param(url, "u"));
    const amp = /^\/amp\/(s\/)?(.+)$/.exec(path);
    if (amp) return abused(amp[2].startsWith("http") ? amp[2] : `${amp[1] ? "https" : "http"}://${amp[2]}${url.search}`);
    return undefined;
  }
  // Google's ad clicks: the landing page in adurl= (AdWords, DoubleClick for Publishers), or
  // after the "?" of a Campaign Manager click tracker (ad.doubleclick.net/ddm/trackclk/…;…?https://…).
  // Phishing sends links through them, and so does every brand's newsletter: read, no sign.
  if ((host === "www.googleadservices.com" && path === "/pagead/aclk") || (/\.doubleclick\.net$/.test(host) && path === "/pcs/click")) return passed(param(url, "adurl"));
  if (host === "ad.doubleclick.net" && /^\/ddm\/(?:track)?clk\//.test(path)) return passed(percentDecoded(url.search.slice(1)));
  // The AMP cache: <host>.cdn.ampproject.org/c/s/host/path (c content, v viewer; s for https).
  if (host.endsWith(".cdn.ampproject.org")) {
    const amp = /^\/[cv]\/(s\/)?(.+)$/.exec(path);
    return amp ? abused(`${amp[1] ? "https" : "http"}://${amp[2]}${url.search}`) : undefined;
  }
  // Yahoo search's click tracker: the destination in the path's RU= segment, percent-encoded.
  if (host === "r.search.yahoo.com") {
    const ru = /\/RU=([^/]+)\//.exec(path);
    return ru ? abused(percentDecoded(ru[1])) : undefined;
  }
  // Bing's click tracker: u=a1 followed by the destination in base64url.
  if (/(?:^|\.)bing\.com$/.test(host) && path === "/ck/a") {
    const u = param(url, "u");
    if (!u?.startsWith("a1")) return undefined;
    return abused(Buffer.from(u.slice(2), "base64url").toString("utf8")); // decoding skips what is not base64, never throws
  }
  if (/^(?:l|lm)\.facebook\.com$/.test(host) && path === "/l.php") return abused(param(url, "u"));
  if (host === "l.instagram.com") return abused(param(url, "u"));
  if (/(?:^|\.)youtube\.com$/.test(host) && path === "/redirect") return abused(param(url, "q"));
  if (host === "duckduckgo.com" && path === "/l/") return abused(param(url, "uddg"));
  if (host === "href.li") return abused(url.search.slice(1));
  if (host === "slack-redir.net") return abused(param(url, "url"));
  if (host === "t.umblr.com") return abused(param(url, "z"));
  if (/^(?:m\.)?vk\.com$/.test(host) && path === "/away.php") return abused(param(url, "to"));
  if (/(?:^|\.)linkedin\.com$/.test(host) && path === "/redir/redirect") return abused(param(url, "url"));
  // The recipient's own gateway rewrote the link: the destination, not a sign.
  if (host.endsWith(".safelinks.protection.outlook.com")) {
    const t = param(url, "url");
    return isHttp(t) ? { target: t.trim(), abused: false } : undefined;
  }
  if (host === "urldefense.com" && path.startsWith("/v3/__")) {
    const end = link.indexOf("__;", link.indexOf("/v3/__") + 6);
    const t = link.slice(link.indexOf("/v3/__") + 6, end < 0 ? undefined : end);
    return isHttp(t) ? { target: t, abused: false } : undefined;
  }
  if (host === "urldefense.proofpoint.com" && path.startsWith("/v2/url")) {
    // v2: "-" stands for "%" and "_" for "/" in the u parameter.
    const u = param(url, "u");
    if (!u) return undefined;
    try {
      const t = decodeURIComponent(u.replace(/-/g, "%").replace(/_/g, "/"));
      return isHttp(t) ? { target: t, abused: false } : undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** Percent-decoded text (RFC 3986 §2.1), or the text as it is when its escapes are broken. */
export function percentDecoded(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Every destination behind `link`, nearest first (at most MAX_DEPTH), and whether an open redirect was on the way. */
export function unwrap(link: string): { targets: string[]; abused: boolean } {
  const targets: string[] = [];
  let abused = false;
  let at = link;
  for (let depth = 0; depth < MAX_DEPTH; depth++) {
    const u = unwrapOnce(at);
    if (!u || targets.includes(u.target)) break;
    targets.push(u.target);
    abused ||= u.abused;
    at = u.target;
  }
  return { targets, abused };
}
