// [server] allow / status_allow / learn_allow / learn_secret in the native door's handler,
// with the peer address injected as Bun's requestIP would give it (no sockets).
import { expect, test } from "bun:test";
import { parseConfig } from "../config/load";
import type { KasConfig } from "../config/schema";
import { makeHandler } from "./handler";
import { makeLearnHandler } from "./learn";

const cfg = (server: string) => parseConfig(`[server]\n${server}\n`, "t.toml");

function door(config: () => KasConfig) {
  const warned: string[] = [];
  const learned: string[] = [];
  const log = { warn: (m: string, ...a: unknown[]) => void warned.push(a.reduce<string>((s, v) => s.replace(/%[sd]/, String(v)), m)) };
  const handle = makeHandler({
    config,
    submit: async () => ({ ok: false, code: "unavailable", message: "no pool in this test" }) as never,
    status: () => ({ version: 1 }),
    onScanned: () => {},
    log,
    routes: { "/v1/learn": makeLearnHandler({ config, learn: async (op) => (learned.push(op), { ok: true, reply: { version: 1, outcome: "learned", spam: 1, ham: 0 } }) as never, log }) },
    version: "kas test",
  });
  const ask = async (from: string | null, path: string, init: RequestInit = {}) => {
    const res = await handle(new Request(`http://kas${path}`, init), { requestIP: () => (from === null ? null : { address: from, family: "", port: 1 }) });
    return { status: res.status, body: (await res.json()) as any };
  };
  return { ask, warned, learned };
}
const learn = (headers: Record<string, string> = {}): RequestInit => ({ method: "POST", headers: { "X-KAS-Learn": "spam", ...headers }, body: "Subject: x\r\n\r\nbody\r\n" });

test("[server] allow: loopback by default; others get 403 forbidden on every path, ping too, with a log line", async () => {
  const d = door(() => cfg(""));
  expect((await d.ask("127.0.0.1", "/v1/ping")).status).toBe(200);
  expect((await d.ask("::1", "/v1/ping")).status).toBe(200);
  expect((await d.ask("::ffff:127.0.0.1", "/v1/ping")).status).toBe(200);
  for (const path of ["/v1/ping", "/v1/status", "/v1/scan", "/v1/learn", "/nowhere"]) {
    const r = await d.ask("192.0.2.7", path);
    expect(r).toMatchObject({ status: 403, body: { error: { code: "forbidden", temporary: false } } });
    expect(r.body.error.message).toContain("[server] allow");
  }
  expect(d.warned[0]).toBe("door=native refused GET /v1/ping from 192.0.2.7: not in [server] allow");
});

test("a Unix-socket client (no address) is not subject to the allow lists: the socket's mode decides", async () => {
  const d = door(() => cfg('allow = ["192.0.2.0/24"]\nstatus_allow = []\nlearn_allow = []'));
  expect((await d.ask(null, "/v1/status")).status).toBe(200);
  expect((await d.ask(null, "/v1/learn", learn())).status).toBe(200);
});

test("status_allow and learn_allow are separate from allow", async () => {
  const d = door(() => cfg('allow = ["192.0.2.0/24"]\nstatus_allow = ["192.0.2.1/32"]\nlearn_allow = ["192.0.2.2/32"]'));
  expect((await d.ask("192.0.2.9", "/v1/ping")).status).toBe(200);
  expect((await d.ask("192.0.2.9", "/v1/status")).body.error.message).toContain("status_allow");
  expect((await d.ask("192.0.2.1", "/v1/status")).status).toBe(200);
  expect((await d.ask("192.0.2.9", "/v1/learn", learn())).body.error.message).toContain("learn_allow");
  expect((await d.ask("192.0.2.2", "/v1/learn", learn())).status).toBe(200);
  expect(d.learned).toEqual(["spam"]);
});

test("learn_secret: missing or wrong → 403, nothing learned; right → learned; asked of Unix-socket clients too", async () => {
  const d = door(() => cfg('learn_secret = "open sesame"'));
  expect((await d.ask("127.0.0.1", "/v1/learn", learn())).body.error.message).toContain("X-KAS-Learn-Secret");
  expect((await d.ask("127.0.0.1", "/v1/learn", learn({ "X-KAS-Learn-Secret": "open sesam" }))).status).toBe(403);
  expect((await d.ask(null, "/v1/learn", learn())).status).toBe(403);
  expect(d.learned).toEqual([]);
  expect(d.warned).toEqual(["door=native refused learn from 127.0.0.1: no learn secret", "door=native refused learn from 127.0.0.1: wrong learn secret", "door=native refused learn from unix: no learn secret"]);
  expect((await d.ask("127.0.0.1", "/v1/learn", learn({ "X-KAS-Learn-Secret": "open sesame" }))).status).toBe(200);
  expect(d.learned).toEqual(["spam"]);
});

test("a reload's new config object brings its own lists", async () => {
  let c = cfg('allow = ["192.0.2.0/24"]');
  const d = door(() => c);
  expect((await d.ask("198.51.100.1", "/v1/ping")).status).toBe(403);
  c = cfg('allow = ["198.51.100.0/24"]');
  expect((await d.ask("198.51.100.1", "/v1/ping")).status).toBe(200);
  expect((await d.ask("192.0.2.1", "/v1/ping")).status).toBe(403);
});
