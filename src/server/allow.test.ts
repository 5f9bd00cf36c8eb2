// Who may use a door: CIDR lists over IPv4, IPv6, IPv4-mapped peers and Unix sockets.
import { expect, test } from "bun:test";
import { allowCheck, allowList } from "./allow";

test.each([
  [["127.0.0.0/8", "::1/128"], "127.0.0.1", true],
  [["127.0.0.0/8", "::1/128"], "127.1.2.3", true],
  [["127.0.0.0/8", "::1/128"], "::1", true],
  [["127.0.0.0/8", "::1/128"], "::ffff:127.0.0.1", true],
  [["127.0.0.0/8", "::1/128"], "192.0.2.1", false],
  [["127.0.0.0/8", "::1/128"], "::2", false],
  [["192.0.2.0/24"], "192.0.2.200", true],
  [["192.0.2.0/24"], "192.0.3.1", false],
  [["2001:db8::/32"], "2001:db8:1::5", true],
  [["2001:db8::/32"], "2001:db9::5", false],
  [["198.51.100.7"], "198.51.100.7", true],
  [[], "127.0.0.1", false],
  [["127.0.0.0/8"], "not an ip", false],
] as const)("%j allows %s: %p", (cidrs, peer, want) => {
  expect(allowList(cidrs).allows(peer)).toBe(want);
});

test("a Unix-socket peer (no IP) is allowed: the socket file's mode decides", () => {
  expect(allowList([]).allows(undefined)).toBe(true);
  expect(allowList([]).allows("")).toBe(true);
});

test("allowCheck follows the config's array: a reload's new list applies at once, the same array is parsed once", () => {
  const check = allowCheck();
  const before = ["192.0.2.0/24"];
  expect(check("192.0.2.7", before)).toBe(true);
  expect(check("198.51.100.7", before)).toBe(false);
  const after = ["198.51.100.0/24"];
  expect(check("198.51.100.7", after)).toBe(true);
  expect(check("192.0.2.7", after)).toBe(false);
  expect(check(undefined, after)).toBe(true); // a Unix-socket peer: the socket's mode decides
});
