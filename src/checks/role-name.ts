// FROM_NAME_INTERNAL_ROLE (phishing.ts): a display name that is nothing but a department of the
// reader's own organisation ("IT Helpdesk", "Human Resources", "Email Administrator", "Example
// IT Service Desk"), on mail from another domain to an organisation's mailbox. The password,
// mailbox-quota and HR-document lures come so: no brand to impersonate, the reader's own help
// desk claimed instead. A company's own desk writes from its own domain (any subdomain of it).
//
// "Benefits" is a word a department name may carry ("HR Benefits"), not a role alone.
//
// Left out on purpose, because outside services send under those names honestly: voicemail
// and fax (hosted telephone systems mail recordings from their own domains), payroll (payroll
// bureaus), a bare "Admin"/"Administrator" (a forum's or a shop's), "Support"/"Security" alone
// (every vendor's), and the mail system's own names: bounces come from other domains' servers
// (phishing.ts also skips postmaster@ and mailer-daemon@ senders).
import { mainLabel } from "./phishing-domains";

/** Words that name a department of the reader's organisation on their own (lower case). */
const ROLE = new Set(["helpdesk", "servicedesk", "webmail", "mailbox"]);
/** Two-word roles (lower case). */
const ROLE_PAIR = new Set(["help desk", "service desk", "human resources", "human resource"]);
/** Upper-case abbreviations that are a role only written so ("IT", "HR"; "it" is a pronoun). */
const ROLE_ABBR = new Set(["IT", "HR", "I.T."]);
/**
 * Nouns that become a role after a mail or IT qualifier ("Email Administrator", "IT Admin");
 * not "Services" or "Support" (a registrar's "Domain Services", a mail provider's "Email
 * Support"), nor "System Administrator" (Exchange's own name on its non-delivery reports).
 */
const QUALIFIED = new Set(["administrator", "admin", "administration", "quota"]);
const QUALIFIER = new Set(["mail", "email", "e-mail", "network", "exchange", "it"]);
/** Words a department's name may also carry without naming anyone else. */
const FILLER = new Set([
  "the", "and", "&", "of", "team", "department", "dept", "desk", "support", "services", "service", "center", "centre", "portal",
  "office", "notification", "notifications", "notice", "notices", "alert", "alerts", "security", "administrator", "admin",
  "administration", "operations", "staff", "management", "account", "accounts", "message", "messages", "mail", "email", "e-mail",
  "mailbox", "system", "systems", "network", "server", "technical", "tech", "it", "hr", "no-reply", "noreply", "quota", "benefits",
]);

/**
 * Whether `name` (a From display name) consists of department words only, with at least one
 * that names a department of the reader's organisation; the recipients' own registrable
 * domains (`own`: "example.com") and their main labels ("example") may stand in it too, as
 * kits write them ("example.com IT Support").
 */
export function claimsInternalRole(name: string, own: readonly string[]): boolean {
  const words = name.split(/[\s,:;|/()[\]"'“”‘’]+/u).filter((w) => w && !/^[-–—.]+$/u.test(w));
  if (words.length === 0 || words.length > 6) return false;
  const ownWords = new Set(own.flatMap((d) => [d, mainLabel(d)]));
  let role = false;
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    const lower = w.toLowerCase();
    const next = words[i + 1]?.toLowerCase();
    if (ROLE.has(lower) || ROLE_ABBR.has(w) || (next !== undefined && ROLE_PAIR.has(`${lower} ${next}`))) role = true;
    else if (QUALIFIED.has(lower) && i > 0 && QUALIFIER.has(words[i - 1].toLowerCase())) role = true;
    if (!(FILLER.has(lower) || ROLE.has(lower) || ROLE_ABBR.has(w) || lower === "human" || lower === "resources" || lower === "resource" || lower === "help" || ownWords.has(lower))) return false;
  }
  return role;
}
