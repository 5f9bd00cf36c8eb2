// Which identity check_host() runs for (RFC 7208 §2.3, §2.4, §4.3): MAIL FROM, or
// postmaster@HELO for the null reverse-path; the HELO identity on its own for the HELO check.
import { checkHost, type CheckHostInput } from "./check-host";
import type { SpfOutcome } from "./types";

export interface SpfRequest {
  ip: string;
  /** MAIL FROM; "" is the null reverse-path. */
  mailFrom: string;
  helo: string;
}

export type Identity = "mailfrom" | "helo";

export interface IdentityCheck extends SpfOutcome {
  identity: Identity;
  /** The <sender> check_host() used, e.g. "postmaster@helo.example". */
  sender: string;
}

type Common = Omit<CheckHostInput, "ip" | "domain" | "sender" | "helo">;

/**
 * The <sender> check_host() gets for an identity: the HELO identity, and a MAIL FROM with an
 * empty reverse-path (§2.4), use postmaster@HELO; a MAIL FROM with no local-part gets
 * "postmaster" (§4.3: "If the <sender> has no local-part, substitute the string postmaster").
 */
export function identitySender(identity: Identity, mailFrom: string, helo: string): string {
  if (identity === "helo" || mailFrom === "") return `postmaster@${helo}`;
  const at = mailFrom.lastIndexOf("@");
  return at > 0 ? mailFrom : `postmaster@${mailFrom.slice(at + 1)}`;
}

/** §2.4: MAIL FROM check; an empty reverse-path means the HELO name stands in (postmaster@HELO). */
export async function checkMailFrom(req: SpfRequest, common: Common): Promise<IdentityCheck> {
  if (req.mailFrom === "") return checkHelo(req, common, "mailfrom");
  const sender = identitySender("mailfrom", req.mailFrom, req.helo);
  const out = await checkHost({ ...common, ip: req.ip, domain: sender.slice(sender.lastIndexOf("@") + 1), sender, helo: req.helo });
  return { ...out, identity: "mailfrom", sender };
}

/**
 * §2.3: "This SPF check can only be performed when the HELO identity is a fully qualified
 * domain name": letters, digits, "-" and "_" in two or more labels, the last not all digits.
 * Anything else MTAs hand over (a domain literal, "JUMPIN' JUPITER", a bare IP) is not.
 */
export function isFqdn(name: string): boolean {
  const labels = name.replace(/\.$/, "").split(".");
  return name.length <= 254 && labels.length > 1 && labels.every((l) => /^[A-Za-z0-9_-]{1,63}$/.test(l)) && !/^\d+$/.test(labels[labels.length - 1]);
}

/** §2.3: the HELO identity; a malformed HELO, a domain literal or a single-label name gives `none` without any DNS query. */
export async function checkHelo(req: SpfRequest, common: Common, identity: Identity = "helo"): Promise<IdentityCheck> {
  const sender = identitySender("helo", req.mailFrom, req.helo);
  if (!isFqdn(req.helo)) {
    return { result: "none", domain: req.helo, problem: `HELO ${JSON.stringify(req.helo)} is not a fully qualified domain name (RFC 7208 §2.3)`, lookups: 0, voidLookups: 0, identity, sender };
  }
  const out = await checkHost({ ...common, ip: req.ip, domain: req.helo, sender, helo: req.helo });
  return { ...out, identity, sender };
}
