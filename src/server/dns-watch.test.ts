import { expect, test } from "bun:test";
import { dnsLists } from "../checks/dnsbl-lists";
import { defaults } from "../config/load";
import type { DnsAnswer, Resolver } from "../dns/types";
import { renderStatus } from "../client/status";
import { watchRefusals } from "./dns-watch";

const a = (address: string): DnsAnswer => ({ status: "ok", records: [{ type: "A", ttl: 60, address }] });

test("a list's refusal is logged once per list and counted for kas status; answers pass through unchanged", async () => {
  const lists = dnsLists({ dnsbl: { ...defaults().dnsbl, list: [{ zone: "zen.example", symbol: "RCVD_IN_ZEN" }, { zone: "uribl.example", type: "domain", symbol: "URIBL_X" }] } });
  const answers: Record<string, DnsAnswer> = { "2.0.0.127.zen.example": a("127.255.255.254"), "3.0.0.127.zen.example": a("127.255.255.254"), "spam.example.uribl.example": a("127.0.0.2"), "x.example.com": a("127.0.0.1") };
  const inner: Resolver = { query: async (n) => answers[n] ?? { status: "nxdomain" } };
  const warned: string[] = [];
  let t = 0;
  const w = watchRefusals(inner, lists, (m) => warned.push(m), () => new Date(Date.UTC(2030, 0, 1, 0, 0, t++)));
  for (const n of ["2.0.0.127.zen.example", "3.0.0.127.zen.example", "spam.example.uribl.example", "x.example.com", "nx.zen.example"]) expect(await w.resolver.query(n, "A")).toEqual(answers[n] ?? { status: "nxdomain" });
  expect(warned).toHaveLength(1);
  expect(warned[0]).toContain("DNS list zen.example refused our query (answer 127.255.255.254)");
  expect(w.refused()).toEqual({ "zen.example": { answer: "127.255.255.254", queries: 2, first: "2030-01-01T00:00:00.000Z", last: "2030-01-01T00:00:01.000Z" } });
});

test("kas status prints each refusing list on its own line", () => {
  const text = renderStatus({ server: "kas", pid: 1, uptime_s: 1, config: "kas.toml", dnsbl_refused: { "zen.example": { answer: "127.255.255.254", queries: 3, first: "2030-01-01T00:00:00.000Z", last: "2030-01-01T00:01:00.000Z" } } });
  expect(text).toContain("dnsbl: zen.example refuses our queries (answer 127.255.255.254, 3 times since 2030-01-01T00:00:00.000Z): its answers are not scored");
});
