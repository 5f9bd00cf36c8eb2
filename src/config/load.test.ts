import { expect, test } from "bun:test";
import { ConfigError } from "../errors";
import { configPath, defaults, parseConfig } from "./load";

test("defaults fill every section and are frozen", () => {
  const c = defaults();
  expect(c.data_dir).toBe("/var/lib/kas");
  expect(c.client.connect_to).toEqual(["tcp:127.0.0.1:2277"]);
  expect(c.server.max_messages).toBe(300);
  expect(Object.isFrozen(c.server)).toBe(true);
});

test("lookup order: flag, then $KAS_CONFIG", () => {
  expect(configPath("/a.toml", { KAS_CONFIG: "/b.toml" })).toBe("/a.toml");
  expect(configPath(undefined, { KAS_CONFIG: "/b.toml" })).toBe("/b.toml");
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
  [`[spf]\nresolver = "a:b:c"`, "k.toml:2: spf.resolver: \"a:b:c\": expected host or host:port"],
  [`[server]\nsocket_mode = "999"`, "k.toml:2: server.socket_mode:"],
  [`[policy]\nblacklist_ips = ["10.0.0.0/33"]`, "k.toml:2: policy.blacklist_ips: [0]: \"10.0.0.0/33\": expected an IP address or CIDR range"],
  [`[license]\ntrusted_issuers = ["/nonexistent/issuer.pub"]`, "k.toml:2: license.trusted_issuers: [0]: key file /nonexistent/issuer.pub does not exist"],
  [`[update]\ntrusted_keys = ["kas-ed25519:AAAA"]`, "k.toml:2: update.trusted_keys: [0]:"],
])("a value of the right type but bad syntax is refused at load: %s", (toml, msg) => {
  expect(() => parseConfig(toml, "k.toml")).toThrow(msg);
});

test("good values pass the syntax checks", () => {
  const c = parseConfig(`[server]\nlisten = ["tcp:[::1]:2277", "unix:/run/kas.sock"]\nsocket_mode = "0660"\n[spf]\nresolver = "[::1]:5353"\n[policy]\nwhitelist_ips = ["192.0.2.0/24", "2001:db8::/32", "::ffff:10.0.0.1"]\n`);
  expect(c.spf.resolver).toBe("[::1]:5353");
});
