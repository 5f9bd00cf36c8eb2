import { expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigError } from "../errors";
import { generateKeyPair, parsePrivateKey, type PrivateKey } from "../license/keys";
import { tempDir } from "../testing/kas-binary";
import { compareSemver, encodeManifest, loadTrustedKeys, MANIFEST_FORMAT, parseManifest, sha256, signManifest, verifyManifest, type Manifest } from "./manifest";

const m: Manifest = { format: MANIFEST_FORMAT, version: 2026112801, created: "2026-11-28T18:00:00.000Z", min_kas_version: "0.1.0", files: { "10_a.cf": { sha256: sha256(new Uint8Array([1])), size: 1 } } };
const enc = (o: unknown) => new TextEncoder().encode(JSON.stringify(o));

test("round trip", () => {
  expect(parseManifest(encodeManifest(m))).toEqual(m);
});

test.each([
  ["not JSON", new TextEncoder().encode("<html>"), "not JSON"],
  ["wrong format", enc({ ...m, format: "x" }), "format"],
  ["version 0", enc({ ...m, version: 0 }), "version"],
  ["version 1.5", enc({ ...m, version: 1.5 }), "version"],
  ["bad date", enc({ ...m, created: "yesterday" }), "created"],
  ["bad min version", enc({ ...m, min_kas_version: "new" }), "min_kas_version"],
  ["path traversal", enc({ ...m, files: { "../x.cf": m.files["10_a.cf"] } }), "plain"],
  ["subdirectory", enc({ ...m, files: { "a/x.cf": m.files["10_a.cf"] } }), "plain"],
  ["not .cf", enc({ ...m, files: { "x.sh": m.files["10_a.cf"] } }), "plain"],
  ["bad digest", enc({ ...m, files: { "x.cf": { sha256: "abc", size: 1 } } }), "sha256"],
  ["bad size", enc({ ...m, files: { "x.cf": { sha256: m.files["10_a.cf"].sha256, size: -1 } } }), "size"],
])("refuses %s", (_, bytes, word) => {
  expect(parseManifest(bytes)).toContain(word);
});

test("signature: verifies with the right key only; any change breaks it", () => {
  const a = generateKeyPair();
  const b = generateKeyPair();
  const priv = parsePrivateKey(a.privateText) as PrivateKey;
  const bytes = encodeManifest(m);
  const sig = new TextEncoder().encode(signManifest(bytes, priv));
  expect(verifyManifest(bytes, sig, [b.publicKey, a.publicKey])?.text).toBe(a.publicKey.text);
  expect(verifyManifest(bytes, sig, [b.publicKey])).toBeUndefined();
  const changed = bytes.slice();
  changed[10] ^= 1;
  expect(verifyManifest(changed, sig, [a.publicKey])).toBeUndefined();
  expect(verifyManifest(bytes, new TextEncoder().encode("garbage"), [a.publicKey])).toBeUndefined();
});

test("trusted keys: text or .pub path; a bad entry is a config error naming it", () => {
  const dir = tempDir("kas-keys-");
  const k = generateKeyPair();
  writeFileSync(join(dir, "p.pub"), k.publicText);
  writeFileSync(join(dir, "p.key"), k.privateText);
  expect(loadTrustedKeys([k.publicKey.text, join(dir, "p.pub")]).map((x) => x.text)).toEqual([k.publicKey.text, k.publicKey.text]);
  expect(() => loadTrustedKeys([join(dir, "none.pub")])).toThrow(ConfigError);
  expect(() => loadTrustedKeys([k.publicKey.text, join(dir, "p.key")])).toThrow(/trusted_keys\[1\].*PRIVATE/);
});

test("semver comparison", () => {
  expect(compareSemver("0.1.0", "0.1.0")).toBe(0);
  expect(compareSemver("0.1.0", "0.2.0")).toBeLessThan(0);
  expect(compareSemver("1.0.0", "0.9.9")).toBeGreaterThan(0);
  expect(compareSemver("0.10.0", "0.9.0")).toBeGreaterThan(0);
});
