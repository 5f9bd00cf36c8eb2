// `kas status` when no kas answers: exit 69 with the address tried, where it came from
// (--connect or [client] connect_to of which file) and what to check next.
import { afterAll, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { runKas, tempDir, writeConfig } from "../testing/kas-binary";

const dir = tempDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("nothing listening at [client] connect_to: hint names the address, the config file and kas serve", async () => {
  const sock = join(dir, "nobody.sock");
  const config = writeConfig(dir, `[client]\nconnect_to = ["unix:${sock}"]\nconnect_timeout = 2\n`);
  const r = await runKas(["status", "--config", config]);
  expect(r.exitCode).toBe(69);
  expect(r.stderr).toContain(`kas: status: unix:${sock}: connect:`);
  expect(r.stderr).toContain("kas: hint: is `kas serve` running?");
  expect(r.stderr).toContain(`unix:${sock} (the first [client] connect_to of ${config})`);
  expect(r.stderr).toContain("[server] listen");
});

test("--connect to a closed port: the hint names --connect", async () => {
  const probe = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = probe.port;
  probe.stop(true);
  const r = await runKas(["status", "--connect", `tcp:127.0.0.1:${port}`]);
  expect(r.exitCode).toBe(69);
  expect(r.stderr).toContain(`kas status asked --connect tcp:127.0.0.1:${port}`);
});

test("something other than kas answers: the hint says so instead of asking whether kas runs", async () => {
  const web = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response("not here", { status: 404 }) });
  try {
    const r = await runKas(["status", "--connect", `tcp:127.0.0.1:${web.port}`]);
    expect(r.exitCode).toBe(69);
    expect(r.stderr).toContain("but not kas serve");
    expect(r.stderr).not.toContain("is `kas serve` running?");
  } finally {
    web.stop(true);
  }
});
