// The Rules page of the compiled binary: the rule list with scores, descriptions and hit
// counts; "Update now" runs kas update-db against a real (directory) mirror and the server
// serves the new version; "Roll back" returns to the previous one; both need the CSRF token.
import { afterAll, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "../testing/kas-binary";
import { controlSection, loginCookie, unescapeHtml as unescape } from "../testing/control-center";
import { freePort, startServer, type Served } from "../testing/kas-server";
import { makeKeys, makeRules, publishRules } from "../testing/update-mirror";

const dirs: string[] = [];
const servers: Served[] = [];
afterAll(() => {
  for (const s of servers) if (s.proc.exitCode === null) s.proc.kill("SIGKILL");
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

test("rule list with scores and hits; update now installs the mirror's version; roll back returns to the previous one", async () => {
  const dir = tempDir("kas-rules-page-");
  dirs.push(dir);
  const keys = makeKeys(dir);
  const mirror = join(dir, "mirror");
  publishRules(mirror, makeRules(join(dir, "r1"), "ONE", { "10_one.cf": "body KAS_PAGE_ONE /marker one/\nscore KAS_PAGE_ONE 1.5\ndescribe KAS_PAGE_ONE The first test rule\n" }), keys.priv, 1);
  const port = freePort();
  const native = `tcp:127.0.0.1:${freePort()}`;
  const base = `http://127.0.0.1:${port}`;
  const s = await startServer(dir, {
    extraListen: [native],
    toml: `${await controlSection(port)}[update]\nsources = [${JSON.stringify(mirror)}]\ntrusted_keys = [${JSON.stringify(keys.pubPath)}]\nreload_connect = "${native}"\n`,
    server: "start_filters = 1",
  });
  servers.push(s);
  const cookie = await loginCookie(base);
  const get = async () => unescape(await (await fetch(`${base}/rules`, { headers: { cookie } })).text());
  const post = async (path: string, csrf?: string) => {
    const r = await fetch(base + path, { method: "POST", headers: { cookie }, body: new URLSearchParams(csrf ? { csrf } : {}) });
    return { status: r.status, html: unescape(await r.text()) };
  };
  const before = await get();
  expect(before).toContain("<code>GTUBE</code>");
  const csrf = /name="csrf" value="([^"]+)"/.exec(before)![1];
  expect((await post("/rules/update")).status).toBe(403);
  expect((await s.status()).rules.version).toBe("builtin");

  const up = await post("/rules/update", csrf);
  expect([up.status, up.html]).toEqual([200, expect.stringContaining("kas update-db exited with 0")]);
  expect((await s.status()).rules).toMatchObject({ version: "1", loaded: true });
  await s.scan("Subject: x\r\n\r\nmarker one\r\n");
  const after = await get();
  expect(after).toMatch(/<code>KAS_PAGE_ONE<\/code><\/td><td>body<\/td><td class="n">1\.5<\/td><td class="n">1<\/td><td>The first test rule<\/td>/);
  expect(after).not.toContain("<code>GTUBE</code></td><td>body");
  const dash = unescape(await (await fetch(`${base}/`, { headers: { cookie } })).text());
  expect(dash).toMatch(/last update \d+ s ago: <span class="ok">installed rules version 1 from /);

  publishRules(mirror, makeRules(join(dir, "r2"), "TWO", { "10_two.cf": "body KAS_PAGE_TWO /marker two/\nscore KAS_PAGE_TWO 2\n" }), keys.priv, 2);
  expect((await post("/rules/update", csrf)).status).toBe(200);
  expect((await s.status()).rules.version).toBe("2");
  expect(await get()).toContain("<code>KAS_PAGE_TWO</code>");

  const back = await post("/rules/rollback", csrf);
  expect(back.status).toBe(200);
  expect(back.html).toContain("kas update-db --rollback exited with 0");
  expect((await s.status()).rules.version).toBe("1");
  expect(back.html).toContain("<code>KAS_PAGE_ONE</code>");
  expect(await s.stop()).toBe(0);
}, 120_000);
