import { afterAll, expect, test } from "bun:test";
import { chmodSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "../testing/kas-binary";
import { exposureWarnings } from "./exposure";
import { parseConfig } from "./load";

const dir = tempDir("kas-exposure-");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("a world-readable data_dir, usage store and TLS key are named with the chmod that fixes them; group access and absent files are not", () => {
  const data = join(dir, "data");
  mkdirSync(join(data, "license"), { recursive: true });
  mkdirSync(join(data, "bayes"));
  writeFileSync(join(data, "license", "usage.sqlite"), "");
  writeFileSync(join(data, "bayes", "bayes.sqlite"), "");
  writeFileSync(join(dir, "tls.key"), "");
  writeFileSync(join(dir, "tls.crt"), "");
  chmodSync(data, 0o755);
  chmodSync(join(data, "license", "usage.sqlite"), 0o644);
  chmodSync(join(data, "bayes", "bayes.sqlite"), 0o640);
  chmodSync(join(dir, "tls.key"), 0o606);
  const config = parseConfig(`data_dir = ${JSON.stringify(data)}\n[control]\ntls_cert = ${JSON.stringify(join(dir, "tls.crt"))}\ntls_key = ${JSON.stringify(join(dir, "tls.key"))}\npassword_file = ${JSON.stringify(join(dir, "absent"))}\n`);
  expect(exposureWarnings(config)).toEqual([
    `${data} (data_dir: rule databases, Bayes tokens, licensed addresses) is mode 0755: every user of this machine can read/enter it; chmod 0750 ${data} (0750 lets a group in)`,
    `${join(data, "license", "usage.sqlite")} (license usage store: every protected address) is mode 0644: every user of this machine can read it; chmod 0640 ${join(data, "license", "usage.sqlite")}`,
    `${join(dir, "tls.key")} (Control Center TLS private key) is mode 0606: every user of this machine can read/write it; chmod 0600 ${join(dir, "tls.key")}`,
  ]);
  chmodSync(data, 0o750);
  chmodSync(join(data, "license", "usage.sqlite"), 0o600);
  chmodSync(join(dir, "tls.key"), 0o600);
  expect(exposureWarnings(config)).toEqual([]);
});
