// loadTls: the certificate pair of a door, refused with a message naming the key when unusable.
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, StateError } from "../errors";
import { loadTls, samePem } from "./tls";

const dir = mkdtempSync(join(tmpdir(), "kas-tls-unit-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
for (const n of ["a", "b"]) {
  const r = Bun.spawnSync(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", `${n}.key`, "-out", `${n}.crt`, "-days", "2", "-subj", `/CN=${n}`], { cwd: dir, stderr: "pipe" });
  if (r.exitCode !== 0) throw new Error(r.stderr.toString());
}
const p = (f: string) => join(dir, f);

test("no tls_cert and no tls_key: plain TCP; a matching pair is read", () => {
  expect(loadTls({ tls_cert: "", tls_key: "" }, "server", "t.toml")).toBeUndefined();
  const pem = loadTls({ tls_cert: p("a.crt"), tls_key: p("a.key") }, "server", "t.toml")!;
  expect(pem.cert).toContain("BEGIN CERTIFICATE");
  expect(samePem(pem, loadTls({ tls_cert: p("a.crt"), tls_key: p("a.key") }, "server", "t.toml"))).toBe(true);
  expect(samePem(pem, loadTls({ tls_cert: p("b.crt"), tls_key: p("b.key") }, "server", "t.toml"))).toBe(false);
});

test("one without the other is a config error naming the missing key", () => {
  expect(() => loadTls({ tls_cert: p("a.crt"), tls_key: "" }, "spamd", "t.toml")).toThrow(ConfigError);
  expect(() => loadTls({ tls_cert: p("a.crt"), tls_key: "" }, "spamd", "t.toml")).toThrow(/spamd\.tls_key/);
});

test("an unreadable file or a key of another certificate is refused with the files named", () => {
  expect(() => loadTls({ tls_cert: p("none.crt"), tls_key: p("a.key") }, "rspamd", "t.toml")).toThrow(/\[rspamd\] tls_cert .*none\.crt/);
  expect(() => loadTls({ tls_cert: p("a.crt"), tls_key: p("b.key") }, "server", "t.toml")).toThrow(StateError);
  expect(() => loadTls({ tls_cert: p("a.crt"), tls_key: p("b.key") }, "server", "t.toml")).toThrow(/not a usable pair/);
  writeFileSync(p("junk.crt"), "not a certificate\n");
  expect(() => loadTls({ tls_cert: p("junk.crt"), tls_key: p("a.key") }, "server", "t.toml")).toThrow(/not a usable pair/);
});
