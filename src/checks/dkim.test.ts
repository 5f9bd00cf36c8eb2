import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { defaults } from "../config/load";
import type { Resolver } from "../dns/types";
import { createFacts, runCheck } from "../engine/context";
import { parseMessageSync } from "../message/parse";
import { authservIdOf, createAuthResultsCheck } from "./auth-results";
import { createDkimCheck, createDmarcCheck, withSignaturesCapped } from "./dkim";
import type { SpfFact } from "./facts";
import type { Check, CheckInput } from "./types";

const FIX = join(import.meta.dir, "../../fixtures/dkim/rfc8463");
const keys = Object.fromEntries(readFileSync(join(FIX, "dns.txt"), "utf8").split("\n").filter((l) => l && !l.startsWith("#")).map((l) => [l.slice(0, l.indexOf(" ")), l.slice(l.indexOf(" ") + 1)]));
const signed = readFileSync(join(FIX, "signed.eml"), "utf8").replace(/\r?\n/g, "\r\n");
const zone = (extra: Record<string, string>): Resolver => ({
  async query(name, type) {
    const v = { ...keys, ...extra }[name.toLowerCase()];
    if (v === undefined) return { status: "nxdomain" };
    return type === "TXT" ? { status: "ok", records: [{ type: "TXT", ttl: 60, strings: [v] }] } : { status: "nodata" };
  },
});
const spfCheck = (fact?: SpfFact): Check => ({ name: "spf", stage: "envelope", provides: ["spf"], run: (i) => (fact && i.facts.set("spf", fact), { symbols: [] }) });

async function scanChecks(raw: string, dns: Resolver, o: { spf?: SpfFact; honour?: boolean; ms?: number; arcSets?: number } = {}) {
  const opts = { dns, minKeyBits: 1024, maxSignatures: 10, maxArcSets: o.arcSets ?? 10, honourReject: o.honour ?? false, now: () => new Date("2024-06-19T00:00:00Z") };
  const checks = [spfCheck(o.spf), createDkimCheck(opts), createDmarcCheck(opts), createAuthResultsCheck("mx.test")];
  const facts = createFacts(checks);
  const bytes = new TextEncoder().encode(raw);
  const input: CheckInput = { id: "m", envelope: { rcpt: [] }, raw: bytes, message: parseMessageSync(bytes, defaults().scan), deadline: performance.now() + (o.ms ?? 5000), facts };
  const outs = await Promise.all(checks.map((c) => runCheck(c, input, facts)));
  return { symbols: outs.flatMap((x) => x.symbols), edits: outs.flatMap((x) => x.edits ?? []), notes: outs.flatMap((x) => x.notes ?? []), dmarc: await facts.get("dmarc") };
}

test("signed by the From domain with p=reject: DKIM valid and aligned, DMARC pass, one Authentication-Results with every method", async () => {
  const r = await scanChecks(signed, zone({ "_dmarc.football.example.com": "v=DMARC1; p=reject" }), { spf: { result: "softfail", domain: "football.example.com", info: "spf=softfail smtp.mailfrom=joe@football.example.com" } });
  expect(r.symbols).toEqual(["DKIM_SIGNED", "DKIM_VALID", "DKIM_VALID_AU", "DMARC_PASS"]);
  expect(r.edits).toHaveLength(1);
  const ar = r.edits[0] as { op: string; name: string; value: string };
  expect(ar).toMatchObject({ op: "add", name: "Authentication-Results" });
  expect(ar.value.split("; ").map((p) => p.split(" ")[0])).toEqual(["mx.test", "dkim=pass", "dkim=pass", "spf=softfail", "arc=none", "dmarc=pass"]);
});

test("a forged From under p=reject: DMARC_REJECT; honoured only with dmarc_reject; SPF alignment counts only for pass", async () => {
  const forged = "From: Joe <joe@football.example.com>\r\nTo: x@example.net\r\nSubject: invoice\r\n\r\nPay now.\r\n";
  const dns = zone({ "_dmarc.football.example.com": "v=DMARC1; p=reject" });
  const a = await scanChecks(forged, dns, { spf: { result: "fail", domain: "football.example.com" } });
  expect(a.symbols).toEqual(["DMARC_REJECT"]);
  expect(a.dmarc).toMatchObject({ result: "fail", policy: "reject", domain: "football.example.com" });
  expect((await scanChecks(forged, dns, { honour: true })).symbols).toEqual(["DMARC_REJECT", "DMARC_REJECT_HONOURED"]);
  // An aligned SPF pass is enough for DMARC (RFC 7489 §4.2).
  expect((await scanChecks(forged, dns, { spf: { result: "pass", domain: "football.example.com" } })).symbols).toEqual(["DMARC_PASS"]);
  // quarantine, and no policy at all
  expect((await scanChecks(forged, zone({ "_dmarc.football.example.com": "v=DMARC1; p=quarantine" }))).symbols).toEqual(["DMARC_QUARANTINE"]);
  expect((await scanChecks(forged, zone({}))).symbols).toEqual(["DMARC_MISSING"]);
});

test("an Authentication-Results field claiming our authserv-id is removed; others stay, below ours", async () => {
  const raw = "Authentication-Results: MX.test; dkim=pass header.d=bank.example\r\nAuthentication-Results: other.example; spf=pass\r\n" + signed;
  const r = await scanChecks(raw, zone({}));
  expect(r.edits.map((e) => e.op + ":" + ("value" in e ? authservIdOf(e.value) : ""))).toEqual(["remove:", "add:mx.test", "add:other.example"]);
  expect(r.notes).toContain("auth-results: removed an Authentication-Results field claiming our authserv-id mx.test");
  expect(authservIdOf("example.org 1; none")).toBe("example.org");
  expect(authservIdOf(" (comment) Example.ORG;spf=pass")).toBe("example.org");
});

test("DNS that never answers: the key lookups end at the checks' deadline as temperror, the writer still writes", async () => {
  const silent: Resolver = { query: () => new Promise(() => {}) };
  const t0 = performance.now();
  const r = await scanChecks(signed, silent, { ms: 300 });
  expect(performance.now() - t0).toBeLessThan(1500);
  expect(r.symbols).toContain("DKIM_TEMPERROR");
  expect(r.symbols).toContain("DMARC_TEMPERROR");
  const ar = r.edits.find((e) => e.op === "add") as { value: string };
  expect(ar.value).toStartWith("mx.test; dkim=temperror");
  expect(ar.value).toContain("dmarc=temperror");
});

test("a loaded host (the event loop held past the deadline while DKIM asked): DMARC still answers temperror and the field is still written, not skipped", async () => {
  // The first key question holds the thread 400 ms, as a busy filtering process would: DKIM's
  // own timer then fires past the 300 ms deadline, and DMARC's inputs arrive after it.
  let held = false;
  const busy: Resolver = {
    query: () => {
      if (!held) {
        held = true;
        const t = performance.now();
        while (performance.now() - t < 400);
      }
      return new Promise(() => {});
    },
  };
  const r = await scanChecks(signed, busy, { ms: 300 });
  expect(r.symbols).toContain("DKIM_TEMPERROR");
  expect(r.symbols).toContain("DMARC_TEMPERROR");
  const ar = r.edits.find((e) => e.op === "add") as { value: string } | undefined;
  expect(ar?.value).toContain("dmarc=temperror");
});

test("a message the master forwarded only in part (over scan.max_message_size): no DKIM verdict rather than a false DKIM_INVALID", async () => {
  const dns = zone({ "_dmarc.football.example.com": "v=DMARC1; p=reject" });
  const opts = { dns, minKeyBits: 1024, maxSignatures: 10, maxArcSets: 10, honourReject: false, now: () => new Date("2024-06-19T00:00:00Z") };
  const checks = [createDkimCheck(opts), createDmarcCheck(opts)];
  const facts = createFacts(checks);
  const bytes = new TextEncoder().encode(signed);
  const input: CheckInput = { id: "m", envelope: { rcpt: [] }, raw: bytes, size: bytes.byteLength + 1_000_000, message: parseMessageSync(bytes, defaults().scan), deadline: performance.now() + 5000, facts };
  const outs = await Promise.all(checks.map((c) => runCheck(c, input, facts)));
  expect(outs.flatMap((o) => o.symbols)).toEqual([]);
  expect(outs.flatMap((o) => o.notes ?? []).join("; ")).toMatch(/^dkim: only the first \d+ of \d+ bytes scanned \(scan.max_message_size\): signatures not verified; dmarc: no DKIM result/);
  // The same bytes as the whole message verify (the prefix is the only reason for no verdict).
  const whole = await scanChecks(signed, dns);
  expect(whole.symbols).toContain("DKIM_VALID");
});

test("withSignaturesCapped keeps the first max DKIM-Signature fields (folded ones whole) and every other byte", () => {
  const msg = "Received: x\r\nDKIM-Signature: a=1;\r\n b=1\r\nSubject: s\r\ndkim-signature : a=2\r\nDKIM-Signature: a=3;\r\n\tb=3\r\nTo: t\r\n\r\nDKIM-Signature: in the body\r\n";
  const bytes = new TextEncoder().encode(msg);
  const r = withSignaturesCapped(bytes, 1);
  expect(r.dropped).toBe(2);
  expect(new TextDecoder().decode(r.raw)).toBe("Received: x\r\nDKIM-Signature: a=1;\r\n b=1\r\nSubject: s\r\nTo: t\r\n\r\nDKIM-Signature: in the body\r\n");
  expect(withSignaturesCapped(bytes, 3)).toEqual({ raw: bytes, dropped: 0 });
  // Bytes that are not UTF-8 pass through unchanged; LF-only line ends too.
  const lf = new Uint8Array([...new TextEncoder().encode("Subject: \xe9\nDKIM-Signature: a\nDKIM-Signature: b\n\nbody "), 0xff, 0xfe]);
  const c = withSignaturesCapped(lf, 1).raw;
  expect([...c.subarray(c.length - 2)]).toEqual([0xff, 0xfe]);
  expect(new TextDecoder("latin1").decode(c)).toBe(new TextDecoder("latin1").decode(lf).replace("DKIM-Signature: b\n", ""));
});

test("2 000 DKIM-Signature fields, each asking for its own body hash: the first 10 are verified, a good one among them still passes, the rest are a note", async () => {
  const bogus = Array.from({ length: 2_000 }, (_, i) => `DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=football.example.com; s=test; l=${900_000 - i}; h=from:to:subject; bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=; b=AAAA\r\n`).join("");
  // The fixture's two real signatures first, then the bogus ones, then its other fields and body.
  const split = signed.indexOf("\r\nFrom:") + 2;
  const withBogus = signed.slice(0, split) + bogus + signed.slice(split);
  const r = await scanChecks(withBogus, zone({}));
  expect(r.symbols).toContain("DKIM_VALID");
  expect(r.notes).toContain("dkim: 1992 DKIM-Signature fields past the first 10 not verified ([dkim] max_signatures)");
  // With a 900 KB body (the real signatures then fail too) the work stays bounded.
  const big = withBogus.replace(/\r\n\r\n[\s\S]*$/, "\r\n\r\n") + `${"x".repeat(76)}\r\n`.repeat(12_000);
  const t0 = performance.now();
  const b = await scanChecks(big, zone({}));
  expect(performance.now() - t0).toBeLessThan(2_000); // without the cap: 5.1 s of CPU measured
  expect(b.symbols).toContain("DKIM_INVALID");
});

test("an ARC chain longer than [dkim] max_arc_sets is not evaluated and asks DNS nothing; within the limit its seals' keys are asked for", async () => {
  // Eleven sets from eleven domains (structurally a chain: i=1..11, cv=none then pass).
  const sets = Array.from({ length: 11 }, (_, k) => {
    const i = 11 - k; // newest first, as relays prepend them
    return [
      `ARC-Seal: i=${i}; a=rsa-sha256; t=1718755200; cv=${i === 1 ? "none" : "pass"}; d=hop${i}.example; s=arc; b=AAAA`,
      `ARC-Message-Signature: i=${i}; a=rsa-sha256; c=relaxed/relaxed; d=hop${i}.example; s=arc; t=1718755200; h=from:to:subject; bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=; b=AAAA`,
      `ARC-Authentication-Results: i=${i}; hop${i}.example; spf=pass smtp.mailfrom=football.example.com`,
    ].join("\r\n");
  }).join("\r\n");
  const raw = `${sets}\r\n${signed}`;
  const asked: string[] = [];
  const counting = (inner: Resolver): Resolver => ({ query: (name, type) => (asked.push(name.toLowerCase()), inner.query(name, type)) });
  const arcKeys = () => asked.filter((n) => /^arc\._domainkey\.hop\d+\.example$/.test(n));

  const capped = await scanChecks(raw, counting(zone({})), { arcSets: 10 });
  expect(capped.notes).toContain("dkim: an ARC chain of 11 sets is longer than 10 ([dkim] max_arc_sets): not evaluated");
  expect(capped.symbols).not.toContain("ARC_INVALID");
  expect(capped.symbols).toContain("DKIM_VALID"); // the message's own signatures are still verified
  expect(arcKeys()).toEqual([]);

  asked.length = 0;
  const judged = await scanChecks(raw, counting(zone({})), { arcSets: 50 });
  expect(judged.notes.filter((n) => n.includes("max_arc_sets"))).toEqual([]);
  expect(judged.symbols).toContain("ARC_INVALID"); // no keys published: the chain fails
  expect(arcKeys().length).toBeGreaterThan(0);
});
