// Mail addresses as kas compares them (license counting, policy groups, white/black lists):
// one normal form, so `<Bob+news@EXAMPLE.com.>` and `bob@example.com` are the same person.
// Local parts are compared case-insensitively and without a +tag (RFC 5321 §2.4 leaves case
// to the receiver; every common MTA folds it); domains lower-case, without a trailing dot,
// IDNs as A-labels (RFC 5890).
import { domainToASCII } from "node:url";

/**
 * An address written in free text (a header field, a display name), its domain captured. The
 * parts are bounded as SMTP and DNS bound them (RFC 5321 §4.5.3.1: a local part 64; RFC 1035
 * §2.3.4: a label 63), so a long run without the "@" or "." that would end it costs linear
 * time: unbounded ([\w.+-]+@...), each start in the run rescanned it to its end (fuzz:mime:
 * 3.4 s for 80 KB of "@" in a header field). Every real domain is still found: a bounded local
 * part finds the same "@". Add the g flag with `new RegExp(ADDRESS_IN_TEXT.source, "g")`.
 */
export const ADDRESS_IN_TEXT = /[\w.+-]{1,64}@([\w-]{1,63}(?:\.[\w-]{1,63}){1,127})/;

export function normaliseAddress(raw: string): string {
  let a = raw.trim();
  if (a.startsWith("<") && a.endsWith(">")) a = a.slice(1, -1).trim();
  const at = a.lastIndexOf("@");
  if (at < 0) return a.toLowerCase(); // a bare local name such as "postmaster"
  let local = a.slice(0, at);
  let domain = a.slice(at + 1).toLowerCase().replace(/\.$/, "");
  if (/[^\x00-\x7f]/.test(domain)) domain = domainToASCII(domain) || domain;
  if (!local.startsWith('"')) {
    local = local.toLowerCase();
    const plus = local.indexOf("+");
    if (plus > 0) local = local.slice(0, plus);
  }
  return `${local}@${domain}`;
}

/** The domain part of a normalised address ("" for a bare local name). */
export const domainOf = (address: string) => (address.includes("@") ? address.slice(address.lastIndexOf("@") + 1) : "");

/**
 * A list entry as a test on normalised addresses: `local@domain` (exact, in the normal form),
 * `@domain` or `*@domain` or a bare `domain` (that domain exactly), or a glob with `*`
 * (`news*@*.example`, matched against the normal form).
 */
export function addressMatcher(pattern: string): (addr: string) => boolean {
  const p = pattern.trim();
  if (p.includes("*") && !/^\*@[^*]+$/.test(p)) {
    const at = p.lastIndexOf("@");
    const norm = at < 0 ? p.toLowerCase() : `${p.slice(0, at).toLowerCase()}@${p.slice(at + 1).toLowerCase().replace(/\.$/, "")}`;
    const re = new RegExp(`^${norm.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`);
    return (a) => re.test(a);
  }
  const domainPart = p.startsWith("*@") ? p.slice(2) : p.startsWith("@") ? p.slice(1) : p.includes("@") ? undefined : p;
  if (domainPart !== undefined) {
    const d = domainOf(normaliseAddress(`x@${domainPart}`));
    return (a) => domainOf(a) === d;
  }
  const exact = normaliseAddress(p);
  return (a) => a === exact;
}

const compiledLists = new WeakMap<readonly string[], ((a: string) => boolean)[]>();

/** Whether a normalised address matches an entry of `list` (entries compiled once per list: config lists are frozen). */
export function addressInList(addr: string, list: readonly string[]): boolean {
  if (!list.length) return false;
  let m = compiledLists.get(list);
  if (!m) compiledLists.set(list, (m = list.map(addressMatcher)));
  return m.some((f) => f(addr));
}
