import { expect, test } from "bun:test";
import { createZoneResolver } from "../testing/zone-resolver";
import { checkHelo, checkMailFrom } from "./identity";
import { receivedSpf } from "./received-spf";

const resolver = createZoneResolver({
  "example.com": [{ TXT: "v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 -all" }],
  "mx.example.com": [{ TXT: "v=spf1 a -all" }, { A: "192.0.2.25" }],
});
const req = (ip: string, mailFrom = "joe@example.com", helo = "mx.example.com") => ({ ip, mailFrom, helo });

test.each([
  [req("192.0.2.1"), "pass", "ip4:192.0.2.0/24"],
  [req("::ffff:192.0.2.1"), "pass", "ip4:192.0.2.0/24"],
  [req("2001:db8::5"), "pass", "ip6:2001:db8::/32"],
  [req("198.51.100.1"), "fail", "-all"],
  [req("198.51.100.1", "joe@nowhere.example"), "none", undefined],
])("MAIL FROM %o → %s via %s", async (r, result, mechanism) => {
  const c = await checkMailFrom(r, { resolver });
  expect([c.result, c.mechanism]).toEqual([result, mechanism]);
});

test("null reverse-path checks postmaster@HELO (§2.4)", async () => {
  const c = await checkMailFrom(req("192.0.2.25", ""), { resolver });
  expect([c.result, c.sender, c.identity]).toEqual(["pass", "postmaster@mx.example.com", "mailfrom"]);
});

test("Received-SPF (§9.1) for a fail carries the key-value pairs", async () => {
  const r = req("198.51.100.1");
  const check = await checkMailFrom(r, { resolver });
  expect(receivedSpf({ check, ip: r.ip, mailFrom: r.mailFrom, helo: r.helo, receiver: "filter.example.net" })).toBe(
    'fail (filter.example.net: domain of joe@example.com does not designate 198.51.100.1 as permitted sender) client-ip=198.51.100.1; envelope-from="joe@example.com"; helo=mx.example.com; receiver=filter.example.net; identity=mailfrom; mechanism=-all',
  );
});

test("Received-SPF for the HELO identity and a permerror names the problem", async () => {
  const broken = createZoneResolver({ "bad.example": [{ TXT: "v=spf1 foo:bar -all" }] });
  const r = req("192.0.2.1", "x@y.example", "bad.example");
  const check = await checkHelo(r, { resolver: broken });
  const v = receivedSpf({ check, ip: r.ip, mailFrom: r.mailFrom, helo: r.helo });
  expect(v).toStartWith("permerror (unknown: domain of postmaster@bad.example has an invalid SPF record) client-ip=192.0.2.1; helo=bad.example; receiver=unknown; identity=helo; problem=");
});
