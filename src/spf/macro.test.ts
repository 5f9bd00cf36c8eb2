import { describe, expect, test } from "bun:test";
import { parseIp } from "../dns/ip";
import { expand, tokenize, truncateDomain, type MacroContext } from "./macro";
import { SpfAbort } from "./types";

const ctx = (ip = "192.0.2.3"): MacroContext => ({
  sender: "strong-bad@email.example.com", localPart: "strong-bad", senderDomain: "email.example.com", domain: "email.example.com",
  ip: parseIp(ip)!, helo: "mx.example.org", receiver: "mybox.example.net", now: 1_700_000_000, validatedName: async () => "mx.example.org",
});

describe("RFC 7208 §7.4 examples", () => {
  test.each([
    ["%{s}", "strong-bad@email.example.com"],
    ["%{o}", "email.example.com"],
    ["%{d}", "email.example.com"],
    ["%{d4}", "email.example.com"],
    ["%{d3}", "email.example.com"],
    ["%{d2}", "example.com"],
    ["%{d1}", "com"],
    ["%{dr}", "com.example.email"],
    ["%{d2r}", "example.email"],
    ["%{l}", "strong-bad"],
    ["%{l-}", "strong.bad"],
    ["%{lr}", "strong-bad"],
    ["%{lr-}", "bad.strong"],
    ["%{l1r-}", "strong"],
    ["%{ir}.%{v}._spf.%{d2}", "3.2.0.192.in-addr._spf.example.com"],
    ["%{lr-}.lp._spf.%{d2}", "bad.strong.lp._spf.example.com"],
    ["%{lr-}.lp.%{ir}.%{v}._spf.%{d2}", "bad.strong.lp.3.2.0.192.in-addr._spf.example.com"],
    ["%{ir}.%{v}.%{l1r-}.lp._spf.%{d2}", "3.2.0.192.in-addr.strong.lp._spf.example.com"],
    ["%{d2}.trusted-domains.example.net", "example.com.trusted-domains.example.net"],
    ["%%%_%-", "% %20"],
    ["%{S}", "strong-bad%40email.example.com"],
    ["%{p}.%{h}", "mx.example.org.mx.example.org"],
  ])("%s → %s", async (spec, want) => {
    expect(await expand(spec, ctx())).toBe(want);
  });

  test("IPv6 %{ir} is the nibble form under ip6 (case-insensitive in DNS)", async () => {
    expect((await expand("%{ir}.%{v}._spf.%{d2}", ctx("2001:db8::cb01"))).toLowerCase()).toBe("1.0.b.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6._spf.example.com");
  });

  test("c, r, t only in explanations", async () => {
    expect(await expand("%{c} %{r} %{t}", ctx("2001:db8::cb01"), true)).toBe("2001:db8::cb01 mybox.example.net 1700000000");
    expect(() => tokenize("%{c}", false)).toThrow(SpfAbort);
  });
});

describe("syntax errors are permerror", () => {
  test.each(["%{x}", "%{d0}", "%{d", "%z", "50%", "a b"])("%s", (s) => {
    expect(() => tokenize(s, false)).toThrow(SpfAbort);
  });
});

test("§7.3: long expansions lose labels on the left until 253 characters fit", () => {
  const long = Array(60).fill("abcde").join(".") + ".example.com";
  const t = truncateDomain(long);
  expect(t.length).toBeLessThanOrEqual(253);
  expect(long.endsWith(t)).toBe(true);
  expect(t.startsWith("abcde.")).toBe(true);
});
