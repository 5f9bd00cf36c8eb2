import { describe, expect, test } from "bun:test";
import { toAnswer } from "./client";
import { encodeReply } from "../testing/dns-server";
import { decodeMessage, encodeName, encodeQuery, RCODE, TYPE_CODE, WireError, type WireRR } from "./wire";

describe("encodeQuery", () => {
  test("header, question and EDNS0 OPT are laid out as RFC 1035 §4.1 says", () => {
    const q = encodeQuery(0x1234, "a.example", "TXT");
    const hex = Buffer.from(q).toString("hex");
    // id | RD | qd=1 an=0 ns=0 ar=1
    expect(hex.slice(0, 24)).toBe("123401000001000000000001");
    // 1 "a" 7 "example" 0 | TXT | IN
    expect(hex.slice(24, 54)).toBe("0161076578616d706c6500" + "0010" + "0001");
    // OPT: root name, type 41, udp size 1232
    expect(hex.slice(54, 64)).toBe("00002904d0");
  });
  test.each([
    ["a".repeat(64) + ".example", "label over 63"],
    ["a..example", "empty label"],
    [Array(130).fill("ab").join("."), "name over 255"],
  ])("rejects %s (%s)", (name) => {
    expect(() => encodeName(name)).toThrow(WireError);
  });
  test("a trailing dot and the root name encode", () => {
    expect(encodeName("example.")).toEqual([7, ...Buffer.from("example"), 0]);
    expect(encodeName("")).toEqual([0]);
  });
});

const q = { id: 7, name: "x.example", type: TYPE_CODE.TXT };
const cases: [string, WireRR][] = [
  ["A", { name: "x.example", record: { type: "A", ttl: 300, address: "192.0.2.1" } }],
  ["AAAA", { name: "x.example", record: { type: "AAAA", ttl: 60, address: "2001:db8::1" } }],
  ["AAAA no run", { name: "x.example", record: { type: "AAAA", ttl: 60, address: "2001:db8:1:2:3:4:5:6" } }],
  ["TXT multi-string", { name: "x.example", record: { type: "TXT", ttl: 1, strings: ["v=spf1 ", "-all", ""] } }],
  ["TXT 8-bit", { name: "x.example", record: { type: "TXT", ttl: 1, strings: ["caf\xe9"] } }],
  ["MX", { name: "x.example", record: { type: "MX", ttl: 3600, preference: 10, exchange: "mail.x.example" } }],
  ["PTR", { name: "1.2.0.192.in-addr.arpa", record: { type: "PTR", ttl: 5, name: "host.example" } }],
  ["CNAME", { name: "x.example", record: { type: "CNAME", ttl: 5, target: "y.example" } }],
];

describe("decodeMessage", () => {
  test.each(cases)("round-trips %s", (_n, rr) => {
    const m = decodeMessage(encodeReply(q, 0, [rr]));
    expect(m).toMatchObject({ id: 7, response: true, truncated: false, rcode: 0, questions: [{ name: "x.example", type: 16 }] });
    expect(m.answers).toEqual([rr]);
  });

  test("SOA in authority gives the RFC 2308 negative TTL: min(SOA TTL, MINIMUM)", () => {
    const soa: WireRR = { name: "example", record: { type: "SOA", ttl: 600, mname: "ns.example", minimum: 120 } };
    const m = decodeMessage(encodeReply(q, RCODE.NXDOMAIN, [], [soa]));
    expect(toAnswer(m, "x.example", "TXT")).toEqual({ status: "nxdomain", negTtl: 120 });
    expect(toAnswer(decodeMessage(encodeReply(q, 0, [], [soa])), "x.example", "TXT")).toEqual({ status: "nodata", negTtl: 120 });
  });

  test("follows compression pointers (RFC 1035 §4.1.4)", () => {
    // header: id 1, QR|RD|RA, qd 1 an 1
    const hdr = [0, 1, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0];
    const qname = [1, 0x78, 7, ...Buffer.from("example"), 0]; // at offset 12
    const ans = [0xc0, 12, 0, 15, 0, 1, 0, 0, 0, 60, 0, 6, 0, 5, 2, 0x6d, 0x78, 0xc0, 12]; // MX 5 mx.x.example
    const m = decodeMessage(Uint8Array.from([...hdr, ...qname, 0, 15, 0, 1, ...ans]));
    expect(m.answers).toEqual([{ name: "x.example", record: { type: "MX", ttl: 60, preference: 5, exchange: "mx.x.example" } }]);
  });

  test("keeps unknown record types and the TC bit", () => {
    const m = decodeMessage(encodeReply(q, 0, [], [], true));
    expect(m.truncated).toBe(true);
  });

  test.each([
    ["short header", [0, 1, 0x81]],
    ["question runs off", [0, 1, 0x81, 0x80, 0, 1, 0, 0, 0, 0, 0, 0, 5, 0x61]],
    ["pointer loop", [0, 1, 0x81, 0x80, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 12, 0, 16, 0, 1]],
  ])("throws WireError on %s", (_n, bytes) => {
    expect(() => decodeMessage(Uint8Array.from(bytes))).toThrow(WireError);
  });
});

describe("toAnswer", () => {
  const reply = (rcode: number, answers: WireRR[] = []) => decodeMessage(encodeReply({ id: 1, name: "x.example", type: 1 }, rcode, answers));
  test.each([
    ["SERVFAIL", RCODE.SERVFAIL, "servfail"],
    ["REFUSED", RCODE.REFUSED, "error"],
    ["NXDOMAIN without SOA", RCODE.NXDOMAIN, "nxdomain"],
    ["NOERROR, empty", RCODE.NOERROR, "nodata"],
  ])("%s", (_n, rcode, status) => {
    expect(toAnswer(reply(rcode), "x.example", "A").status).toBe(status as never);
  });
  test("keeps only records of the asked type after a CNAME", () => {
    const a = toAnswer(reply(0, [cases[7][1], { name: "y.example", record: { type: "A", ttl: 9, address: "192.0.2.9" } }]), "x.example", "A");
    expect(a).toEqual({ status: "ok", records: [{ type: "A", ttl: 9, address: "192.0.2.9" }] });
  });
});

test("TXT text over 255 octets is split into character-strings (RFC 1035 §3.3)", () => {
  const long = "v=spf1 " + "x".repeat(600);
  const m = decodeMessage(encodeReply(q, 0, [{ name: "x.example", record: { type: "TXT", ttl: 1, strings: [long] } }]));
  const rec = m.answers[0].record as { strings: string[] };
  expect(rec.strings.map((s) => s.length)).toEqual([255, 255, 97]);
  expect(rec.strings.join("")).toBe(long);
});
