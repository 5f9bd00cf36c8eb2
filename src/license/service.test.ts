import { describe, expect, test } from "bun:test";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "../testing/kas-binary";
import { licenseText, OTHER_ISSUER_KEY, privateKey, TEST_ISSUER_PUB, writeLicense } from "../testing/license";
import { updatePermission } from "./permission";
import { domainLicensed, LicenseService, updatesAllowed, type LicenseConfig } from "./service";
import { MemoryUsageStore } from "./usage";

const T0 = new Date("2026-11-28T12:00:00Z");
const at = (day: string) => new Date(`${day}T12:00:00Z`);

function setup(keys: { active?: Parameters<typeof licenseText>[0] | null; reserve?: Parameters<typeof licenseText>[0] } = {}) {
  const dir = tempDir("kas-license-svc-");
  const key_file = keys.active === null ? join(dir, "absent.key") : writeLicense(dir, "license.key", keys.active ?? {}, T0);
  const reserve_key_file = keys.reserve ? writeLicense(dir, "reserve.key", keys.reserve, T0) : "";
  const config: LicenseConfig = { data_dir: join(dir, "data"), license: { key_file, reserve_key_file, trusted_issuers: [TEST_ISSUER_PUB], usage_file: "" } };
  let now = T0;
  const svc = new LicenseService(config, { clock: () => now });
  return { dir, config, svc, setNow: (d: Date) => (now = d) };
}

describe("admission", () => {
  test("one message adds at most max_recipients_counted new addresses: 60 made-up recipients cannot fill a 50-address license", () => {
    const { svc, config } = setup({ active: { maxAddresses: 50 } });
    const limited = new LicenseService({ ...config, license: { ...config.license, max_recipients_counted: 5 } }, { clock: () => T0 });
    svc.close();
    expect(limited.admit(["known@example.com"]).filter).toBe(true);
    const flood = Array.from({ length: 60 }, (_, i) => `fake${i}@example.com`);
    const a = limited.admit(["known@example.com", ...flood]);
    expect(a.filter).toBe(true);
    expect(a.licensed).toEqual(["known@example.com", ...flood.slice(0, 4)]);
    expect(a.unlicensed).toHaveLength(56);
    expect(a.unlicensed[0]).toEqual({ address: "fake4@example.com", reason: "more than 5 new recipients in one message" });
    expect(limited.addressesInUse()).toBe(5);
    // A real new recipient is still licensed afterwards.
    expect(limited.admit(["new.colleague@example.com"]).filter).toBe(true);
  });

  test("no key: every recipient unlicensed, nothing recorded", () => {
    const { svc } = setup({ active: null });
    expect(svc.state().verdict).toBe("missing");
    expect(svc.admit(["a@example.com"])).toEqual({ filter: false, reason: "no valid license", licensed: [], unlicensed: [{ address: "a@example.com", reason: "no valid license" }] });
    expect(svc.addressesInUse()).toBe(0);
  });

  test("max_addresses = 3 and 5 distinct recipients: the first 3 filtered, the other 2 not, also after a restart", () => {
    const { svc, config } = setup({ active: { maxAddresses: 3 } });
    const rcpt = ["a@example.com", "b@example.com", "c@example.com", "d@example.com", "e@example.com"];
    const answers = rcpt.map((r) => svc.admit([r]));
    expect(answers.map((a) => a.filter)).toEqual([true, true, true, false, false]);
    expect(answers[3].reason).toBe("address limit 3 reached");
    svc.close();
    const again = new LicenseService(config, { clock: () => T0 });
    expect(rcpt.map((r) => again.admit([r]).filter)).toEqual([true, true, true, false, false]);
    expect(again.addressesInUse()).toBe(3);
    expect(existsSync(join(config.data_dir, "license", "usage.sqlite"))).toBe(true);
  });

  test("one message, mixed recipients: filtered, with the unlicensed ones and why", () => {
    const { svc } = setup({ active: { maxAddresses: 1, domains: ["example.com"] } });
    const a = svc.admit(["A@Example.com", "b@example.com", "c@other.example"]);
    expect(a.filter).toBe(true);
    expect(a.licensed).toEqual(["A@Example.com"]);
    expect(a.unlicensed).toEqual([
      { address: "c@other.example", reason: "domain not licensed" },
      { address: "b@example.com", reason: "address limit 1 reached" },
    ]);
  });

  test("domains: the domain and its subdomains; others pass, and are not counted", () => {
    const { svc } = setup({ active: { domains: ["example.com"] } });
    expect(svc.admit(["x@mail.example.com"]).filter).toBe(true);
    expect(svc.admit(["x@notexample.com"])).toMatchObject({ filter: false, reason: "domain not licensed" });
    expect(svc.addressesInUse()).toBe(1);
    expect(domainLicensed("example.com", ["example.com"])).toBe(true);
    expect(domainLicensed("badexample.com", ["example.com"])).toBe(false);
  });

  test("no recipients (e.g. kas filter without an envelope) is filtered under a usable key", () => {
    expect(setup().svc.admit([]).filter).toBe(true);
    expect(setup({ active: null }).svc.admit([]).filter).toBe(false);
  });

  test("an expired key goes on filtering under its limits; updates are not allowed", () => {
    const { svc } = setup({ active: { startsIn: -400, expiresIn: -1 } });
    expect(svc.state()).toMatchObject({ verdict: "expired", source: "active" });
    expect(svc.admit(["a@example.com"]).filter).toBe(true);
    expect(updatesAllowed(svc.state())).toBe(false);
  });

  test("a key not valid yet filters nothing", () => {
    const { svc } = setup({ active: { startsIn: 3 } });
    expect(svc.state()).toMatchObject({ verdict: "not_yet_valid", source: "none" });
    expect(svc.admit(["a@example.com"])).toMatchObject({ filter: false, reason: "no valid license" });
  });
});

describe("reserve key", () => {
  // active: until 2026-12-31; reserve: 2027-01-01 .. 2027-12-31
  const keys = { active: { serial: "OLD", starts: "2026-01-01", expires: "2026-12-31" }, reserve: { serial: "NEW", starts: "2027-01-01", expires: "2027-12-31" } };

  test("takes over the day after the active key expires (injected clock)", () => {
    const { svc, setNow } = setup(keys);
    expect(svc.state()).toMatchObject({ source: "active", license: { serial: "OLD" } });
    setNow(at("2026-12-31"));
    expect(svc.state()).toMatchObject({ source: "active", license: { serial: "OLD" } });
    setNow(at("2027-01-01"));
    expect(svc.state()).toMatchObject({ verdict: "valid", source: "reserve", license: { serial: "NEW" } });
    expect(svc.state().message).toContain("reserve key in use");
    expect(svc.admit(["a@example.com"]).filter).toBe(true);
  });

  test("an expiring key with the renewal already installed is not a warning", () => {
    const { svc } = setup(keys);
    const st = svc.state(at("2026-12-20"));
    expect(st.verdict).toBe("valid");
    expect(st.message).toContain("the reserve key (serial NEW) takes over on 2027-01-01, valid until 2027-12-31");
  });

  test("without a reserve, the same day is a warning", () => {
    expect(setup({ active: keys.active }).svc.state(at("2026-12-20")).verdict).toBe("expiring");
  });

  test("stands in for a missing or broken key_file", () => {
    const { svc } = setup({ active: null, reserve: { serial: "NEW" } });
    expect(svc.state()).toMatchObject({ verdict: "valid", source: "reserve", license: { serial: "NEW" } });
    expect(svc.state().message).toContain("the key_file's key: no license key file at");
  });

  test("when both are expired, the one that expired last is used (filtering goes on)", () => {
    const { svc } = setup(keys);
    expect(svc.state(at("2028-02-01"))).toMatchObject({ verdict: "expired", source: "reserve", license: { serial: "NEW" } });
  });
});

describe("reload (SIGHUP)", () => {
  test("a new key file takes effect without a restart", () => {
    const { svc, config } = setup({ active: { startsIn: -400, expiresIn: -1, serial: "OLD" } });
    expect(svc.state().verdict).toBe("expired");
    writeFileSync(config.license.key_file, licenseText({ serial: "RENEWED" }, T0));
    expect(svc.state().verdict).toBe("expired"); // files are read on reload only
    expect(svc.reload()).toMatchObject({ verdict: "valid", license: { serial: "RENEWED" } });
  });

  test("a bad trusted_issuers entry throws and keeps the previous keys", () => {
    const { svc, config } = setup();
    expect(() => svc.reload({ ...config, license: { ...config.license, trusted_issuers: ["/nonexistent.pub"] } })).toThrow("license.trusted_issuers[0]");
    expect(svc.state().verdict).toBe("valid");
  });

  test("a key from an issuer that is no longer trusted stops being valid", () => {
    const { svc, config, dir } = setup();
    const other = join(dir, "other.pub");
    writeFileSync(other, privateKey(OTHER_ISSUER_KEY).publicKey.text + "\n");
    expect(svc.reload({ ...config, license: { ...config.license, trusted_issuers: [other] } }).verdict).toBe("invalid");
  });
});

describe("updatePermission (kas update-db)", () => {
  const cfg = (c: LicenseConfig) => c;
  test("allowed under a valid or expiring key", () => {
    // The keys are issued relative to T0, so T0 is the clock: the answer must not depend on today.
    expect(updatePermission(setup().config, { clock: () => T0 })).toEqual({ allowed: true });
    expect(updatePermission(setup({ active: { expiresIn: 3 } }).config, { clock: () => T0 })).toEqual({ allowed: true });
  });
  test("refused for an expired key, saying what to do", () => {
    const p = updatePermission(setup({ active: { startsIn: -400, expires: "2026-11-01" } }).config, { clock: () => T0 });
    expect(p.allowed).toBe(false);
    expect(p.reason).toStartWith("rule database update refused: the license expired on 2026-11-01 (27 days ago). Filtering goes on with the installed database; install a valid key");
  });
  test("refused without a key", () => {
    const p = updatePermission(setup({ active: null }).config, { clock: () => T0 });
    expect(p).toMatchObject({ allowed: false });
    expect(p.reason).toContain("there is no valid license (no license key file at ");
  });
  test("refused with a broken license configuration", () => {
    const c = setup().config;
    const p = updatePermission(cfg({ ...c, license: { ...c.license, trusted_issuers: ["nope"] } }), { clock: () => T0 });
    expect(p.reason).toContain("the license configuration is broken");
  });
  test("does not create the usage store", () => {
    const { config, dir } = setup({ active: null });
    const data_dir = join(dir, "elsewhere");
    updatePermission({ ...config, data_dir }, { clock: () => T0 });
    expect(existsSync(data_dir)).toBe(false);
  });
});

test("MemoryUsageStore can stand in for the SQLite store", () => {
  const dir = tempDir("kas-license-svc-");
  const key_file = writeLicense(dir, "l.key", { maxAddresses: 1 }, T0);
  const svc = new LicenseService({ data_dir: dir, license: { key_file, reserve_key_file: "", trusted_issuers: [TEST_ISSUER_PUB], usage_file: "" } }, { usage: new MemoryUsageStore(), clock: () => T0 });
  expect([svc.admit(["a@x"]).filter, svc.admit(["b@x"]).filter]).toEqual([true, false]);
});
