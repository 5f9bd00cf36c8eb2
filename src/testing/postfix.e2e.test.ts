// The Postfix harness itself (testing/postfix.ts): it delivers mail for its test domain byte
// for byte (dot-stuffing undone), refuses to relay anything else, and leaves no process
// and no directory behind when stopped.
import { afterAll, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { startPostfix, type Postfix } from "./postfix";
import { sendMail } from "./smtp";

let pf: Postfix | undefined;
afterAll(async () => {
  await pf?.stop();
});

test("delivers to its domain with the body intact, refuses relaying, stops cleanly", async () => {
  pf = await startPostfix();
  const body = "line one\r\n.starts with a dot\r\n..two dots\r\n.\r\nlast\r\n";
  const ok = await sendMail(pf.port, { from: "a@example.org", rcpt: [`box@${pf.domain}`], data: `Subject: harness\r\n\r\n${body}` });
  expect(ok.reply.code).toBe(250);
  const relay = await sendMail(pf.port, { from: "a@example.org", rcpt: ["someone@example.com"], data: "Subject: relay\r\n\r\nno\r\n" });
  expect([relay.reply.code, relay.stage]).toEqual([554, "RCPT TO:<someone@example.com>"]);
  const [got] = await pf.waitDelivered(1, 30_000);
  expect(got).toContain(`Delivered-To: box@${pf.domain}\n`);
  expect(got.slice(got.indexOf("\n\n") + 2)).toBe(body.replace(/\r\n/g, "\n"));
  expect(pf.queue()).toEqual([]);
  const pid = Number(readFileSync(join(pf.base, "spool/pid/master.pid"), "utf8").trim());
  const base = pf.base;
  await pf.stop();
  pf = undefined;
  expect(existsSync(base)).toBe(false);
  expect(() => process.kill(pid, 0)).toThrow();
}, 60_000);
