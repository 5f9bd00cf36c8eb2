import { describe, expect, test } from "bun:test";
import { licenseText, privateKey } from "../testing/license";
import { canonical, formatLicense, parseDay, parseLicense, type License } from "./format";
import { issueLicense } from "./issue";
import { verifyBytes } from "./keys";

const NOW = new Date("2026-11-28T12:00:00Z");
const text = licenseText({ serial: "KAS-1", domains: ["example.com", "example.org"], maxAddresses: 500, starts: "2026-11-01", expires: "2027-10-31" }, NOW);
const lic = parseLicense(text) as License;

describe("canonical form", () => {
  test("is the fixed lines of the field values, each ending in LF", () => {
    expect(new TextDecoder().decode(canonical(lic))).toBe(
      [
        "kas-license-1",
        "serial=KAS-1",
        "licensee=Example Mail GmbH",
        "edition=standard",
        "issued=2026-11-28",
        "starts=2026-11-01",
        "expires=2027-10-31",
        "max_addresses=500",
        "domains=example.com,example.org",
        `issuer_key=${privateKey().publicKey.text}`,
        "",
      ].join("\n"),
    );
  });

  test("absent limits are empty values", () => {
    const s = new TextDecoder().decode(canonical({ ...lic, max_addresses: undefined }));
    expect(s).toContain("\nmax_addresses=\n");
    expect(new TextDecoder().decode(canonical({ ...lic, domains: [] }))).toContain("\ndomains=\n");
  });

  test("does not depend on TOML spelling: order, quoting, comments, string dates", () => {
    const lines = text.split("\n").filter((l) => l && !l.startsWith("#"));
    const respelled = [...lines].reverse().map((l) => l.replace(/^(issued|starts|expires) = (.*)$/, '$1 = "$2"') + "   # note").join("\n\n");
    const again = parseLicense(respelled) as License;
    expect(again).toEqual(lic);
    expect(verifyBytes(canonical(again), Buffer.from(again.signature, "base64"), privateKey().publicKey)).toBe(true);
  });
});

test("formatLicense and parseLicense round-trip", () => {
  expect(parseLicense(formatLicense(lic))).toEqual(lic);
  expect(text).toContain('domains = ["example.com", "example.org"]');
  expect(text).toContain("expires = 2027-10-31\n");
});

describe("parseLicense says exactly what is wrong", () => {
  const edit = (from: RegExp | string, to: string) => text.replace(from, to);
  const sig = lic.signature;
  const cases: [string, string, string][] = [
    ["empty", "", "file is empty"],
    ["not TOML", "this is not a license\n", "not valid TOML (line 1"],
    ["wrong format", edit(/kas-license-1/, "kas-license-2"), 'field `format` is "kas-license-2", this kas reads "kas-license-1"'],
    ["a PEM file", "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA\n-----END PUBLIC KEY-----\n", "not valid TOML"],
    ["truncated", text.slice(0, text.indexOf("issuer_key")), "file is truncated or not a kas license (missing field issuer_key)"],
    ["unknown field", text + "extra = 1\n", "unknown field `extra`"],
    ["control character", edit(/licensee = "[^"]*"/, 'licensee = "a\\nb"'), "field `licensee` contains a control character"],
    ["leading space", edit(/licensee = "[^"]*"/, 'licensee = " x"'), "field `licensee` is empty or has leading/trailing spaces"],
    ["serial characters", edit(/serial = "[^"]*"/, 'serial = "a b"'), "field `serial` may only contain"],
    ["impossible date", edit(/expires = \S+/, "expires = 2027-02-30"), "field `expires` is not a date YYYY-MM-DD (got 2027-02-30)"],
    ["date and time", edit(/expires = \S+/, "expires = 2027-02-01T00:00:00"), "field `expires` is not a date"],
    ["string date typo", edit(/expires = \S+/, 'expires = "2027-1-1"'), "field `expires` is not a date"],
    ["expires before starts", edit(/expires = \S+/, "expires = 2026-10-01"), "field `expires` (2026-10-01) is before `starts` (2026-11-01)"],
    ["zero addresses", edit(/max_addresses = \d+/, "max_addresses = 0"), "field `max_addresses` must be a whole number"],
    ["fractional addresses", edit(/max_addresses = \d+/, "max_addresses = 2.5"), "field `max_addresses` must be a whole number"],
    ["upper-case domain", edit(/"example.org"/, '"Example.org"'), 'field `domains`: "Example.org" is not a lower-case domain name'],
    ["domain twice", edit(/"example.org"/, '"example.com"'), "field `domains` names a domain twice"],
    ["empty domains", edit(/domains = .*/, "domains = []"), "field `domains` must be a non-empty list"],
    ["no limits", edit(/max_addresses = .*\n/, "").replace(/domains = .*\n/, ""), "the license has no limits"],
    ["short signature", edit(sig, sig.slice(4)), "field `signature` is not a base64 Ed25519 signature"],
    // The last character's 4 unused bits: a second spelling of the same bytes is refused.
    ["non-canonical base64", edit(sig, sig.slice(0, 85) + String.fromCharCode(sig.charCodeAt(85) ^ 1) + "=="), "field `signature` is not a base64"],
  ];
  for (const [name, input, message] of cases) {
    test(name, () => {
      const r = parseLicense(input);
      expect("problem" in r ? r.problem : "parsed").toContain(message);
    });
  }
});

test("parseDay accepts real calendar days only", () => {
  expect(parseDay("1970-01-02")).toBe(1);
  expect(parseDay("2028-02-29")).toBeNumber();
  for (const bad of ["2027-02-29", "2026-13-01", "2026-1-01", "20261101", ""]) expect(parseDay(bad)).toBeUndefined();
});

describe("issueLicense", () => {
  const key = privateKey();
  test("fills defaults: today as issued and starts, standard edition, a KAS- serial", () => {
    const r = issueLicense({ licensee: "X", expires: "2027-01-01", maxAddresses: 5 }, key, NOW);
    if ("problem" in r) throw new Error(r.problem);
    expect(r.license).toMatchObject({ issued: "2026-11-28", starts: "2026-11-28", edition: "standard", max_addresses: 5, domains: [] });
    expect(r.license.serial).toMatch(/^KAS-20261128-[0-9a-f]{8}$/);
  });
  test("normalises domains (case, trailing dot, duplicates)", () => {
    const r = issueLicense({ licensee: "X", expires: "2027-01-01", domains: ["Example.COM.", "example.com", " b.example "] }, key, NOW);
    expect("license" in r && r.license.domains).toEqual(["example.com", "b.example"]);
  });
  const bad: [string, Parameters<typeof issueLicense>[0], string][] = [
    ["no limit", { licensee: "X", expires: "2027-01-01" }, "a license needs a limit"],
    ["bad expiry", { licensee: "X", expires: "2027-13-01", maxAddresses: 1 }, '--expires "2027-13-01" is not a date'],
    ["bad starts", { licensee: "X", expires: "2027-01-01", starts: "soon", maxAddresses: 1 }, '--starts "soon"'],
    ["zero addresses", { licensee: "X", expires: "2027-01-01", maxAddresses: 0 }, "--max-addresses must be a whole number"],
    ["bad domain", { licensee: "X", expires: "2027-01-01", domains: ["under_score.example"] }, "--domains:"],
    ["expires before starts", { licensee: "X", expires: "2026-01-01", maxAddresses: 1 }, "--expires (2026-01-01) is before `starts`"],
    ["empty licensee", { licensee: " ", expires: "2027-01-01", maxAddresses: 1 }, "--licensee is empty"],
  ];
  for (const [name, req, message] of bad) {
    test(`refuses: ${name}`, () => {
      const r = issueLicense(req, key, NOW);
      expect("problem" in r ? r.problem : "issued").toContain(message);
    });
  }
});
