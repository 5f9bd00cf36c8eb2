import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeUser, userName } from "./user";

const dir = mkdtempSync(join(tmpdir(), "kas-user-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("the name comes from the password database, not $USER", () => {
  const passwd = join(dir, "passwd");
  writeFileSync(passwd, "root:x:0:0:root:/root:/bin/bash\nkas:x:998:998::/var/lib/kas:/usr/sbin/nologin\n");
  expect(userName(998, passwd)).toBe("kas");
  expect(userName(1000, passwd)).toBeUndefined();
  expect(userName(0, join(dir, "missing"))).toBeUndefined();
});

test("a user without a name is shown by uid once", () => {
  expect(describeUser({ user: "kas", uid: 998 })).toBe("user kas (uid 998)");
  expect(describeUser({ user: "uid 1234", uid: 1234 })).toBe("uid 1234");
});
