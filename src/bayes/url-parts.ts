// The parts of a URL the tokenizer uses (scheme, host name, whether a port is given, path),
// exactly as WHATWG URL parsing (new URL) gives them. Why not always new URL: it cost
// ~1.8 µs a URL, as much as tokenizing a whole header field, and a message has several.
// Most URLs in mail are simple — http(s), a host of letters, digits, dots and hyphens whose
// last label starts with a letter, no port or user, printable ASCII — and for those the
// parts can be read off the text: the host is lower-cased (no IPv4 or IDNA processing can
// apply), the path is kept as written (nothing in it is percent-encoded or a dot segment).
// Anything else goes to new URL; url-parts.test.ts holds both to the same answers.

export interface UrlParts {
  /** e.g. "http", "mailto" (the protocol without its ":"). */
  scheme: string;
  /** As URL.hostname: lower case; "" for URLs without a host. */
  hostname: string;
  /** A port other than the scheme's default is given. */
  port: boolean;
  pathname: string;
}

const SIMPLE = /^(https?):\/\/([a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z][a-z0-9-]*)(\/[^?#]*)?(?=[?#]|$)/i;
/** What URL parsing would change in the part matched: spaces and controls, percent-encoded characters, "\" (a "/" there), dot segments, IDNA labels. */
const NOT_SIMPLE = /[^\x21-\x7e]|["<>`{}^|\\]|\/\.|%2e|xn--/i;

/** The parts of `u`, or undefined when it is not a URL. */
export function urlParts(u: string): UrlParts | undefined {
  const m = SIMPLE.exec(u);
  if (m && !NOT_SIMPLE.test(m[0])) return { scheme: m[1].toLowerCase(), hostname: m[2].toLowerCase(), port: false, pathname: m[3] ?? "/" };
  let url: URL;
  try {
    url = new URL(u);
  } catch {
    return undefined;
  }
  return { scheme: url.protocol.replace(/:$/, ""), hostname: url.hostname, port: url.port !== "", pathname: url.pathname };
}
