import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError } from "../errors";
import { defaults, loadConfig, locateConfig, parseConfig, unreadable } from "./load";

test("defaults fill every section and are frozen", () => {
  const c = defaults();
  expect(c.data_dir).toBe("/var/lib/kas");
  expect(c.client.connect_to).toEqual(["tcp:127.0.0.1:2277"]);
  expect(c.server.max_messages).toBe(100_000);
  expect(Object.isFrozen(c.server)).toBe(true);
});

test("lookup order: flag, then $KAS_CONFIG", () => {
  expect(locateConfig("/a.toml", { KAS_CONFIG: "/b.toml" })).toEqual({ file: "/a.toml", from: "--config" });
  expect(locateConfig(undefined, { KAS_CONFIG: "/b.toml" })).toEqual({ file: "/b.toml", from: "$KAS_CONFIG" });
});

test("values override defaults, a single string is accepted as a list", () => {
  const c = parseConfig(`[server]\nlisten = "unix:/tmp/k.sock"\nmax_filters = 4\n`);
  expect(c.server.listen).toEqual(["unix:/tmp/k.sock"]);
  expect(c.server.max_filters).toBe(4);
  expect(c.server.start_filters).toBe(2);
});

test("policy groups keep only the keys given", () => {
  const c = parseConfig(`[[policy.group]]\nname = "sales"\nrecipients = ["@sales.example"]\nspam_score = 8\n`);
  expect(c.policy.group).toHaveLength(1);
  expect(c.policy.group[0].spam_score).toBe(8);
  expect(c.policy.group[0].probable_spam_score).toBeUndefined();
});

const bad: [string, string, number | undefined, RegExp][] = [
  ["unknown top-level key", `data_dir = "/x"\nbogus = 1\n`, 2, /bogus: unknown key/],
  ["unknown nested key", `[server]\nlisten = "tcp:1.2.3.4:1"\nmax_filterz = 3\n`, 3, /server\.max_filterz: unknown key/],
  ["wrong type", `[client]\nconnect_timeout = "ten"\n`, 2, /client\.connect_timeout: must be a number/],
  ["below minimum", `[server]\nmax_filters = 0\n`, 2, /must be at least 1/],
  ["not a whole number", `[server]\nmax_filters = 2.5\n`, 2, /whole number/],
  ["bad choice", `[client]\non_error = "maybe"\n`, 2, /one of "tempfail", "reject", "accept"/],
  ["TOML syntax", `[server\nlisten = 1`, 1, /TOML syntax/],
  ["unknown key in a group", `[[policy.group]]\nname = "x"\nfoo = 1\n`, 3, /policy\.group\[0\]\.foo: unknown key/],
];
test.each(bad)("rejects %s with file, line and key path", (_what, text, line, re) => {
  let err: unknown;
  try {
    parseConfig(text, "/etc/kas/kas.toml");
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(ConfigError);
  const ce = err as ConfigError;
  expect(ce.message).toMatch(re);
  expect(ce.message.startsWith(`/etc/kas/kas.toml${line ? `:${line}` : ""}`)).toBe(true);
  expect(ce.exitCode).toBe(78);
});

test.each([
  [`[server]\nlisten = ["tcp:127.0.0.1:2277", "bogus"]`, "k.toml:2: server.listen: [1]: \"bogus\": expected tcp:host:port or unix:/path"],
  [`[client]\nconnect_to = ["unix:relative.sock"]`, "k.toml:2: client.connect_to: [0]:"],
  [`[dns]\nresolver = "a:b:c"`, "k.toml:2: dns.resolver: \"a:b:c\": expected host or host:port"],
  [`[spf]\nresolver = "127.0.0.1:53"`, "k.toml:2: spf.resolver: moved to [dns] resolver: put the line there"],
  [`[server]\nsocket_mode = "999"`, "k.toml:2: server.socket_mode:"],
  [`[policy]\nblacklist_ips = ["10.0.0.0/33"]`, "k.toml:2: policy.blacklist_ips: [0]: \"10.0.0.0/33\": expected an IP address or CIDR range"],
  [`[license]\ntrusted_issuers = ["/nonexistent/issuer.pub"]`, "k.toml:2: license.trusted_issuers: [0]: key file /nonexistent/issuer.pub does not exist"],
  [`[update]\ntrusted_keys = ["kas-ed25519:AAAA"]`, "k.toml:2: update.trusted_keys: [0]:"],
])("a value of the right type but bad syntax is refused at load: %s", (toml, msg) => {
  expect(() => parseConfig(toml, "k.toml")).toThrow(msg);
});

test("good values pass the syntax checks", () => {
  const c = parseConfig(`[server]\nlisten = ["tcp:[::1]:2277", "unix:/run/kas.sock"]\nsocket_mode = "0660"\n[dns]\nresolver = "[::1]:5353"\n[policy]\nwhitelist_ips = ["192.0.2.0/24", "2001:db8::/32", "::ffff:10.0.0.1"]\n`);
  expect(c.dns.resolver).toBe("[::1]:5353");
});

test("every problem of a file is reported in one run, in line order, each with line and key path", () => {
  const text = `data_dir = "/x"\nbogus = 1\n[server]\nmax_filters = 0\nlisten = ["tcp:127.0.0.1:1", "nope", "also-nope"]\n[client]\non_error = "maybe"\n[[policy.group]]\nname = "g"\nfoo = 2\n`;
  let err: unknown;
  try {
    parseConfig(text, "k.toml");
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(ConfigError);
  const ce = err as ConfigError;
  expect(ce.exitCode).toBe(78);
  expect(ce.problems.map((p) => [p.line, p.keyPath])).toEqual([
    [2, "bogus"],
    [4, "server.max_filters"],
    [5, "server.listen"],
    [5, "server.listen"],
    [7, "client.on_error"],
    [10, "policy.group[0].foo"],
  ]);
  const lines = ce.message.split("\n");
  expect(lines[0]).toBe("k.toml: 6 errors:");
  expect(lines[1]).toStartWith("  k.toml:2: bogus: unknown key");
  expect(lines[3]).toStartWith('  k.toml:5: server.listen: [1]: "nope"');
  expect(lines[4]).toStartWith('  k.toml:5: server.listen: [2]: "also-nope"');
  expect(ce.hint).toContain("fix the keys named above");
});

test("a key inside the i-th [[policy.group]] is reported at its own line, not at [policy]'s same key", () => {
  const text = `[policy]\nspam_score = 5\n[[policy.group]]\nname = "a"\n[[policy.group]]\nname = "b"\nspam_score = "high"\n`;
  expect(() => parseConfig(text, "k.toml")).toThrow('k.toml:7: policy.group[1].spam_score: must be a number, got "high"');
});

describe("a config file that cannot be read says where kas looked and how to create one", () => {
  const dir = mkdtempSync(join(tmpdir(), "kas-load-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const caught = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      return e as ConfigError;
    }
    throw new Error("did not throw");
  };

  test("--config naming a missing file", () => {
    const file = join(dir, "missing.toml");
    const e = caught(() => loadConfig(file, {}));
    expect(e).toBeInstanceOf(ConfigError);
    expect(e.exitCode).toBe(78);
    expect(e.message).toBe(`${file}: no such file (named by --config)`);
    expect(e.hint).toContain("--config FILE, else $KAS_CONFIG, else /etc/kas/kas.toml when it exists, else the built-in defaults");
    expect(e.hint).toContain(`\`kas config defaults > ${file}\``);
    expect(e.hint).not.toContain("fix the key");
  });

  test("$KAS_CONFIG naming a missing file", () => {
    const file = join(dir, "env.toml");
    expect(caught(() => loadConfig(undefined, { KAS_CONFIG: file })).message).toBe(`${file}: no such file (named by $KAS_CONFIG)`);
  });

  test("a directory instead of a file", () => {
    expect(caught(() => loadConfig(dir, {})).message).toBe(`${dir}: is a directory, not a file (named by --config)`);
  });

  test("the system config file this user may not read: who, which file, and the two ways out", () => {
    const e = unreadable("/etc/kas/kas.toml", "/etc/kas/kas.toml", Object.assign(new Error("EACCES: permission denied, open '/etc/kas/kas.toml'"), { code: "EACCES" }));
    expect(e.message).toMatch(/^\/etc\/kas\/kas\.toml: permission denied for (user \S+ \(uid \d+\)|uid \d+) \(the system config file\)$/);
    expect(e.hint).toContain("a member of group kas");
    expect(e.hint).toContain("`chgrp kas FILE && chmod 640 FILE`");
    expect(e.exitCode).toBe(78);
  });
});
