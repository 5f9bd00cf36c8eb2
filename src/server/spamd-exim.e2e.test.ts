// The spamd door proved with a real Exim 4.96 (testing/exim.ts) in front of the compiled
// `kas serve`: Exim's `spam =` ACL condition sends each message at DATA ("REPORT SPAMC/1.2"),
// puts $spam_score and $spam_report into header fields, and refuses spam, over SMTP.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { startExim, type Exim } from "../testing/exim";
import { REPO, tempDir } from "../testing/kas-binary";
import { freePort, startServer, type Served } from "../testing/kas-server";

const crlf = (s: string) => s.replace(/\r?\n/g, "\r\n");
const GTUBE = crlf(readFileSync(join(REPO, "fixtures/messages/gtube.eml"), "latin1"));
const dirs: string[] = [];
let kas: Served;
let exim: Exim;

beforeAll(async () => {
  const spamdPort = freePort();
  const dir = tempDir("kas-exim-");
  dirs.push(dir);
  kas = await startServer(dir, { toml: `[spamd]\nlisten = ["tcp:127.0.0.1:${spamdPort}"]\n`, server: "start_filters = 1" });
  // The ACL of Exim's spec (chapter "Content scanning at ACL time"): headers for every
  // message (":true" makes the condition succeed whatever the verdict), then reject spam.
  exim = await startExim({
    spamd: `127.0.0.1 ${spamdPort}`,
    dataAcl: [
      "warn    spam = nobody:true",
      "        add_header = X-Spam-Score: $spam_score",
      "        add_header = X-Spam-Report: $spam_report",
      "deny    spam = nobody",
      "        message = kas scored this $spam_score spam points",
      "accept",
    ],
  });
}, 120_000);

afterAll(async () => {
  await exim?.stop();
  if (kas?.proc.exitCode === null) kas.proc.kill("SIGKILL");
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const HAM = crlf(`From: Anna <anna@example.org>
To: Bob <bob@kas.test>
Subject: minutes
Message-ID: <minutes-1@example.org>
Date: Tue, 1 Dec 2026 10:00:00 +0000

Hi Bob,

here are the minutes of Tuesday's meeting. The release moves to October.

Anna
`);

test("ham: accepted at DATA, delivered with X-Spam-Score and the report from kas, body untouched; kas read the envelope from Exim's Received: field", async () => {
  const r = await exim.send({ from: "anna@example.org", rcpt: ["bob@kas.test"], data: HAM, helo: "client.example.org" });
  expect(r.reply.code).toBe(250);
  const got = exim.deliver();
  expect(got).toHaveLength(1);
  const m = got[0];
  expect(m).toMatch(/^X-Spam-Score: -?\d+\.\d$/m);
  expect(m).toMatch(/^X-Spam-Report: Content analysis by kas: not_detected \(-?\d+\.\d points, 5\.0 required\), policy default\n  pts rule name/m);
  expect(m.replace(/\r\n/g, "\n")).toContain("\n\nHi Bob,\n\nhere are the minutes of Tuesday's meeting. The release moves to October.\n\nAnna\n");
  // Exim wrote "Received: from [127.0.0.1] (helo=client.example.org) … (envelope-from <anna@example.org>)".
  const line = kas.log.filter((l) => l.includes("door=spamd") && l.includes("[scan]")).at(-1)!;
  expect(line).toContain("from=<anna@example.org>");
  expect(line).toContain("status=not_detected");
}, 60_000);

test("GTUBE: refused at DATA with Exim's message carrying $spam_score, nothing delivered", async () => {
  const r = await exim.send({ from: "spammer@example.com", rcpt: ["bob@kas.test"], data: GTUBE, helo: "spam.example.com" });
  expect(r.stage).toBe("DATA");
  expect(r.reply.code).toBe(550);
  expect(r.reply.text).toMatch(/^kas scored this \d{4}\.\d spam points$/);
  expect(exim.deliver()).toHaveLength(1); // still only the ham of the first test
  expect(exim.mainlog()).toMatch(/F=<spammer@example\.com> rejected after DATA: kas scored this/);
  expect(kas.log.some((l) => l.includes("door=spamd") && l.includes("status=spam") && l.includes("from=<spammer@example.com>"))).toBe(true);
}, 60_000);

test("kas down: Exim defers the message (4xx), as spamd being unreachable does", async () => {
  expect(await kas.stop()).toBe(0);
  const r = await exim.send({ from: "anna@example.org", rcpt: ["bob@kas.test"], data: HAM, helo: "client.example.org" });
  expect(r.reply.code).toBe(451);
}, 60_000);
