import { afterEach, beforeEach, expect, test } from "bun:test";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { DataError, UsageError } from "../errors";
import { tempDir } from "../testing/kas-binary";
import { makeKeys, makeRules, type TestKeys } from "../testing/update-mirror";
import { parseManifest, sha256, verifyManifest } from "./manifest";
import { defaultVersion, publish, publishedVersions } from "./publish";

let dir: string;
let keys: TestKeys;
beforeEach(() => {
  dir = tempDir("kas-publish-");
  keys = makeKeys(dir);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const now = new Date("2026-11-28T18:00:00Z");
const pub = (rules: string, out: string, version?: number) => publish({ rulesDir: rules, outDir: out, key: keys.priv, version, now, kasVersion: "0.1.0" });

test("writes a signed version directory and latest.json; keeps older versions", () => {
  const out = join(dir, "mirror");
  const a = pub(makeRules(join(dir, "r1"), "ONE"), out);
  expect(a.version).toBe(2026112801);
  const b = pub(makeRules(join(dir, "r2"), "TWO"), out);
  expect(b.version).toBe(2026112802);
  expect(publishedVersions(out)).toEqual([2026112802, 2026112801]);
  const latest = readFileSync(join(out, "latest.json"));
  expect(latest).toEqual(readFileSync(join(out, "2026112802", "manifest.json")));
  const m = parseManifest(latest);
  if (typeof m === "string") throw new Error(m);
  expect(Object.keys(m.files)).toEqual(["10_base.cf", "20_tag.cf"]);
  expect(m.files["20_tag.cf"].sha256).toBe(sha256(readFileSync(join(out, "2026112802", "files", "20_tag.cf"))));
  expect(verifyManifest(latest, readFileSync(join(out, "2026112802", "manifest.json.sig")), [keys.priv.publicKey])).toBeDefined();
  expect(verifyManifest(latest, readFileSync(join(out, "latest.json.sig")), [keys.priv.publicKey])).toBeDefined();
  expect(existsSync(join(out, "2026112801", "files", "20_tag.cf"))).toBe(true);
});

test("refuses a version that is not newer, and rules that do not compile", () => {
  const out = join(dir, "mirror");
  pub(makeRules(join(dir, "r1"), "ONE"), out, 10);
  expect(() => pub(join(dir, "r1"), out, 10)).toThrow(UsageError);
  expect(() => pub(makeRules(join(dir, "bad"), "", { "1.cf": "body X /(/\n" }), out, 11)).toThrow(DataError);
  expect(publishedVersions(out)).toEqual([10]);
});

test("default version: today as YYYYMMDD01, or one more than the newest", () => {
  expect(defaultVersion(undefined, now)).toBe(2026112801);
  expect(defaultVersion(2026112807, now)).toBe(2026112808);
  expect(defaultVersion(5, now)).toBe(2026112801);
});
