import { expect, test } from "bun:test";
import { defaults, parseConfig } from "../config/load";
import type { KasConfig } from "../config/schema";
import { dnsLists, listOf, meaning, queryName } from "./dnsbl-lists";

const withLists = (list: KasConfig["dnsbl"]["list"]): KasConfig => ({ ...defaults(), dnsbl: { ...defaults().dnsbl, list } });

const [zen, surbl, wl] = dnsLists(
  withLists([
    { zone: "zen.spamhaus.org", type: "ip", answers: ["127.0.0.2-127.0.0.3=RCVD_IN_SBL", "127.0.0.4-127.0.0.7=RCVD_IN_XBL", "127.0.0.10-127.0.0.11=RCVD_IN_PBL"] },
    { zone: "multi.surbl.org.", type: "domain", symbol: "URIBL_SURBL", answers: ["&8=URIBL_PH_SURBL", "&64=URIBL_ABUSE_SURBL"] },
    { zone: "list.dnswl.org", symbol: "RCVD_IN_DNSWL", refused: ["127.0.0.255"] },
  ]),
);

test("query names: reversed IPv4 octets, IPv6 nibbles (RFC 5782 §2.4), domains under the zone", () => {
  expect(queryName(zen, "192.0.2.99")).toBe("99.2.0.192.zen.spamhaus.org");
  expect(queryName(zen, "2001:db8::1")).toBe(`1.0.0.0.${"0.".repeat(20)}8.b.d.0.1.0.0.2.zen.spamhaus.org`);
  expect(queryName(zen, "not-an-ip")).toBeUndefined();
  expect(queryName(surbl, "Example.COM")).toBe("example.com.multi.surbl.org");
});

test("answers: exact and range entries, bitmasks, the fallback symbol, nothing outside 127/8", () => {
  expect(meaning(zen, ["127.0.0.2"])).toEqual({ kind: "listed", symbols: ["RCVD_IN_SBL"] });
  expect(meaning(zen, ["127.0.0.4", "127.0.0.11"])).toEqual({ kind: "listed", symbols: ["RCVD_IN_XBL", "RCVD_IN_PBL"] });
  expect(meaning(zen, ["127.0.0.9"])).toEqual({ kind: "none" }); // no symbol: only named answers count
  expect(meaning(surbl, ["127.0.0.72"])).toEqual({ kind: "listed", symbols: ["URIBL_PH_SURBL", "URIBL_ABUSE_SURBL"] });
  expect(meaning(surbl, ["127.0.0.2"])).toEqual({ kind: "listed", symbols: ["URIBL_SURBL"] });
  expect(meaning(surbl, ["10.0.0.8"])).toEqual({ kind: "none" });
  expect(meaning(wl, ["127.0.2.1"])).toEqual({ kind: "listed", symbols: ["RCVD_IN_DNSWL"] });
});

test("refusals (Spamhaus 127.255.255.252-255, URIBL/SURBL 127.0.0.1, or the list's own) are never listings", () => {
  expect(meaning(zen, ["127.255.255.254"])).toEqual({ kind: "refused", answer: "127.255.255.254" });
  expect(meaning(surbl, ["127.0.0.1"])).toEqual({ kind: "refused", answer: "127.0.0.1" });
  expect(meaning(wl, ["127.0.0.255"])).toEqual({ kind: "refused", answer: "127.0.0.255" });
  expect(meaning(wl, ["127.0.0.1"])).toEqual({ kind: "listed", symbols: ["RCVD_IN_DNSWL"] }); // its own refused list replaced the default
});

test("a query name belongs to the longest zone that ends it", () => {
  const lists = dnsLists(withLists([{ zone: "example.org", symbol: "A_LIST" }, { zone: "bl.example.org", symbol: "B_LIST" }]));
  expect(listOf(lists, "2.0.0.127.bl.example.org.")?.symbol).toBe("B_LIST");
  expect(listOf(lists, "2.0.0.127.example.org")?.symbol).toBe("A_LIST");
  expect(listOf(lists, "example.net")).toBeUndefined();
});

test("bad entries are refused with the key and what to write", () => {
  expect(() => dnsLists(withLists([{ zone: "nozone", symbol: "X" }]))).toThrow(/dnsbl.list\[0\].zone: "nozone" is not a DNS zone/);
  expect(() => dnsLists(withLists([{ zone: "a.example", answers: ["127.0.0.2"] }]))).toThrow(/dnsbl.list\[0\].answers: "127.0.0.2" is not ANSWER=SYMBOL/);
  expect(() => dnsLists(withLists([{ zone: "a.example", answers: ["127.0.0.9-127.0.0.2=X_Y"] }]))).toThrow(/not ANSWER=SYMBOL/);
  expect(() => dnsLists(withLists([{ zone: "a.example" }]))).toThrow(/give a symbol or answers/);
  expect(dnsLists({ dnsbl: { ...withLists([{ zone: "a.example", symbol: "X" }]).dnsbl, enabled: false } })).toEqual([]);
});

test("kas config check names a malformed list entry by its line (the schema's shape checks)", () => {
  const toml = `[[dnsbl.list]]\nzone = "zen.example"\nanswers = ["127.0.0.2=RCVD_IN_SBL", "127.0.0.4=lower"]\n[[dnsbl.list]]\nzone = "nozone"\nsymbol = "X"\nrefused = ["abc"]\n`;
  expect(() => parseConfig(toml, "kas.toml")).toThrow(/kas.toml:3: dnsbl.list\[0\].answers: \[1\]: "127.0.0.4=lower"[\s\S]*kas.toml:5: dnsbl.list\[1\].zone[\s\S]*kas.toml:7: dnsbl.list\[1\].refused/);
  expect(dnsLists(parseConfig(`[[dnsbl.list]]\nzone = "multi.surbl.example"\ntype = "domain"\nanswers = ["&8=URIBL_PH_SURBL", "&0x40=URIBL_ABUSE_SURBL"]\n`)).map((l) => l.zone)).toEqual(["multi.surbl.example"]);
});
