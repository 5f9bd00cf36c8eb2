// Client addresses: tls:host:port is a TCP address with TLS; listeners' parser does not take it.
import { expect, test } from "bun:test";
import { formatAddress, parseAddress, parseClientAddress } from "./address";

test("tls:host:port parses as TLS over TCP and formats back; tcp: and unix: as before", () => {
  expect(parseClientAddress("tls:kas.example.org:2277")).toEqual({ kind: "tcp", host: "kas.example.org", port: 2277, tls: true });
  expect(parseClientAddress("tls:[::1]:2277")).toEqual({ kind: "tcp", host: "::1", port: 2277, tls: true });
  expect(formatAddress(parseClientAddress("tls:[::1]:2277") as never)).toBe("tls:[::1]:2277");
  expect(parseClientAddress("tcp:127.0.0.1:2277")).toEqual({ kind: "tcp", host: "127.0.0.1", port: 2277 });
  expect(parseClientAddress("unix:/run/kas.sock")).toEqual({ kind: "unix", path: "/run/kas.sock" });
});

test("a bad tls: address says what is expected; a listener address cannot be tls:", () => {
  expect(parseClientAddress("tls:host")).toMatch(/expected tls:host:port/);
  expect(parseClientAddress("https://x")).toMatch(/expected tcp:host:port, tls:host:port or unix:\/path/);
  expect(parseAddress("tls:127.0.0.1:2277")).toMatch(/expected tcp:host:port or unix:\/path/);
});
