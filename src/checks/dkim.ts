// DKIM (RFC 6376, RSA-SHA256 and Ed25519-SHA256 of RFC 8463, key sizes of RFC 8301), ARC
// (RFC 8617) and DMARC (RFC 7489) through mailauth, with kas's shared DNS service as its
// resolver (mailauth-dns.ts): a maintained implementation of three long RFCs instead of one
// of our own. Three checks, ordered by their facts (engine/context.ts):
//   dkim  (content)            provides dkim, arc
//   dmarc (content) needs spf, dkim, arc; provides dmarc
// and auth-results.ts writes the one Authentication-Results field from all of them.
// Each only names what it saw; rules/60_checks.cf weighs the symbols.
import { arc } from "mailauth/lib/arc";
import { dkimVerify } from "mailauth/lib/dkim/verify";
import { evaluateDmarc } from "mailauth/lib/dmarc";
import type { Resolver } from "../dns/types";
import { scanHeader } from "../message/edit";
import type { ArcFact, DkimFact } from "./facts";
import { mailauthResolver } from "./mailauth-dns";
import type { Check, CheckInput, CheckOutput } from "./types";

export interface DkimOptions {
  dns: Resolver;
  minKeyBits: number;
  /** DKIM-Signature fields verified at most, the topmost first ([dkim] max_signatures). */
  maxSignatures: number;
  /** ARC sets a chain may have and be validated ([dkim] max_arc_sets). */
  maxArcSets: number;
  /** Raise DMARC_REJECT_HONOURED (weighted to make the message spam) for p=reject failures. */
  honourReject: boolean;
  /** The verifier's clock for t= and x= (tests pin it; default now). */
  now?: () => Date;
}

interface MailauthDkim {
  headerFrom?: string[];
  fromFields?: number;
  results?: { signingDomain?: string; selector?: string; algo?: string; info?: string; status: { result: string; aligned?: string | false; underSized?: number }; id?: string }[];
  arc?: unknown;
}

/**
 * DNS for DKIM and ARC stops this long before the checks' deadline, DMARC's half as long
 * before, so that DMARC and the Authentication-Results writer (no I/O) still run and a dead
 * resolver gives temperror results in the field rather than no field.
 */
const RESERVE_MS = 30;

/**
 * The message with only its first `max` DKIM-Signature fields (RFC 6376 §6.1: a verifier may
 * limit the signatures it tries, against denial of service). Each signature may ask for a body
 * hash of its own (its own l=, canonicalisation): measured, 2 000 signatures with distinct l=
 * over a 1.2 MB message took 5.1 s of CPU in mailauth, and the body may be 20 MB. The fields
 * are cut out (found as the header edits find them, message/edit.ts scanHeader; every other
 * byte kept) only when there are more than `max` (never in real mail); a signature over another
 * DKIM-Signature field (h= naming it) may then fail, which only the sender of so many can cause.
 */
export function withSignaturesCapped(raw: Uint8Array, max: number): { raw: Uint8Array; dropped: number } {
  const cut = scanHeader(raw).fields.filter((f) => f.name === "dkim-signature").slice(max);
  if (!cut.length) return { raw, dropped: 0 };
  const kept: Uint8Array[] = [];
  let pos = 0;
  for (const f of cut) {
    kept.push(raw.subarray(pos, f.start));
    pos = f.end;
  }
  kept.push(raw.subarray(pos));
  return { raw: Buffer.concat(kept), dropped: cut.length };
}

/** The dkim + arc check: verifies every DKIM-Signature and the ARC chain of the raw message. */
export function createDkimCheck(opts: DkimOptions): Check {
  return {
    name: "dkim",
    stage: "content",
    provides: ["dkim", "arc"],
    async run(input: CheckInput): Promise<CheckOutput> {
      // Only the first scan.max_message_size bytes came (dispatch.ts forwardable): a body hash
      // over a prefix would fail every signature, so none is judged (and DMARC says it had no
      // DKIM result) rather than scoring a valid signature as DKIM_INVALID.
      if ((input.size ?? 0) > input.raw.byteLength) return { symbols: [], notes: [`dkim: only the first ${input.raw.byteLength} of ${input.size} bytes scanned (scan.max_message_size): signatures not verified`] };
      const resolver = mailauthResolver(opts.dns, input.deadline - RESERVE_MS);
      const { raw, dropped } = withSignaturesCapped(input.raw, opts.maxSignatures);
      const notes = dropped ? [`dkim: ${dropped} DKIM-Signature fields past the first ${opts.maxSignatures} not verified ([dkim] max_signatures)`] : [];
      const r: MailauthDkim = await dkimVerify(Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength), {
        resolver,
        minBitLength: opts.minKeyBits,
        // RFC 8301 §3.1: verifiers must not consider rsa-sha1 signatures valid.
        rejectRsaSha1: true,
        sender: input.envelope.from || undefined,
        curTime: opts.now?.(),
      });
      const fromDomain = r.headerFrom?.length === 1 ? r.headerFrom[0].split("@").pop()?.toLowerCase() : undefined;
      const signatures = (r.results ?? [])
        .filter((s) => s.signingDomain)
        .map((s) => ({ domain: s.signingDomain!.toLowerCase(), selector: s.selector ?? "", result: s.status.result, algorithm: s.algo, aligned: !!s.status.aligned, info: s.info ?? `dkim=${s.status.result}` }));
      const fact: DkimFact = { signatures, fromDomain, mailauth: r };
      input.facts.set("dkim", fact);
      const symbols: string[] = [];
      if (signatures.length) symbols.push("DKIM_SIGNED");
      if (signatures.some((s) => s.result === "pass")) symbols.push("DKIM_VALID");
      if (signatures.some((s) => s.result === "pass" && s.aligned)) symbols.push("DKIM_VALID_AU");
      if (signatures.length && !signatures.some((s) => s.result === "pass")) symbols.push(signatures.some((s) => s.result === "temperror") ? "DKIM_TEMPERROR" : "DKIM_INVALID");

      // Every seal's key is asked for at once: a chain of 50 sets from 50 domains would be 50
      // DNS questions for one message (and DKIM's are capped at max_signatures), so a chain
      // longer than real mail makes is not evaluated.
      const sets = (r.arc as { chain?: unknown[] } | undefined)?.chain?.length ?? 0;
      if (sets > opts.maxArcSets) notes.push(`dkim: an ARC chain of ${sets} sets is longer than ${opts.maxArcSets} ([dkim] max_arc_sets): not evaluated`);
      const a = sets > opts.maxArcSets ? undefined : ((await arc(r.arc, { resolver, minBitLength: opts.minKeyBits })) as { status?: { result?: string }; info?: string });
      const result = a?.status?.result === "pass" ? "pass" : a?.status?.result === "fail" ? "fail" : "none";
      const arcFact: ArcFact = { result, info: a?.info, mailauth: a };
      input.facts.set("arc", arcFact);
      if (result === "pass") symbols.push("ARC_VALID");
      if (result === "fail") symbols.push("ARC_INVALID");
      return { symbols, notes };
    },
  };
}

/** The DMARC check: the From domain's policy against the aligned SPF and DKIM results. */
export function createDmarcCheck(opts: DkimOptions): Check {
  return {
    name: "dmarc",
    stage: "content",
    needs: ["spf", "dkim", "arc"],
    provides: ["dmarc"],
    // Past the deadline its resolver fails at once (temperror): run, not skipped, when DKIM overran.
    runsLate: true,
    async run(input: CheckInput): Promise<CheckOutput> {
      const [spf, dkim, arcFact] = await Promise.all([input.facts.get("spf"), input.facts.get("dkim"), input.facts.get("arc")]);
      const m = dkim?.mailauth as MailauthDkim | undefined;
      if (!m?.headerFrom?.length) return { symbols: [], notes: dkim ? [] : ["dmarc: no DKIM result, DMARC not evaluated"] };
      const { response } = (await evaluateDmarc({
        headerFrom: m.headerFrom,
        fromFields: m.fromFields,
        // RFC 7489 §4.2: only an SPF pass can be aligned.
        spfDomains: spf?.result === "pass" && spf.domain ? [spf.domain] : [],
        dkimDomains: (m.results ?? []).filter((r) => r.status.result === "pass").map((r) => ({ id: r.id, domain: r.signingDomain, aligned: r.status.aligned, underSized: r.status.underSized })),
        arcResult: arcFact?.mailauth,
        resolver: mailauthResolver(opts.dns, input.deadline - RESERVE_MS / 2),
      })) as { response?: { status?: { result?: string }; policy?: string; p?: string; sp?: string; domain?: string; info?: string; testMode?: boolean } | false };
      if (!response) return { symbols: [] };
      const result = response.status?.result ?? "none";
      const policy = response.policy ?? response.p;
      input.facts.set("dmarc", { result, policy, domain: response.domain, info: response.info });
      const symbols: string[] = [];
      if (result === "pass") symbols.push("DMARC_PASS");
      else if (result === "fail") {
        symbols.push(policy === "reject" ? "DMARC_REJECT" : policy === "quarantine" ? "DMARC_QUARANTINE" : "DMARC_NONE");
        // mailauth answers the policy to apply (DMARCbis: t=y lowers reject to quarantine; pct= no
        // longer samples); the honoured reject also checks testMode for a record that says both.
        if (opts.honourReject && policy === "reject" && !response.testMode) symbols.push("DMARC_REJECT_HONOURED");
      } else if (result === "none") symbols.push("DMARC_MISSING");
      else if (result === "temperror") symbols.push("DMARC_TEMPERROR");
      return { symbols };
    },
  };
}
