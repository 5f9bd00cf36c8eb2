// `[server] keep_freed_memory` with the compiled binary: on, the filtering processes run with
// MIMALLOC_PURGE_DELAY=-1 and the master without it; off, neither; an administrator's own value
// in the environment reaches every process. The start log says which, and the server scans in
// each case. `auto` decides by a measurement of this host, so what it decides is tested in
// allocator.test.ts; here, that it starts and that its processes agree with its log line.
// (Why the option exists: src/server/allocator.ts.)
import { afterAll, expect, test } from "bun:test";
import { tempDir } from "../testing/kas-binary";
import { startServer, untilStatus, type Served } from "../testing/kas-server";
import { purgeDelayOf } from "./allocator";

const servers: Served[] = [];
afterAll(async () => {
  for (const s of servers) if (s.proc.exitCode === null) s.proc.kill("SIGKILL");
});

const MSG = "From: a@example.net\r\nTo: b@example.com\r\nSubject: hello\r\n\r\nJust a note.\r\n";

async function served(server: string, env?: Record<string, string>): Promise<{ master?: string; workers: (string | undefined)[]; note: string }> {
  const s = await startServer(tempDir("kas-alloc-"), { server: `start_filters = 2\n${server}`, env });
  servers.push(s);
  const st = await untilStatus(s, (x) => x.pool.workers.length === 2 && x.pool.workers.every((w: any) => w.pid > 0));
  const r = await s.scan(MSG, { "X-KAS-Rcpt": "b@example.com" });
  expect(r.status).toBe(200);
  expect(typeof r.json.score).toBe("number");
  const note = await s.waitLog(/freed memory|MIMALLOC_PURGE_DELAY=/);
  const out = { note, master: purgeDelayOf(s.proc.pid!), workers: st.pool.workers.map((w: any) => purgeDelayOf(w.pid)) };
  expect(await s.stop()).toBe(0);
  return out;
}

test("on: the filtering processes run under MIMALLOC_PURGE_DELAY=-1, the master does not", async () => {
  const r = await served('keep_freed_memory = "on"');
  expect(r.workers).toEqual(["-1", "-1"]);
  expect(r.master).toBeUndefined();
  expect(r.note).toContain('filtering processes keep freed memory for reuse (MIMALLOC_PURGE_DELAY=-1): keep_freed_memory = "on"');
});

test("auto (the default): the server starts, and its filtering processes agree with what the start log says it measured", async () => {
  const r = await served("");
  const kept = r.note.includes("keep freed memory");
  expect(r.note).toMatch(/a fresh page costs \d+\.\d+ µs here/);
  expect(r.workers).toEqual(kept ? ["-1", "-1"] : [undefined, undefined]);
  expect(r.master).toBeUndefined();
});

test('keep_freed_memory = "off" leaves the allocator\'s default everywhere', async () => {
  const r = await served('keep_freed_memory = "off"');
  expect(r.note).toContain("return freed memory to the kernel");
  expect(r.master).toBeUndefined();
  expect(r.workers).toEqual([undefined, undefined]);
});

test("an administrator's MIMALLOC_PURGE_DELAY wins, in every process", async () => {
  const r = await served('keep_freed_memory = "on"', { MIMALLOC_PURGE_DELAY: "250" });
  expect(r.note).toContain("MIMALLOC_PURGE_DELAY=250 from the environment");
  expect(r.master).toBe("250");
  expect(r.workers).toEqual(["250", "250"]);
});
