// isIPv4 / isIPv6 / isIP are ours (dns/ip.ts) so a start of the binary need not load node:net;
// node:net's answers are the oracle, as mailparser is for the MIME walker.
import { expect, test } from "bun:test";
import * as net from "node:net";
import { intRng } from "../testing/rng";
import { isIP, isIPv4, isIPv6 } from "./ip";

const EDGES = [
  "1.2.3.4", "0.0.0.0", "255.255.255.255", "01.2.3.4", "1.2.3.04", "256.1.1.1", "1.2.3", "1.2.3.4.5", " 1.2.3.4", "1.2.3.4\n", "0x1.2.3.4", "",
  "::", "::1", "1::", "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7::", "::2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8:9", "1::2::3", ":1::", ":::", "1:::2", "12345::", "ABCD::EF",
  "::ffff:1.2.3.4", "::1.2.3.4", "1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:7:1.2.3.4", "1:2:3:4:5::1.2.3.4", "1:2:3:4:5:6::1.2.3.4", "1.2.3.4::", "::ffff:01.2.3.4",
  "fe80::1%eth0", "fe80::1%", "1:2:3:4:5:6:7:8%1", "::ffff:1.2.3.4%x", "fe80::1%a%b", "fe80::1%a b",
];

const same = (s: string) => ({ s, v4: isIPv4(s) === net.isIPv4(s), v6: isIPv6(s) === net.isIPv6(s), ip: isIP(s) === net.isIP(s) });

test("edge cases answer as node:net does", () => {
  for (const s of EDGES) expect(same(s)).toEqual({ s, v4: true, v6: true, ip: true });
  // The oracle really says yes to some of them: the comparison is not all-false.
  expect(EDGES.filter((s) => isIP(s) !== 0).length).toBeGreaterThan(15);
});

test("200 000 generated strings answer as node:net does (seed 16)", () => {
  const rnd = intRng(16);
  const parts = ["0", "1", "9", "a", "f", "F", "g", ":", ":", ":", ".", ".", "%", "e", "-", "25", "255", "256", "01", "ffff", "12345", "::", "1.2.3.4", " "];
  const wrong: string[] = [];
  let yes = 0;
  for (let i = 0; i < 200_000; i++) {
    let s = "";
    for (let n = 1 + rnd(14); n > 0; n--) s += parts[rnd(parts.length)];
    const r = same(s);
    if (!(r.v4 && r.v6 && r.ip)) wrong.push(s);
    if (net.isIP(s)) yes++;
  }
  expect(wrong.slice(0, 10)).toEqual([]);
  expect(yes).toBeGreaterThan(1000);
});
