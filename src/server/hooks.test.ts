// serveHooks composes the master's services; a configuration is taken in two phases: every
// service prepares (all of them, errors combined), and only if all could does anything switch.
import { expect, test } from "bun:test";
import { defaults } from "../config/load";
import type { KasConfig } from "../config/schema";
import { ConfigError } from "../errors";
import { serveHooks } from "./hooks";
import type { LicenseHooks } from "./license-hooks";
import { createSpfService } from "./spf-service";

const cfg = (dns: Partial<KasConfig["dns"]> = {}, level: KasConfig["log"]["level"] = "error"): KasConfig => {
  const d = defaults();
  return { ...d, log: { ...d.log, level }, dns: { ...d.dns, resolver: "127.0.0.1:53", ...dns } } as KasConfig;
};

/** A license service stand-in that records what happened and fails when told to. */
function fakeLicense() {
  const calls: string[] = [];
  let fail: string | undefined;
  const license: LicenseHooks = {
    prepare(c) {
      if (fail) throw new ConfigError("site.toml", "license.trusted_issuers", undefined, fail);
      calls.push(`prepare ${c.log.level}`);
      return { commit: () => void calls.push(`commit ${c.log.level}`), discard: () => void calls.push(`discard ${c.log.level}`) };
    },
    onConfig() {},
    beforeDispatch: () => undefined,
    status: () => ({ license: {} }),
    remind() {},
    close() {},
  };
  return { license, calls, failWith: (why?: string) => void (fail = why) };
}

test("a bad [dns] resolver is a ConfigError naming the real config file (not kas.toml), at start and on reload", () => {
  const l = fakeLicense();
  const h = serveHooks(cfg(), "/etc/kas/site.toml", { license: l.license });
  expect(() => h.prepareConfig!(cfg({ resolver: "host:99999" }), "/etc/kas/site.toml")).toThrow("/etc/kas/site.toml: dns.resolver");
  expect(l.calls).toEqual(["prepare error", "discard error"]); // the license's prepared state is dropped, never committed
});

test("a service that cannot take the config: nothing switches, the old SPF service (and its cache) keeps answering", async () => {
  const l = fakeLicense();
  const made: string[] = [];
  const createSpf: typeof createSpfService = (c, deps) => {
    if (c.dns.resolver === "host:99999") throw new ConfigError(deps?.configFile ?? "?", "dns.resolver", undefined, "bad");
    made.push(c.dns.resolver);
    return { ask: async () => ({ result: c.dns.resolver }), stats: () => ({}) as never };
  };
  const h = serveHooks(cfg(), "site.toml", { license: l.license, createSpf });
  h.prepareConfig!(cfg(), "site.toml")();
  expect(made).toEqual(["127.0.0.1:53"]);
  expect(l.calls).toEqual(["prepare error", "commit error"]);
  // The license cannot take it: SPF is prepared too (its problem is reported as well), neither switches.
  l.failWith("bad.pub: not a kas-ed25519 key");
  const err = (() => {
    try {
      h.prepareConfig!(cfg({ resolver: "host:99999" }, "warn"), "site.toml");
    } catch (e) {
      return e as ConfigError;
    }
  })();
  expect(err?.exitCode).toBe(78);
  expect(err?.message).toContain("license.trusted_issuers: bad.pub: not a kas-ed25519 key");
  expect(err?.message).toContain("dns.resolver: bad");
  const ask = () => h.spf!({ ip: "192.0.2.1", from: "a@b.example" });
  expect(await ask()).toEqual({ result: "127.0.0.1:53" });
  expect(made).toEqual(["127.0.0.1:53"]);
  // The SPF config is good, the license's is not: the new SPF service is not switched to.
  expect(() => h.prepareConfig!(cfg({ resolver: "127.0.0.2:53" }), "site.toml")).toThrow("license.trusted_issuers");
  expect(await ask()).toEqual({ result: "127.0.0.1:53" });
  l.failWith(undefined);
  h.prepareConfig!(cfg({ resolver: "127.0.0.2:53" }, "warn"), "site.toml")();
  expect(l.calls.slice(2)).toEqual(["prepare warn", "commit warn"]);
  expect(await ask()).toEqual({ result: "127.0.0.2:53" });
});

test("one service whose switch throws does not keep the others on the old config", () => {
  const l = fakeLicense();
  l.license.prepare = () => ({ commit: () => { throw new Error("bug"); }, discard() {} });
  const made: string[] = [];
  const createSpf: typeof createSpfService = (c) => (made.push(c.dns.resolver), { ask: async () => ({ result: c.dns.resolver }), stats: () => ({}) as never });
  const h = serveHooks(cfg(), "site.toml", { license: l.license, createSpf });
  h.prepareConfig!(cfg({ resolver: "127.0.0.9:53" }), "site.toml")();
  expect(made).toEqual(["127.0.0.9:53"]);
  return expect(h.spf!({ ip: "192.0.2.1", from: "" })).resolves.toEqual({ result: "127.0.0.9:53" });
});
