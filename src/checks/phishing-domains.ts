// How a domain pretends to be another (phishing.ts): IDN homographs (a Cyrillic "а" inside a
// Latin name, UTS #39 "mixed script"), look-alike spellings of a brand (paypa1, rnicrosoft,
// arnazon: one edit away, or the same once confusable characters are folded), and a brand's
// name used as one word of a longer domain (paypal-secure-login.com). Judged on the
// registrable domain (Public Suffix List through tldts), so mail.paypal.co.uk is PayPal's;
// and a brand's or the recipient's domain spelt in front of another (paypal.com.check.ru).
import { domainToUnicode } from "node:url";
import { getDomain, getPublicSuffix } from "tldts";
import { LATIN_LOOKALIKES } from "../message/lookalike-letters";
import { BRANDS, type Brand } from "./phishing-data";

/** The registrable domain of a host, lower case, in A-labels (punycode) as on the wire; undefined for IP literals and bare suffixes. */
export function registrable(host: string): string | undefined {
  const h = host.toLowerCase().replace(/\.$/, "");
  if (/^[\d.]+$/.test(h) || h.includes(":")) return undefined;
  return getDomain(h) ?? undefined;
}

/** The label before the public suffix: "paypal" for paypal.co.uk. */
export function mainLabel(domain: string): string {
  const suffix = getPublicSuffix(domain) ?? "";
  const rest = suffix && domain.endsWith(`.${suffix}`) ? domain.slice(0, -suffix.length - 1) : domain;
  return rest.split(".").pop() ?? rest;
}

/**
 * A function of one string remembered for the next messages: the same domains (the sender's,
 * its links') come back message after message, and measuring one against every brand was
 * ~5 % of a filtering process's CPU. Bounded: forgotten all at once at MEMO_MAX entries.
 */
const MEMO_MAX = 4096;
export function memo<T>(fn: (key: string) => T): (key: string) => T {
  const seen = new Map<string, T>();
  return (key) => {
    if (seen.has(key)) return seen.get(key)!;
    if (seen.size >= MEMO_MAX) seen.clear();
    const v = fn(key);
    seen.set(key, v);
    return v;
  };
}

/** A host's registrable domain, remembered as hostTraits remembers a link host's traits (the Public Suffix List lookup is the dear part): senders', recipients' and link hosts come back message after message. */
export const registrableHost = memo(registrable);

/** An http(s) link as a URL; undefined for other schemes and for what does not parse. */
export function parseHttp(u: string): URL | undefined {
  if (!/^\s*https?:\/\//i.test(u)) return undefined;
  try {
    return new URL(u.trim());
  } catch {
    return undefined;
  }
}

/** The brand a registrable domain belongs to, if any. */
export const brandOwning = memo((domain: string): Brand | undefined => {
  const label = mainLabel(domain);
  return BRANDS.find((b) => b.labels.includes(label) || b.domains?.some((d) => domain === d || domain.endsWith(`.${d}`)));
});

/**
 * Words that end a domain name (suffixes and their first words: com of co.uk too), as a
 * host's labels show them after a name spelt in front of the real domain. Only these: a brand's
 * own services put its name before other words ("paypal.app.link", Branch's deep links for
 * it; "brand.us1.list-manage.com", Mailchimp's), never before a "com".
 */
const SUFFIX_WORDS = new Set(["com", "net", "org", "co", "gov", "edu", "info", "biz", "us", "uk", "de", "fr", "it", "es", "nl", "be", "ch", "at", "ca", "au", "jp", "in", "br", "mx", "ru", "pl", "se", "no", "dk", "fi", "ie", "nz"]);
/** The ones that are no English word: joined by a hyphen ("paypal-com", "microsoftonline.com-session") only these count ("booking-at-the-spa" is a spa's). */
const STRONG_SUFFIX_WORDS = new Set(["com", "net", "org", "gov", "edu"]);

/**
 * The labels of a host that stand in front of its registrable domain's suffix: the labels
 * before the registrable domain and that domain's first label. "paypal.com.account-check.ru"
 * → paypal, com, account-check; "login.microsoftonline.com-session.xyz" → login,
 * microsoftonline, com-session.
 */
function frontLabels(host: string, domain: string): string[] {
  return (host.slice(0, host.length - domain.length) + domain.slice(0, domain.indexOf("."))).split(".");
}

/** The first word of these labels that `isName` takes and a suffix word follows: "paypal" then "com", "com-session", or "paypal-com" inside one label. */
function spelledWithSuffix(labels: string[], isName: (word: string) => boolean): string | undefined {
  for (let i = 0; i < labels.length; i++) {
    const words = labels[i].split("-");
    for (let j = 0; j + 1 < words.length; j++) if (STRONG_SUFFIX_WORDS.has(words[j + 1]) && isName(words[j])) return words[j];
    const next = labels[i + 1];
    const last = words[words.length - 1];
    if (next !== undefined && (SUFFIX_WORDS.has(next) || STRONG_SUFFIX_WORDS.has(next.split("-")[0])) && isName(last)) return last;
  }
  return undefined;
}

/** Each brand's labels of 3+ letters (shorter ones, "fb", "me", are too often other words), to the brand. */
const FRONT_LABELS = new Map(BRANDS.flatMap((b) => b.labels.filter((l) => l.length >= 3).map((l): [string, Brand] => [l, b])));

/**
 * The brand whose domain a host spells in front of another registrable domain
 * (paypal.com.account-check.ru, microsoftonline.com-session.xyz, irs.gov.refund-status.net):
 * the reader sees the familiar name where an address starts and stops reading; what owns the
 * host is the domain that follows. Host in A-labels, lower case; `domain` its registrable domain.
 */
export function brandInFront(host: string, domain: string): Brand | undefined {
  if (brandOwning(domain)) return undefined;
  const name = spelledWithSuffix(frontLabels(host, domain), (w) => FRONT_LABELS.has(w));
  return name === undefined ? undefined : FRONT_LABELS.get(name);
}

/**
 * Whether a host spells `own`, a recipient's registrable domain, in front of another one:
 * example.com.docs-review.net, example-com.sharepoint-files.net for mail to example.com
 * (phishing kits put the target's domain there, so that the link reads as the company's own
 * portal). Not for object stores, whose bucket names are domains by convention
 * (example.com.s3.amazonaws.com is the company's own bucket as often as not).
 */
export function ownInFront(host: string, domain: string, own: string): boolean {
  // A registrable domain's first label is its main label (mainLabel without the suffix lookup: this runs for every link host).
  const main = own.slice(0, own.indexOf("."));
  // The name's presence first: nearly every host lacks it.
  if (main.length < 3 || !host.includes(main) || domain === own || BUCKET_HOSTS.some((b) => host.endsWith(b))) return false;
  return ownPattern(own).test(frontLabels(host, domain).join("."));
}
/** The own domain as written (example.com, example.co.uk) or, when its suffix is a strong word, hyphen-joined (example-com), between label or word boundaries. */
const ownPattern = memo((own: string): RegExp => {
  const dotted = own.replace(/\./g, "\\.");
  const suffix = own.slice(own.indexOf(".") + 1).split(".")[0];
  const joined = STRONG_SUFFIX_WORDS.has(suffix) ? `|${own.replace(/\./g, "-")}` : "";
  return new RegExp(`(?:^|[.-])(?:${dotted}${joined})(?=[.-]|$)`);
});
const BUCKET_HOSTS = [".amazonaws.com", ".storage.googleapis.com", ".blob.core.windows.net", ".digitaloceanspaces.com", ".linodeobjects.com", ".backblazeb2.com"];

const SCRIPTS: [string, RegExp][] = [
  ["Latin", /\p{Script=Latin}/u],
  ["Cyrillic", /\p{Script=Cyrillic}/u],
  ["Greek", /\p{Script=Greek}/u],
  ["Armenian", /\p{Script=Armenian}/u],
  ["Cherokee", /\p{Script=Cherokee}/u],
];

/** True when one label of the (Unicode) domain mixes Latin with a script whose letters look Latin. */
export function mixedScript(domain: string): boolean {
  // ASCII is all Latin: only a U-label (or its xn-- form) can mix.
  if (!domain.includes("xn--") && !/[^\x00-\x7f]/.test(domain)) return false;
  const unicode = domain.includes("xn--") ? domainToUnicode(domain) || domain : domain;
  return unicode.split(".").some((label) => {
    const seen = SCRIPTS.filter(([, re]) => [...label].some((ch) => re.test(ch))).map(([n]) => n);
    return seen.length > 1 && seen.includes("Latin");
  });
}

/** Characters read as others (Unicode confusables for the Latin-looking scripts, and the digit and pair tricks). */
const FOLD: Record<string, string> = {
  // The Cyrillic and Greek look-alikes the body's text is read with too (lower case: labels and folded names are).
  ...Object.fromEntries(Object.entries(LATIN_LOOKALIKES).filter(([c]) => c === c.toLowerCase())),
  "ɡ": "g", "ո": "n", "ս": "u",
  "0": "o", "1": "l", "3": "e", "5": "s", "7": "t", "$": "s", "@": "a", "ı": "i", "ł": "l",
};

/** Compatibility forms decomposed and accents (combining marks) dropped: "Ｐàｙ" → "Pay". */
const withoutMarks = (s: string) => s.normalize("NFKD").replace(/\p{M}/gu, "");

/**
 * Text as a reader takes it for Latin: compatibility forms (fullwidth ＰａｙＰａｌ) and accents
 * dropped, letters of other scripts that look Latin (Cyrillic "Р", Greek "ο") read as those
 * letters. ASCII is left as written (digits are not letters in a display name: "Microsoft 365"),
 * so a name in ASCII comes back unchanged, at the cost of one test.
 */
export function foldLookalikes(text: string): string {
  if (!/[^\x00-\x7f]/.test(text)) return text;
  let out = "";
  for (const c of withoutMarks(text)) out += c > "\x7f" ? (FOLD[c.toLowerCase()] ?? c) : c;
  return out;
}

/** The skeleton of a label: confusables folded, "rn" read as "m", "vv" as "w", "l"/"i" as one, hyphens dropped. */
export function skeleton(label: string): string {
  return [...withoutMarks(label)].map((c) => FOLD[c] ?? c).join("").replace(/rn/g, "m").replace(/vv/g, "w").replace(/[il]/g, "l").replace(/-/g, "");
}

/** Levenshtein distance, stopping early above `max`. */
function within(a: string, b: string, max: number): boolean {
  if (Math.abs(a.length - b.length) > max) return false;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    if (Math.min(...cur) > max) return false;
    prev = cur;
  }
  return prev[b.length] <= max;
}

/** A registrable domain as the look-alike measures see it: its main label in Unicode, the label's skeleton, and the skeletons of its hyphen-separated words (when it has several). */
interface Shape {
  label: string;
  skel: string;
  wordSkels: string[];
}
const shapeOf = memo((domain: string): Shape => {
  const unicode = domain.includes("xn--") ? domainToUnicode(domain) || domain : domain;
  const label = mainLabel(unicode);
  const words = label.split("-");
  return { label, skel: skeleton(label), wordSkels: words.length > 1 ? words.map(skeleton) : [] };
});

type Target = { label: string; skel: string };
/**
 * Whether a domain of shape `d` is spelt like the main label `target` (a brand's, or a
 * recipient's own): the same skeleton (a 4+ letter label spelt with confusables), or for 6+
 * letter labels (where one edit rarely gives an honest other word) one edit away.
 */
const spelledLike = (d: Shape, target: Target) => target.skel === d.skel || (target.label.length >= 6 && within(d.label, target.label, 1));
/** spelledLike, or the target's label as one hyphen-separated word of a longer one (paypal-secure-login). */
const imitates = (d: Shape, target: Target) => spelledLike(d, target) || (target.label.length >= 6 && d.wordSkels.includes(target.skel));

/** The brand a domain imitates without belonging to it, measured against the brand's main label. */
export const lookalikeOf = memo((domain: string): Brand | undefined => {
  if (brandOwning(domain)) return undefined;
  const d = shapeOf(domain);
  return MEASURED.find((b) => (b.brand.word ? b.skel === d.skel : imitates(d, b)))?.brand;
});

/** Each brand's main label and its skeleton, computed once; labels under 4 letters are not measured. */
const MEASURED = BRANDS.filter((b) => b.labels[0].length >= 4).map((brand) => ({ brand, label: brand.labels[0], skel: skeleton(brand.labels[0]) }));

/**
 * Whether `domain` is spelt like `own`, a recipient's registrable domain, without being it: a
 * cousin of the reader's own organisation's domain (acrne.com, examp1e.com, acmecorpp.com for
 * mail to acme.com, example.com, acmecorp.com), the sender of invoice, payroll and password
 * fraud aimed at one company. The spelling measures of the brands (own labels under 4 letters
 * are not measured), not their third: the own name as a word of a longer one
 * (acme-events.com) is how organisations name their own other domains and their vendors'
 * portals for them, so it is left alone, as is the same main label under another suffix
 * (acme.de, acme.co.uk for acme.com).
 */
export function imitatesOwn(domain: string, own: string): boolean {
  if (domain === own) return false;
  const o = shapeOf(own);
  const d = shapeOf(domain);
  return o.label.length >= 4 && d.label !== o.label && spelledLike(d, o);
}

const isLetter = (c: number) => (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);
const isLabelChar = (c: number) => isLetter(c) || (c >= 0x30 && c <= 0x39) || c === 0x2d;
/** [\w.-]: the characters a domain shown in text may not be followed by. */
const isRunChar = (c: number) => isLabelChar(c) || c === 0x2e || c === 0x5f;
const MAX_LABEL = 63;
const MAX_LABELS = 127;
const MAX_TLD = 24;

/**
 * The domain a text shows (an anchor text that reads as a link: "www.paypal.com",
 * "https://Example.org/login"): the first run of [\w.-] characters that ends in a dotted name,
 * and of it the longest such name: labels of letters, digits and "-" (at most 63 characters,
 * RFC 1035 2.3.4; at most 127 before the last), the last 2-24 letters. Case as written.
 * A hand-written scan, not a regex: each run is read once from its end. The regex it replaces,
 * /((?:[a-z0-9-]+\.)+[a-z]{2,24})(?![\w.-])/i, backtracked over every start of a long run
 * (fuzz:mime: 0.6 s for an anchor text of 64 KB of "-"; bounding its repeats left 0.4 s for
 * 64 KB of 62-letter labels); on texts within those bounds the two agree (phishing.test).
 */
export function domainShown(text: string): string | undefined {
  const n = text.length;
  let i = 0;
  while (i < n) {
    while (i < n && !isRunChar(text.charCodeAt(i))) i++;
    const start = i;
    while (i < n && isRunChar(text.charCodeAt(i))) i++;
    if (i > start) {
      const from = nameStart(text, start, i);
      if (from >= 0) return text.slice(from, i);
    }
  }
  return undefined;
}

/** Where the longest dotted name ending at `end` (and not before `start`) begins; -1 when none ends there. */
function nameStart(s: string, start: number, end: number): number {
  // The last label: 2-24 letters after a dot.
  let k = end;
  while (k > start && end - k <= MAX_TLD && isLetter(s.charCodeAt(k - 1))) k--;
  const tld = end - k;
  if (tld < 2 || tld > MAX_TLD || k <= start || s.charCodeAt(k - 1) !== 0x2e) return -1;
  // Labels before it, right to left: each non-empty, each followed by its dot.
  let from = -1;
  let dot = k - 1;
  for (let labels = 0; labels < MAX_LABELS; labels++) {
    let j = dot;
    while (j > start && dot - j < MAX_LABEL && isLabelChar(s.charCodeAt(j - 1))) j--;
    if (j === dot) break; // no label before this dot
    from = j;
    // A label cut at 63 characters, or one not after a dot, is where the name begins.
    if (j <= start || s.charCodeAt(j - 1) !== 0x2e) break;
    dot = j - 1;
  }
  return from;
}
