// The From judgement (phishing.ts): what a From field's display name and domain say about who
// sent the message, for the message's own From and for the From of each message attached to it.
//   FROM_BRAND_IMPERSONATION, FROM_NAME_OTHER_DOMAIN, FROM_NAME_RCPT_DOMAIN, FROM_EXEC_FREEMAIL,
//   FROM_NAME_INTERNAL_ROLE (role-name.ts), FROM_LOOKALIKE_BRAND, FROM_BRAND_AS_SUBDOMAIN,
//   FROM_IDN_MIXED_SCRIPT, FROM_LOOKALIKE_RCPT: see phishing.ts's list.
import { ADDRESS_IN_TEXT } from "../message/address";
import { addrOf, displayName } from "../ruledb/match";
import { BRANDS, FREEMAIL_DOMAINS, FREEMAIL_LABELS } from "./phishing-data";
import { brandInFront, brandOwning, foldLookalikes, imitatesOwn, lookalikeOf, mainLabel, mixedScript, registrable, registrableHost } from "./phishing-domains";
import { claimsInternalRole } from "./role-name";

/**
 * The From symbols that say the sender lies about who it is: the From part of rules'
 * __PHISH_SENDER_LIE (not FROM_NAME_OTHER_DOMAIN, FROM_EXEC_FREEMAIL: signs, no lies).
 */
export const SENDER_LIES = new Set(["FROM_BRAND_IMPERSONATION", "FROM_LOOKALIKE_BRAND", "FROM_BRAND_AS_SUBDOMAIN", "FROM_IDN_MIXED_SCRIPT", "FROM_LOOKALIKE_RCPT", "FROM_NAME_RCPT_DOMAIN", "FROM_NAME_INTERNAL_ROLE"]);

/** The FROM_* symbols of a From field (its display name, its domain) for recipients of `own` domains. */
export function checkFrom(from: string, own: readonly string[], out: Set<string>): void {
  const fromAddr = addrOf(from);
  const fromDomain = domainOfAddress(fromAddr);
  checkDisplayName(displayName(from), fromAddr, fromDomain, own, out);
  if (!fromDomain) return;
  if (lookalikeOf(fromDomain)) out.add("FROM_LOOKALIKE_BRAND");
  if (brandInFront(hostOfAddress(fromAddr), fromDomain)) out.add("FROM_BRAND_AS_SUBDOMAIN");
  if (mixedScript(fromDomain)) out.add("FROM_IDN_MIXED_SCRIPT");
  if (own.some((o) => imitatesOwn(fromDomain, o))) out.add("FROM_LOOKALIKE_RCPT");
}

const hostOfAddress = (addr: string): string => addr.slice(addr.lastIndexOf("@") + 1).replace(/>$/, "").toLowerCase();
export const domainOfAddress = (addr: string): string | undefined => (addr.includes("@") ? registrableHost(hostOfAddress(addr)) : undefined);


export const isFreemail = (d: string) => FREEMAIL_DOMAINS.has(d) || FREEMAIL_LABELS.has(mainLabel(d));
/**
 * An address at a free mailbox: at the provider's own domain, never a host under it
 * (groups.msn.com is a mailing list, reply.yahoo.com a Yahoo service's mail).
 */
export const isFreemailAddress = (addr: string): boolean => {
  if (!addr.includes("@")) return false;
  const host = hostOfAddress(addr);
  return registrableHost(host) === host && isFreemail(host);
};


/** Scripts written without spaces between words. */
const NO_SPACES = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;
/** A name as the display name is read (foldLookalikes: "itaú" is "itau", "アマゾン" loses its voicing mark as the name does), escaped. */
const escaped = (n: string) => foldLookalikes(n).replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/ /g, "\\s*");
/**
 * A brand's own names, written as words: "PayPal Service", "Microsoft 365 Admin", "Wells  Fargo",
 * "Booking.com" (its dot a dot). A name in Japanese or Chinese is found inside the display name
 * ("楽天カード株式会社"): those scripts put no space between words.
 */
const brandName = (names: string[]) => {
  const words = names.filter((n) => !NO_SPACES.test(n)).map(escaped);
  const runs = names.filter((n) => NO_SPACES.test(n)).map(escaped);
  const alts = [words.length ? `(?:^|[^\\p{L}\\p{N}])(?:${words.join("|")})(?![\\p{L}\\p{N}])` : "", runs.length ? `(?:${runs.join("|")})` : ""];
  return new RegExp(alts.filter(Boolean).join("|"), "iu");
};
const BRAND_NAMES = BRANDS.map((b) => ({ brand: b, re: brandName(b.names) }));
// Every brand's names in one regex: it matches exactly when one of BRAND_NAMES does, so a
// display name that names no brand (nearly all) costs one test, not one per brand.
const ANY_BRAND_NAME = brandName(BRANDS.flatMap((b) => b.names));

// The titles in the languages payment fraud is written in too ("Directeur général", "PDG",
// "Geschäftsführer", "amministratore delegato").
const EXEC_TITLE = /(?:^|[^\p{L}])(?:ceo|cfo|coo|cto|president|chairman|chairwoman|managing\s+director|director|head\s+of\s+finance|finance\s+director|payroll|accounts\s+payable|executive\s+office|office\s+of\s+the\s+ceo|directeur|directrice|pdg|président|présidente|geschäftsführer(?:in)?|vorstand|vorstandsvorsitzende[rn]?|direktor(?:in)?|directora|presidente|gerente\s+general|consejero\s+delegado|diretor(?:a)?|amministratore\s+delegato|direttore|direttrice|algemeen\s+directeur|bestuurder)(?![\p{L}])/iu;

const BOUNCER = /^<?(?:postmaster|mailer-daemon)@/i;

function checkDisplayName(name: string, fromAddr: string, fromDomain: string | undefined, own: readonly string[], out: Set<string>): void {
  if (!name) return;
  const owner = fromDomain ? brandOwning(fromDomain) : undefined;
  // "РayРal" with Cyrillic Р, fullwidth or accented letters: the name the reader reads.
  const read = foldLookalikes(name);
  const claimed = ANY_BRAND_NAME.test(read) ? BRAND_NAMES.find((b) => b.re.test(read))?.brand : undefined;
  // A mailing list or forwarder quoting someone ("Joe via LinkedIn") is the brand's own mail then.
  if (claimed && claimed !== owner && !(fromDomain && claimed.labels.includes(mainLabel(fromDomain)))) out.add("FROM_BRAND_IMPERSONATION");
  // "John Smith, CEO" <j.smith.office@gmail.com>: the person is claimed by title, the mailbox is anyone's.
  if (isFreemailAddress(fromAddr) && EXEC_TITLE.test(name)) out.add("FROM_EXEC_FREEMAIL");
  // "IT Helpdesk" <it@stranger.example> to jane@example.com. Only to an organisation's
  // mailboxes: to a free mailbox, "HR" is any employer's or recruiter's.
  // A bounce (RFC 3464) comes from another domain's postmaster under whatever name its server gives.
  if (fromDomain && own.length && !own.includes(fromDomain) && !own.some(isFreemail) && !BOUNCER.test(fromAddr) && claimsInternalRole(name, own)) out.add("FROM_NAME_INTERNAL_ROLE");
  const shown = ADDRESS_IN_TEXT.exec(name)?.[1];
  const shownDomain = shown ? registrable(shown) : undefined;
  if (shownDomain && fromDomain && shownDomain !== fromDomain) {
    out.add("FROM_NAME_OTHER_DOMAIN");
    // "jane.doe@example.com" <jd.8812@gmail.com> to someone at example.com: a colleague's
    // address on a stranger's mailbox. A list or service that quotes the writer says so
    // ("'jane.doe@example.com' via Staff", Google Groups' and Mailman's DMARC rewriting).
    if (own.includes(shownDomain) && !/(?:^|[^\p{L}])via(?![\p{L}])/iu.test(name)) out.add("FROM_NAME_RCPT_DOMAIN");
  }
}
