import { describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigError } from "../errors";
import { tempDir } from "../testing/kas-binary";
import { licenseText, OTHER_ISSUER_KEY, privateKey, TEST_ISSUER_PUB, testIssuerPublic } from "../testing/license";
import { keyStatus, loadKeyFile, loadTrustedIssuers, type LoadedKey } from "./check";
import { parseLicense, type License } from "./format";

const trusted = [testIssuerPublic()];
const NOW = new Date("2026-11-28T12:00:00Z");
const fromText = (text: string): LoadedKey => loadKeyFile("license.key", trusted, () => Buffer.from(text));

describe("loadTrustedIssuers", () => {
  test("takes key text and .pub file paths", () => {
    const keys = loadTrustedIssuers([testIssuerPublic().text, TEST_ISSUER_PUB]);
    expect(keys.map((k) => k.text)).toEqual([trusted[0].text, trusted[0].text]);
  });
  test("an unreadable path is a ConfigError naming the entry", () => {
    expect(() => loadTrustedIssuers(["/nonexistent/x.pub"], "kas.toml")).toThrow("license.trusted_issuers[0]: cannot read key file /nonexistent/x.pub: ENOENT");
    expect(() => loadTrustedIssuers(["/nonexistent/x.pub"])).toThrow(ConfigError);
  });
  test("a private key is refused with the reason", () => {
    expect(() => loadTrustedIssuers([OTHER_ISSUER_KEY])).toThrow("this is a PRIVATE key");
  });
});

describe("loadKeyFile", () => {
  test("a good key verifies and names its issuer", () => {
    const k = fromText(licenseText({}, NOW));
    expect("license" in k && k.issuer.text).toBe(trusted[0].text);
  });
  const err = (code: string) => () => {
    throw Object.assign(new Error(code), { code });
  };
  const cases: [string, LoadedKey, string, string][] = [
    ["not configured", loadKeyFile("", trusted), "missing", "no license key file configured ([license] key_file is empty)"],
    ["missing", loadKeyFile("/x/license.key", trusted, err("ENOENT")), "missing", "no license key file at /x/license.key"],
    ["unreadable", loadKeyFile("/x/license.key", trusted, err("EACCES")), "invalid", "cannot read /x/license.key: permission denied (EACCES)"],
    ["too large", fromText("#".repeat(70_000)), "invalid", "too large to be a kas license"],
    ["not UTF-8", loadKeyFile("k", trusted, () => Buffer.from([0x66, 0xff, 0xfe])), "invalid", "not UTF-8 text"],
    ["wrong format", fromText("[server]\nlisten = []\n"), "invalid", "unknown field `server`"],
    ["no trusted issuers", loadKeyFile("k", [], () => Buffer.from(licenseText({}, NOW))), "invalid", "no trusted issuer keys configured: add the issuer's public key to [license] trusted_issuers"],
    ["unknown issuer", fromText(licenseText({}, NOW, privateKey(OTHER_ISSUER_KEY))), "invalid", "signature does not verify with any trusted issuer key; it names issuer kas-ed25519:"],
    ["changed after signing", fromText(licenseText({ licensee: "Small Ltd" }, NOW).replace("Small Ltd", "Large Ltd")), "invalid", "signature does not verify with any trusted issuer key; the file was changed after it was signed"],
  ];
  for (const [name, k, verdict, message] of cases) {
    test(name, () => {
      expect("verdict" in k ? k.verdict : "loaded").toBe(verdict);
      expect("message" in k ? k.message : "").toContain(message);
    });
  }
  test("a key signed by another issuer that names a trusted one is still refused", () => {
    const text = licenseText({}, NOW, privateKey(OTHER_ISSUER_KEY));
    const forged = text.replace(/issuer_key = .*/, `issuer_key = "${trusted[0].text}"`);
    expect((fromText(forged) as { message: string }).message).toContain("the file was changed after it was signed");
  });
});

describe("keyStatus verdicts by day (UTC, whole days)", () => {
  const l = parseLicense(licenseText({ starts: "2026-12-01", expires: "2027-12-31" }, NOW)) as License;
  const k: LoadedKey = { file: "f", license: l, issuer: trusted[0] };
  const cases: [string, string, string, number | undefined, string][] = [
    ["2026-11-30T23:59:59Z", "not_yet_valid", "not valid yet: starts 2026-12-01 (in 1 day)", 396, ""],
    ["2026-12-01T00:00:00Z", "valid", "valid until 2027-12-31 (395 days left)", 395, ""],
    ["2027-11-30T12:00:00Z", "valid", "valid until 2027-12-31 (31 days left)", 31, ""],
    ["2027-12-01T00:00:00Z", "expiring", "expires 2027-12-31 (30 days left): install the renewed key", 30, ""],
    ["2027-12-31T23:59:59Z", "expiring", "expires 2027-12-31 (0 days left)", 0, ""],
    ["2028-01-01T00:00:00Z", "expired", "expired on 2027-12-31 (1 day ago): filtering goes on, rule database updates are refused", -1, ""],
  ];
  for (const [at, verdict, message, daysLeft] of cases) {
    test(`${at} → ${verdict}`, () => {
      const s = keyStatus(k, new Date(at));
      expect(s.verdict).toBe(verdict as never);
      expect(s.message).toContain(message);
      expect(s.daysLeft).toBe(daysLeft);
    });
  }
  test("a load failure keeps its verdict and message", () => {
    expect(keyStatus({ file: "f", verdict: "missing", message: "no license key file at f" }, NOW)).toEqual({ file: "f", verdict: "missing", message: "no license key file at f" });
  });
});

test("loadKeyFile reads a real file", () => {
  const dir = tempDir("kas-license-");
  const path = join(dir, "license.key");
  writeFileSync(path, licenseText({}, NOW));
  expect("license" in loadKeyFile(path, trusted)).toBe(true);
});

test("every single changed byte in any field's value is caught", () => {
  const text = licenseText({ domains: ["example.com", "example.org"], maxAddresses: 500 }, NOW);
  let tried = 0;
  const lines = text.split("\n");
  lines.forEach((line, li) => {
    const m = /^(\w+ = )(.+)$/.exec(line);
    if (!m) return;
    for (let i = 0; i < m[2].length; i++) {
      const v = m[2];
      const c = v.charCodeAt(i);
      const changed = v.slice(0, i) + String.fromCharCode(c ^ 1) + v.slice(i + 1);
      const tampered = [...lines.slice(0, li), m[1] + changed, ...lines.slice(li + 1)].join("\n");
      const k = fromText(tampered);
      if ("license" in k) throw new Error(`not caught: ${m[1]}${changed}`);
      tried++;
    }
  });
  expect(tried).toBeGreaterThan(250); // every byte of every value (266 with this license)
});
