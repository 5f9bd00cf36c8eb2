import { expect, test } from "bun:test";
import { defaults } from "../config/load";
import type { KasConfig } from "../config/schema";
import { createFacts } from "../engine/context";
import { parseMessageSync } from "../message/parse";
import { createZoneResolver } from "../testing/zone-resolver";
import { createDnsblCheck, lookupDomains } from "./dnsbl";
import { dnsLists } from "./dnsbl-lists";
import { boundaryRelay, receivedFromIp, trustedRanges } from "./relays";
import type { CheckInput } from "./types";

const cfg = (extra: Partial<KasConfig["dnsbl"]>): KasConfig["dnsbl"] => ({
  ...defaults().dnsbl,
  list: [
    { zone: "zen.test", answers: ["127.0.0.2-127.0.0.3=RCVD_IN_SBL", "127.0.0.10-127.0.0.11=RCVD_IN_PBL"] },
    { zone: "dbl.test", type: "domain", answers: ["127.0.1.2-127.0.1.99=URIBL_DBL_SPAM"] },
    { zone: "slow.test", symbol: "RCVD_IN_SLOW" },
  ],
  ...extra,
});
const zones = {
  "5.113.0.203.zen.test": [{ A: "127.0.0.2" }, { A: "127.0.0.11" }],
  "9.113.0.203.zen.test": [{ A: "127.255.255.254" }],
  "5.113.0.203.slow.test": ["TIMEOUT"],
  "spam-shop.co.uk.dbl.test": [{ A: "127.0.1.2" }],
};
const raw = (received: string[], body = "Buy at http://www.spam-shop.co.uk/x and https://fine.example.org/\n") =>
  [...received.map((r) => `Received: ${r}`), "From: A <a@sender.example>", "Subject: x", "", body].join("\r\n");
function input(text: string, ip?: string, ms = 2000): CheckInput {
  const bytes = new TextEncoder().encode(text);
  return { id: "m", envelope: { ip, from: "bounce@mail.sender.example", rcpt: ["u@example.com"] }, raw: bytes, message: parseMessageSync(bytes, defaults().scan), deadline: performance.now() + ms, facts: createFacts([]) };
}
const check = (c: KasConfig["dnsbl"], resolver = createZoneResolver(zones)) => createDnsblCheck({ lists: dnsLists({ dnsbl: c }), resolver, config: c });

test("the client and the link domains are looked up; every named answer raises its symbol; a slow list is a note", async () => {
  const resolver = createZoneResolver(zones);
  const t0 = performance.now();
  const out = await check(cfg({ timeout: 0.2 }), resolver).run(input(raw([]), "203.0.113.5"));
  expect(performance.now() - t0).toBeLessThan(1000);
  expect(out.symbols.sort()).toEqual(["RCVD_IN_PBL", "RCVD_IN_SBL", "URIBL_DBL_SPAM"]);
  expect(out.notes).toEqual(["dnsbl: no answer in time from slow.test: not scored"]);
  expect(resolver.queries.map((q) => q.name).filter((n) => n.endsWith("dbl.test"))).toEqual(["sender.example.dbl.test", "spam-shop.co.uk.dbl.test", "example.org.dbl.test"]);
});

test("a refusal answer is a note, never a listing", async () => {
  const out = await check(cfg({})).run(input(raw([]), "203.0.113.9"));
  expect(out.symbols).toEqual(["URIBL_DBL_SPAM"]); // the link's listing only
  expect(out.notes?.[0]).toBe("dnsbl: zen.test refused the query for 203.0.113.9 (answer 127.255.255.254): not scored");
});

test("trust boundary: behind our own relay the first untrusted Received hop is looked up, never our relays", async () => {
  const resolver = createZoneResolver(zones);
  const msg = raw(["from relay.ours.example (relay.ours.example [198.51.100.7]) by mx.ours.example", "from spammer (dsl.example [203.0.113.5]) by relay.ours.example", "from forged ([192.0.2.66]) by spammer"]);
  const out = await check(cfg({ trusted_networks: ["198.51.100.0/24"], timeout: 0.1 }), resolver).run(input(msg, "198.51.100.7"));
  expect(out.symbols).toContain("RCVD_IN_SBL");
  expect(resolver.queries.map((q) => q.name).filter((n) => n.endsWith(".zen.test"))).toEqual(["5.113.0.203.zen.test"]);
  // Without trusted_networks the client itself is the boundary.
  const r2 = createZoneResolver(zones);
  await check(cfg({ timeout: 0.1 }), r2).run(input(msg, "198.51.100.7"));
  expect(r2.queries.map((q) => q.name).filter((n) => n.endsWith(".zen.test"))).toEqual(["7.100.51.198.zen.test"]);
});

test("relays: Received parsing and the walk", () => {
  expect(receivedFromIp("from a.example (a.example [192.0.2.1]) by b.example with ESMTP id 1; Mon, 1 Jan 2024")).toBe("192.0.2.1");
  expect(receivedFromIp("from a.example ([IPv6:2001:db8::5]) by b.example")).toBe("2001:db8::5");
  expect(receivedFromIp("by b.example with local id 5")).toBeUndefined();
  expect(receivedFromIp("from x by y ([192.0.2.1])")).toBeUndefined(); // after "by" is the receiver
  const hdr = (...r: string[]) => r.map((value) => ({ name: "Received", raw: value, value }));
  const t = trustedRanges(["198.51.100.0/24"], ["192.0.2.0/28"]);
  expect(boundaryRelay(undefined, hdr("from a ([10.0.0.5]) by b", "from c ([192.0.2.3]) by a", "from d ([203.0.113.1]) by c"), t)).toBe("203.0.113.1");
  expect(boundaryRelay("127.0.0.1", hdr("from a ([127.0.0.1]) by b"), t)).toBeUndefined(); // all ours: nothing to look up
  expect(boundaryRelay("198.51.100.1", hdr("from a by b"), t)).toBeUndefined(); // the chain breaks
});

test("a QR code's address (the qr fact) is looked up like a link, before the body's links", async () => {
  const qrProvider = { name: "qr", stage: "content" as const, provides: ["qr" as const], run: async () => ({ symbols: [] }) };
  const i = input(raw([], "Nothing to click here.\n"));
  const facts = createFacts([qrProvider]);
  facts.set("qr", { urls: ["https://www.spam-shop.co.uk/scan-me"] });
  const out = await check(cfg({})).run({ ...i, facts });
  expect(out.symbols).toEqual(["URIBL_DBL_SPAM"]);
  // Without the fact (no QR check, or no picture) the same message is clean.
  expect((await check(cfg({})).run(i)).symbols).toEqual([]);
  const m = parseMessageSync(new TextEncoder().encode("Subject: x\r\n\r\nhttp://a.example.com/ http://b.example.net/\r\n"), defaults().scan);
  expect(lookupDomains(m, "", 2, ["https://qr.example.org/x"])).toEqual(["example.org", "example.com"]);
});

test("lookup domains: registrable domains (PSL), senders first, at most max_domains links", () => {
  const m = parseMessageSync(new TextEncoder().encode(raw([], "http://a.b.example.co.uk/ http://x.example.com http://y.example.com/ http://192.0.2.1/ mailto:z@mail.other.example\n")), defaults().scan);
  expect(lookupDomains(m, "b@news.sender.example", 10)).toEqual(["sender.example", "example.co.uk", "example.com", "other.example"]);
  expect(lookupDomains(m, "", 1)).toEqual(["sender.example", "example.co.uk"]);
});
