// POST /v1/learn against the compiled `kas serve`: the master learns into the server's token
// database (data_dir/bayes), answers what it did, and refuses a request without a class.
import { afterAll, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { httpRequest } from "../client/http";
import { tempDir } from "../testing/kas-binary";
import { startServer, type Served } from "../testing/kas-server";

const servers: Served[] = [];
afterAll(() => {
  for (const s of servers) if (s.proc.exitCode === null) s.proc.kill("SIGKILL");
});

const MSG = "From: a@example.org\r\nTo: b@example.com\r\nSubject: cheap pills\r\nMessage-ID: <l1@example.org>\r\n\r\nBuy cheap pills now, limited offer.\r\n";
const T = { connectMs: 2000, dataMs: 30_000 };

test("learn through the server: learned, then already; a request without X-KAS-Learn is a bad_request", async () => {
  const dir = tempDir("kas-learn-srv-");
  const s = await startServer(dir, { server: "start_filters = 1" });
  servers.push(s);
  const learn = async (headers: Record<string, string>) => {
    const r = await httpRequest(s.addr, { method: "POST", path: "/v1/learn", headers, body: new TextEncoder().encode(MSG) }, T);
    return { status: r.status, json: JSON.parse(new TextDecoder().decode(r.body)) };
  };
  expect(await learn({ "X-KAS-Learn": "spam" })).toEqual({ status: 200, json: { version: 1, outcome: "learned", spam: 1, ham: 0 } });
  expect((await learn({ "X-KAS-Learn": "spam" })).json.outcome).toBe("already");
  const bad = await learn({});
  expect(bad.status).toBe(400);
  expect(bad.json.error.code).toBe("bad_request");
  expect(existsSync(join(dir, "data", "bayes", "bayes.sqlite"))).toBe(true);
  expect(await s.stop()).toBe(0);
}, 30_000);

test("auto-learning happens after the reply: the scan's reply has no learning note, the log has it, and the message is then known", async () => {
  const dir = tempDir("kas-autolearn-srv-");
  const s = await startServer(dir, { server: "start_filters = 1\nmax_filters = 1", toml: "[bayes]\nautolearn = true\nautolearn_spam_score = 1\n[log]\nlevel = \"info\"\n" });
  servers.push(s);
  const scanned = await s.scan(MSG);
  expect(scanned.status).toBe(200);
  expect(scanned.json.score).toBeGreaterThanOrEqual(1);
  expect(scanned.json.notes.filter((n: string) => /autolearned|autolearn skipped/.test(n))).toEqual([]);
  await s.waitLog(/bayes: autolearned as spam/);
  const again = await httpRequest(s.addr, { method: "POST", path: "/v1/learn", headers: { "X-KAS-Learn": "spam" }, body: new TextEncoder().encode(MSG) }, T);
  expect(JSON.parse(new TextDecoder().decode(again.body)).outcome).toBe("already");
  expect(await s.stop()).toBe(0);
}, 30_000);
