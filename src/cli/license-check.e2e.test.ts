// kas license-check against the compiled binary: every verdict with its exit code and
// message, one changed byte in each field, unknown issuer, truncated and foreign files, the
// reserve key, the usage warning; keygen and issue.
import { describe, expect, test } from "bun:test";
import { copyFileSync, existsSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { SqliteUsageStore } from "../license/usage";
import { runKas, tempDir, writeConfig } from "../testing/kas-binary";
import { LICENSE_FIXTURES, licenseText, TEST_ISSUER_KEY, TEST_ISSUER_PUB, writeLicense } from "../testing/license";

const dir = tempDir("kas-license-e2e-");
const cfg = writeConfig(dir, `[license]\nkey_file = ${JSON.stringify(join(dir, "license.key"))}\ntrusted_issuers = [${JSON.stringify(TEST_ISSUER_PUB)}]\n`);
const fixture = (name: string) => join(LICENSE_FIXTURES, name);
const check = (...args: string[]) => runKas(["license-check", "--config", cfg, ...args]);

/** Writes `text` as a key file and checks it. */
let n = 0;
async function checkText(text: string | Uint8Array) {
  const path = join(dir, `k${n++}.key`);
  writeFileSync(path, text);
  return check("--key", path);
}

function expectVerdict(r: Awaited<ReturnType<typeof runKas>>, code: number, firstLine: string | RegExp) {
  const first = r.text.split("\n")[0];
  if (typeof firstLine === "string") expect(first).toBe(firstLine);
  else expect(first).toMatch(firstLine);
  expect({ code: r.exitCode, stderr: r.stderr }).toEqual({ code, stderr: "" });
}

describe("verdicts and exit codes", () => {
  test("valid → 0, with licensee, serial, expiry, limits, usage", async () => {
    const r = await check("--key", fixture("domains-2099.key"));
    expectVerdict(r, 0, /^verdict: {2}valid: valid until 2099-12-31 \(\d+ days left\)$/);
    expect(r.text).toContain("licensee: Example Mail GmbH\n");
    expect(r.text).toContain("serial:   TEST-DOMAINS-2099 (edition standard,");
    expect(r.text).toContain("limits:   500 addresses; domains example.com, example.org (and their subdomains)\n");
    expect(r.text).toContain("in use:   0 of 500 addresses (0%)\n");
  });

  test("the key file defaults to [license] key_file", async () => {
    copyFileSync(fixture("valid-2099.key"), join(dir, "license.key"));
    const r = await check();
    expectVerdict(r, 0, /^verdict: {2}valid: /);
    expect(r.text).toContain(`key file: ${join(dir, "license.key")}\n`);
  });

  test("expiring within 30 days → 1", async () => {
    expectVerdict(await checkText(licenseText({ expiresIn: 12 })), 1, /^verdict: {2}expiring: expires \d{4}-\d\d-\d\d \(12 days left\): install the renewed key as key_file or reserve_key_file$/);
  });

  test("more than 90% of the address limit in use → 1", async () => {
    const d = tempDir("kas-license-e2e-");
    const c = writeConfig(d, `[license]\nkey_file = ${JSON.stringify(writeLicense(d, "l.key", { maxAddresses: 10 }))}\ntrusted_issuers = [${JSON.stringify(TEST_ISSUER_PUB)}]\n`);
    const store = new SqliteUsageStore(join(d, "data", "license", "usage.sqlite"));
    store.admit(Array.from({ length: 10 }, (_, i) => `u${i}@example.com`), 10, new Date());
    store.close();
    const r = await runKas(["license-check", "--config", c]);
    expectVerdict(r, 1, /^verdict: {2}valid: /);
    expect(r.text).toContain("in use:   10 of 10 addresses (100%)\n");
    expect(r.text).toContain("warning:  10 of 10 licensed addresses in use (more than 90%): further new recipients pass unfiltered\n");
  });

  test("expired → 2", async () => {
    expectVerdict(await check("--key", fixture("expired-2020.key")), 2, /^verdict: {2}expired: expired on 2020-12-31 \(\d+ days ago\): filtering goes on, rule database updates are refused; install a renewed key$/);
  });

  test("not yet valid → 3", async () => {
    expectVerdict(await check("--key", fixture("not-yet-valid-2099.key")), 3, /^verdict: {2}not_yet_valid: not valid yet: starts 2099-01-01 \(in \d+ days\)$/);
  });

  test("signed by an unknown issuer → 3", async () => {
    const r = await check("--key", fixture("unknown-issuer-2099.key"));
    expectVerdict(r, 3, /^verdict: {2}invalid: signature does not verify with any trusted issuer key; it names issuer kas-ed25519:\S+, which is not in \[license\] trusted_issuers$/);
  });

  test("missing file → 3", async () => {
    expectVerdict(await check("--key", join(dir, "nope.key")), 3, `verdict:  missing: no license key file at ${join(dir, "nope.key")}`);
  });

  test("reserve key in use when the key_file's key has expired → 0", async () => {
    const d = tempDir("kas-license-e2e-");
    const c = writeConfig(d, `[license]\nkey_file = ${JSON.stringify(fixture("expired-2020.key"))}\nreserve_key_file = ${JSON.stringify(fixture("valid-2099.key"))}\ntrusted_issuers = [${JSON.stringify(TEST_ISSUER_PUB)}]\n`);
    const r = await runKas(["license-check", "--config", c]);
    expectVerdict(r, 0, /^verdict: {2}valid: reserve key in use \(valid until 2099-12-31/);
    expect(r.text).toContain("serial:   TEST-VALID-2099");
  });

  test("--json", async () => {
    const r = await check("--key", fixture("expired-2020.key"), "--json");
    expect(r.exitCode).toBe(2);
    expect(JSON.parse(r.text)).toMatchObject({ verdict: "expired", exit_code: 2, license: { serial: "TEST-EXPIRED-2020", expires: "2020-12-31" }, usage: { in_use: 0, max_addresses: 3 } });
  });
});

describe("tampered: one byte changed in each field → 3", () => {
  const original = readFileSync(fixture("domains-2099.key"), "utf8");
  // For each field: the byte to change and what it becomes (still well-formed, so the
  // signature is what catches it), and the message.
  const SIG = "signature does not verify with any trusted issuer key";
  const fields: [string, (v: string) => string, string][] = [
    ["format", (v) => v.replace("1", "2"), 'field `format` is "kas-license-2", this kas reads "kas-license-1"'],
    ["serial", (v) => v.replace("2099", "2098"), `${SIG}; the file was changed after it was signed`],
    ["licensee", (v) => v.replace("GmbH", "GmbI"), `${SIG}; the file was changed after it was signed`],
    ["edition", (v) => v.replace("standard", "standarc"), `${SIG}; the file was changed after it was signed`],
    ["issued", (v) => v.replace(/.$/, (c) => (c === "1" ? "2" : "1")), `${SIG}; the file was changed after it was signed`],
    ["starts", (v) => v.replace(/01$/, "02"), `${SIG}; the file was changed after it was signed`],
    ["expires", (v) => v.replace("31", "30"), `${SIG}; the file was changed after it was signed`],
    ["max_addresses", (v) => v.replace("500", "900"), `${SIG}; the file was changed after it was signed`],
    ["domains", (v) => v.replace("example.org", "example.orh"), `${SIG}; the file was changed after it was signed`],
    ["issuer_key", (v) => v.replace(/kas-ed25519:(.)/, (_, c: string) => `kas-ed25519:${c === "A" ? "B" : "A"}`), `${SIG}; it names issuer kas-ed25519:`],
    ["signature", (v) => v.replace(/^"(.)/, (_, c: string) => `"${c === "A" ? "B" : "A"}`), `${SIG}; the file was changed after it was signed`],
  ];
  for (const [field, change, message] of fields) {
    test(field, async () => {
      const re = new RegExp(`^(${field} = )(.*)$`, "m");
      const value = re.exec(original)![2];
      const changed = change(value);
      expect(changed.length).toBe(value.length);
      expect([...changed].filter((c, i) => c !== value[i])).toHaveLength(1);
      const r = await checkText(original.replace(re, `$1${changed}`));
      expect({ code: r.exitCode, stderr: r.stderr }).toEqual({ code: 3, stderr: "" });
      expect(r.text.split("\n")[0]).toStartWith(`verdict:  invalid: ${message}`);
    });
  }
});

describe("broken files → 3 with the reason", () => {
  const good = readFileSync(fixture("valid-2099.key"), "utf8");
  const cases: [string, string | Uint8Array, string][] = [
    ["truncated at a line", good.slice(0, good.indexOf("issuer_key =")), "verdict:  invalid: file is truncated or not a kas license (missing field issuer_key)"],
    ["truncated mid-line", good.slice(0, good.indexOf("signature =") + 30), "verdict:  invalid: file is not a kas license: not valid TOML (line 12: Invalid TOML document: unfinished string)"],
    ["empty", "", "verdict:  invalid: file is empty: not a kas license"],
    ["a kas.toml", "[license]\nkey_file = \"x\"\n", "verdict:  invalid: unknown field `license` (a kas license has: format, serial,"],
    ["a public key", readFileSync(TEST_ISSUER_PUB, "utf8"), "verdict:  invalid: file is not a kas license: not valid TOML"],
    ["binary", new Uint8Array([0x1f, 0x8b, 0x08, 0x00, 0xff, 0xfe]), "verdict:  invalid: file is not a kas license: not UTF-8 text"],
    ["a newer format", good.replace("kas-license-1", "kas-license-2"), 'verdict:  invalid: field `format` is "kas-license-2", this kas reads "kas-license-1"'],
  ];
  for (const [name, text, first] of cases) {
    test(name, async () => {
      const r = await checkText(text);
      expect(r.exitCode).toBe(3);
      expect(r.text.split("\n")[0]).toStartWith(first);
    });
  }
});

describe("issuing", () => {
  test("keygen writes NAME.key (0600) and NAME.pub, and never overwrites them", async () => {
    const d = tempDir("kas-license-e2e-");
    const r = await runKas(["license-check", "keygen", "--out", join(d, "issuer")]);
    expect(r.exitCode).toBe(0);
    expect(statSync(join(d, "issuer.key")).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(d, "issuer.pub"), "utf8")).toMatch(/^kas-ed25519:[A-Za-z0-9+/]{43}=$/m);
    const again = await runKas(["license-check", "keygen", "--out", join(d, "issuer")]);
    expect(again.exitCode).toBe(73);
    expect(again.stderr).toContain(`${join(d, "issuer.key")} exists already`);
  });

  test("issue writes a key that checks valid with the issuer's .pub trusted", async () => {
    const d = tempDir("kas-license-e2e-");
    expect((await runKas(["license-check", "keygen", "--out", join(d, "isp")])).exitCode).toBe(0);
    const out = join(d, "customer.key");
    const r = await runKas(["license-check", "issue", "--key", join(d, "isp.key"), "--licensee", "Customer AG", "--expires", "2099-06-30", "--max-addresses", "50", "--domains", "customer.example,Customer.Example", "--serial", "ISP-7", "--out", out]);
    expect(r.stderr).toBe("");
    expect(r.exitCode).toBe(0);
    expect(r.text).toStartWith(`${out}: serial ISP-7 for Customer AG, valid `);
    const c = writeConfig(d, `[license]\nkey_file = ${JSON.stringify(out)}\ntrusted_issuers = [${JSON.stringify(join(d, "isp.pub"))}]\n`);
    const v = await runKas(["license-check", "--config", c]);
    expectVerdict(v, 0, /^verdict: {2}valid: valid until 2099-06-30/);
    expect(v.text).toContain("limits:   50 addresses; domains customer.example (and their subdomains)\n");
  });

  test.each([
    [["--licensee", "X", "--expires", "2099-01-01", "--out", "/tmp/x.key"], "--key is required"],
    [["--key", TEST_ISSUER_KEY, "--licensee", "X", "--expires", "2099-01-01", "--out", "/tmp/x.key"], "a license needs a limit"],
    [["--key", TEST_ISSUER_KEY, "--licensee", "X", "--expires", "31.12.2099", "--max-addresses", "3", "--out", "/tmp/x.key"], '--expires "31.12.2099" is not a date YYYY-MM-DD'],
    [["--key", TEST_ISSUER_KEY, "--licensee", "X", "--expires", "2099-01-01", "--max-addresses", "ten", "--out", "/tmp/x.key"], '--max-addresses "ten" is not a whole number'],
  ])("issue usage errors → 64 (%#)", async (args, message) => {
    const r = await runKas(["license-check", "issue", ...args]);
    expect(r.exitCode).toBe(64);
    expect(r.stderr).toContain(message);
  });

  test("issue with a public key as --key → 65; unreadable --key → 66", async () => {
    const base = ["--licensee", "X", "--expires", "2099-01-01", "--max-addresses", "3", "--out", join(dir, "never.key")];
    const pub = await runKas(["license-check", "issue", "--key", TEST_ISSUER_PUB, ...base]);
    expect(pub.exitCode).toBe(65);
    expect(pub.stderr).toContain("not a kas private key");
    const none = await runKas(["license-check", "issue", "--key", join(dir, "none.key"), ...base]);
    expect(none.exitCode).toBe(66);
    expect(existsSync(join(dir, "never.key"))).toBe(false);
  });
});

test("usage and configuration errors: unknown flag → 64, bad trusted_issuers → 78", async () => {
  const r = await check("--frobnicate");
  expect(r.exitCode).toBe(64);
  expect(r.stderr).toContain("unknown option --frobnicate");
  const c = writeConfig(tempDir("kas-license-e2e-"), `[license]\ntrusted_issuers = ["/nonexistent/issuer.pub"]\n`);
  const bad = await runKas(["license-check", "--config", c]);
  expect(bad.exitCode).toBe(78);
  expect(bad.stderr).toContain("license.trusted_issuers: [0]: key file /nonexistent/issuer.pub does not exist");
});

test("--help lists the exit codes and the subcommands", async () => {
  const r = await runKas(["license-check", "--help"]);
  expect(r.exitCode).toBe(0);
  expect(r.text).toContain("keygen");
  expect(r.text).toContain("3  missing, unreadable, wrong format, bad signature, unknown issuer, or not yet valid");
});

test("--addresses lists the counted addresses (beyond max_addresses marked), --forget removes one; no store → 66, an unknown address → 64", async () => {
  const d = tempDir("kas-license-addr-");
  try {
    const key = writeLicense(d, "license.key", { maxAddresses: 2 });
    const c = writeConfig(d, `[license]\nkey_file = ${JSON.stringify(key)}\ntrusted_issuers = [${JSON.stringify(TEST_ISSUER_PUB)}]\n`);
    const run = (...args: string[]) => runKas(["license-check", "--config", c, ...args]);
    expect((await run("--addresses")).exitCode).toBe(66);
    const store = new SqliteUsageStore(join(d, "data", "license", "usage.sqlite"));
    store.admit(["a@example.com", "b\n@example.com", "c@example.com"], undefined, new Date("2026-11-01T00:00:00Z"));
    store.close();
    const list = await run("--addresses");
    expect(list.exitCode).toBe(0);
    expect(list.text.split("\n")).toEqual([
      "     1  2026-11-01T00:00:00.000Z  a@example.com",
      "     2  2026-11-01T00:00:00.000Z  b\\n@example.com",
      "     3  2026-11-01T00:00:00.000Z  c@example.com  (beyond max_addresses: not licensed)",
      "3 addresses counted, max_addresses 2",
      "",
    ]);
    const forget = await run("--forget", "A@Example.COM");
    expect({ code: forget.exitCode, out: forget.text }).toEqual({ code: 0, out: "a@example.com: forgotten; 2 addresses counted\n" });
    const json = JSON.parse((await run("--addresses", "--json")).text);
    expect(json.addresses.map((r: { n: number; address: string; licensed: boolean }) => [r.n, r.address, r.licensed])).toEqual([[1, "b\\n@example.com", true], [2, "c@example.com", true]]);
    const again = await run("--forget", "a@example.com");
    expect(again.exitCode).toBe(64);
    expect(again.stderr).toContain("--addresses lists them");
  } finally {
    rmSync(d, { recursive: true, force: true });
  }
});
