// `kas filter` reads its message with read(2) (client/stdin.ts): through the compiled binary,
// a non-blocking pipe whose writer is slow (read(2) answers EAGAIN at first) still gives the
// whole message, and an unreadable stdin (a directory) is a deferral with the reason, not an
// internal error. No server: with on_error = "accept" the message comes back unscanned, so
// stdout shows exactly what kas read.
import { afterAll, expect, test } from "bun:test";
import { closeSync, constants, openSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import { kasBinary, tempDir, writeConfig } from "../testing/kas-binary";
import { freePort } from "../testing/kas-server";

const dir = tempDir("kas-stdin-");
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const cfg = writeConfig(dir, `[client]\nconnect_to = ["tcp:127.0.0.1:${freePort()}"]\nconnect_timeout = 1\non_error = "accept"\n`);

test("a non-blocking pipe written slowly: the whole message, nothing lost or doubled", async () => {
  const fifo = join(dir, "in.fifo");
  expect(Bun.spawnSync(["mkfifo", fifo]).exitCode).toBe(0);
  // The read end opened O_NONBLOCK, as a parent that set it on its pipe hands it over.
  const rd = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
  const wr = openSync(fifo, constants.O_WRONLY);
  const p = Bun.spawn([kasBinary(), "filter", "--config", cfg], { stdin: rd, stdout: "pipe", stderr: "pipe", env: { ...process.env, KAS_CONFIG: "", NO_COLOR: "1" } });
  closeSync(rd);
  const out = new Response(p.stdout).arrayBuffer();
  const head = "From: a@example.org\r\nTo: b@example.org\r\nSubject: slow\r\n\r\n";
  const lines = Array.from({ length: 3000 }, (_, i) => `line ${i} ${"x".repeat(60)}\r\n`);
  await Bun.sleep(200); // kas is waiting on an empty pipe: EAGAIN
  writeSync(wr, head);
  for (let i = 0; i < lines.length; i += 500) {
    writeSync(wr, lines.slice(i, i + 500).join(""));
    await Bun.sleep(20);
  }
  closeSync(wr);
  expect(await p.exited).toBe(0);
  const text = Buffer.from(await out).toString("latin1");
  expect(text).toContain("Subject: slow\r\n");
  expect(text.endsWith(lines.join(""))).toBe(true);
  expect(text.split("line 1234 ").length).toBe(2);
}, 30_000);

test("a directory on stdin: exit 75 with the reason, not an internal error", () => {
  const r = Bun.spawnSync(["sh", "-c", `"$0" filter --config "$1" < "$2"`, kasBinary(), cfg, dir], { env: { ...process.env, KAS_CONFIG: "", NO_COLOR: "1" } });
  expect(r.stderr.toString()).toContain("could not read the message from standard input (EISDIR)");
  expect(r.stderr.toString()).not.toContain("internal error");
  expect(r.exitCode).toBe(75);
});
